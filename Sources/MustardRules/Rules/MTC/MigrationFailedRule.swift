import MustardModel

/// The latest run of a plan failed: `itinerary: Failed` (its `phase: Completed` is not success) or a `Failed`
/// condition, whose reason is the phase the migration failed in.
///
/// mig-controller's `fail()` appends the reasons to `status.errors`, sets the durable `Failed` condition with the
/// phase at failure as reason, marks the running pipeline step failed, and switches to the Failed itinerary, which
/// ends at `phase: Completed` (`docs/mtc.md` §2.2). The rule maps the failed phase to where the cause lives (PVC
/// binding, Velero backup or restore, hook jobs, controller log). An older failure followed by a successful run of
/// the same plan is history, not a current failure.
public struct MigrationFailedRule: BuiltInRule {
    public static let id = "mtc/migration-failed"

    public static let description = RuleDescription(
        id: id,
        name: "Migration failed",
        category: "mtc",
        severity: .error,
        summary: "The latest run of a migration plan failed; the failed phase, its errors and where to look.",
        rationale: """
            A failed MigMigration ends with itinerary Failed and phase Completed, which reads like success in a \
            quick `oc get`. The Failed condition's reason is the phase that failed and status.errors holds the \
            reasons; together they say where the cause lives: stage pods and PVC binding, the Velero backup on the \
            source, the Velero restore on the destination, a hook job, or the controller itself. Only a failure \
            newer than any successful run of the plan is current.
            """,
        references: [
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migmigration/task.go",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
            "https://github.com/migtools/mtc-breakfix/tree/master/03-Gvk",
        ],
        requirements: DataRequirements(
            resources: ["migmigrations", "migplans", "migclusters", "backups", "restores", "persistentvolumeclaims"],
            logs: [LogRequirement(migplanFilePrefixes: VeleroTextReport.filePrefixes, patterns: VeleroTextReport.patterns)]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-failed-pvc-not-bound", "Tests/Fixtures/mtc-1.3-gvk-failed", "Tests/Fixtures/mtc-1.8-failed-stage-pod-logs-only",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-failed-then-succeeded",
            "Tests/Fixtures/mtc-1.7-gvk-partial-restore", "Tests/Fixtures/mtc-1.7-canceled-image-restored",
        ])

    static func key(cluster: String, migration: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(migration)") }

    public init() {}

    /// Where a failure in a given phase comes from.
    enum Cause: Equatable {
        case stagePods, backup(String), restore(String), hooks(String), controller
    }

    static func cause(phase: String, errors: [String]) -> Cause {
        if errors.contains(where: { $0.hasPrefix("PVC: ") && $0.contains("not bound") }) { return .stagePods }
        switch phase {
        case "SourceStagePodsFailed", "StagePodsCreated", "EnsureStagePodsFromRunning", "EnsureStagePodsFromTemplates",
            "EnsureStagePodsFromOrphanedPVCs":
            return .stagePods
        case "InitialBackupFailed", "EnsureInitialBackup", "InitialBackupCreated": return .backup("initial")
        case "StageBackupFailed", "EnsureStageBackup", "StageBackupCreated": return .backup("stage")
        case "StageRestoreFailed", "EnsureStageRestore", "StageRestoreCreated": return .restore("stage")
        case "FinalRestoreFailed", "EnsureFinalRestore", "FinalRestoreCreated": return .restore("final")
        default:
            if phase.hasSuffix("Hooks") || phase.hasSuffix("HooksFailed") {
                return .hooks(phase.replacing("Failed", with: ""))
            }
            return .controller
        }
    }

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var findings: [Finding] = []
        var failed = 0, history = 0
        for view in context.migrations where view.migration.isFailed {
            failed += 1
            // History: a later run of the plan succeeded, or a later run failed too (reported instead).
            if view.supersededBySuccess != nil || view.laterSiblings.contains(where: \.isFailed) {
                history += 1
                continue
            }
            findings.append(finding(Self.diagnose(view, context: context)))
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: \(failed == 0 ? "none failed" : "\(history) failure(s) superseded by a later run of the same plan")")
        }
        return .findings(findings)
    }

    /// Where and why the latest run of a plan failed, and the facts that show it.
    struct Diagnosis {
        let view: MigrationView
        /// The phase that failed: the Failed condition's reason, else a `…Failed` phase, else the phase.
        let phase: String
        /// Where the cause lives.
        let cause: Cause
        /// The Backup or Restore behind a Velero failure, when named.
        let veleroName: String?
        let velero: MigrationVeleroObjects
        /// PVCs (`namespace`, `name`) the errors say are not bound.
        let unboundPVCs: [(namespace: String, name: String)]
        /// A partially failed Velero object of the migration is reported by `mtc/velero-partial-failure`.
        let partialVelero: Bool
        let evidence: [Evidence]
    }

