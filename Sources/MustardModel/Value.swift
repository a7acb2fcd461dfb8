/// A decoded YAML (or JSON) value, as `oc` writes Kubernetes objects.
///
/// Scalars stay text: whether `"true"` is a bool or a string is the reader's business, as in Kubernetes
/// itself, where a field's type comes from its schema, not its spelling.
public enum Value: Sendable, Equatable {
    case null
    case scalar(String)
    case sequence([Value])
    case mapping(Fields)

    /// The value at `key` of a mapping, `.null` otherwise.
    public subscript(key: String) -> Value {
        if case .mapping(let m) = self { return m[key] ?? .null }
        return .null
    }

    /// The value at a dotted path such as `status.phase`.
    public subscript(path path: String) -> Value {
        // By UTF-8 bytes: `split` on Characters was a visible share of loading a large dump.
        var current = self
        var start = path.utf8.startIndex
        var i = start
        let end = path.utf8.endIndex
        while i != end {
            if path.utf8[i] == UInt8(ascii: ".") {
                if start != i { current = current[String(path[start..<i])] }
                start = path.utf8.index(after: i)
            }
            i = path.utf8.index(after: i)
        }
        return start != end ? current[String(path[start..<end])] : current
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

    public var mapping: Fields? {
        if case .mapping(let m) = self { return m }
        return nil
    }

    /// A mapping of strings (labels, annotations, ConfigMap data); non-string values are left out.
    public var stringMap: [String: String] {
        guard let m = mapping else { return [:] }
        var out: [String: String] = [:]
        for (key, value) in m { if let s = value.string, out[key] == nil { out[key] = s } }
        return out
    }

    public var isNull: Bool { self == .null }
}

/// The keys and values of a YAML mapping, in document order.
///
/// Two parallel arrays rather than a `Dictionary`: Kubernetes objects are tens of thousands of small mappings, and
/// arrays take about half the memory of hash tables and no hashing to build, while a linear look-up among a
/// handful of keys is as fast.
public struct Fields: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, Value)...) {
        for (key, value) in elements { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value of `key`; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> Value? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue { values[i] = newValue } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Keys known to be distinct (the YAML readers check duplicates themselves) with their values, in order.
    public init(distinctKeys keys: [String], values: [Value]) {
        precondition(keys.count == values.count, "one value per key")
        self.keys = keys
        self.values = values
    }

    /// Appends a key known not to be present (the YAML reader checks duplicates itself).
    public mutating func appendNew(_ key: String, _ value: Value) {
        keys.append(key)
        values.append(value)
    }

    /// The fields for which `isIncluded` holds, in order; the arrays sized to fit, since slimmed objects are kept.
    public func filter(_ isIncluded: ((key: String, value: Value)) -> Bool) -> Fields {
        let kept = keys.indices.filter { isIncluded((keys[$0], values[$0])) }
        if kept.count == keys.count { return self }
        return Fields(distinctKeys: kept.map { keys[$0] }, values: kept.map { values[$0] })
    }

    public func mapValues(_ transform: (Value) -> Value) -> Fields {
        var out = self
        out.values = values.map(transform)
        return out
    }

    public func makeIterator() -> AnyIterator<(key: String, value: Value)> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], values[i])
        }
    }

    /// Equal when they hold the same keys with equal values, whatever the order.
    public static func == (l: Fields, r: Fields) -> Bool {
        l.count == r.count && zip(l.keys, l.values).allSatisfy { r[$0.0] == $0.1 }
    }
}
