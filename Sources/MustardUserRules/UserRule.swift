import MustardModel
import MustardRules
import MustardSignatures

/// A rule read from a rule file: a `Rule` like the built-in ones, in the same engine and the same streaming pass.
///
/// Why a matcher of our own rather than an expression language: no query or expression library in the offline package
/// set evaluates over our `Value` trees within fixed bounds (Stencil, Mustache and GraphQL are templating or schema
/// engines that can loop or recurse over input). What a rule file can say is a fixed list of checks — kind, globs,
/// labels, field comparisons, conditions, events, log lines, one level of related objects — each total (every input
/// gives an answer) and bounded: globs and regexes run in linear time over capped text, field paths reach at most
/// `FieldPath.maxValues` values, and a rule's work is a pass over the objects of its kind.
public struct UserRule: Rule {
    public let file: RuleFile
    public let ruleDescription: RuleDescription

    /// Evidence lines of one kind kept per finding (events, log lines): the rest are counted.
    static let maxEvidencePerKind = 10

    public init(file: RuleFile, triggeringExamples: [String], nonTriggeringExamples: [String]) {
        self.file = file
        ruleDescription = RuleDescription(
            id: file.id, name: file.name, category: file.category, severity: file.severity, summary: file.summary,
            rationale: file.rationale, references: file.references, requirements: Self.requirements(file.match),
            triggeringExamples: triggeringExamples, nonTriggeringExamples: nonTriggeringExamples)
    }

    /// What the loader must read for this rule: only its kinds (in its namespace when it names one) and log lines
    /// holding its `contains` text, so user rules share the single pass and its skipping.
    static func requirements(_ match: RuleFile.Match) -> DataRequirements {
        switch match {
        case .objects(let m):
            let ns = m.namespace?.literal
            var resources: Set<ResourceRequirement> = [ResourceRequirement(m.resource, in: ns)]
            // Related objects everywhere: they may be cluster-scoped or in the namespace a field names.
            for r in m.related { resources.insert(ResourceRequirement(r.resource)) }
            if !m.events.isEmpty {
                resources.insert(ResourceRequirement("events", in: ns))
            }
            let logs = m.logs.map { LogRequirement(podPrefixes: [m.name?.prefix ?? ""], patterns: [$0.contains]) }
            if !m.logs.isEmpty { resources.insert(ResourceRequirement("pods", in: ns)) }
            // Its objects and related objects are read through its tests only; the events and the pods of its log
            // clauses whole.
            let tested = Set([m.resource] + m.related.map(\.resource))
            var requirements = DataRequirements(resources: resources, logs: logs, readWhole: resources.filter { !tested.contains($0.resource) })
            // A rule file may match any object of its kinds, healthy pods and idle deployments included: the loader
            // keeps whole those it could match (`RuleFilePrefilter`), and the events its `events` clauses could.
            requirements.keepTests[m.resource, default: []].append(RuleFilePrefilter.test(m))
            for r in m.related { requirements.keepTests[r.resource, default: []].append(RuleFilePrefilter.test(r)) }
            requirements.eventTests = Dictionary(m.events.map { (RuleFilePrefilter.key($0), RuleFilePrefilter.test($0)) }) { first, _ in first }
            // Events matched as objects are kept whole, every one.
            if ([m.kind] + m.related.map(\.kind)).contains("Event") { requirements.everyObject.insert("events") }
            return requirements
        case .logs(let l):
            return DataRequirements(logs: [LogRequirement(podPrefixes: [l.pod.prefix], patterns: [l.line.contains])])
        }
    }

