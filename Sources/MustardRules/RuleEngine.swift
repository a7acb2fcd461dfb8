import MustardModel

/// One rule's outcome in a report: every rule has exactly one.
public struct RuleOutcome: Sendable {
    public enum Status: String, Sendable { case findings, passed, skipped }
    public let rule: String
    public let status: Status
    public let reason: String?

    public init(rule: String, status: Status, reason: String?) {
        self.rule = rule
        self.status = status
        self.reason = reason
    }
}

/// Runs the registered rules over a snapshot, links causes to effects, and orders findings root cause first.
public struct RuleEngine: Sendable {
    public let rules: [any Rule]

    public init(rules: [any Rule] = RuleRegistry.all) { self.rules = rules }

    /// Everything the rules need read from a dump.
    public var requirements: DataRequirements {
        rules.reduce(into: DataRequirements()) { $0.formUnion($1.ruleDescription.requirements) }
    }

    public func run(_ context: RuleContext) -> (findings: [Finding], outcomes: [RuleOutcome]) {
        var findings: [Finding] = []
        var outcomes: [RuleOutcome] = []
        // Rules evaluated together (the rule files' shared pass) first; their verdicts are the ones alone would give.
        var batched: [Int: RuleVerdict] = [:]
        var batchTypes = Set<ObjectIdentifier>()
        for rule in rules {
            guard let batch = rule as? any BatchEvaluatedRule, batchTypes.insert(ObjectIdentifier(type(of: batch))).inserted else { continue }
            batched.merge(type(of: batch).verdicts(among: rules, context)) { first, _ in first }
        }
        for (index, rule) in rules.enumerated() {
            let id = rule.ruleDescription.id
            switch batched[index] ?? rule.evaluate(context) {
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
        // Known messages name causes and fixes once links are resolved: a finding another one causes leaves that to its cause.
        let linked = Self.linkAndOrder(findings).map { $0.causedBy.isEmpty ? SignatureAdvice.annotate($0, context: context) : $0 }
        return (linked, outcomes.sorted { $0.rule < $1.rule })
    }

    /// Confirmed links (`CauseLink.confirmed`) that name no finding of a rule that ran: each is a bug in the rule
    /// that made it (its detection and the other rule's disagree). Tests run every example through this.
    public static func unresolvedConfirmedLinks(_ findings: [Finding], rulesRun: Set<String>) -> [String] {
        let ids = Set(findings.map(\.id))
        return findings.flatMap { f in
            f.confirmedCauses.filter { link in
                let rule = String(link.prefix { $0 != "#" })
                return rulesRun.contains(rule) && !ids.contains(link)
            }.map { "\(f.id) → \($0)" }
        }
    }

    /// Every rule's findings as the rules made them, before links are resolved and ordered (for tests).
    public func rawFindings(_ context: RuleContext) -> [Finding] {
        rules.flatMap { rule -> [Finding] in
            if case .findings(let found) = rule.evaluate(context) { return found }
            return []
        }
    }

    /// Drops links to findings not in the report, fills `causes` from `causedBy`, and orders root causes first:
    /// roots by severity (then id), each followed by what it causes, so an effect reads right after its cause.
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
        let bySeverity: (Finding, Finding) -> Bool = { $0.severity != $1.severity ? $0.severity > $1.severity : $0.id < $1.id }
        let byID = Dictionary(uniqueKeysWithValues: findings.map { ($0.id, $0) })
        var ordered: [Finding] = []
        var placed = Set<String>()
        func place(_ f: Finding) {
            guard placed.insert(f.id).inserted else { return }
            ordered.append(f)
            for effect in f.causes.compactMap({ byID[$0] }).sorted(by: bySeverity) { place(effect) }
        }
        for root in findings.filter({ $0.causedBy.isEmpty }).sorted(by: bySeverity) { place(root) }
        // Findings only reachable through a cycle of causes: by severity at the end.
        for f in findings.sorted(by: bySeverity) { place(f) }
        return ordered
    }
}
