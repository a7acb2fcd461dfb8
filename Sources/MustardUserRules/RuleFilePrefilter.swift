import MustardModel

/// The cheap, necessary conditions of a rule file's match, handed to the loader (`DataRequirements.keepTests`,
/// `eventTests`) so it keeps whole only the objects and events some rule file could match. Each test is conservative:
/// it answers `no` only when the rule's own check (`ObjectMatch.holds`) would fail on the same object, for reasons
/// the object alone decides; what it cannot judge while the dump streams (time comparisons, which need the gather
/// time; log lines; related objects; events, asked for with `ifEvent`) is taken to hold. So the verdicts are those of
/// a loader that keeps everything (a test loads the fixtures both ways and compares).
enum RuleFilePrefilter {
    static func test(_ m: ObjectMatch) -> KeepTest {
        KeepTest(key: key(m)) { object in
            guard object.kind == m.kind, m.cluster?.matches(object.cluster) ?? true, m.group.map({ object.group == $0 }) ?? true else { return .no }
            if let ns = m.namespace, !ns.matches(object.namespace) { return .no }
            if let name = m.name, !name.matches(object.name) { return .no }
            for (key, value) in m.labels {
                guard let actual = object.metadata["labels"][key].string, value.matches(actual) else { return .no }
            }
            guard holds(m.predicates, m.conditions, object) else { return .no }
            return m.events.isEmpty ? .yes : .ifEvent
        }
    }

    /// A related object: only one that holds could be the one a match names (or, `absent`, whose absence it asks).
    static func test(_ r: RelatedMatch) -> KeepTest {
        KeepTest(key: key(r)) { object in
            guard object.kind == r.kind, r.group.map({ object.group == $0 }) ?? true, holds(r.predicates, r.conditions, object) else { return .no }
            return .yes
        }
    }

    static func test(_ e: EventMatch) -> @Sendable (_ event: OfferedEvent) -> Bool {
        { event in e.mayMatch(event) }
    }

    /// What `test(_ e:)` tests (not the window, which it cannot judge): two clauses with the same key have one test.
    static func key(_ e: EventMatch) -> String {
        joined([e.reason?.pattern, e.type?.pattern, e.message?.pattern])
    }

    /// What `test(_ m:)` reads, as text: everything but the comparisons in time, which it does not judge. Rule files
    /// differing only in those (`olderThan: 1h`, `2h`…) or in what the loader never tests (logs, related objects,
    /// event windows) share one test.
    static func key(_ m: ObjectMatch) -> String {
        var parts: [String?] = ["object", m.kind, m.group, m.cluster?.pattern, m.namespace?.pattern, m.name?.pattern, m.events.isEmpty ? "no events" : "events"]
        for (label, value) in m.labels { parts += ["label", label, value.pattern] }
        return joined(parts + Self.parts(m.predicates, m.conditions))
    }

    /// What `test(_ r:)` reads, as text.
    static func key(_ r: RelatedMatch) -> String {
        joined(["related", r.kind, r.group] + parts(r.predicates, r.conditions))
    }

    /// The comparisons `holds` tests, and the conditions, each part on its own.
    private static func parts(_ predicates: [FieldPredicate], _ conditions: [ConditionMatch]) -> [String?] {
        var parts: [String?] = []
        for p in predicates where !p.usesTime {
            parts += ["field", p.path.description]
            switch p.comparison {
            case .equals(let v): parts += ["equals", v]
            case .notEquals(let v): parts += ["notEquals", v]
            case .isIn(let values): parts += ["in", String(values.count)] + values
            case .notIn(let values): parts += ["notIn", String(values.count)] + values
            case .regex(let r): parts += ["regex", r.pattern]
            case .exists(let wanted): parts += ["exists", wanted ? "true" : "false"]
            // A Double's description reads back as the same number.
            case .greaterThan(let n): parts += ["greaterThan", n.description]
            case .lessThan(let n): parts += ["lessThan", n.description]
            case .olderThan, .newerThan: break
            }
        }
        for c in conditions {
            parts += ["condition", c.type.pattern, c.status?.pattern, c.reason?.pattern, c.category?.pattern, c.message?.pattern, c.notTrue ? "notTrue" : "-"]
        }
        return parts
    }

    /// Each part with its length (an absent one as `-`), so no part's text can pass for a separator or another part.
    private static func joined(_ parts: [String?]) -> String {
        parts.map { $0.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined(separator: " ")
    }

    /// The field comparisons without time, and the conditions, as `ObjectMatch.holds` and `RelatedMatch.holds` test them.
    /// A field's values are read once per object for all the tests (`FieldPredicate.holds(on:now:)`).
    private static func holds(_ predicates: [FieldPredicate], _ conditions: [ConditionMatch], _ object: OfferedObject) -> Bool {
        for i in predicates.indices where !predicates[i].usesTime && !predicates[i].holds(on: object, now: nil) { return false }
        if conditions.isEmpty { return true }
        let present = object.conditions
        return conditions.allSatisfy { c in
            c.notTrue ? !present.contains { c.type.matches($0.type) && $0.isTrue } : present.contains(where: c.matches)
        }
    }
}