    /// Alone, a rule is a batch of one: the same code as the shared pass (`UserRulePass.swift`), so both agree.
    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        Self.evaluate(batch: [self], context).first ?? .skipped("not evaluated")
    }

    // MARK: - Objects

    /// The verdict once the pass has offered the rule every object of its kind: `considered` of them passed its
    /// cluster, group and namespace filters, `findings` matched.
    func verdict(_ m: ObjectMatch, considered: Int, findings: [Finding], snapshot: DumpSnapshot) -> RuleVerdict {
        // Objects no rule file could match are counted by the loader, not kept (`RuleFilePrefilter`): this rule checked
        // them too, as it would have read them.
        var setAside = 0
        for cluster in snapshot.clusters where m.cluster?.matches(cluster.name) ?? true {
            for (key, count) in cluster.setAside.counts
            where key.kind == m.kind && (m.group.map { key.group == $0 } ?? true) && (m.namespace?.matches(key.namespace) ?? true) {
                setAside += count
            }
        }
        let what = "\(m.kind)(s)" + (m.namespace.map { " in namespace \($0)" } ?? "")
        guard considered + setAside > 0 else { return .skipped("no \(what) in the dump" + Self.caseHint(m.kind, in: snapshot.clusters, holder: "it")) }
        if findings.isEmpty { return .passed("\(considered + setAside) \(what) checked: none matches") }
        // The same object read twice (a gather layout holding it in two places) is one finding: ids are unique.
        var seen = Set<String>()
        return .findings(findings.filter { seen.insert($0.id).inserted })
    }

    /// "; `holder` holds Pod objects, and kinds are written as…" when `clusters` hold a kind that differs from `kind`
    /// only in case, else "". Kinds are compared as the objects write them, so a rule file with `kind: pod` reads
    /// nothing: "no pod(s) in the dump" alone would send its author looking at the dump instead of the file, and an
    /// `absent` join would fire on every object without saying why.
    static func caseHint(_ kind: String, in clusters: [Cluster], holder: String) -> String {
        let lower = kind.lowercased()
        // A cluster holds a few dozen kinds; an `absent` join asks for each object it fires on.
        guard let other = clusters.flatMap({ $0.kindsHeld.filter { $0 != kind && $0.lowercased() == lower } }).min() else { return "" }
        return "; \(holder) holds \(other) objects, and kinds are written as the objects write them (kind: \(other))"
    }

    /// The finding for `object` when every part of the match holds, nil otherwise.
    /// Run only on objects `ObjectMatch.holds` accepted (the cheap check without evidence), so the texts below are
    /// built for matches only.
    func match(_ facts: ObjectFacts, _ m: ObjectMatch, now: Timestamp?) -> Finding? {
        let object = facts.object, cluster = facts.cluster
        if let name = m.name, !name.matches(object.metadata.name) { return nil }
        for (key, value) in m.labels {
            guard let actual = object.metadata.label(key), value.matches(actual) else { return nil }
        }
        var evidence: [Evidence] = []
        for p in m.predicates {
            guard p.holds(in: object.body, now: now) else { return nil }
            let values = TemplateScope.strings(p.path.values(in: object.body))
            evidence.append(Evidence("\(p.path) = \(values.isEmpty ? "(not set)" : values.joined(separator: ", "))", object: object, field: p.path.description))
        }
        let conditions = m.conditions.isEmpty ? [] : facts.conditions
        for c in m.conditions {
            if c.notTrue {
                guard !conditions.contains(where: { c.type.matches($0.type) && $0.isTrue }) else { return nil }
                evidence.append(Evidence("\(object.kind) \(object.metadata.name) has no \(c.type) condition that is True", object: object, field: "status.conditions"))
                continue
            }
            guard let i = conditions.firstIndex(where: c.matches) else { return nil }
            let hit = conditions[i]
            evidence.append(Evidence(
                "condition \(hit.type)=\(hit.status)\(hit.reason.map { " (\($0))" } ?? "")\(hit.message.map { ": \($0)" } ?? "")",
                object: object, field: "status.conditions[\(i)]", at: hit.lastTransitionTime))
        }
        var firstEvent: Event?
        var eventCount = 0
        if !m.events.isEmpty {
            let events = facts.events
            for e in m.events {
                let hits = events.filter { e.matches($0, now: now) }
                guard !hits.isEmpty else { return nil }
                firstEvent = firstEvent ?? hits.first
                eventCount += hits.count
                for hit in hits.prefix(Self.maxEvidencePerKind) {
                    evidence.append(Evidence("Event \(hit.reason)\(hit.count > 1 ? " (×\(hit.count))" : ""): \(hit.message)", object: hit.object, at: hit.lastTimestamp ?? hit.firstTimestamp))
                }
            }
        }
        var firstLine: LogLine?
        var lineCount = 0
        for l in m.logs {
            let hits = facts.lines.filter { l.matches($0, now: now) }
            guard !hits.isEmpty else { return nil }
            firstLine = firstLine ?? hits.first
            lineCount += hits.count
            for hit in hits.prefix(Self.maxEvidencePerKind) { evidence.append(Evidence(hit.text, log: hit)) }
            if hits.count > Self.maxEvidencePerKind {
                evidence.append(Evidence("… and \(hits.count - Self.maxEvidencePerKind) more line(s) with \"\(l.contains)\"", path: hits[Self.maxEvidencePerKind].source.path))
            }
        }
        var scope = TemplateScope()
        scope.objects["object"] = object
        var related: [ResourceRef] = []
        for r in m.related {
            let names = TemplateScope.strings(r.joinField.values(in: object.body))
            let namespaces = r.joinNamespaceField.map { TemplateScope.strings($0.values(in: object.body)) }
            let candidates = (cluster.objectsByKind[r.kind] ?? []).filter { y in
                (r.group.map { y.group == $0 } ?? true) && names.contains(y.metadata.name)
                    && (namespaces.map { $0.contains(y.metadata.namespace ?? "") } ?? (y.metadata.namespace == nil || y.metadata.namespace == object.metadata.namespace))
            }
            let hit = candidates.first { r.holds($0, now: now) }
            if r.absent {
                guard hit == nil else { return nil }
                evidence.append(Evidence(
                    "no \(r.kind) \(names.isEmpty ? "(none named)" : names.joined(separator: ", "))\(r.predicates.isEmpty && r.conditions.isEmpty ? "" : " as the rule asks") on cluster \(cluster.name), which \(r.joinField) names"
                        + Self.caseHint(r.kind, in: [cluster], holder: "the cluster"),
                    object: object, field: r.joinField.description))
            } else {
                guard let hit else { return nil }
                scope.objects[r.alias] = hit
                related.append(ResourceRef(hit))
                evidence.append(Evidence("related \(hit.reference) (\(r.alias)), named by \(r.joinField)", object: hit))
            }
        }
        scope.event = firstEvent
        scope.log = firstLine
        scope.scalars["cluster"] = cluster.name
        scope.scalars["now"] = now?.description ?? "unknown"
        scope.scalars["count"] = String(m.events.isEmpty ? lineCount : eventCount)
        // The file's own statement first; without one, the facts the match checked speak for themselves.
        if let statement = file.finding.evidence?.render(scope, quote: false) {
            evidence.insert(Evidence(statement, object: object), at: 0)
        } else if evidence.isEmpty {
            evidence.append(Evidence("\(object.reference) on cluster \(cluster.name) matches \(file.id)", object: object))
        }
        return makeFinding(
            scope: "\(cluster.name)/\(object.metadata.namespace.map { "\($0)/" } ?? "")\(object.metadata.name)", cluster: cluster.name,
            subject: ResourceRef(object), related: related, evidence: evidence, template: scope)
    }

    // MARK: - Logs

    func evaluate(_ l: LogMatch, _ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        if l.line.within != nil, snapshot.gatheredAt == nil { return .skipped("no gather time in the dump: the rule's time window cannot be measured") }
        func wanted(cluster: String, namespace: String, pod: String) -> Bool {
            l.pod.matches(pod) && (l.namespace?.matches(namespace) ?? true) && (l.cluster?.matches(cluster) ?? true)
        }
        let files = snapshot.logFiles.filter { wanted(cluster: $0.cluster, namespace: $0.namespace, pod: $0.pod) }
        guard !files.isEmpty else { return .skipped("no log of pods \(l.pod) in the dump") }
        var byPod: [String: [LogLine]] = [:]
        var order: [String] = []
        for line in snapshot.logLines where wanted(cluster: line.cluster, namespace: line.namespace, pod: line.pod) && l.line.matches(line, now: snapshot.gatheredAt) {
            let key = "\(line.cluster)/\(line.namespace)/\(line.pod)"
            if byPod[key] == nil { order.append(key) }
            byPod[key, default: []].append(line)
        }
        guard !order.isEmpty else { return .passed("\(files.count) log file(s) of pods \(l.pod) scanned: no line with \"\(l.line.contains)\"\(l.line.regex == nil ? "" : " matching the pattern")") }
        var findings: [Finding] = []
        for key in order.sorted() {
            guard let hits = byPod[key], let first = hits.first else { continue }
            let body: Value = .mapping([
                "apiVersion": .scalar("v1"), "kind": .scalar("Pod"),
                "metadata": .mapping(["name": .scalar(first.pod), "namespace": .scalar(first.namespace)]),
            ])
            var scope = TemplateScope()
            scope.objects["object"] = KubeObject(body: body, cluster: first.cluster, source: first.source)
            scope.log = first
            scope.scalars["cluster"] = first.cluster
            scope.scalars["now"] = snapshot.gatheredAt?.description ?? "unknown"
            scope.scalars["count"] = String(hits.count)
            var evidence = hits.prefix(Self.maxEvidencePerKind).map { Evidence($0.text, log: $0) }
            if hits.count > Self.maxEvidencePerKind {
                evidence.append(Evidence("… and \(hits.count - Self.maxEvidencePerKind) more line(s) with \"\(l.line.contains)\"", path: hits[Self.maxEvidencePerKind].source.path))
            }
            if let statement = file.finding.evidence?.render(scope, quote: false) { evidence.insert(Evidence(statement, path: first.source.path), at: 0) }
            findings.append(makeFinding(
                scope: key, cluster: first.cluster, subject: ResourceRef(kind: "Pod", namespace: first.namespace, name: first.pod), related: [],
                evidence: evidence, template: scope))
        }
        return .findings(findings)
    }

    private func makeFinding(scope key: String, cluster: String, subject: ResourceRef, related: [ResourceRef], evidence: [Evidence], template scope: TemplateScope) -> Finding {
        let t = file.finding
        let steps = t.remediation.map { s in
            RemediationStep(
                title: s.title.render(scope, quote: false), cluster: cluster, command: s.command.render(scope, quote: true),
                verify: s.verify.map { $0.render(scope, quote: true) }, expect: s.expect.map { $0.render(scope, quote: false) })
        }
        return Finding(
            key: FindingKey(rule: file.id, scope: key), severity: file.severity, title: t.title.render(scope, quote: false), cluster: cluster,
            subject: subject, related: related, explanation: t.explanation.render(scope, quote: false), evidence: evidence,
            remediation: steps, references: file.references)
    }
}

