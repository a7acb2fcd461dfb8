import MustardModel
import MustardRules

/// The rule files' shared pass: one walk over the objects of each kind, per cluster, for every rule file reading that
/// kind, instead of one walk per file. Each object's lookups (`ObjectFacts`) are made once for all the rules, a rule's
/// cheap filters run before its field comparisons, and the texts of a finding are built only for a match.
/// Every rule still sees exactly the objects, in the order, it saw alone, so its verdict is the same.
extension UserRule: BatchEvaluatedRule {
    /// Objects in one slice of the shared pass.
    static let sliceSize = 256

    public static func evaluate(batch rules: [UserRule], _ context: RuleContext) -> [RuleVerdict] {
        let snapshot = context.snapshot
        let now = snapshot.gatheredAt
        var verdicts = [RuleVerdict](repeating: .skipped("not evaluated"), count: rules.count)
        var plans: [String: [ObjectRulePlan]] = [:]
        var all: [ObjectRulePlan] = []
        for (index, rule) in rules.enumerated() {
            switch rule.file.match {
            case .logs(let l):
                verdicts[index] = rule.evaluate(l, context)
            case .objects(let m):
                if m.usesTime, now == nil {
                    verdicts[index] = .skipped("no gather time in the dump: the rule's time comparisons cannot be made")
                    continue
                }
                let plan = ObjectRulePlan(rule: rule, match: m, index: index)
                plans[m.kind, default: []].append(plan)
                all.append(plan)
            }
        }
        let lines = LogLineIndex(snapshot.logLines)
        for cluster in snapshot.clusters {
            for kind in plans.keys.sorted() {
                guard let bucket = cluster.objectsByKind[kind], let ofKind = plans[kind] else { continue }
                let here = ofKind.filter { $0.match.cluster?.matches(cluster.name) ?? true }
                if here.isEmpty { continue }
                // The objects in slices over the cores, each slice's findings kept apart and joined in slice order:
                // thousands of findings are built in the order one walk gives, in the time of half of it.
                let slices = stride(from: 0, to: bucket.count, by: Self.sliceSize).map { $0..<min($0 + Self.sliceSize, bucket.count) }
                let seen = slices.concurrentMap(minimumPerCore: 1) { slice in
                    var seen = here.map { _ in PlanSeen() }
                    for object in bucket[slice] {
                        let facts = ObjectFacts(object, cluster: cluster, lines: lines)
                        for (p, plan) in here.enumerated() { plan.offer(facts, now: now, into: &seen[p]) }
                    }
                    return seen
                }
                for slice in seen {
                    for (p, plan) in here.enumerated() {
                        plan.considered += slice[p].considered
                        plan.findings += slice[p].findings
                    }
                }
            }
        }
        for plan in all {
            verdicts[plan.index] = plan.rule.verdict(plan.match, considered: plan.considered, findings: plan.findings, snapshot: snapshot)
        }
        return verdicts
    }
}

/// One object rule during the pass: its match, and what it has seen so far. A class, so the pass reads the match
/// in place rather than copying it for every object. Its counts change only between the pass's parallel parts.
private final class ObjectRulePlan: @unchecked Sendable {
    let rule: UserRule
    let match: ObjectMatch
    let index: Int
    var considered = 0
    var findings: [Finding] = []

    init(rule: UserRule, match: ObjectMatch, index: Int) {
        self.rule = rule
        self.match = match
        self.index = index
    }

    /// Offers one object; what the rule made of it goes into `seen` (the pass's slices run at once).
    func offer(_ facts: ObjectFacts, now: Timestamp?, into seen: inout PlanSeen) {
        if let group = match.group, facts.group != group { return }
        if let ns = match.namespace, !ns.matches(facts.object.metadata.namespace ?? "") { return }
        seen.considered += 1
        guard match.holds(facts, now: now), let found = rule.match(facts, match, now: now) else { return }
        seen.findings.append(found)
    }
}

/// What one rule made of one slice of the objects.
private struct PlanSeen {
    var considered = 0
    var findings: [Finding] = []
}

extension ObjectMatch {
    /// Whether every part of the match holds for the object, cheapest parts first, building no text: the same answer
    /// as `UserRule.match` returning a finding, which runs only when this says yes.
    func holds(_ facts: ObjectFacts, now: Timestamp?) -> Bool {
        let object = facts.object
        if let name, !name.matches(object.metadata.name) { return false }
        for (key, value) in labels {
            guard let actual = object.metadata.label(key), value.matches(actual) else { return false }
        }
        for i in predicates.indices where !predicates[i].holds(on: facts.offered, now: now) { return false }
        if !conditions.isEmpty {
            let present = facts.conditions
            for c in conditions {
                if c.notTrue {
                    if present.contains(where: { c.type.matches($0.type) && $0.isTrue }) { return false }
                } else if !present.contains(where: c.matches) {
                    return false
                }
            }
        }
        if !events.isEmpty {
            let about = facts.eventIndices
            let all = facts.cluster.events
            // The reason read in place first: it rules out most events without copying them for `matches`.
            for e in events where !about.contains(where: { (e.reason?.matches(all[$0].reason) ?? true) && e.matches(all[$0], now: now) }) {
                return false
            }
        }
        if !logs.isEmpty {
            let lines = facts.lines
            for l in logs where !lines.contains(where: { l.matches($0, now: now) }) { return false }
        }
        for r in related {
            let names = TemplateScope.strings(r.joinField.values(in: object.body))
            let namespaces = r.joinNamespaceField.map { TemplateScope.strings($0.values(in: object.body)) }
            let found = (facts.cluster.objectsByKind[r.kind] ?? []).contains { y in
                (r.group.map { y.group == $0 } ?? true) && names.contains(y.metadata.name)
                    && (namespaces.map { $0.contains(y.metadata.namespace ?? "") } ?? (y.metadata.namespace == nil || y.metadata.namespace == object.metadata.namespace))
                    && r.holds(y, now: now)
            }
            if found == r.absent { return false }
        }
        return true
    }
}
