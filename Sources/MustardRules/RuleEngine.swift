import Foundation
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

    /// Decodes the signature catalog on another thread, while the dump loads: otherwise the findings' advice, on every
    /// core at once after the rules, waits for it (a few milliseconds with the cores idle).
    public static func prepareInBackground() {
        DispatchQueue.global().async { _ = SignatureAdvice.catalog.signatures.count }
    }

    public func run(_ context: RuleContext) -> (findings: [Finding], outcomes: [RuleOutcome]) {
        var findings: [Finding] = []
        var outcomes: [RuleOutcome] = []
        // The other rules on another thread while the rule files' shared pass runs here: neither reads what the other
        // makes, and each verdict is the one its rule alone gives. The pass spreads its objects over the cores itself
        // (`concurrentMap`), which it could not do from inside another `concurrentMap` (a nested one runs serially).
        let engine = self
        let alone = VerdictsBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { alone.verdicts = engine.aloneVerdicts(context) }
        let batched = batchedVerdicts(context)
        group.wait()
        let verdicts = batched.merging(alone.verdicts) { first, _ in first }
        for (index, rule) in rules.enumerated() {
            let id = rule.ruleDescription.id
            switch verdicts[index] ?? rule.evaluate(context) {
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
        let linked = Self.linkAndOrder(findings).concurrentMap { $0.causedBy.isEmpty ? SignatureAdvice.annotate($0, context: context) : $0 }
        return (linked, outcomes.sorted { $0.rule < $1.rule })
    }

    /// Verdicts of the rules evaluated together (`BatchEvaluatedRule`), by position, one batch per rule type.
    private func batchedVerdicts(_ context: RuleContext) -> [Int: RuleVerdict] {
        var batched: [Int: RuleVerdict] = [:]
        var batchTypes = Set<ObjectIdentifier>()
        for rule in rules {
            guard let batch = rule as? any BatchEvaluatedRule, batchTypes.insert(ObjectIdentifier(type(of: batch))).inserted else { continue }
            batched.merge(type(of: batch).verdicts(among: rules, context)) { first, _ in first }
        }
        return batched
    }

    /// Verdicts of the other rules, each evaluated alone, by position.
    private func aloneVerdicts(_ context: RuleContext) -> [Int: RuleVerdict] {
        Dictionary(uniqueKeysWithValues: rules.indices.filter { !(rules[$0] is any BatchEvaluatedRule) }.map { ($0, rules[$0].evaluate(context)) })
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
        // A finding's parts are copied only when changed (`Finding`): most have no links, so most are left alone.
        var findings = input.map { f -> Finding in
            let kept = f.causedBy.filter { ids.contains($0) && $0 != f.id }.sorted()
            guard kept != f.causedBy else { return f }
            var f = f
            f.causedBy = kept
            return f
        }
        var causes: [String: [String]] = [:]
        for f in findings { for cause in f.causedBy { causes[cause, default: []].append(f.id) } }
        for i in findings.indices {
            let found = (causes[findings[i].id] ?? []).sorted()
            if found != findings[i].causes { findings[i].causes = found }
        }
        // Indices are sorted and placed, not the findings: a finding is large, and thousands of them (rule files
        // matching every pod) made moving them the bulk of the ordering.
        let linked = findings
        let bySeverity: (Int, Int) -> Bool = { a, b in
            linked[a].severity != linked[b].severity ? linked[a].severity > linked[b].severity : linked[a].id < linked[b].id
        }
        let indexByID = Dictionary(uniqueKeysWithValues: linked.enumerated().map { ($0.element.id, $0.offset) })
        var ordered: [Int] = []
        ordered.reserveCapacity(linked.count)
        var placed = [Bool](repeating: false, count: linked.count)
        func place(_ i: Int) {
            guard !placed[i] else { return }
            placed[i] = true
            ordered.append(i)
            for effect in linked[i].causes.compactMap({ indexByID[$0] }).sorted(by: bySeverity) { place(effect) }
        }
        for root in linked.indices.filter({ linked[$0].causedBy.isEmpty }).sorted(by: bySeverity) { place(root) }
        // Findings only reachable through a cycle of causes: by severity at the end.
        if ordered.count < linked.count {
            for i in linked.indices.sorted(by: bySeverity) { place(i) }
        }
        return ordered.map { linked[$0] }
    }
}

/// The verdicts one thread works out for another, read only after the group it was written in is waited for.
private final class VerdictsBox: @unchecked Sendable {
    var verdicts: [Int: RuleVerdict] = [:]
}
