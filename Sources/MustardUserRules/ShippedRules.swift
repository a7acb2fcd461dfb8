import MustardRules

/// The rule files shipped with mustard, embedded in the binary (`Shipped/`, SwiftPM `embedInCode`): the binary is
/// installed alone, with no resource bundle beside it. Adding one: the file in `Shipped/` and a line here.
public enum ShippedRules {
    /// Where the files live in the repository, for messages and for their examples (relative to this folder).
    public static let folder = "Sources/MustardUserRules/Shipped"

    public static let files: [(name: String, bytes: [UInt8])] = [
        ("migstorage-not-ready.yaml", PackageResources.migstorage_not_ready_yaml),
        ("migcluster-not-ready.yaml", PackageResources.migcluster_not_ready_yaml),
        ("migplan-critical-condition.yaml", PackageResources.migplan_critical_condition_yaml),
    ]
}

/// Folds the findings of rule files that restate a built-in rule into it: when both ran, a user finding about a
/// subject the built-in also reported is dropped (the built-in's is richer), and the user rule's outcome says so.
public enum Restatements {
    public static func fold(findings: [Finding], outcomes: [RuleOutcome], rules: [any Rule]) -> (findings: [Finding], outcomes: [RuleOutcome]) {
        let restating = Dictionary(rules.compactMap { r -> (String, String)? in
            guard let u = r as? UserRule, let target = u.file.restates else { return nil }
            return (u.file.id, target)
        }, uniquingKeysWith: { a, _ in a })
        guard !restating.isEmpty else { return (findings, outcomes) }
        // Only the restated rules' subjects, and the findings copied only when some go: a dump where rule files
        // match thousands of objects has thousands of findings that restate nothing.
        let targets = Set(restating.values)
        var subjects: [String: Set<ResourceRef>] = [:]
        for f in findings where targets.contains(f.rule) { subjects[f.rule, default: []].insert(f.subject) }
        var folded: [String: Int] = [:]
        var restated = Set<Int>()
        for (i, f) in findings.enumerated() {
            guard let target = restating[f.rule], subjects[target]?.contains(f.subject) ?? false else { continue }
            folded[f.rule, default: 0] += 1
            restated.insert(i)
        }
        guard !restated.isEmpty else { return (findings, outcomes) }
        let kept = findings.indices.filter { !restated.contains($0) }.map { findings[$0] }
        let remaining = Set(kept.map(\.rule))
        let outcomes = outcomes.map { o -> RuleOutcome in
            guard let n = folded[o.rule], let target = restating[o.rule], !remaining.contains(o.rule) else { return o }
            return RuleOutcome(rule: o.rule, status: .passed, reason: "its \(n) finding(s) restate \(target)'s, shown there")
        }
        return (kept, outcomes)
    }
}