// MARK: - The checks, each total

extension ObjectMatch {
    var usesTime: Bool {
        predicates.contains(where: \.usesTime) || events.contains { $0.within != nil } || logs.contains { $0.within != nil }
            || related.contains { $0.predicates.contains(where: \.usesTime) }
    }
}

extension FieldPredicate {
    var usesTime: Bool {
        switch comparison {
        case .olderThan, .newerThan: return true
        default: return false
        }
    }

    /// Holds when some value the path reaches satisfies the comparison; `notEquals`/`notIn` when the field is set
    /// and no value equals; `exists: false` when the path reaches nothing. A time comparison without a gather time,
    /// or on a value that is not a time, does not hold.
    func holds(in body: Value, now: Timestamp?) -> Bool {
        compare(
            now: now,
            // Some value the path reaches is a string satisfying `test`.
            any: { test in path.contains(in: body) { $0.string.map(test) ?? false } },
            // The path reaches some value: asked only by the comparisons that need it (a second walk of the path).
            reached: { path.contains(in: body) { _ in true } })
    }

    /// `holds(in:now:)` on `object`, over the values it read once for every rule comparing the same field.
    func holds(on object: OfferedObject, now: Timestamp?) -> Bool {
        let values: [Value]?
        if let known = object.known(path.description, hash: path.hash) {
            values = known
        } else {
            values = path.valuesUnderCap(in: object.body)
            object.remember(values, for: path.description, hash: path.hash)
        }
        return values.map { holds(among: $0, now: now) } ?? holds(in: object.body, now: now)
    }

