import MustardModel
import MustardRules

/// A mapping of a rule file being read: each accessor checks a type and names the field and line when it is wrong.
struct MappingReader {
    let node: YAMLNode
    /// The field's path for messages: `match.where[2]`.
    let path: String
    let pairs: [(key: String, keyLine: Int, value: YAMLNode)]

    init(_ node: YAMLNode, path: String) throws(RuleFileError.Problem) {
        guard case .mapping(let pairs) = node.content else {
            throw .init(line: node.line, field: path.isEmpty ? nil : path, message: "must be a mapping, found \(node.kindName)")
        }
        self.node = node
        self.path = path
        self.pairs = pairs
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func problem(_ key: String, _ message: String, line: Int? = nil) -> RuleFileError.Problem {
        .init(line: line ?? self[key]?.line ?? node.line, field: field(key), message: message)
    }

    subscript(key: String) -> YAMLNode? { pairs.first { $0.key == key }?.value }

    /// Refuses keys the format does not know: a typo must not silently drop a condition.
    func onlyKeys(_ allowed: [String]) throws(RuleFileError.Problem) {
        for pair in pairs where !allowed.contains(pair.key) {
            throw .init(line: pair.keyLine, field: field(pair.key), message: "unknown field; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws(RuleFileError.Problem) -> String? {
        guard let value = self[key] else { return nil }
        switch value.content {
        case .scalar(let s): return s
        case .null: throw problem(key, "must be a string, found null")
        default: throw problem(key, "must be a string, found \(value.kindName)")
        }
    }

    func required(_ key: String) throws(RuleFileError.Problem) -> String {
        guard let s = try string(key) else { throw .init(line: node.line, field: field(key), message: "missing (required)") }
        guard !s.isEmpty else { throw problem(key, "must not be empty") }
        return s
    }

    func strings(_ key: String) throws(RuleFileError.Problem) -> [String] {
        guard let value = self[key] else { return [] }
        guard case .sequence(let items) = value.content else { throw problem(key, "must be a list of strings, found \(value.kindName)") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.scalar else {
                throw .init(line: item.line, field: "\(field(key))[\(i)]", message: "must be a string, found \(item.kindName)")
            }
            out.append(s)
        }
        return out
    }

    func mapping(_ key: String) throws(RuleFileError.Problem) -> MappingReader? {
        guard let value = self[key] else { return nil }
        return try MappingReader(value, path: field(key))
    }

    func list(_ key: String) throws(RuleFileError.Problem) -> [MappingReader] {
        guard let value = self[key] else { return [] }
        guard case .sequence(let items) = value.content else { throw problem(key, "must be a list, found \(value.kindName)") }
        var out: [MappingReader] = []
        for (i, item) in items.enumerated() { out.append(try MappingReader(item, path: "\(field(key))[\(i)]")) }
        return out
    }

    func bool(_ key: String) throws(RuleFileError.Problem) -> Bool? {
        guard let s = try string(key) else { return nil }
        switch s {
        case "true": return true
        case "false": return false
        default: throw problem(key, "must be true or false, found '\(s)'")
        }
    }

    /// `90s`, `30m`, `2h`, `7d`, `1h30m` as seconds.
    func duration(_ key: String) throws(RuleFileError.Problem) -> Double? {
        guard let s = try string(key) else { return nil }
        guard let seconds = Self.seconds(s) else { throw problem(key, "must be a duration such as 90s, 30m, 2h, 7d or 1h30m, found '\(s)'") }
        return seconds
    }

    static func seconds(_ s: String) -> Double? {
        var total = 0.0, number = "", any = false
        for c in s {
            if c.isASCII, c.isNumber { number.append(c); continue }
            let unit: Double
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: return nil
            }
            guard let n = Double(number), number.count <= 9 else { return nil }
            total += n * unit
            number = ""
            any = true
        }
        return any && number.isEmpty ? total : nil
    }

    /// A value with its key's problem when it does not compile.
    func regex(_ key: String) throws(RuleFileError.Problem) -> BoundedRegex? {
        guard let s = try string(key) else { return nil }
        do throws(RuleFileError.Problem) { return try BoundedRegex(s) } catch { throw problem(key, error.message) }
    }

    func glob(_ key: String) throws(RuleFileError.Problem) -> Glob? { try string(key).map(Glob.init) }

    func fieldPath(_ key: String) throws(RuleFileError.Problem) -> FieldPath? {
        guard let s = try string(key) else { return nil }
        do throws(RuleFileError.Problem) { return try FieldPath(s) } catch { throw problem(key, error.message) }
    }
}

extension RuleFile {
    /// Ids a rule file may take: `namespace/name`, lower-case letters, digits and `-`, the namespace not a built-in one.
    static let reservedNamespaces = ["mtc", "k8s", "dump"]

    /// Reads and checks a rule file. `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(RuleFileError) -> RuleFile {
        do throws(RuleFileError.Problem) {
            return try decode(node: try YAMLNode.parse(bytes), path: path)
        } catch {
            throw RuleFileError(file: path, problem: error)
        }
    }

    static func decode(node: YAMLNode, path: String) throws(RuleFileError.Problem) -> RuleFile {
        let top = try MappingReader(node, path: "")
        // A suppression file kept in a rules folder is read as a rule file: say what it is, not which fields a rule has.
        if let pair = top.pairs.first(where: { $0.key == "suppressions" }) {
            throw top.problem(
                "suppressions", "this is a suppression file, not a rule file: give it with --suppress, or keep it as .mustard/suppress.yaml beside the dump",
                line: pair.keyLine)
        }
        try top.onlyKeys(["id", "name", "severity", "category", "summary", "rationale", "references", "examples", "match", "logs", "finding", "restates"])
        let id = try top.required("id")
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        let idChars = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(idChars.contains) }) else {
            throw top.problem("id", "must be namespace/name in lower-case letters, digits and '-', e.g. site/velero-oomkilled; found '\(id)'")
        }
        guard !reservedNamespaces.contains(String(parts[0])) else {
            throw top.problem("id", "the namespace '\(parts[0])/' belongs to mustard's built-in rules; use your own, e.g. site/\(parts[1])")
        }
        let severityText = try top.required("severity")
        guard let severity = Severity(rawValue: severityText) else {
            throw top.problem("severity", "must be one of critical, error, warning, info; found '\(severityText)'")
        }
        let examples = try top.mapping("examples")
        try examples?.onlyKeys(["fires", "quiet"])
        let fires = try examples?.strings("fires") ?? []
        let quiet = try examples?.strings("quiet") ?? []
        guard !fires.isEmpty, !quiet.isEmpty else {
            throw .init(line: examples?.node.line ?? node.line, field: "examples", message: "needs at least one dump in `fires` and one in `quiet`: they are the rule's tests")
        }
        let match: Match
        var roots: Set<String> = ["cluster", "now", "count"]
        var secretRoots: Set<String> = []
        switch (try top.mapping("match"), try top.mapping("logs")) {
        case (let m?, nil):
            let objects = try ObjectMatch.decode(m)
            roots.insert("object")
            // The first matching event or log line: without a clause to match one, the hole would always be empty.
            if !objects.events.isEmpty { roots.insert("event") }
            if !objects.logs.isEmpty { roots.insert("log") }
            if objects.kind == "Secret" { secretRoots.insert("object") }
            for r in objects.related {
                guard !roots.contains(r.alias) else { throw m.problem("related", "alias '\(r.alias)' is taken; choose another") }
                roots.insert(r.alias)
                if r.kind == "Secret" { secretRoots.insert(r.alias) }
            }
            match = .objects(objects)
        case (nil, let l?):
            match = .logs(try LogMatch.decode(l))
            roots.formUnion(["object", "log"])
        case (nil, nil):
            throw .init(line: node.line, field: "match", message: "missing: a rule needs `match` (objects) or `logs` (log lines)")
        case (_?, _?):
            throw top.problem("logs", "a rule has either `match` or `logs`, not both")
        }
        guard let findingReader = try top.mapping("finding") else { throw .init(line: node.line, field: "finding", message: "missing (required)") }
        let finding = try FindingTemplate.decode(findingReader, roots: roots, secretRoots: secretRoots)
        let restates = try top.string("restates")
        return RuleFile(
            id: id, name: try top.required("name"), severity: severity, category: try top.string("category") ?? String(parts[0]),
            summary: try top.required("summary"), rationale: try top.required("rationale"), references: try top.strings("references"),
            fires: fires, quiet: quiet, match: match, finding: finding, path: path, restates: restates)
    }
}