    static func diagnose(_ view: MigrationView, context: RuleContext) -> Diagnosis {
        let m = view.migration
        let failedIndex = m.conditionIndex("Failed")
        let failedCondition = failedIndex.map { m.conditions[$0] }
        let marker = m.phase.hasSuffix("Failed") ? m.phase : nil
        let phase = failedCondition?.reason ?? marker ?? m.phase
        let cause = Self.cause(phase: marker ?? phase, errors: m.errors)
        let causeFromReason = Self.cause(phase: phase, errors: m.errors)
        let effective = cause == .controller ? causeFromReason : cause
        let velero = view.velero(in: context.snapshot)
        let lines = view.migplanLines(in: context.snapshot)

        var evidence: [Evidence] = [
            Evidence(
                "MigMigration \(m.name) has itinerary \(m.itinerary ?? "?"), phase \(m.phase.isEmpty ? "Created" : m.phase)\(m.itinerary == "Failed" && m.phase == "Completed" ? " (Completed here means the Failed itinerary finished, not success)" : "")",
                object: m.object, field: "status.itinerary"),
        ]
        if let i = failedIndex, let c = failedCondition {
            evidence.append(Evidence("Condition Failed, reason \(c.reason ?? "?") (the phase that failed): \(c.message ?? "")", object: m.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime))
        }
        for (i, error) in m.errors.enumerated() {
            evidence.append(Evidence("Migration error: \(error)", object: m.object, field: "status.errors[\(i)]"))
        }
        if let i = m.pipeline.firstIndex(where: \.failed) {
            let step = m.pipeline[i]
            evidence.append(Evidence("Pipeline step \(step.name) failed: \(step.message ?? "")\(step.progress.isEmpty ? "" : " — " + step.progress.joined(separator: "; "))", object: m.object, field: "status.pipeline[\(i)]", at: step.completed ?? step.started))
        }
        // The Velero object behind a backup or restore failure, and its errors from the migplans/ text files.
        var veleroName: String?
        switch effective {
        case .backup(let role):
            if let b = velero.backups.last(where: { $0.role == role || $0.role == nil }) {
                veleroName = b.name
                evidence.append(Evidence("\(role.capitalizedFirst) Backup \(b.name) is \(b.phase ?? "?") with \(b.errors) error(s)\(b.failureReason.map { ": \($0)" } ?? "")", object: b.object, field: "status"))
            }
        case .restore(let role):
            let named = m.errors.compactMap(veleroObjectName).first
            if let r = velero.restores.first(where: { $0.name == named }) ?? velero.restores.last(where: { $0.role == role || $0.role == nil }) {
                veleroName = r.name
                evidence.append(Evidence("\(role.capitalizedFirst) Restore \(r.name) is \(r.phase ?? "?") with \(r.errors) error(s) and \(r.warnings) warning(s)\(r.failureReason.map { ": \($0)" } ?? "")", object: r.object, field: "status"))
            } else {
                veleroName = named
            }
        default:
            break
        }
        if let name = veleroName {
            for item in VeleroTextReport(lines: lines, object: name).errors.prefix(5) {
                evidence.append(Evidence("Velero error (\(item.line.pod)): \(item.text)", log: item.line))
            }
        }
        let earlier = view.siblings.filter { $0.isFailed && !view.laterSiblings.map(\.name).contains($0.name) }
        if !earlier.isEmpty {
            evidence.append(Evidence("\(earlier.count) earlier run(s) of the plan failed too: \(earlier.map(\.name).joined(separator: ", "))", object: earlier[earlier.count - 1].object, field: "status.itinerary"))
        }
        if let running = view.laterSiblings.last(where: { !$0.isFinished && !$0.isPostponed }) {
            evidence.append(Evidence("A newer migration \(running.name) of the plan is running (phase \(running.phase)): the failure stays current until it succeeds", object: running.object, field: "status.phase"))
        }

        let pvcs = m.errors.compactMap { e -> (namespace: String, name: String)? in
            guard e.hasPrefix("PVC: "), let slash = e.firstIndex(of: "/") else { return nil }
            let ns = e[e.index(e.startIndex, offsetBy: 5)..<slash]
            let name = e[e.index(after: slash)...].prefix { $0 != "," && $0 != " " }
            return (String(ns), String(name))
        }
        return Diagnosis(
            view: view, phase: phase, cause: effective, veleroName: veleroName, velero: velero,
            unboundPVCs: effective == .stagePods ? pvcs : [], partialVelero: !context.veleroPartials(view).isEmpty, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        let view = d.view, m = view.migration
        var causedBy: [CauseLink] = []
        if d.partialVelero {
            causedBy.append(.ifReported(VeleroPartialFailureRule.key(cluster: view.hostCluster, migration: m.name)))
        }
        var related: [ResourceRef] = []
        if let plan = view.plan { related.append(ResourceRef(plan.object)) }
        if let name = d.veleroName {
            if let r = d.velero.restores.first(where: { $0.name == name }) { related.append(ResourceRef(r.object)) }
            if let b = d.velero.backups.first(where: { $0.name == name }) { related.append(ResourceRef(b.object)) }
        }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name), severity: .error, title: Message.title(d),
            cluster: view.hostCluster, subject: ResourceRef(m.object), related: related, namespaces: view.planNamespaces,
            explanation: Message.explanation(d), evidence: d.evidence, causes: causedBy, remediation: Message.remediation(d),
            references: Self.description.references)
    }
}
