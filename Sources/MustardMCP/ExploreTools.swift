import Foundation
import MCP
import MustardExplore


/// The explore verbs as tools — `ls`, `get`, `describe`, `logs`, `events` — answered from the same local index as
/// the CLI's, with the same redaction of Secret values and scrubbing of credentials.
enum ExploreTools {
    static var all: [MustardTool] { [ls, get, describe, logs, events] }

    static let scope: [String: Value] = [
        "namespace": .object(["type": "string", "description": "Only this namespace (default: every namespace)."]),
        "cluster": .object(["type": "string", "description": "Only this cluster of an MTC gather (ls lists them)."]),
    ]

    static func merged(_ parts: [String: Value]...) -> [String: Value] {
        parts.reduce(into: [:]) { all, part in all.merge(part) { a, _ in a } }
    }

    /// A page of a table's rows as JSON (column name → cell as `oc get` prints it, with each row's cluster and
    /// namespace), read as a stream: the rows outside the page are only counted (a page of 100 of a dump's 175,000
    /// events converts 100, and holds no more).
    static func paged(_ arguments: [String: Value], _ read: ((RowStream) throws -> Void) throws -> [String]) throws -> Value {
        let (offset, limit) = try Paging.window(arguments)
        var items: [Value] = []
        var total = 0
        let columns = try read { table in
            try table.forEachRow { row in
                if total >= offset, items.count < limit {
                    var o: [String: Value] = ["cluster": .string(row.key.cluster), "namespace": row.key.namespace.map(Value.string) ?? .null]
                    for (column, cell) in zip(table.columns, row.cells) { o[column] = .string(cell.shown(now: table.now)) }
                    items.append(.object(o))
                }
                total += 1
            }
        }
        guard case .object(var page) = Paging.page(items, total: total, start: min(offset, total), key: "rows") else { return .null }
        page["columns"] = .array(columns.map(Value.string))
        return .object(page)
    }

    static let ls = MustardTool(
        spec: Tool(
            name: "ls",
            description: "What a dump holds: clusters and layouts, the gather time, namespaces, every kind with its count per cluster.",
            inputSchema: ToolCatalog.schema([:]), annotations: ToolCatalog.readOnly),
        run: { arguments, session in
            let explorer = try await session.explorer(try Arguments.string(arguments, "dump"))
            try explorer.countEverything()  // every kind's count, without indexing what no question read yet
            return .object(["summary": .string(SummaryText.render(explorer.summary, verbose: true))])
        })

    static let get = MustardTool(
        spec: Tool(
            name: "get",
            description: """
                List objects of a kind like `oc get` (its columns, AGE relative to the gather time), or the objects as \
                gathered (output json; Secret values stay redacted). Kinds by name, short name or plural, core and \
                custom alike: pods, deploy, mig, migplan, migcluster, backup, restore, podvolumebackup, dvm…
                """,
            inputSchema: ToolCatalog.schema(merged(scope, Paging.schemaProperties, [
                "kind": .object(["type": "string", "description": "The kind: pod, pods, po, MigMigration, mig, backup…"]),
                "name": .object(["type": "string", "description": "One object's name."]),
                "selector": .object(["type": "string", "description": "Label selector: key=value, key!=value, key, !key, key in (a,b)."]),
                "output": .object(["type": "string", "enum": ["table", "wide", "json"], "description": "table (default), wide, or json: the objects as gathered."]),
            ]), required: ["kind"]), annotations: ToolCatalog.readOnly),
        run: { arguments, session in
            let explorer = try await session.explorer(try Arguments.string(arguments, "dump"))
            guard let kind = try Arguments.string(arguments, "kind") else { throw ToolError.invalid("kind is required") }
            let selector = try Arguments.string(arguments, "selector").map { text in
                do { return try LabelSelector(parsing: text) } catch { throw ToolError.invalid("selector \(text): \(error)") }
            }
            let query = GetQuery(
                kind: kind, name: try Arguments.string(arguments, "name"), namespace: try Arguments.string(arguments, "namespace"),
                cluster: try Arguments.string(arguments, "cluster"), selector: selector)
            switch try Arguments.string(arguments, "output") ?? "table" {
            case "json":
                let objects = try explorer.objects(query).map { try JSONDecoder().decode(Value.self, from: Data(ValueText.json($0.body).utf8)) }
                return try Paging.page(objects, arguments: arguments, key: "objects")
            case "table":
                return try paged(arguments) { try explorer.get(query, read: $0) }
            case "wide":
                return try paged(arguments) { try explorer.get(query, wide: true, read: $0) }
            default:
                throw ToolError.invalid("output must be table, wide or json")
            }
        })