extension ObjectMatch {
    static func decode(_ m: MappingReader) throws(RuleFileError.Problem) -> ObjectMatch {
        try m.onlyKeys(["kind", "group", "resource", "namespace", "name", "cluster", "labels", "where", "conditions", "events", "logs", "related"])
        let kind = try m.required("kind")
        var labels: [(key: String, value: Glob)] = []
        if let l = try m.mapping("labels") {
            for pair in l.pairs {
                guard let v = pair.value.scalar else { throw l.problem(pair.key, "a label's value must be a string (\"*\": any value)") }
                labels.append((pair.key, Glob(v)))
            }
        }
        var predicates: [FieldPredicate] = []
        for w in try m.list("where") { predicates.append(try FieldPredicate.decode(w)) }
        var conditions: [ConditionMatch] = []
        for c in try m.list("conditions") { conditions.append(try ConditionMatch.decode(c)) }
        var events: [EventMatch] = []
        for e in try m.list("events") {
            try e.onlyKeys(["reason", "message", "type", "within"])
            events.append(EventMatch(reason: try e.glob("reason"), message: try e.regex("message"), type: try e.glob("type"), within: try e.duration("within")))
        }
        var logs: [LineMatch] = []
        for l in try m.list("logs") {
            guard kind == "Pod" else { throw m.problem("logs", "log lines belong to pods: `logs` needs kind: Pod (or a top-level `logs` rule)") }
            logs.append(try LineMatch.decode(l))
        }
        let name = try m.glob("name")
        if !logs.isEmpty, (name?.prefix ?? "").isEmpty {
            throw m.problem("name", "a pod rule reading logs needs a name pattern starting with a literal prefix (e.g. velero-*), so only those logs are scanned")
        }
        var related: [RelatedMatch] = []
        for r in try m.list("related") { related.append(try RelatedMatch.decode(r)) }
        return ObjectMatch(
            kind: kind, group: try m.string("group"), resource: try m.string("resource") ?? pluralResource(kind),
            namespace: try m.glob("namespace"), name: name, cluster: try m.glob("cluster"), labels: labels, predicates: predicates,
            conditions: conditions, events: events, logs: logs, related: related)
    }

