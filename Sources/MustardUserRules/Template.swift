import MustardModel
import MustardRules

/// A finding's text with `{{ … }}` holes filled from the matched objects: `{{ object.metadata.name }}`,
/// `{{ plan.spec.destMigClusterRef.name }}` (a related object by its alias), `{{ event.message }}`, `{{ log.text }}`,
/// `{{ cluster }}`, `{{ count }}` (matched events or lines), `{{ now }}` (the gather time).
///
/// No expressions, filters or loops: a hole names a value, nothing else, so a rule file stays data. In a command
/// every hole is shell-quoted (`shellQuote`), so a name from the dump is one word and cannot run anything.
public struct Template: Sendable {
    enum Part: Sendable {
        case text(String)
        case hole(root: String, path: FieldPath?)
    }

    let parts: [Part]
    public let source: String

    /// Longest text one hole puts in.
    static let maxValueLength = 1024

    /// Names a rule file can use only with the clause that matches what they name.
    static let needsClause = [
        "event": "is the first matching event, so it needs an `events` clause in `match`",
        "log": "is the first matching log line, so it needs a `logs` clause",
    ]

    /// Parses `source`; `roots` are the names a hole may start with.
    init(_ source: String, roots: Set<String>, secretRoots: Set<String>) throws(RuleFileError.Problem) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.rangeOfPair(of: UInt8(ascii: "{")) {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].rangeOfPair(of: UInt8(ascii: "}")) else {
                throw .init(line: nil, field: nil, message: "'{{' without '}}'")
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingSpaces
            let root = String(inner.prefix { $0 != "." && $0 != "[" })
            guard roots.contains(root) else {
                let clause = Self.needsClause[root].map { ": '\(root)' \($0)" } ?? ""
                throw .init(line: nil, field: nil, message: "unknown name '\(root)' in {{ \(inner) }}; known: \(roots.sorted().joined(separator: ", "))\(clause)")
            }
            let pathText = inner.dropFirst(root.count).drop { $0 == "." }
            let path = pathText.isEmpty ? nil : try FieldPath(String(pathText))
            if secretRoots.contains(root), path?.readsSecretData ?? false {
                throw .init(line: nil, field: nil, message: "{{ \(inner) }} would print a Secret's data: templates cannot")
            }
            parts.append(.hole(root: root, path: path))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The text with its holes filled; `quote` for commands.
    func render(_ scope: TemplateScope, quote: Bool) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .hole(let root, let path):
                // A text of at most that many UTF-8 bytes has at most that many characters: cut only longer ones
                // (counting characters walks grapheme breaks).
                let values = scope.values(root: root, path: path).map { $0.utf8.count <= Self.maxValueLength ? $0 : String($0.prefix(Self.maxValueLength)) }
                if quote {
                    out += values.isEmpty ? "''" : values.map(shellQuote).joined(separator: " ")
                } else {
                    out += values.isEmpty ? "(none)" : values.joined(separator: ", ")
                }
            }
        }
        return out
    }
}

/// What holes are filled from: the objects of one match.
struct TemplateScope {
    var objects = SmallTable<KubeObject>()
    var scalars = SmallTable<String>()
    var event: Event?
    var log: LogLine?

    func values(root: String, path: FieldPath?) -> [String] {
        if let s = scalars[root] { return path == nil ? [s] : [] }
        if root == "event", let event {
            guard let path else { return [event.message] }
            return Self.strings(path.values(in: event.object.body))
        }
        if root == "log", let log {
            guard let path, case .key(let key)? = path.steps.first else { return [log.text] }
            switch key {
            case "text": return [log.text]
            case "pod": return [log.pod]
            case "namespace": return [log.namespace]
            case "container": return log.container.map { [$0] } ?? []
            case "time": return log.time.map { [$0.description] } ?? []
            default: return log.fields[key].map { [$0] } ?? []
            }
        }
        guard let object = objects[root] else { return [] }
        guard let path else { return [object.reference] }
        // Secret values are dropped as the dump is read; this keeps a template from ever reaching for them.
        if object.kind == "Secret", path.readsSecretData { return [] }
        return Self.strings(path.values(in: object.body))
    }

    /// Scalars as they are; lists and mappings as a count, never dumped whole.
    static func strings(_ values: [Value]) -> [String] {
        values.map { v in
            switch v {
            case .scalar(let s): return s
            case .sequence(let items): return "[\(items.count) items]"
            case .mapping(let m): return "{\(m.count) fields}"
            case .null: return ""
            }
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces (U+0020 only), by UTF-8 bytes: a space is one byte and never part of
    /// another scalar, so the cuts fall on scalar boundaries.
    var trimmingSpaces: String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") }), let last = bytes.lastIndex(where: { $0 != UInt8(ascii: " ") })
        else { return "" }
        return String(self[first..<bytes.index(after: last)])
    }

    /// Where `byte` (ASCII) occurs twice in a row first, as in `{{`, by UTF-8 bytes rather than Foundation's
    /// `range(of:)`: rule files are read at every run, and their templates' holes were most of that.
    func rangeOfPair(of byte: UInt8) -> Range<Index>? {
        let bytes = utf8
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let next = bytes.index(after: i)
            if bytes[i] == byte, next != bytes.endIndex, bytes[next] == byte { return i..<bytes.index(after: next) }
            i = next
        }
        return nil
    }
}

/// A few named values (a scope holds three or four), looked up by comparing names: a dictionary hashed the name at
/// every hole of every finding, and rule files matching thousands of objects fill thousands of templates.
struct SmallTable<Value> {
    private var entries: [(name: String, value: Value)] = []

    subscript(name: String) -> Value? {
        get { entries.first { $0.name == name }?.value }
        set {
            let i = entries.firstIndex { $0.name == name }
            switch (i, newValue) {
            case (let i?, let value?): entries[i].value = value
            case (let i?, nil): entries.remove(at: i)
            case (nil, let value?): entries.append((name, value))
            case (nil, nil): break
            }
        }
    }
}
