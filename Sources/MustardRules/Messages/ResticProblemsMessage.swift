import MustardModel

extension ResticProblemsRule {
    /// How a Restic diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func text(_ problem: Problem) -> String {
            switch problem {
            case .resticErrors: "Restic errors"
            case .verifyErrors: "Restic verify errors"
            case .transferFailed(let backup, let name): "Pod\(backup ? "VolumeBackup" : "VolumeRestore") \(name) failed"
            case .leftInProgress(let backup, let name): "Pod\(backup ? "VolumeBackup" : "VolumeRestore") \(name) left InProgress"
            case .timedOut: "Restic timed out"
            }
        }

        /// The data that did not arrive, as a noun phrase.
        static func lostData(_ d: Diagnosis) -> String {
            d.pvcs.isEmpty ? "the volume data" : "the data of PVC(s) \(d.pvcs.joined(separator: ", "))"
        }

        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration
            let problems = uniqued(d.problems.map(text)).joined(separator: ", ")
            let plan = m.planName.map { " of plan \($0)" } ?? ""
            guard d.lost else {
                return "Migration \(m.name)\(plan): \(problems)\(d.timeouts.isEmpty ? "" : " (raise restic_timeout on \(d.timeoutCluster ?? "?"))")"
            }
            let ended = m.conditions.active("SucceededWithWarnings") != nil ? "SucceededWithWarnings" : "Succeeded"
            return "Migration \(m.name)\(plan) ended \(ended) but \(lostData(d)) did not arrive on \(d.view.destinationName ?? "the destination"): \(problems)"
        }

        static func explanation(_ d: Diagnosis) -> String {
            let m = d.view.migration
            return prose(
                "Restic copies the plan's volume data inside Velero's Backup (source) and Restore (destination).",
                d.timeouts.isEmpty
                    ? nil
                    : "Velero gave up waiting for the pod volume copies after restic_timeout, so the volume data was not (fully) copied; raise restic_timeout on the MigrationController of cluster \(d.timeoutCluster ?? "?") and migrate again.",
                d.onlyVerify
                    ? "Restic found verify errors in the restored volume data: a warning, not a failure (the migration was not failed), but check the data of the affected volumes before relying on it."
                    : m.conditionIndex("ResticErrors") != nil || !d.failedTransfers.isEmpty
                        ? "Some pod volume copies did not complete, so data may be missing on the destination." : nil,
                d.lost
                    ? "The migration reports success, but \(lostData(d)) was not copied: on the destination cluster \(d.view.destinationName ?? "?") the volumes are empty or incomplete. Do not cut over to the destination, and do not scale the source application down or delete its data, until the volumes are copied again (fix the cause, then migrate again) and checked."
                    : nil)
        }

        /// Raise restic_timeout where it ran out, read the failed restores and transfers, then migrate again.
        static func remediation(_ d: Diagnosis, snapshot: DumpSnapshot) -> [RemediationStep] {
            let view = d.view, m = view.migration
            var steps: [RemediationStep] = []
            if !d.timeouts.isEmpty {
                let proposed = proposedTimeout(d.currentTimeout)
                steps.append(RemediationStep(
                    title: "Raise restic_timeout\(d.currentTimeout.map { " (now \($0))" } ?? "") to \(proposed) on cluster \(d.timeoutCluster ?? "?"), where Restic ran out of time; the operator restarts Velero with it",
                    cluster: d.timeoutCluster, command: VeleroCommands.raiseResticTimeout(proposed), verify: VeleroCommands.resticTimeoutCheck))
            }
            for name in d.restoresToCheck {
                steps.append(RemediationStep(
                    title: "See which volumes failed in restore \(name) on the destination cluster \(view.destinationName ?? "?"), and read the restic pod logs there",
                    cluster: view.destinationName,
                    command: "oc \(MTCCommands.ns) get podvolumerestores -l velero.io/restore-name=\(shellQuote(name)) -o custom-columns=NAME:.metadata.name,POD:.spec.pod.name,VOLUME:.spec.volume,PHASE:.status.phase,MESSAGE:.status.message\n"
                        + VeleroCommands.describe("restore", name),
                    verify: nil))
            }
            for t in d.failedTransfers.prefix(3) where t.phase == "Failed" {
                let cluster = snapshot.cluster(named: t.object.cluster)
                let resticPod = VeleroCommands.fileSystemBackupPod(on: t.node, in: cluster)
                let logs = resticPod.map { "oc \(MTCCommands.ns) logs \(shellQuote($0.name)) --tail=300 | grep \(shellQuote(t.name))" }
                    ?? "\(VeleroCommands.listFileSystemBackupPods(in: cluster))   # then: oc \(MTCCommands.ns) logs <the pod on \(t.node ?? "its node")>"
                steps.append(RemediationStep(
                    title: "Read the \(VeleroCommands.fileSystemBackupName(in: cluster)) log on node \(t.node ?? "?") for Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name)",
                    cluster: t.object.cluster,
                    command: "oc \(MTCCommands.ns) describe pod\(t.direction == "Backup" ? "volumebackup" : "volumerestore") \(shellQuote(t.name))\n" + logs,
                    verify: nil))
            }
            if let plan = m.planName, !d.timeouts.isEmpty || !d.failedTransfers.isEmpty || m.conditionIndex("ResticErrors") != nil {
                steps.append(MTCCommands.retry(plan: plan, like: m).titled(
                    "Migrate again so the volume data is copied in full: start a new \(m.runKind) migration of plan \(plan)", on: view.hostCluster))
            }
            return steps
        }
    }
}
