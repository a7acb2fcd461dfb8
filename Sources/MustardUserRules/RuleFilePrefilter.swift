import MustardModel

/// The cheap, necessary conditions of a rule file's match, handed to the loader (`DataRequirements.keepTests`,
/// `eventTests`) so it keeps whole only the objects and events some rule file could match. Each test is conservative:
/// it answers `no` only when the rule's own check (`ObjectMatch.holds`) would fail on the same object, for reasons
/// the object alone decides; what it cannot judge while the dump streams (time comparisons, which need the gather
/// time; log lines; related objects; events, asked for with `ifEvent`) is taken to hold. So the verdicts are those of
/// a loader that keeps everything (a test loads the fixtures both ways and compares).
enum RuleFilePrefilter {
    static func test(_ m: ObjectMatch) -> KeepTest {
        KeepTest { body, cluster in
            guard body["kind"].string == m.kind, m.cluster?.matches(cluster) ?? true,
                m.group.map({ KubeObject.group(ofAPIVersion: body["apiVersion"].string ?? "") == $0 }) ?? true
            else { return .no }
            let metadata = body["metadata"]
            if let ns = m.namespace, !ns.matches(metadata["namespace"].string ?? "") { return .no }
            if let name = m.name, !name.matches(metadata["name"].string ?? "") { return .no }
            for (key, value) in m.labels {
                guard let actual = metadata["labels"][key].string, value.matches(actual) else { return .no }
            }
            guard holds(m.predicates, m.conditions, body) else { return .no }
            return m.events.isEmpty ? .yes : .ifEvent
        }
    }

    /// A related object: only one that holds could be the one a match names (or, `absent`, whose absence it asks).
    static func test(_ r: RelatedMatch) -> KeepTest {
        KeepTest { body, _ in
            guard body["kind"].string == r.kind, r.group.map({ KubeObject.group(ofAPIVersion: body["apiVersion"].string ?? "") == $0 }) ?? true,
                holds(r.predicates, r.conditions, body)
            else { return .no }
            return .yes
        }
    }

    static func test(_ e: EventMatch) -> @Sendable (_ type: String, _ reason: String, _ message: String) -> Bool {
        { type, reason, message in e.mayMatch(type: type, reason: reason, message: message) }
    }

    /// The field comparisons without time, and the conditions, as `ObjectMatch.holds` and `RelatedMatch.holds` test them.
    private static func holds(_ predicates: [FieldPredicate], _ conditions: [ConditionMatch], _ body: Value) -> Bool {
        for p in predicates where !p.usesTime && !p.holds(in: body, now: nil) { return false }
        if conditions.isEmpty { return true }
        let present = body["status"]["conditions"].array.map(Condition.init)
        return conditions.allSatisfy { c in
            c.notTrue ? !present.contains { c.type.matches($0.type) && $0.isTrue } : present.contains(where: c.matches)
        }
    }
}
