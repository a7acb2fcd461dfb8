import MustardModel

/// Restic could not copy, or could not verify, a migration's volume data.
///
/// Signals: the MigMigration's Warn conditions `ResticErrors` and `ResticVerifyErrors` (set from the Restore's
/// `podVolumeRestoreErrors` / verify errors; the migration itself does not fail), PodVolumeBackups and
/// PodVolumeRestores in phase `Failed`, or left `InProgress` after their Backup or Restore finished, and Velero's
/// "timed out waiting for all PodVolumeBackups to complete" (or PodVolumeRestores), which means the copy outlasted
/// `restic_timeout` (OCP docs, "Pod volume backup timeout error in Velero pod log"; `docs/mtc.md` §4 R6, R7). A pod volume
/// copy still running while its migration waits is the business of `mtc/migration-stuck`.
public struct ResticProblemsRule: BuiltInRule {
    public static let id = "mtc/restic-problems"

    static let timeoutPattern = "timed out waiting for all PodVolume"

    public static let description = RuleDescription(
        id: id,
        name: "Restic volume copy problems",
        category: "mtc",
        severity: .warning,
        summary: "Restic failed, timed out or found verify errors copying a migration's volumes.",
        rationale: """
            With file system copy, Restic moves the PV data inside Velero's Backup and Restore. Its failures do not \
            fail the migration: MTC adds Warn conditions ResticErrors or ResticVerifyErrors naming the Restore, \
            and the Backup or Restore ends PartiallyFailed. The usual cause of a failed copy is restic_timeout \
            (default 1h), recognisable by Velero's "timed out waiting for all PodVolumeBackups to complete"; the \
            fix is to raise it on the MigrationController of the cluster that ran the copy and migrate again. \
            Verify errors mean the copied data did not check out: look at the PodVolumeRestores and restic logs.
            """,
        references: [
            "https://docs.openshift.com/container-platform/4.7/migration/migrating_3_4/troubleshooting-3-4.html#pod-volume-backup-timeout-error-in-velero-pod-log_troubleshooting-3-4",
            "https://docs.openshift.com/container-platform/4.7/migration/migrating_3_4/troubleshooting-3-4.html#restic-verification-errors-in-migmigration-custom-resource_troubleshooting-3-4",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migmigration/restore.go",
        ],
        requirements: DataRequirements(
            resources: ["migmigrations", "migplans", "migclusters", "backups", "restores", "podvolumebackups", "podvolumerestores", "migrationcontrollers"],
            logs: [
                LogRequirement(migplanFilePrefixes: VeleroTextReport.filePrefixes, patterns: VeleroTextReport.patterns),
                LogRequirement(podPrefixes: ["velero-"], patterns: [timeoutPattern]),
            ]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-restic-timeout", "Tests/Fixtures/mtc-1.7-restic-verify-errors", "Tests/Fixtures/mtc-1.7-restic-host-path",
            "Tests/Fixtures/mtc-1.4.1-restic-host-path", "Tests/Fixtures/mtc-1.6-restic-host-path", "Tests/Fixtures/mtc-1.8-restic-host-path",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-restore-warnings-only",
            "Tests/Fixtures/mtc-1.7-stuck-stage-backup-pvb", "Tests/Fixtures/mtc-1.7-gvk-partial-restore",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    static func key(cluster: String, migration: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(migration)") }

    public init() {}

    /// Velero's restic timeout lines about this migration: its migplans/ text files, or velero pod logs naming
    /// one of its Backups or Restores.
    static func timeoutLines(_ view: MigrationView, velero: MigrationVeleroObjects, context: RuleContext) -> [LogLine] {
        let names = velero.backups.map(\.name) + velero.restores.map(\.name)
        let own = view.migplanLines(in: context.snapshot).filter { $0.text.contains(timeoutPattern) }
        let pods = context.snapshot.logLines.filter { line in
            line.pod.hasPrefix("velero-") && line.text.contains(timeoutPattern) && names.contains { line.text.contains($0) }
        }
        return own + pods
    }

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var findings: [Finding] = []
        for view in context.migrations {
            // History: a later clean success of the plan moved the data again.
            if view.laterSiblings.contains(where: { $0.conditions.active("Succeeded") != nil && !$0.isCanceled && !$0.isFailed }) { continue }
            if let d = Self.diagnose(view, context: context) { findings.append(finding(d, context: context)) }
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: no Restic errors, verify errors, failed or orphaned pod volume copies, or timeouts")
        }
        return .findings(findings)
    }

    /// What went wrong with a migration's volume copies, in the order reported.
    enum Problem: Equatable {
        case resticErrors, verifyErrors
        /// A PodVolumeBackup (`backup` true) or PodVolumeRestore failed.
        case transferFailed(backup: Bool, name: String)
        /// A PodVolumeBackup or PodVolumeRestore stayed InProgress after its Backup or Restore finished.
        case leftInProgress(backup: Bool, name: String)
        case timedOut
    }

    /// A migration's Restic trouble and the facts that show it.
    struct Diagnosis {
        let view: MigrationView
        let problems: [Problem]
        /// Restores whose PodVolumeRestores to look at, in order.
        let restoresToCheck: [String]
        let failedTransfers: [PodVolumeTransfer]
        /// Velero's "timed out waiting for all PodVolume…" lines about the migration.
        let timeouts: [LogLine]
        /// The cluster where Restic ran out of time: the source for Backups, else the destination.
        let timeoutCluster: String?
        /// `restic_timeout` on that cluster's MigrationController, when set.
        let currentTimeout: String?
        /// A final migration ended Succeeded(WithWarnings) while volume copies failed.
        let lost: Bool
        /// The PVCs (`ns/name`) whose data did not arrive, when `lost` and known.
        let pvcs: [String]
        let evidence: [Evidence]

        /// Only verify errors: a warning about the copied data, not a failed copy.
        var onlyVerify: Bool { problems == [.verifyErrors] }
    }

    /// Nil when the migration shows no Restic trouble.
    static func diagnose(_ view: MigrationView, context: RuleContext) -> Diagnosis? {
        let m = view.migration
        let velero = view.velero(in: context.snapshot)
        var evidence: [Evidence] = []
        var problems: [Problem] = []
        var restoresToCheck: [String] = []

        for type in ["ResticErrors", "ResticVerifyErrors"] {
            guard let i = m.conditionIndex(type) else { continue }
            let c = m.conditions[i]
            evidence.append(Evidence("Condition \(type) (\(c.category ?? "Warn")): \(c.message ?? "")", object: m.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime))
            problems.append(type == "ResticErrors" ? .resticErrors : .verifyErrors)
            if let name = c.message.flatMap(backtickedName) { restoresToCheck.append(name) }
        }
        for r in velero.restores where !r.podVolumeRestoreErrors.isEmpty || !r.podVolumeRestoreVerifyErrors.isEmpty {
            if !restoresToCheck.contains(r.name) { restoresToCheck.append(r.name) }
            if !r.podVolumeRestoreErrors.isEmpty {
                evidence.append(Evidence("Restore \(r.name) (\(r.phase ?? "?")) lists PodVolumeRestore errors: \(r.podVolumeRestoreErrors.joined(separator: ", "))", object: r.object, field: "status.podVolumeRestoreErrors"))
            }
            if !r.podVolumeRestoreVerifyErrors.isEmpty {
                evidence.append(Evidence("Restore \(r.name) (\(r.phase ?? "?")) lists PodVolumeRestore verify errors: \(r.podVolumeRestoreVerifyErrors.joined(separator: ", "))", object: r.object, field: "status"))
            }
        }
        let finishedParents = Set(velero.backups.filter { $0.phase != nil && $0.phase != "InProgress" && $0.phase != "New" }.map(\.name)
            + velero.restores.filter { $0.phase != nil && $0.phase != "InProgress" && $0.phase != "New" }.map(\.name))
        var failedTransfers: [PodVolumeTransfer] = []
        for t in velero.podVolumeBackups + velero.podVolumeRestores {
            let pod = [t.podNamespace, t.podName].compactMap { $0 }.joined(separator: "/")
            if t.phase == "Failed" {
                failedTransfers.append(t)
                problems.append(.transferFailed(backup: t.direction == "Backup", name: t.name))
                evidence.append(Evidence("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) of pod \(pod), volume \(t.volume ?? "?"), node \(t.node ?? "?"): Failed\(t.message.map { ": \($0)" } ?? "") (\(t.progressText))", object: t.object, field: "status"))
            } else if t.phase == "InProgress", let parent = t.parentName, finishedParents.contains(parent) || m.isFinished {
                failedTransfers.append(t)
                problems.append(.leftInProgress(backup: t.direction == "Backup", name: t.name))
                evidence.append(Evidence("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) of pod \(pod) is still InProgress (\(t.progressText)) although its \(t.direction) \(parent) finished", object: t.object, field: "status.phase"))
            }
        }
        let timeouts = timeoutLines(view, velero: velero, context: context)
        for line in timeouts.prefix(3) {
            evidence.append(Evidence("Velero (\(line.pod)): \(trimSpaces(line.text))", log: line))
        }
        if !timeouts.isEmpty { problems.insert(.timedOut, at: 0) }
        guard !evidence.isEmpty else { return nil }

        // Which cluster ran the copy: Backups (PVBs) on the source, Restores (PVRs) on the destination.
        let backupSide = timeouts.contains { $0.text.contains("PodVolumeBackups") } || failedTransfers.contains { $0.direction == "Backup" }
        var current: String?
        if !timeouts.isEmpty {
            let controller = (backupSide ? view.sourceCluster : view.destinationCluster)?.migrationControllers.first
            current = controller?.spec["restic_timeout"].string
            if let controller, let current {
                evidence.append(Evidence("MigrationController on cluster \(controller.object.cluster) sets restic_timeout=\(current)", object: controller.object, field: "spec.restic_timeout"))
            }
        }
        // Impact: a final migration that "succeeded" while volume copies failed left those PVCs empty on the destination.
        let lost = m.succeeded && !m.stage && !m.migrateState && !m.rollback
            && (!failedTransfers.isEmpty || m.conditionIndex("ResticErrors") != nil || !timeouts.isEmpty)
        return Diagnosis(
            view: view, problems: problems, restoresToCheck: restoresToCheck, failedTransfers: failedTransfers, timeouts: timeouts,
            timeoutCluster: backupSide ? view.sourceName : view.destinationName, currentTimeout: current, lost: lost,
            pvcs: lost ? claims(of: failedTransfers, view: view) : [], evidence: evidence)
    }

    private func finding(_ d: Diagnosis, context: RuleContext) -> Finding {
        let view = d.view, m = view.migration
        let velero = view.velero(in: context.snapshot)
        var related = velero.restores.filter { d.restoresToCheck.contains($0.name) }.map { ResourceRef($0.object) }
        related += d.failedTransfers.map { ResourceRef($0.object) }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name), severity: d.lost ? .error : .warning, title: Message.title(d),
            cluster: view.hostCluster, subject: ResourceRef(m.object), related: related, namespaces: view.planNamespaces,
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d, snapshot: context.snapshot),
            references: Self.description.references)
    }

    /// The PVCs (`ns/name`) behind failed pod volume copies: the claim the copied pod mounts as that volume (stage pod
    /// in the dump), else the plan's only PVC in the pod's namespace; unknown claims are left out.
    static func claims(of transfers: [PodVolumeTransfer], view: MigrationView) -> [String] {
        var out: [String] = []
        for t in transfers {
            guard let ns = t.podNamespace else { continue }
            let pod = view.stagePods.first { $0.pod.name == t.podName && $0.pod.namespace == ns }?.pod
            let claim = pod?.object.body[path: "spec.volumes"].array
                .first { $0["name"].string == t.volume }?[path: "persistentVolumeClaim.claimName"].string
            let inNamespace = (view.plan?.volumes ?? []).filter { $0.pvcNamespace == ns }.compactMap(\.pvcName)
            if let name = claim ?? (inNamespace.count == 1 ? inNamespace.first : nil) {
                let id = "\(ns)/\(name)"
                if !out.contains(id) { out.append(id) }
            }
        }
        return out
    }

    /// Double the current timeout in hours, at least 4h.
    static func proposedTimeout(_ current: String?) -> String {
        guard let current, current.hasSuffix("h"), let hours = Int(current.dropLast()) else { return "4h" }
        return "\(max(4, hours * 2))h"
    }
}