    /// The lower-case plural the loader files a kind under (`MigPlan` → `migplans`, `NetworkPolicy` → `networkpolicies`);
    /// `resource:` overrides it for irregular ones.
    static func pluralResource(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("ch") || lower.hasSuffix("sh") { return lower + "es" }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) { return lower.dropLast() + "ies" }
        return lower + "s"
    }
}

extension RelatedMatch {
    static func decode(_ r: MappingReader) throws(RuleFileError.Problem) -> RelatedMatch {
        try r.onlyKeys(["as", "kind", "group", "resource", "join", "where", "conditions", "absent"])
        let alias = try r.required("as")
        guard alias.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw r.problem("as", "an alias is letters, digits and _") }
        let kind = try r.required("kind")
        guard let join = try r.mapping("join") else { throw .init(line: r.node.line, field: r.field("join"), message: "missing (required): which field of the object names it") }
        try join.onlyKeys(["name", "namespace"])
        guard let joinField = try join.fieldPath("name") else { throw .init(line: join.node.line, field: join.field("name"), message: "missing (required)") }
        var predicates: [FieldPredicate] = []
        for w in try r.list("where") { predicates.append(try FieldPredicate.decode(w)) }
        var conditions: [ConditionMatch] = []
        for c in try r.list("conditions") { conditions.append(try ConditionMatch.decode(c)) }
        return RelatedMatch(
            alias: alias, kind: kind, group: try r.string("group"), resource: try r.string("resource") ?? ObjectMatch.pluralResource(kind),
            joinField: joinField, joinNamespaceField: try join.fieldPath("namespace"), predicates: predicates, conditions: conditions,
            absent: try r.bool("absent") ?? false)
    }
}

extension ConditionMatch {
    static func decode(_ c: MappingReader) throws(RuleFileError.Problem) -> ConditionMatch {
        try c.onlyKeys(["type", "status", "reason", "category", "message", "notTrue"])
        let notTrue = try c.bool("notTrue") ?? false
        if notTrue, c.pairs.count > 2 {
            throw c.problem("notTrue", "`notTrue: true` takes only `type`: the condition is missing or not True")
        }
        return ConditionMatch(type: Glob(try c.required("type")), status: try c.glob("status"), reason: try c.glob("reason"), category: try c.glob("category"), message: try c.regex("message"), notTrue: notTrue)
    }
}

