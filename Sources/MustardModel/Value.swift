/// A decoded YAML (or JSON) value, as `oc` writes Kubernetes objects.
///
/// Scalars stay text: whether `"true"` is a bool or a string is the reader's business, as in Kubernetes
/// itself, where a field's type comes from its schema, not its spelling.
public enum Value: Sendable, Equatable {
    case null
    case scalar(String)
    case sequence([Value])
    case mapping([String: Value])

    /// The value at `key` of a mapping, `.null` otherwise.
    public subscript(key: String) -> Value {
        if case .mapping(let m) = self { return m[key] ?? .null }
        return .null
    }

    /// The value at a dotted path such as `status.phase`.
    public subscript(path path: String) -> Value {
        path.split(separator: ".").reduce(self) { $0[String($1)] }
    }

    public var string: String? {
        if case .scalar(let s) = self { return s }
        return nil
    }

    /// `true` for `true`/`True`/`TRUE` (YAML 1.1 and Kubernetes spellings), `false` likewise, `nil` otherwise.
    public var bool: Bool? {
        switch string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public var int: Int? { string.flatMap { Int($0) } }

    public var array: [Value] {
        if case .sequence(let items) = self { return items }
        return []
    }

    public var mapping: [String: Value]? {
        if case .mapping(let m) = self { return m }
        return nil
    }

    /// A mapping of strings (labels, annotations, ConfigMap data); non-string values are left out.
    public var stringMap: [String: String] {
        guard let m = mapping else { return [:] }
        return m.compactMapValues { $0.string }
    }

    public var isNull: Bool { self == .null }
}
