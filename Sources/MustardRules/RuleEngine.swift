import MustardModel

/// One rule's outcome in a report: every rule has exactly one.
public struct RuleOutcome: Sendable {
    public enum Status: String, Sendable { case findings, passed, skipped }
    public let rule: String
    public let status: Status
    public let reason: String?
}

/// Runs the registered rules over a snapshot, links causes to effects, and orders findings root cause first.
public struct RuleEngine: Sendable {
    public let rules: [any Rule]

    public init(rules: [any Rule] = RuleRegistry.all) { self.rules = rules }

    /// Everything the rules need read from a dump.
    public var requirements: DataRequirements {
        rules.reduce(into: DataRequirements()) { $0.formUnion(type(of: $1).description.requirements) }
    }

    public func run(_ context: RuleContext) -> (findings: [Finding], outcomes: [RuleOutcome]) {
        var findings: [Finding] = []
        var outcomes: [RuleOutcome] = []
        for rule in rules {
            let id = type(of: rule).description.id
            switch rule.evaluate(context) {
            case .findings(let found) where !found.isEmpty:
                findings.append(contentsOf: found)
                outcomes.append(RuleOutcome(rule: id, status: .findings, reason: nil))
            case .findings:
                outcomes.append(RuleOutcome(rule: id, status: .passed, reason: nil))
            case .passed(let reason):
                outcomes.append(RuleOutcome(rule: id, status: .passed, reason: reason))
            case .skipped(let reason):
                outcomes.append(RuleOutcome(rule: id, status: .skipped, reason: reason))
            }
        }
        return (Self.linkAndOrder(findings), outcomes.sorted { $0.rule < $1.rule })
    }

    /// Drops links to findings not in the report, fills `causes` from `causedBy`, and puts root causes first
    /// (then by severity and id), each followed by nothing it does not cause.
    public static func linkAndOrder(_ input: [Finding]) -> [Finding] {
        let ids = Set(input.map(\.id))
        var findings = input.map { f -> Finding in
            var f = f
            f.causedBy = f.causedBy.filter { ids.contains($0) && $0 != f.id }.sorted()
            return f
        }
        var causes: [String: [String]] = [:]
        for f in findings { for cause in f.causedBy { causes[cause, default: []].append(f.id) } }
        for i in findings.indices { findings[i].causes = (causes[findings[i].id] ?? []).sorted() }
        return findings.sorted {
            let lRoot = $0.causedBy.isEmpty, rRoot = $1.causedBy.isEmpty
            if lRoot != rRoot { return lRoot }
            if $0.severity != $1.severity { return $0.severity > $1.severity }
            return $0.id < $1.id
        }
    }
}
