import MCP

/// Tool results stay small enough for an assistant's context: lists come in pages (`offset`, `limit`), and a
/// result past `maxCharacters` is refused with how to ask for less, rather than cut mid-object.
enum Paging {
    static let defaultLimit = 100
    static let maxLimit = 500
    static let maxCharacters = 200_000

    /// The page asked for: its first item and at most how many.
    static func window(_ arguments: [String: Value]) throws -> (offset: Int, limit: Int) {
        let offset = try Arguments.int(arguments, "offset") ?? 0
        let limit = try Arguments.int(arguments, "limit") ?? defaultLimit
        guard offset >= 0 else { throw ToolError.invalid("offset must be 0 or more") }
        guard (1...maxLimit).contains(limit) else { throw ToolError.invalid("limit must be 1 to \(maxLimit)") }
        return (offset, limit)
    }

    /// One page of `items` with where the next one starts (null on the last).
    static func page(_ items: [Value], arguments: [String: Value], key: String) throws -> Value {
        let (offset, limit) = try window(arguments)
        let start = min(offset, items.count)
        let end = min(start + limit, items.count)
        return page(Array(items[start..<end]), total: items.count, start: start, key: key)
    }

    /// A page of `total` items: `items` are those from `start` on.
    static func page(_ items: [Value], total: Int, start: Int, key: String) -> Value {
        let end = start + items.count
        return .object([key: .array(items), "total": .int(total), "offset": .int(start), "nextOffset": end < total ? .int(end) : .null])
    }

    /// The schema properties every paged tool takes.
    static let schemaProperties: [String: Value] = [
        "offset": .object(["type": "integer", "minimum": 0, "description": "First item to return (default 0)."]),
        "limit": .object(["type": "integer", "minimum": 1, "maximum": .int(maxLimit), "description": .string("Items per page (default \(defaultLimit)).")]),
    ]
}

/// Reading a tool's arguments: a wrong type is the caller's error, said with the argument's name.
enum Arguments {
    static func string(_ arguments: [String: Value], _ name: String) throws -> String? {
        guard let value = arguments[name], value != .null else { return nil }
        guard let s = value.stringValue else { throw ToolError.invalid("\(name) must be a string") }
        return s
    }

    static func int(_ arguments: [String: Value], _ name: String) throws -> Int? {
        guard let value = arguments[name], value != .null else { return nil }
        if let i = value.intValue { return i }
        if let d = value.doubleValue, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw ToolError.invalid("\(name) must be an integer")
    }
}