    static let describe = MustardTool(
        spec: Tool(
            name: "describe",
            description: "One object described like `oc describe`: its fields, conditions and the events about it.",
            inputSchema: ToolCatalog.schema(merged(scope, [
                "kind": .object(["type": "string", "description": "The kind (pod, mig, backup…)."]),
                "name": .object(["type": "string", "description": "The object's name."]),
            ]), required: ["kind", "name"]), annotations: ToolCatalog.readOnly),
        run: { arguments, session in
            let explorer = try await session.explorer(try Arguments.string(arguments, "dump"))
            guard let kind = try Arguments.string(arguments, "kind"), let name = try Arguments.string(arguments, "name") else {
                throw ToolError.invalid("kind and name are required")
            }
            let described = try explorer.describe(
                kind: kind, name: name, namespace: try Arguments.string(arguments, "namespace"), cluster: try Arguments.string(arguments, "cluster"))
            return .object(["description": .string(DescribeText.render(described, showCluster: explorer.isMultiCluster))])
        })

    static let logs = MustardTool(
        spec: Tool(
            name: "logs",
            description: """
                A pod's container log as gathered, in pages of lines; filter by a substring and by time relative to the \
                gather time (since/until such as 30m, 2h). Credentials in lines are scrubbed.
                """,
            inputSchema: ToolCatalog.schema(merged(scope, Paging.schemaProperties, [
                "pod": .object(["type": "string", "description": "The pod's name."]),
                "container": .object(["type": "string", "description": "The container (default: the only one, or the first)."]),
                "previous": .object(["type": "boolean", "description": "The previous run's log."]),
                "since": .object(["type": "string", "description": "Only lines newer than this before the gather time: 30m, 2h, 1d."]),
                "until": .object(["type": "string", "description": "Only lines older than this before the gather time."]),
                "grep": .object(["type": "string", "description": "Only lines containing this text."]),
            ]), required: ["pod"]), annotations: ToolCatalog.readOnly),
        run: { arguments, session in
            let explorer = try await session.explorer(try Arguments.string(arguments, "dump"))
            guard let pod = try Arguments.string(arguments, "pod") else { throw ToolError.invalid("pod is required") }
            func seconds(_ name: String) throws -> Double? {
                try Arguments.string(arguments, name).map { text in
                    do { return try LogQuery.seconds(text) } catch { throw ToolError.invalid("\(name) \(text): \(error)") }
                }
            }
            let query = LogQuery(
                pod: pod, container: try Arguments.string(arguments, "container"), namespace: try Arguments.string(arguments, "namespace"),
                cluster: try Arguments.string(arguments, "cluster"), previous: arguments["previous"]?.boolValue ?? false,
                sinceSeconds: try seconds("since"), untilSeconds: try seconds("until"), grep: try Arguments.string(arguments, "grep"))
            var lines: [Value] = []
            let selection = try explorer.logs(query) { line in
                lines.append(.object(["text": .string(line.text), "time": line.time.map { .string($0.description) } ?? .null]))
            }
            guard case .object(var page) = try Paging.page(lines, arguments: arguments, key: "lines") else { return .null }
            page["pod"] = .string(selection.pod)
            page["namespace"] = .string(selection.namespace)
            page["cluster"] = .string(selection.cluster)
            page["container"] = selection.container.map(Value.string) ?? .null
            page["path"] = .string(selection.path)
            return .object(page)
        })

    static let events = MustardTool(
        spec: Tool(
            name: "events",
            description: "Events oldest first by last seen, as `oc get events` prints them (AGE relative to the gather time); filter by the object they are about and by type.",
            inputSchema: ToolCatalog.schema(merged(scope, Paging.schemaProperties, [
                "for": .object(["type": "string", "description": "Only events about this object: KIND/NAME (pod/web-1, mig/abc)."]),
                "types": .object(["type": "array", "items": .object(["type": "string"]), "description": "Only these types: Warning, Normal."]),
            ])), annotations: ToolCatalog.readOnly),
        run: { arguments, session in
            let explorer = try await session.explorer(try Arguments.string(arguments, "dump"))
            var involved: (kind: String, name: String)?
            if let target = try Arguments.string(arguments, "for") {
                guard let slash = target.firstIndex(of: "/") else { throw ToolError.invalid("for must be KIND/NAME") }
                involved = (String(target[..<slash]), String(target[target.index(after: slash)...]))
            }
            let types = arguments["types"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let query = EventQuery(
                namespace: try Arguments.string(arguments, "namespace"), cluster: try Arguments.string(arguments, "cluster"),
                involved: involved, types: types)
            return try paged(arguments) { try explorer.events(query, read: $0) }
        })
}