    /// The same over the values the path reaches, read before (`FieldPath.valuesUnderCap`).
    func holds(among values: [Value], now: Timestamp?) -> Bool {
        compare(now: now, any: { test in values.contains { $0.string.map(test) ?? false } }, reached: { !values.isEmpty })
    }

    /// `Double(text)`: counts (`restartCount: 0`, replicas) read by their digits, the rest by the standard library's
    /// parser, which costs twenty times as much and ran for every healthy pod tested against each rule file.
    static func number(_ text: String) -> Double? {
        var text = text
        let short = text.withUTF8 { b -> Double?? in
            guard !b.isEmpty, b.count <= 16 else { return .none }
            let negative = b[0] == UInt8(ascii: "-")
            let digits = negative ? b.count - 1 : b.count
            // Up to 15 digits: exactly a Double, as the parser rounds it.
            guard digits > 0, digits <= 15 else { return .none }
            var value: Int64 = 0
            for byte in b[(negative ? 1 : 0)...] {
                let d = byte &- UInt8(ascii: "0")
                guard d < 10 else { return .none }
                value = value * 10 + Int64(d)
            }
            return .some(Double(negative ? -value : value))
        }
        return short ?? Double(text)
    }

    /// Inlined into both callers, so the closures are not boxed for each object tested.
    @inline(__always)
    private func compare(now: Timestamp?, any: ((String) -> Bool) -> Bool, reached: () -> Bool) -> Bool {
        switch comparison {
        case .equals(let v): return any { $0 == v }
        case .notEquals(let v): return reached() && !any { $0 == v }
        case .isIn(let set): return any { set.contains($0) }
        case .notIn(let set): return reached() && !any { set.contains($0) }
        case .regex(let r): return any { r.matches($0) }
        case .exists(let wanted): return reached() == wanted
        case .greaterThan(let n): return any { Self.number($0).map { $0 > n } ?? false }
        case .lessThan(let n): return any { Self.number($0).map { $0 < n } ?? false }
        case .olderThan(let d):
            guard let now else { return false }
            return any { Timestamp(rfc3339: $0).map { now.seconds(since: $0) > d } ?? false }
        case .newerThan(let d):
            guard let now else { return false }
            return any { Timestamp(rfc3339: $0).map { now.seconds(since: $0) <= d } ?? false }
        }
    }
}

