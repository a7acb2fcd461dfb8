import MustardModel

/// A migration that is neither finished nor canceled, whose phase has not moved for longer than a threshold.
///
/// mig-controller re-polls most wait phases every few seconds without a timeout (`docs/mtc.md` §2.5), so a migration
/// can wait forever without a `Failed` condition. The rule names the phase, the step, how long, what the phase
/// waits for, the likely cause from the evidence, and the migrations of the plan queued behind it.
public struct MigrationStuckRule: BuiltInRule {
    public static let id = "mtc/migration-stuck"

    public static let description = RuleDescription(
        id: id,
        name: "Migration stuck",
        category: "mtc",
        severity: .error,
        summary: "A migration has not left its phase for longer than the threshold before gather time.",
        rationale: """
            MTC does not time out most of its wait phases: a migration whose stage pods never start, or whose Velero \
            backup never completes, keeps its phase and its Running condition indefinitely and blocks every later \
            migration of the same plan (they get Postponed). The gather time, not the wall clock, is "now". For \
            phases that wait on Velero the rule shows the Backup or Restore and its Restic progress (a copy still \
            moving is a warning, not an error); at StageRestoreCreated it checks the destination cluster's \
            STAGE_IMAGE, which the stage Restore hands to the Velero plugin for the destination stage pods.
            """,
        references: [
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migmigration/task.go",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
        ],
        requirements: DataRequirements(
            resources: [
                "migmigrations", "migplans", "migclusters", ResourceRequirement("configmaps", in: MTC.namespace), "pods", "events", "persistentvolumeclaims",
                "backups", "restores", "podvolumebackups", "podvolumerestores", "migrationcontrollers", "namespaces",
            ],
            logs: [LogRequirement(podPrefixes: ["migration-controller"], patterns: ["Stage Pod", "pulling image", "pull image", "Found abnormal event"])]),
        triggeringExamples: [
            "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-stuck-unschedulable", "Tests/Fixtures/mtc-1.7-stuck-log-only",
            "Tests/Fixtures/mtc-1.7-velero-restarted-midrun",
            "Tests/Fixtures/mtc-1.4.1-stage-image-stuck", "Tests/Fixtures/mtc-1.3-stage-image-stuck",
            "Tests/Fixtures/mtc-1.7-config-missing", "Tests/Fixtures/mtc-1.7-stuck-stage-restore-image",
            "Tests/Fixtures/mtc-1.7-stuck-stage-backup-pvb", "Tests/Fixtures/mtc-1.7-dvm-rsync-pending",
            "Tests/Fixtures/mtc-1.4.1-velero-restarted-midrun", "Tests/Fixtures/mtc-1.6-velero-restarted-midrun",
            "Tests/Fixtures/mtc-1.8-velero-restarted-midrun", "Tests/Fixtures/mtc-1.6-stuck-log-only",
            "Tests/Fixtures/mtc-1.8-stuck-log-only", "Tests/Fixtures/mtc-1.6-stuck-log-other-migration",
            "Tests/Fixtures/mtc-1.8-stuck-log-other-migration", "Tests/Fixtures/mtc-1.4.1-stuck-no-log-cause",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-canceled-image-still-wrong",
            "Tests/Fixtures/mtc-1.7-canceled-image-restored", "Tests/Fixtures/mtc-1.7-stuck-recent",
            "Tests/Fixtures/mtc-1.7-failed-pvc-not-bound", "Tests/Fixtures/mtc-1.7-restic-timeout",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        guard let now = context.now else { return .skipped("the dump states no gather time, so no wait can be measured") }
        let threshold = context.options.stuckAfterSeconds
        var findings: [Finding] = []
        var running = 0
        for view in context.migrations {
            let m = view.migration
            guard !m.isFinished, !m.isCanceled, !(m.isPostponed && m.phase.isEmpty) else { continue }
            running += 1
            guard let since = Self.phaseSince(m), now.seconds(since: since.time) > threshold else { continue }
            findings.append(finding(Self.diagnose(view, since: since, now: now, context: context)))
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked, \(running) running: none in the same phase for more than \(humanDuration(seconds: threshold)) before gather time")
        }
        return .findings(findings)
    }

    /// When the current phase began: the Running condition changes with the phase; else the running step, the start, the creation.
    static func phaseSince(_ m: MigMigration) -> (time: Timestamp, what: String, field: String)? {
        if let i = m.conditions.firstIndex(where: { $0.type == "Running" && $0.isTrue }), let t = m.conditions[i].lastTransitionTime {
            return (t, "Running condition (reason \(m.conditions[i].reason ?? "?"))", "status.conditions[\(i)].lastTransitionTime")
        }
        if let i = m.pipeline.lastIndex(where: { $0.isRunning }), let t = m.pipeline[i].started {
            return (t, "pipeline step \(m.pipeline[i].name) start", "status.pipeline[\(i)].started")
        }
        if let t = m.startTimestamp { return (t, "migration start", "status.startTimestamp") }
        if let t = m.object.metadata.creationTimestamp { return (t, "creation", "metadata.creationTimestamp") }
        return nil
    }

    /// A migration waiting in one phase past the threshold, what it waits for, and the likely cause.
    struct Diagnosis {
        let view: MigrationView
        /// The phase, `Created` when the status has none yet.
        let phase: String
        let info: MigrationPhaseInfo
        /// How long the phase has not changed before the gather, in words.
        let waited: String
        let cause: LikelyCause
        let evidence: [Evidence]
    }

    static func diagnose(_ view: MigrationView, since: (time: Timestamp, what: String, field: String), now: Timestamp, context: RuleContext) -> Diagnosis {
        let m = view.migration
        let phase = m.phase.isEmpty ? "Created" : m.phase
        let waited = humanDuration(seconds: now.seconds(since: since.time))
        let stepText = m.step.map { " (step \($0.index)/\($0.total))" } ?? ""
        let cause = LikelyCause(view, context: context)

        var evidence: [Evidence] = [
            Evidence(
                "MigMigration \(m.name) is at phase \(phase)\(stepText), itinerary \(m.itinerary ?? "unknown"), since \(since.time) (\(since.what))",
                object: m.object, field: since.field, at: since.time),
        ]
        if let i = m.pipeline.lastIndex(where: { $0.isRunning }) {
            let step = m.pipeline[i]
            evidence.append(Evidence(
                "Pipeline step \(step.name) running since \(step.started.map(\.description) ?? "?"): \(step.message ?? "")",
                object: m.object, field: "status.pipeline[\(i)]", at: step.started))
        }
        let gatherPath: String
        if case .timestampFile(let path) = context.snapshot.gatherTimeSource { gatherPath = path } else { gatherPath = m.object.source.path }
        evidence.append(Evidence("Gathered at \(now): \(waited) in the same phase, over the \(humanDuration(seconds: context.options.stuckAfterSeconds)) threshold", path: gatherPath, at: now))
        evidence.append(contentsOf: cause.evidence)
        for queued in view.postponed {
            let message = queued.conditions.active("Postponed")?.message ?? ""
            evidence.append(Evidence(
                "Migration \(queued.name) (created \(queued.object.metadata.creationTimestamp.map(\.description) ?? "?")) is Postponed behind it: \(message)",
                object: queued.object, field: "status.conditions"))
        }
        return Diagnosis(view: view, phase: phase, info: MigrationPhaseInfo.of(phase), waited: waited, cause: cause, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        let view = d.view, m = view.migration, cause = d.cause
        var related = view.postponed.map { ResourceRef($0.object) }
        if let plan = view.plan { related.append(ResourceRef(plan.object)) }
        related.append(contentsOf: view.stagePods.map { ResourceRef($0.pod.object) })
        return Finding(
            key: FindingKey(rule: Self.id, scope: "\(view.hostCluster)/\(m.name)"),
            severity: (cause.found && !cause.dataStillMoving) || !d.info.movesData ? .error : .warning,
            title: Message.title(d), cluster: view.hostCluster, subject: ResourceRef(m.object),
            related: Array(Set(related)).sorted { $0.display < $1.display }, namespaces: view.plan?.sourceNamespaces ?? [],
            explanation: Message.explanation(d),
            evidence: d.evidence, causes: cause.causedBy, remediation: Message.remediation(d),
            references: Self.description.references)
    }
}
