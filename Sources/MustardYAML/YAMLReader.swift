import CYAML
import MustardModel

/// Why a YAML file could not be decoded.
public struct YAMLError: Error, CustomStringConvertible {
    public let message: String
    public let line: Int?
    public var description: String { line.map { "YAML error at line \($0): \(message)" } ?? "YAML error: \(message)" }
}

/// Decodes YAML into `Value` trees straight from libyaml's events.
///
/// Written by hand over libyaml rather than with Yams: measured here it is 2.5× faster than Yams 6 with the
/// basic resolver and uses a third of the memory (on a 50 MB pod list: 3.7 s and 642 MB for Yams' fastest
/// path), and it lets us bound alias expansion
/// and nesting and report duplicate keys as warnings instead of failing the whole file.
public struct YAMLReader: Sendable {
    /// Nodes that aliases may add in total (guards against "billion laughs").
    public var maxAliasNodes = 1_000_000
    /// Deepest nesting accepted.
    public var maxDepth = 256
    /// Values one file may decode to. Bytes are bounded by `--max-entry-bytes`, but 128 MiB of `- a` lines are 30
    /// million values, 1.5 GB decoded; a real file holds a value per 50 bytes or so (2.7 million at 128 MiB).
    public var maxNodes = 4_000_000
    /// Try `OCYAMLParser` first, the fast reader of the YAML `oc` writes, and use libyaml only for what it does not
    /// recognise. Both give the same documents; turning this off forces libyaml (tests compare the two).
    public var fastPath = true
    /// Parts of objects the fast path moves past unread, because the caller drops them (`YAMLPruning`); libyaml,
    /// when the fast path falls back, reads everything.
    public var pruning: YAMLPruning?

    public init() {}

    /// The documents of a YAML stream, and warnings such as duplicate keys.
    public func documents(_ bytes: [UInt8]) throws -> (documents: [Value], warnings: [String]) {
        if fastPath, let documents = OCYAMLParser.documents(bytes, maxDepth: maxDepth, maxNodes: maxNodes, pruning: pruning) {
            return (documents, [])
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(message: "libyaml could not start", line: nil) }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(maxAliasNodes: maxAliasNodes, maxDepth: maxDepth)
            builder.maxNodes = maxNodes
            builder.nodesLeft = maxNodes
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
                    throw YAMLError(message: problem, line: Int(parser.problem_mark.line) + 1)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.handle(&event)
            }
            return (builder.documents, builder.warnings)
        }
    }
}

/// Turns the event stream into values, one stack frame per open collection.
///
/// The items of open collections sit in two flat stacks (`keys`, `values`) and are moved out when their collection
/// ends: a frame never holds an array of its own, which each append would copy (a flow list of 150,000 items was
/// quadratic).
private struct TreeBuilder {
    struct Frame {
        let isMapping: Bool
        let anchor: String?
        /// Where this collection's items start in `values`, and its keys in `keys`.
        let firstValue: Int
        let firstKey: Int
        /// A mapping's key whose value comes next.
        var key: String?
        /// A large mapping's keys, for the duplicate check.
        var seen: Set<String>?
    }

    let maxAliasNodes: Int
    let maxDepth: Int
    var frames: [Frame] = []
    var keys: [String] = []
    var values: [Value] = []
    var documents: [Value] = []
    var warnings: [String] = []
    var anchors: [String: (value: Value, nodes: Int)] = [:]
    var aliasNodes = 0
    var maxNodes = Int.max
    var nodesLeft = Int.max

    init(maxAliasNodes: Int, maxDepth: Int) {
        self.maxAliasNodes = maxAliasNodes
        self.maxDepth = maxDepth
    }

    mutating func handle(_ event: inout yaml_event_t) throws {
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_MAPPING_START_EVENT:
            try push(isMapping: true, anchor: Self.text(event.data.mapping_start.anchor), line: line)
        case YAML_SEQUENCE_START_EVENT:
            try push(isMapping: false, anchor: Self.text(event.data.sequence_start.anchor), line: line)
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = frames.popLast() else { return }
            let items = Array(values[frame.firstValue...])
            values.removeSubrange(frame.firstValue...)
            if frame.isMapping {
                let names = Array(keys[frame.firstKey...])
                keys.removeSubrange(frame.firstKey...)
                try add(.mapping(Fields(distinctKeys: names, values: items)), anchor: frame.anchor, line: line)
            } else {
                try add(.sequence(items), anchor: frame.anchor, line: line)
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let tag = Self.text(s.tag)
            let isNull = tag == "tag:yaml.org,2002:null"
                || (s.style == YAML_PLAIN_SCALAR_STYLE && tag == nil && ["", "~", "null", "Null", "NULL"].contains(text))
            try add(isNull ? .null : .scalar(text), anchor: Self.text(s.anchor), line: line)
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw YAMLError(message: "unknown alias *\(name)", line: line) }
            aliasNodes += anchored.nodes
            if aliasNodes > maxAliasNodes {
                throw YAMLError(message: "aliases expand to more than \(maxAliasNodes) nodes (possible billion-laughs document)", line: line)
            }
            try add(anchored.value, anchor: nil, line: line)
        default:
            break
        }
    }

    private mutating func push(isMapping: Bool, anchor: String?, line: Int) throws {
        if frames.count >= maxDepth { throw YAMLError(message: "nested deeper than \(maxDepth) levels", line: line) }
        frames.append(Frame(isMapping: isMapping, anchor: anchor, firstValue: values.count, firstKey: keys.count))
    }

    private mutating func add(_ value: Value, anchor: String?, line: Int) throws {
        nodesLeft -= 1
        if nodesLeft < 0 {
            throw YAMLError(message: "more than \(maxNodes) values in one file: not decoded (so many tiny values would take gigabytes)", line: line)
        }
        if let anchor { anchors[anchor] = (value, Self.nodeCount(value)) }
        guard let top = frames.indices.last else {
            documents.append(value)
            return
        }
        guard frames[top].isMapping else {
            values.append(value)
            return
        }
        guard let key = frames[top].key else {
            switch value {
            case .scalar(let s): frames[top].key = s
            case .null: frames[top].key = ""
            default: frames[top].key = "<complex key>"
            }
            return
        }
        frames[top].key = nil
        // Small mappings are searched; large ones keep a set, so a hostile 100,000-key mapping stays linear.
        let first = frames[top].firstKey
        let duplicate = frames[top].seen.map { $0.contains(key) } ?? keys[first...].contains(key)
        if duplicate {
            warnings.append("duplicate key '\(key)' at line \(line); the first value is kept")
            return
        }
        keys.append(key)
        values.append(value)
        if frames[top].seen != nil {
            frames[top].seen?.insert(key)
        } else if keys.count - first > 32 {
            frames[top].seen = Set(keys[first...])
        }
    }

    private static func nodeCount(_ v: Value) -> Int {
        switch v {
        case .null, .scalar: return 1
        case .sequence(let s): return 1 + s.reduce(0) { $0 + nodeCount($1) }
        case .mapping(let m): return 1 + m.values.reduce(0) { $0 + nodeCount($1) }
        }
    }

    private static func text(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
