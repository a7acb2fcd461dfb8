/// One dated fact in a migration's story, with the file it came from.
public struct TimelineEntry: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case created, started, condition, step, event, log, gathered
    }

    public let at: Timestamp
    public let kind: Kind
    public let text: String
    public let cluster: String?
    public let path: String?
    public let field: String?
    public let line: Int?
    /// What the entry states, for renderers that draw rather than print it; the words are only in `text`.
    public let fact: TimelineFact

    public init(
        at: Timestamp, kind: Kind, text: String, cluster: String?, path: String?, field: String?, line: Int?, fact: TimelineFact = .other
    ) {
        self.init(at: at, kind: kind, scrubbedText: QuoteBound.scrubbed(text), cluster: cluster, path: path, field: field, line: line, fact: fact)
    }

    private init(
        at: Timestamp, kind: Kind, scrubbedText: String, cluster: String?, path: String?, field: String?, line: Int?, fact: TimelineFact
    ) {
        self.at = at
        self.kind = kind
        self.text = scrubbedText
        self.cluster = cluster
        self.path = path
        self.field = field
        self.line = line
        self.fact = fact
    }

    /// The entry with its texts rewritten (redaction, neutralising) and everything it states kept. The text was
    /// scrubbed and bounded when the entry was made: not again, so a bounded text is not cut twice.
    public func mappingTexts(_ map: (String) -> String, field mapField: (String) -> String = { $0 }) -> TimelineEntry {
        var mappedFact = fact
        if case .step(let index, let name, let end) = fact { mappedFact = .step(index: index, name: map(name), end: end) }
        return TimelineEntry(
            at: at, kind: kind, scrubbedText: map(text), cluster: cluster.map(map), path: path.map(map), field: field.map(mapField),
            line: line, fact: mappedFact)
    }
}

/// What a timeline entry states, as data: a step's start or end, how a condition or log line reads (good, bad,
/// a warning), whether an event is a Warning.
public enum TimelineFact: Sendable, Equatable {
    public enum StepEnd: String, Sendable { case started, completed, failed, skipped }
    public enum Tone: Sendable { case ok, bad, warning, neutral }

    /// Pipeline step `index` (`status.pipeline[index]`) started or ended.
    case step(index: Int, name: String, end: StepEnd)
    case condition(Tone)
    case event(warning: Bool)
    case log(Tone)
    case other

    /// A condition's tone: a failure or a Critical condition is bad, success good, Postponed, success with warnings
    /// or a Warn condition a warning.
    static func tone(of c: Condition) -> Tone {
        guard c.isTrue else { return .neutral }
        switch c.type {
        case "Failed": return .bad
        case "Succeeded": return .ok
        // Postponed is Critical in MTC (it blocks the run) but means "queued", not "broken".
        case "Postponed", "SucceededWithWarnings": return .warning
        default: return c.category == "Critical" ? .bad : c.category == "Warn" ? .warning : .neutral
        }
    }

    /// A log line's tone: bad when logged at error level, when the controller reports a Warning event or a waiting
    /// container of a stage pod, migration errors, or marks the migration failed.
    static func tone(of line: LogLine) -> Tone {
        let level = line.fields["level"] ?? ""
        let signals = line.fields["eventType"] == "Warning" || line.fields["containerWaitingMessage"] != nil || line.fields["migrationErrors"] != nil
        if level == "error" || signals || line.text.contains("level=error") || line.text.contains("FAILED") { return .bad }
        if level == "warn" || level == "warning" || line.text.contains("level=warn") { return .warning }
        return .neutral
    }
}

/// A migration's story in time order, in UTC: creation, condition transitions, pipeline steps, Kubernetes
/// events, controller and Velero log lines, and the gather. Post-mortem writers copy this.
public struct MigrationTimeline: Sendable {
    public let migration: String
    public let plan: String?
    public let cluster: String
    public let namespaces: [String]
    public let entries: [TimelineEntry]

    /// A timeline as given (a redacted copy of another, say).
    public init(migration: String, plan: String?, cluster: String, namespaces: [String], entries: [TimelineEntry]) {
        self.migration = migration
        self.plan = plan
        self.cluster = cluster
        self.namespaces = namespaces
        self.entries = entries
    }

    /// Conditions of one migration listed; the rest are counted in one entry.
    static let maxConditions = 200

    /// Velero lines worth a place in a timeline; the controller's come from the rules' own requirements.
    public static let requirements = DataRequirements(
        resources: ["events"],
        logs: [
            LogRequirement(podPrefixes: ["velero-"], patterns: ["level=error", "level=warn", "Backup completed", "restore completed", "timed out"]),
            LogRequirement(podPrefixes: ["migration-controller"], patterns: ["[RUN]", "Marking migration as FAILED", "critical_conditions"]),
        ])

