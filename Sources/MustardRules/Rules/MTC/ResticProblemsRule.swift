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
            if let f = finding(view, context: context) { findings.append(f) }
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: no Restic errors, verify errors, failed or orphaned pod volume copies, or timeouts")
        }
        return .findings(findings)
    }

    private func finding(_ view: MigrationView, context: RuleContext) -> Finding? {
        let m = view.migration
        let velero = view.velero(in: context.snapshot)
        var evidence: [Evidence] = []
        var problems: [String] = []
        var restoresToCheck: [String] = []

        for type in ["ResticErrors", "ResticVerifyErrors"] {
            guard let i = m.conditionIndex(type) else { continue }
            let c = m.conditions[i]
            evidence.append(Evidence("Condition \(type) (\(c.category ?? "Warn")): \(c.message ?? "")", object: m.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime))
            problems.append(type == "ResticErrors" ? "Restic errors" : "Restic verify errors")
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
                problems.append("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) failed")
                evidence.append(Evidence("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) of pod \(pod), volume \(t.volume ?? "?"), node \(t.node ?? "?"): Failed\(t.message.map { ": \($0)" } ?? "") (\(t.progressText))", object: t.object, field: "status"))
            } else if t.phase == "InProgress", let parent = t.parentName, finishedParents.contains(parent) || m.isFinished {
                failedTransfers.append(t)
                problems.append("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) left InProgress")
                evidence.append(Evidence("Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) of pod \(pod) is still InProgress (\(t.progressText)) although its \(t.direction) \(parent) finished", object: t.object, field: "status.phase"))
            }
        }
        let timeouts = Self.timeoutLines(view, velero: velero, context: context)
        for line in timeouts.prefix(3) {
            evidence.append(Evidence("Velero (\(line.pod)): \(trimSpaces(line.text))", log: line))
        }
        if !timeouts.isEmpty { problems.insert("Restic timed out", at: 0) }
        guard !evidence.isEmpty else { return nil }

        // Which cluster ran the copy: Backups (PVBs) on the source, Restores (PVRs) on the destination.
        let backupSide = timeouts.contains { $0.text.contains("PodVolumeBackups") } || failedTransfers.contains { $0.direction == "Backup" }
        let timeoutCluster = backupSide ? view.sourceName : view.destinationName
        var steps: [RemediationStep] = []
        if !timeouts.isEmpty {
            let controller = (backupSide ? view.sourceCluster : view.destinationCluster)?.migrationControllers.first
            let current = controller?.spec["restic_timeout"].string
            let proposed = Self.proposedTimeout(current)
            if let controller, let current {
                evidence.append(Evidence("MigrationController on cluster \(controller.object.cluster) sets restic_timeout=\(current)", object: controller.object, field: "spec.restic_timeout"))
            }
            steps.append(RemediationStep(
                title: "Raise restic_timeout\(current.map { " (now \($0))" } ?? "") to \(proposed) on cluster \(timeoutCluster ?? "?"), where Restic ran out of time; the operator restarts Velero with it",
                cluster: timeoutCluster, command: VeleroCommands.raiseResticTimeout(proposed), verify: VeleroCommands.resticTimeoutCheck))
        }
        for name in restoresToCheck {
            steps.append(RemediationStep(
                title: "See which volumes failed in restore \(name) on the destination cluster \(view.destinationName ?? "?"), and read the restic pod logs there",
                cluster: view.destinationName,
                command: "oc \(MTCCommands.ns) get podvolumerestores -l velero.io/restore-name=\(shellQuote(name)) -o custom-columns=NAME:.metadata.name,POD:.spec.pod.name,VOLUME:.spec.volume,PHASE:.status.phase,MESSAGE:.status.message\n"
                    + VeleroCommands.describe("restore", name),
                verify: nil))
        }
        for t in failedTransfers.prefix(3) where t.phase == "Failed" {
            let cluster = context.snapshot.cluster(named: t.object.cluster)
            let resticPod = VeleroCommands.fileSystemBackupPod(on: t.node, in: cluster)
            let logs = resticPod.map { "oc \(MTCCommands.ns) logs \(shellQuote($0.name)) --tail=300 | grep \(shellQuote(t.name))" }
                ?? "\(VeleroCommands.listFileSystemBackupPods(in: cluster))   # then: oc \(MTCCommands.ns) logs <the pod on \(t.node ?? "its node")>"
            steps.append(RemediationStep(
                title: "Read the \(VeleroCommands.fileSystemBackupName(in: cluster)) log on node \(t.node ?? "?") for Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name)",
                cluster: t.object.cluster,
                command: "oc \(MTCCommands.ns) describe pod\(t.direction == "Backup" ? "volumebackup" : "volumerestore") \(shellQuote(t.name))\n" + logs,
                verify: nil))
        }
        if let plan = m.planName, !timeouts.isEmpty || !failedTransfers.isEmpty || m.conditionIndex("ResticErrors") != nil {
            steps.append(MTCCommands.retry(plan: plan, like: m).titled(
                "Migrate again so the volume data is copied in full: start a new \(m.runKind) migration of plan \(plan)", on: view.hostCluster))
        }

        // Impact: a final migration that "succeeded" while volume copies failed left those PVCs empty on the destination.
        let lost = m.succeeded && !m.stage && !m.migrateState && !m.rollback
            && (!failedTransfers.isEmpty || m.conditionIndex("ResticErrors") != nil || !timeouts.isEmpty)
        let pvcs = lost ? Self.claims(of: failedTransfers, view: view) : []
        let onlyVerify = problems == ["Restic verify errors"]
        var explanation = "Restic copies the plan's volume data inside Velero's Backup (source) and Restore (destination). "
        if !timeouts.isEmpty {
            explanation += "Velero gave up waiting for the pod volume copies after restic_timeout, so the volume data was not (fully) copied; raise restic_timeout on the MigrationController of cluster \(timeoutCluster ?? "?") and migrate again. "
        }
        if onlyVerify {
            explanation += "Restic found verify errors in the restored volume data: a warning, not a failure (the migration was not failed), but check the data of the affected volumes before relying on it. "
        } else if m.conditionIndex("ResticErrors") != nil || !failedTransfers.isEmpty {
            explanation += "Some pod volume copies did not complete, so data may be missing on the destination. "
        }
        var title = "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? ""): \(uniqued(problems).joined(separator: ", "))\(timeouts.isEmpty ? "" : " (raise restic_timeout on \(timeoutCluster ?? "?"))")"
        if lost {
            let what = pvcs.isEmpty ? "the volume data" : "the data of PVC(s) \(pvcs.joined(separator: ", "))"
            title = "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") ended \(m.conditions.active("SucceededWithWarnings") != nil ? "SucceededWithWarnings" : "Succeeded") but \(what) did not arrive on \(view.destinationName ?? "the destination"): \(uniqued(problems).joined(separator: ", "))"
            explanation += "The migration reports success, but \(what) was not copied: on the destination cluster \(view.destinationName ?? "?") the volumes are empty or incomplete. Do not cut over to the destination, and do not scale the source application down or delete its data, until the volumes are copied again (fix the cause, then migrate again) and checked. "
        }
        var related = velero.restores.filter { restoresToCheck.contains($0.name) }.map { ResourceRef($0.object) }
        related += failedTransfers.map { ResourceRef($0.object) }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name), severity: lost ? .error : .warning, title: title,
            cluster: view.hostCluster, subject: ResourceRef(m.object), related: related, namespaces: view.planNamespaces,
            explanation: explanation, evidence: evidence, remediation: steps, references: Self.description.references)
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
