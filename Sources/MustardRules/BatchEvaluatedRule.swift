/// A rule of a kind that is cheaper evaluated with its siblings than alone: the rule files share one walk over each
/// kind's objects (and the lookups made on each object) instead of each file walking the whole model.
/// `RuleEngine.run` hands each such type all of its rules at once.
public protocol BatchEvaluatedRule: Rule {
    /// The verdicts of `rules`, in their order, each the one `evaluate` alone gives.
    static func evaluate(batch rules: [Self], _ context: RuleContext) -> [RuleVerdict]
}

extension BatchEvaluatedRule {
    /// The verdicts of the rules of this type among `rules`, by their position in `rules`.
    static func verdicts(among rules: [any Rule], _ context: RuleContext) -> [Int: RuleVerdict] {
        let picked = rules.indices.compactMap { i in (rules[i] as? Self).map { (i, $0) } }
        let verdicts = evaluate(batch: picked.map(\.1), context)
        return Dictionary(zip(picked.map(\.0), verdicts), uniquingKeysWith: { first, _ in first })
    }
}