    /// Repeated log lines (the controller logs the same wait every few seconds) are folded into one entry.
    public init(_ view: MigrationView, snapshot: DumpSnapshot) {
        let m = view.migration
        migration = m.name
        plan = m.planName
        cluster = view.hostCluster
        namespaces = view.plan?.sourceNamespaces ?? []
        var entries: [TimelineEntry] = []
        let object = m.object
        func add(
            _ at: Timestamp?, _ kind: TimelineEntry.Kind, _ text: String, cluster: String? = view.hostCluster, object o: KubeObject? = nil,
            field: String? = nil, fact: TimelineFact = .other
        ) {
            guard let at else { return }
            let source = o ?? object
            let prefix = source.source.listIndex.map { "items[\($0)]" }
            let fullField = [prefix, field].compactMap { $0 }.joined(separator: ".")
            entries.append(TimelineEntry(
                at: at, kind: kind, text: text, cluster: cluster, path: source.source.path, field: fullField.isEmpty ? nil : fullField, line: nil,
                fact: fact))
        }
        add(object.metadata.creationTimestamp, .created, "MigMigration \(m.name) created (\(m.runKind) migration\(m.planName.map { " of plan \($0)" } ?? ""))", field: "metadata.creationTimestamp")
        add(m.startTimestamp, .started, "Migration started", field: "status.startTimestamp")
        // A migration has a handful of conditions; past `maxConditions` (a hostile dump) they are counted, not listed.
        for (i, c) in m.conditions.prefix(Self.maxConditions).enumerated() {
            let reason = c.reason.map { " (\($0))" } ?? ""
            add(c.lastTransitionTime, .condition, "Condition \(c.type)=\(c.status)\(reason)\(c.message.map { ": \($0)" } ?? "")", field: "status.conditions[\(i)]",
                fact: .condition(TimelineFact.tone(of: c)))
        }
        if m.conditions.count > Self.maxConditions {
            let rest = m.conditions.dropFirst(Self.maxConditions)
            add(rest.compactMap(\.lastTransitionTime).max(), .condition, "…and \(rest.count) more conditions, not listed", field: "status.conditions")
        }
        for (i, step) in m.pipeline.enumerated() {
            add(step.started, .step, "Step \(step.name) started\(step.phase.map { " (phase \($0))" } ?? "")", field: "status.pipeline[\(i)].started",
                fact: .step(index: i, name: step.name, end: .started))
            let end: TimelineFact.StepEnd = step.failed ? .failed : step.skipped ? .skipped : .completed
            add(step.completed, .step, "Step \(step.name) \(end.rawValue)\(step.message.map { ": \($0)" } ?? "")", field: "status.pipeline[\(i)].completed",
                fact: .step(index: i, name: step.name, end: end))
        }
        var events: [(Event, String)] = []
        if let host = snapshot.cluster(named: view.hostCluster) {
            events += host.events(for: "MigMigration", namespace: m.object.metadata.namespace, name: m.name).map { ($0, host.name) }
        }
        for record in view.stagePods { events += record.events.map { ($0, record.cluster) } }
        for (event, cluster) in events {
            let repeats = event.count > 1 ? " ×\(event.count)\(event.lastTimestamp.map { ", last \($0)" } ?? "")" : ""
            add(event.firstTimestamp ?? event.lastTimestamp, .event,
                "Event \(event.type) \(event.reason) on \(event.involvedKind) \(event.involvedNamespace.map { "\($0)/" } ?? "")\(event.involvedName)\(repeats): \(event.message)",
                cluster: cluster, object: event.object, fact: .event(warning: event.type == "Warning"))
        }
        entries += Self.foldedLogEntries(view.logLines)
        if let gathered = snapshot.gatheredAt {
            var path: String?
            if case .timestampFile(let p) = snapshot.gatherTimeSource { path = p }
            entries.append(TimelineEntry(at: gathered, kind: .gathered, text: "Must-gather collected: the analysis' \"now\"", cluster: nil, path: path, field: nil, line: nil))
        }
        let rank = Dictionary(uniqueKeysWithValues: TimelineEntry.Kind.allCases.enumerated().map { ($1, $0) })
        self.entries = entries.sorted {
            ($0.at.secondsSince1970, rank[$0.kind, default: 0], $0.text, $0.path ?? "") < ($1.at.secondsSince1970, rank[$1.kind, default: 0], $1.text, $1.path ?? "")
        }
    }

    /// One entry per distinct message, at its first time, saying how often and until when it repeated.
    static func foldedLogEntries(_ lines: [LogLine]) -> [TimelineEntry] {
        var order: [String] = []
        var groups: [String: (first: LogLine, last: LogLine, count: Int)] = [:]
        for line in lines where line.time != nil {
            let text = describe(line)
            let key = "\(line.source.path)\u{0}\(text)"
            if let g = groups[key] {
                groups[key] = (g.first, line, g.count + 1)
            } else {
                groups[key] = (line, line, 1)
                order.append(key)
            }
        }
        return order.compactMap { key in
            guard let g = groups[key], let at = g.first.time else { return nil }
            let repeats = g.count > 1 ? " (×\(g.count) until \(g.last.time.map(\.description) ?? "?"))" : ""
            let who = g.first.container.map { "\(g.first.pod)/\($0)" } ?? g.first.pod
            return TimelineEntry(
                at: at, kind: .log, text: "Log \(who): \(describe(g.first))\(repeats)", cluster: g.first.cluster,
                path: g.first.source.path, field: nil, line: g.first.lineNumber, fact: .log(TimelineFact.tone(of: g.first)))
        }
    }

    /// A zap line as `msg key=value…` for the keys that tell the story; other lines as they are, shortened.
    static func describe(_ line: LogLine) -> String {
        guard let msg = line.fields["msg"] else { return String(line.text.prefix(300)) }
        let keys = ["phase", "pod", "Pod", "container", "containerWaitingMessage", "eventReason", "eventMessage", "stagePodImage", "migrationErrors", "critical_conditions"]
        let details = keys.compactMap { key in line.fields[key].map { "\(key)=\($0)" } }
        return ([msg] + details).joined(separator: " ")
    }
}