extension ConditionMatch {
    func matches(_ c: Condition) -> Bool {
        type.matches(c.type) && (status?.matches(c.status) ?? true) && (reason.map { $0.matches(c.reason ?? "") } ?? true)
            && (category.map { $0.matches(c.category ?? "") } ?? true)
            && (message.map { $0.matches(c.message ?? "") } ?? true)
    }
}

extension EventMatch {
    /// Everything but the time window, which needs the gather time: what can be told while the dump streams.
    func mayMatch(_ event: OfferedEvent) -> Bool {
        (reason?.matches(event.reason) ?? true) && (type?.matches(event.type) ?? true) && (message?.matches(event.message) ?? true)
    }

    func matches(_ e: Event, now: Timestamp?) -> Bool {
        guard reason.map({ $0.matches(e.reason) }) ?? true, type.map({ $0.matches(e.type) }) ?? true else { return false }
        // The time before the message's pattern: it is the cheaper test, and the answer is the same.
        if let within {
            guard let now, let at = e.lastTimestamp ?? e.firstTimestamp, now.seconds(since: at) <= within else { return false }
        }
        return message.map { $0.matches(e.message) } ?? true
    }
}

extension LineMatch {
    func matches(_ line: LogLine, now: Timestamp?) -> Bool {
        guard line.text.containsLikeFoundation(contains), regex.map({ $0.matches(line.text) }) ?? true else { return false }
        guard let within else { return true }
        guard let now, let at = line.time else { return false }
        return now.seconds(since: at) <= within
    }
}

extension RelatedMatch {
    func holds(_ object: KubeObject, now: Timestamp?) -> Bool {
        guard predicates.allSatisfy({ $0.holds(in: object.body, now: now) }) else { return false }
        let conditionsOfObject = object.body["status"]["conditions"].array.map(Condition.init)
        return conditions.allSatisfy { c in
            c.notTrue ? !conditionsOfObject.contains { c.type.matches($0.type) && $0.isTrue } : conditionsOfObject.contains(where: c.matches)
        }
    }
}
