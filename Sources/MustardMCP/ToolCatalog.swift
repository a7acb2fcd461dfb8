import MCP
import MustardReport
import MustardRules

/// One tool: what the client sees (name, description, input schema) and what answers it.
struct MustardTool: Sendable {
    let spec: Tool
    let run: @Sendable (_ arguments: [String: Value], _ session: DumpSession) async throws -> Value
}

/// The tools `mustard mcp` offers: the CLI's capabilities, answering with the JSON report's shapes.
enum ToolCatalog {
    static let dumpProperty: Value = .object([
        "type": "string",
        "description": "Which dump: its path as served, its file name, or its index in `dumps`; optional when one is served.",
    ])

    static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        var properties = properties
        properties["dump"] = dumpProperty
        return .object([
            "type": "object", "properties": .object(properties),
            "required": .array(required.map(Value.string)), "additionalProperties": false,
        ])
    }

    static let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)

    static var all: [MustardTool] { [dumps, analyze, explain, timeline, rules] + ExploreTools.all }

    static let dumps = MustardTool(
        spec: Tool(
            name: "dumps", description: "The must-gather dumps this server serves, with their index.",
            inputSchema: .object(["type": "object", "properties": .object([:]), "additionalProperties": false]), annotations: readOnly),
        run: { _, session in
            .object(["dumps": .array(session.dumps.enumerated().map { .object(["index": .int($0), "path": .string($1)]) })])
        })

    static let analyze = MustardTool(
        spec: Tool(
            name: "analyze",
            description: """
                Analyse a dump like `mustard analyze`: the verdict, what the dump lacks (with what to ask the customer for), \
                the root causes with the findings each leads to, and every finding's id, rule, severity and title, in \
                report order (root causes first). `explain` gives a finding's evidence and fix.
                """,
            inputSchema: schema(Paging.schemaProperties), annotations: readOnly),
        run: { arguments, session in
            let analysed = try await session.analysed(try Arguments.string(arguments, "dump"))
            let d = analysed.document
            let findings: [Value] = (d["findings"]?.arrayValue ?? []).map { f in
                let o = f.objectValue ?? [:]
                return .object(["id": o["id"] ?? .null, "rule": o["rule"] ?? .null, "severity": o["severity"] ?? .null,
                                "title": o["title"] ?? .null, "cluster": o["cluster"] ?? .null, "causedBy": o["causedBy"] ?? .array([])])
            }
            let roots: [Value] = analysed.report.causeGroups.map { group in
                .object(["id": .string(group.root.id), "severity": .string(group.root.severity.rawValue), "title": .string(group.root.title),
                         "leadsTo": .array(group.effects.map { .string($0.id) })])
            }
            let issues = d["loadIssues"]?.arrayValue ?? []
            var result: [String: Value] = [
                "schemaVersion": d["schemaVersion"] ?? .null, "input": d["input"] ?? .null, "headline": .string(analysed.report.headline),
                "damaged": .bool(analysed.report.isDamaged), "summary": d["summary"] ?? .null, "missingData": d["missingData"] ?? .array([]),
                "hiddenFindings": d["hiddenFindings"] ?? .int(0), "rootCauses": .array(roots),
                "outcomes": d["outcomes"] ?? .array([]), "suppressed": d["suppressed"] ?? .array([]),
                "loadIssues": .object(["total": .int(issues.count), "first": .array(Array(issues.prefix(20)))]),
            ]
            let page = try Paging.page(findings, arguments: arguments, key: "findings")
            for (key, value) in page.objectValue ?? [:] { result[key == "total" ? "findingsTotal" : key] = value }
            return .object(result)
        })

    static let explain = MustardTool(
        spec: Tool(
            name: "explain",
            description: """
                Explain a finding (by the id `analyze` gives: its explanation, evidence with the file in the dump each \
                came from, and the fix as ordered oc commands naming the cluster each runs on) or a rule (by rule id: \
                what it checks, why, and its references).
                """,
            inputSchema: schema([
                "finding": .object(["type": "string", "description": "A finding id from analyze, e.g. mtc/migration-stuck#host/<migration>."]),
                "rule": .object(["type": "string", "description": "A rule id, e.g. mtc/stage-pod-image-misconfigured (see the rules tool)."]),
            ]), annotations: readOnly),
        run: { arguments, session in
            if let id = try Arguments.string(arguments, "finding") {
                let analysed = try await session.analysed(try Arguments.string(arguments, "dump"))
                let findings = analysed.document["findings"]?.arrayValue ?? []
                if let found = findings.first(where: { $0.objectValue?["id"]?.stringValue == id }) { return found }
                let ids = findings.compactMap { $0.objectValue?["id"]?.stringValue }
                throw ToolError.invalid("no finding \(id) in this dump; its findings are: \(ids.isEmpty ? "none" : ids.joined(separator: ", "))")
            }
            if let id = try Arguments.string(arguments, "rule") {
                guard let rule = session.rules.first(where: { $0.id == id }) else {
                    throw ToolError.invalid("no rule \(id); the rules are: \(session.rules.map(\.id).joined(separator: ", "))")
                }
                return ruleValue(rule, full: true)
            }
            throw ToolError.invalid("name a finding (\"finding\") or a rule (\"rule\")")
        })

    static let timeline = MustardTool(
        spec: Tool(
            name: "timeline",
            description: """
                A migration's story in time order, UTC: creation, conditions, pipeline steps, events of its pods and \
                log lines, each with the file it came from. Without "migration", the migrations with a timeline.
                """,
            inputSchema: schema(Paging.schemaProperties.merging([
                "migration": .object(["type": "string", "description": "The MigMigration's name (or a unique prefix of it)."]),
            ]) { a, _ in a }), annotations: readOnly),
        run: { arguments, session in
            let analysed = try await session.analysed(try Arguments.string(arguments, "dump"))
            let timelines = analysed.document["timeline"]?.arrayValue ?? []
            func name(_ t: Value) -> String { t.objectValue?["migration"]?.stringValue ?? "" }
            guard let wanted = try Arguments.string(arguments, "migration") else {
                return .object(["migrations": .array(timelines.map { t in
                    let o = t.objectValue ?? [:]
                    return .object(["migration": o["migration"] ?? .null, "plan": o["plan"] ?? .null, "cluster": o["cluster"] ?? .null,
                                    "entries": .int(o["entries"]?.arrayValue?.count ?? 0)])
                })])
            }
            let matches = timelines.filter { name($0) == wanted }.isEmpty ? timelines.filter { name($0).hasPrefix(wanted) } : timelines.filter { name($0) == wanted }
            guard matches.count == 1, var t = matches[0].objectValue else {
                let names = timelines.map(name)
                throw ToolError.invalid(matches.isEmpty
                    ? "no migration \(wanted) has a timeline; those that do: \(names.isEmpty ? "none" : names.joined(separator: ", "))"
                    : "\(wanted) names several migrations: \(matches.map(name).joined(separator: ", "))")
            }
            let page = try Paging.page(t["entries"]?.arrayValue ?? [], arguments: arguments, key: "entries")
            t["entries"] = nil
            for (key, value) in page.objectValue ?? [:] { t[key] = value }
            return .object(t)
        })

    static let rules = MustardTool(
        spec: Tool(
            name: "rules", description: "Every rule mustard runs: id, category, severity, name and what it checks.",
            inputSchema: .object(["type": "object", "properties": .object([:]), "additionalProperties": false]), annotations: readOnly),
        run: { _, session in
            .object(["rules": .array(session.rules.map { ruleValue($0, full: false) })])
        })

    static func ruleValue(_ d: RuleDescription, full: Bool) -> Value {
        var o: [String: Value] = [
            "id": .string(d.id), "name": .string(d.name), "category": .string(d.category), "severity": .string(d.severity.rawValue),
            "summary": .string(d.summary),
        ]
        if full {
            o["rationale"] = .string(d.rationale)
            o["references"] = .array(d.references.map(Value.string))
        }
        return .object(o)
    }
}
