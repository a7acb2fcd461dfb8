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

    public init(at: Timestamp, kind: Kind, text: String, cluster: String?, path: String?, field: String?, line: Int?) {
        self.at = at
        self.kind = kind
        self.text = QuoteBound.scrubbed(text)
        self.cluster = cluster
        self.path = path
        self.field = field
        self.line = line
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
        func add(_ at: Timestamp?, _ kind: TimelineEntry.Kind, _ text: String, cluster: String? = view.hostCluster, object o: KubeObject? = nil, field: String? = nil) {
            guard let at else { return }
            let source = o ?? object
            let prefix = source.source.listIndex.map { "items[\($0)]" }
            let fullField = [prefix, field].compactMap { $0 }.joined(separator: ".")
            entries.append(TimelineEntry(at: at, kind: kind, text: text, cluster: cluster, path: source.source.path, field: fullField.isEmpty ? nil : fullField, line: nil))
        }
        add(object.metadata.creationTimestamp, .created, "MigMigration \(m.name) created (\(m.runKind) migration\(m.planName.map { " of plan \($0)" } ?? ""))", field: "metadata.creationTimestamp")
        add(m.startTimestamp, .started, "Migration started", field: "status.startTimestamp")
        // A migration has a handful of conditions; past `maxConditions` (a hostile dump) they are counted, not listed.
        for (i, c) in m.conditions.prefix(Self.maxConditions).enumerated() {
            let reason = c.reason.map { " (\($0))" } ?? ""
            add(c.lastTransitionTime, .condition, "Condition \(c.type)=\(c.status)\(reason)\(c.message.map { ": \($0)" } ?? "")", field: "status.conditions[\(i)]")
        }
        if m.conditions.count > Self.maxConditions {
            let rest = m.conditions.dropFirst(Self.maxConditions)
            add(rest.compactMap(\.lastTransitionTime).max(), .condition, "…and \(rest.count) more conditions, not listed", field: "status.conditions")
        }
        for (i, step) in m.pipeline.enumerated() {
            add(step.started, .step, "Step \(step.name) started\(step.phase.map { " (phase \($0))" } ?? "")", field: "status.pipeline[\(i)].started")
            let end = step.failed ? "failed" : step.skipped ? "skipped" : "completed"
            add(step.completed, .step, "Step \(step.name) \(end)\(step.message.map { ": \($0)" } ?? "")", field: "status.pipeline[\(i)].completed")
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
                cluster: cluster, object: event.object)
        }
        entries += Self.foldedLogEntries(view.logLines)
        if let gathered = snapshot.gatheredAt {
            var path: String?
            if case .timestampFile(let p) = snapshot.gatherTimeSource { path = p }
            entries.append(TimelineEntry(at: gathered, kind: .gathered, text: "Must-gather collected: the analysis' \"now\"", cluster: nil, path: path, field: nil, line: nil))
        }
        let rank = Dictionary(uniqueKeysWithValues: TimelineEntry.Kind.allCases.enumerated().map { ($1, $0) })
        self.entries = entries.sorted {
            ($0.at.secondsSince1970, rank[$0.kind]!, $0.text, $0.path ?? "") < ($1.at.secondsSince1970, rank[$1.kind]!, $1.text, $1.path ?? "")
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
                path: g.first.source.path, field: nil, line: g.first.lineNumber)
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
