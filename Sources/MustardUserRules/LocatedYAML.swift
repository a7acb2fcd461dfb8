import CYAML

/// A YAML node of a rule or suppression file, with the line it starts on, so every error can name file, line and field.
///
/// Rule files are small and written by people, unlike the dump's YAML: this reader keeps lines (the dump's reader
/// does not) and refuses what a data file has no use for — anchors and aliases, tags, more than one document —
/// within fixed bounds, so a hostile file is an error, never a hang.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String)
        /// A `~`, `null` or empty plain scalar.
        case null
        case sequence([YAMLNode])
        case mapping([(key: String, keyLine: Int, value: YAMLNode)])
    }

    public let content: Content
    public let line: Int

    /// Bounds on a rule or suppression file.
    public static let maxBytes = 1 << 20
    public static let maxDepth = 32
    public static let maxNodes = 100_000

    /// Parses one document; errors carry the line.
    public static func parse(_ bytes: [UInt8]) throws(RuleFileError.Problem) -> YAMLNode {
        guard bytes.count <= maxBytes else { throw .init(line: nil, field: nil, message: "larger than \(maxBytes >> 10) KiB") }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw .init(line: nil, field: nil, message: "libyaml could not start") }
        defer { yaml_parser_delete(&parser) }
        var builder = Builder()
        let result: Result<YAMLNode?, RuleFileError.Problem> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
                    return .failure(.init(line: Int(parser.problem_mark.line) + 1, field: nil, message: "not valid YAML: \(problem)"))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return .success(builder.document) }
                do throws(RuleFileError.Problem) { try builder.handle(&event) } catch { return .failure(error) }
            }
        }
        switch result {
        case .success(let node?): return node
        case .success(nil): throw .init(line: 1, field: nil, message: "the file is empty")
        case .failure(let problem): throw problem
        }
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    public var scalar: String? { if case .scalar(let s) = content { return s } else { return nil } }

    var kindName: String {
        switch content {
        case .scalar: return "a scalar"
        case .null: return "null"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// Turns libyaml's events into nodes, one frame per open collection.
private struct Builder {
    struct Frame {
        let isMapping: Bool
        let line: Int
        var items: [YAMLNode] = []
        var pairs: [(key: String, keyLine: Int, value: YAMLNode)] = []
        var key: (String, Int)?
    }

    var frames: [Frame] = []
    var document: YAMLNode?
    var nodes = 0
    var documents = 0

    mutating func handle(_ event: inout yaml_event_t) throws(RuleFileError.Problem) {
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 { throw .init(line: line, field: nil, message: "one document per file (found a second `---`)") }
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            let anchor = event.type == YAML_MAPPING_START_EVENT ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            if anchor != nil { throw .init(line: line, field: nil, message: "anchors and aliases are not allowed in rule files") }
            if frames.count >= YAMLNode.maxDepth { throw .init(line: line, field: nil, message: "nested deeper than \(YAMLNode.maxDepth) levels") }
            frames.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT, line: line))
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = frames.popLast() else { return }
            try add(YAMLNode(content: frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), line: frame.line), line: frame.line)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            if s.anchor != nil { throw .init(line: line, field: nil, message: "anchors and aliases are not allowed in rule files") }
            let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
            let plain = s.style == YAML_PLAIN_SCALAR_STYLE
            let isNull = plain && ["", "~", "null", "Null", "NULL"].contains(text)
            try add(YAMLNode(content: isNull ? .null : .scalar(text), line: line), line: line)
        case YAML_ALIAS_EVENT:
            throw .init(line: line, field: nil, message: "anchors and aliases are not allowed in rule files")
        default:
            break
        }
    }

    private mutating func add(_ node: YAMLNode, line: Int) throws(RuleFileError.Problem) {
        nodes += 1
        if nodes > YAMLNode.maxNodes { throw .init(line: line, field: nil, message: "more than \(YAMLNode.maxNodes) values") }
        guard var frame = frames.popLast() else {
            document = node
            return
        }
        defer { frames.append(frame) }
        if !frame.isMapping {
            frame.items.append(node)
        } else if let (key, keyLine) = frame.key {
            if frame.pairs.contains(where: { $0.key == key }) {
                throw .init(line: keyLine, field: key, message: "duplicate key '\(key)'")
            }
            frame.pairs.append((key, keyLine, node))
            frame.key = nil
        } else {
            guard case .scalar(let key) = node.content else {
                throw .init(line: line, field: nil, message: "a mapping key must be a plain string")
            }
            frame.key = (key, line)
        }
    }
}
