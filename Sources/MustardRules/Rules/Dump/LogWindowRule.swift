import MustardModel

/// The controller log does not reach back to the start of a migration it should explain: the gather's log window
/// (72 hours by default) or a controller restart cut it.
public struct LogWindowRule: BuiltInRule {
    public static let id = "dump/log-window"

    public static let description = RuleDescription(
        id: id,
        name: "Controller log starts after the migration",
        category: "dump",
        severity: .info,
        summary: "The migration-controller log in the dump begins after a migration it concerns started, so its early lines are missing.",
        rationale: """
            MTC's gather collects logs with `--since 72h` by default (gather_1h … gather_all), and a controller that \
            restarted starts a new log. A migration older than the log's first line has no log lines for its \
            beginning, so evidence from that time is absent, not negative.
            """,
        references: ["https://github.com/migtools/must-gather/blob/master/README.md"],
        requirements: DataRequirements(
            resources: ["migmigrations"],
            logs: [LogRequirement(podPrefixes: ["migration-controller"], patterns: ["[RUN]"])]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-log-window"],
        nonTriggeringExamples: ["Samples/stage-image-stuck", "Samples/healthy-migration"])

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        let logs = context.snapshot.logFiles.filter { $0.pod.hasPrefix("migration-controller") && !$0.path.hasSuffix("previous.log") }
        guard !logs.isEmpty else { return .skipped("no migration-controller log in the dump") }
        var findings: [Finding] = []
        for view in context.migrations {
            let m = view.migration
            // Only migrations that still matter: running, or the latest of their plan.
            let latest = !view.siblings.contains { ($0.object.metadata.creationTimestamp ?? .init(secondsSince1970: 0)) > (m.object.metadata.creationTimestamp ?? .init(secondsSince1970: 0)) }
            guard !m.isFinished || latest, let began = m.startTimestamp ?? m.object.metadata.creationTimestamp else { continue }
            let covering = logs.filter { $0.cluster == view.hostCluster }
            guard !covering.isEmpty else { continue }
            let earliest = covering.compactMap(\.firstTime).min()
            // A minute of slack: the controller logs a migration's creation a moment after it.
            guard let earliest, earliest.seconds(since: began) > 60, let log = covering.first(where: { $0.firstTime == earliest }) else { continue }
            findings.append(Finding(
                key: FindingKey(rule: Self.id, scope: "\(view.hostCluster)/\(m.name)"), severity: .info,
                title: "The controller log starts at \(earliest), \(humanDuration(seconds: earliest.seconds(since: began))) after migration \(m.name) began: its first phases have no log lines",
                cluster: view.hostCluster, subject: ResourceRef(m.object), namespaces: view.plan?.sourceNamespaces ?? [],
                explanation: "Evidence from before \(earliest) can only come from the MigMigration's status and events. To see the early lines, gather with a longer window if the controller has not restarted since.",
                evidence: [
                    Evidence("Migration \(m.name) began at \(began)", object: m.object, field: m.startTimestamp != nil ? "status.startTimestamp" : "metadata.creationTimestamp", at: began),
                    Evidence("The first line of \(log.pod)'s log is from \(earliest)", path: log.path, line: 1, at: earliest),
                ],
                remediation: [RemediationStep(
                    title: "Gather all of the controller's log (the gather_all variant) from the host cluster", cluster: view.hostCluster,
                    command: MustGatherCommand.forDump(context.snapshot) + " -- /usr/bin/gather_all", verify: nil)],
                references: Self.description.references))
        }
        if findings.isEmpty { return .passed("\(logs.count) controller log(s) reach back to the start of the migrations that matter") }
        return .findings(findings)
    }
}