extension LineMatch {
    static func decode(_ l: MappingReader) throws(RuleFileError.Problem) -> LineMatch {
        try l.onlyKeys(["contains", "regex", "within"])
        let contains = try l.required("contains")
        guard contains.utf8.count >= 3 else {
            throw l.problem("contains", "at least 3 characters: it decides which lines the single pass keeps")
        }
        return LineMatch(contains: contains, regex: try l.regex("regex"), within: try l.duration("within"))
    }
}

extension LogMatch {
    static func decode(_ l: MappingReader) throws(RuleFileError.Problem) -> LogMatch {
        try l.onlyKeys(["pod", "namespace", "cluster", "contains", "regex", "within"])
        let pod = Glob(try l.required("pod"))
        guard !pod.prefix.isEmpty else {
            throw l.problem("pod", "must start with a literal prefix (e.g. migration-controller-*), so only those logs are scanned")
        }
        let line = LineMatch(contains: try l.required("contains"), regex: try l.regex("regex"), within: try l.duration("within"))
        guard line.contains.utf8.count >= 3 else {
            throw l.problem("contains", "at least 3 characters: it decides which lines the single pass keeps")
        }
        return LogMatch(pod: pod, namespace: try l.glob("namespace"), cluster: try l.glob("cluster"), line: line)
    }
}

extension FieldPredicate {
    static let comparisons = ["equals", "notEquals", "in", "notIn", "regex", "exists", "greaterThan", "lessThan", "olderThan", "newerThan"]

    static func decode(_ w: MappingReader) throws(RuleFileError.Problem) -> FieldPredicate {
        try w.onlyKeys(["field"] + comparisons)
        guard let path = try w.fieldPath("field") else { throw .init(line: w.node.line, field: w.field("field"), message: "missing (required)") }
        let given = w.pairs.map(\.key).filter { $0 != "field" }
        guard given.count == 1, let op = given.first else {
            throw .init(line: w.node.line, field: w.path, message: "needs exactly one comparison: \(comparisons.joined(separator: ", "))")
        }
        let comparison: Comparison
        func number(_ key: String) throws(RuleFileError.Problem) -> Double {
            guard let s = try w.string(key), let d = Double(s), d.isFinite else { throw w.problem(key, "must be a number") }
            return d
        }
        switch op {
        case "equals": comparison = .equals(try w.required("equals"))
        case "notEquals": comparison = .notEquals(try w.required("notEquals"))
        case "in": comparison = .isIn(try w.strings("in"))
        case "notIn": comparison = .notIn(try w.strings("notIn"))
        case "regex":
            guard let r = try w.regex("regex") else { throw w.problem("regex", "missing pattern") }
            comparison = .regex(r)
        case "exists": comparison = .exists(try w.bool("exists") ?? true)
        case "greaterThan": comparison = .greaterThan(try number("greaterThan"))
        case "lessThan": comparison = .lessThan(try number("lessThan"))
        case "olderThan": comparison = .olderThan(try w.duration("olderThan") ?? 0)
        default: comparison = .newerThan(try w.duration("newerThan") ?? 0)
        }
        return FieldPredicate(path: path, comparison: comparison)
    }
}

extension FindingTemplate {
    static func decode(_ f: MappingReader, roots: Set<String>, secretRoots: Set<String>) throws(RuleFileError.Problem) -> FindingTemplate {
        try f.onlyKeys(["title", "explanation", "evidence", "remediation"])
        func template(_ r: MappingReader, _ key: String, required: Bool) throws(RuleFileError.Problem) -> Template? {
            guard let s = required ? try r.required(key) : try r.string(key) else { return nil }
            do throws(RuleFileError.Problem) { return try Template(s, roots: roots, secretRoots: secretRoots) } catch { throw r.problem(key, error.message) }
        }
        var steps: [StepTemplate] = []
        for s in try f.list("remediation") {
            try s.onlyKeys(["title", "command", "verify", "expect"])
            guard let title = try template(s, "title", required: true), let command = try template(s, "command", required: true) else { continue }
            steps.append(StepTemplate(title: title, command: command, verify: try template(s, "verify", required: false), expect: try template(s, "expect", required: false)))
        }
        guard let title = try template(f, "title", required: true), let explanation = try template(f, "explanation", required: true) else {
            throw .init(line: f.node.line, field: "finding", message: "needs title and explanation")
        }
        return FindingTemplate(title: title, explanation: explanation, evidence: try template(f, "evidence", required: false), remediation: steps)
    }
}
