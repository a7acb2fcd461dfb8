import Foundation
import MustardKit
import MustardTestSupport
import Testing
@testable import MustardRules

/// How migrations ended (failed, partially failed, Restic, DVM, leftovers) and what a stuck one waits for in Velero.
@Suite("MTCOutcomes")
struct MTCOutcomesTests {
    func report(_ fixture: String) throws -> AnalysisReport { try TestSupport.analyze(TestSupport.fixture(fixture)) }

    static let mine: Set<String> = [
        MigrationFailedRule.id, VeleroPartialFailureRule.id, ResticProblemsRule.id, DirectVolumeMigrationFailedRule.id,
        MigrationLeftoversRule.id, MigrationStuckRule.id, StagePodImageMisconfiguredRule.id,
    ]

    /// The rules of this area that fired, root cause first (other areas' rules may add their own view).
    func rules(_ report: AnalysisReport) -> [String] { report.findings.map(\.rule).filter { Self.mine.contains($0) } }

    func only(_ rule: String, in report: AnalysisReport) throws -> Finding {
        let found = report.findings.filter { $0.rule == rule }
        #expect(found.count == 1, "\(rule): \(found.map(\.title))")
        return try #require(found.first)
    }

    // MARK: - mtc/migration-failed and mtc/migration-leftovers

    @Test("A failed run: the phase, the PVC error, the describe command on the source, and leftovers caused by it")
    func failedPVC() throws {
        let r = try report("mtc-1.7-failed-pvc-not-bound")
        let failed = try only(MigrationFailedRule.id, in: r)
        #expect(failed.severity == .error)
        #expect(failed.title.contains("failed in phase StagePodsCreated: PVC: mssql-persistent/mssql-pvc, not bound."))
        #expect(failed.evidence.contains { $0.statement.contains("Completed here means the Failed itinerary finished, not success") && $0.field == "status.itinerary" })
        #expect(failed.evidence.contains { $0.field == "status.errors[0]" && $0.path.hasSuffix(".yml") })
        #expect(failed.evidence.contains { $0.statement.hasPrefix("Pipeline step StageBackup failed") })
        #expect(failed.remediation[0].cluster == "source-cluster")
        #expect(failed.remediation[0].command == "oc -n mssql-persistent describe pvc mssql-pvc")
        #expect(failed.remediation.last?.command.contains("name: mssql-persistent-plan") == true)
        #expect(failed.namespaces.contains("mssql-persistent"))

        let left = try only(MigrationLeftoversRule.id, in: r)
        #expect(left.severity == .warning && left.cluster == "source-cluster")
        #expect(left.causedBy == [failed.id])
        #expect(left.title.contains("mssql-persistent/mssql-deployment") && left.title.contains("1 stage pod(s) left"))
        #expect(left.evidence.contains { $0.path.hasPrefix("inspect.local.4411/") && $0.statement.contains("preQuiesceReplicas=1") })
        let commands = left.remediation.map(\.command)
        #expect(commands.contains { $0.hasPrefix("oc -n mssql-persistent scale deploymentconfig/mssql-deployment --replicas=1") })
        #expect(commands.contains { $0.hasPrefix("oc -n mssql-persistent delete pod stage-mssql-deployment-") })
        // Root cause first.
        #expect(rules(r) == [MigrationFailedRule.id, MigrationLeftoversRule.id])
        #expect(!r.findings.contains { $0.rule == MigrationStuckRule.id })
    }

    @Test("History: a failure followed by a successful run of the plan is not current; a quiesced source after a final migration is on purpose")
    func history() throws {
        let r = try report("mtc-1.7-failed-then-succeeded")
        #expect(!r.findings.contains { $0.rule == MigrationFailedRule.id || $0.rule == MigrationLeftoversRule.id })
        #expect(r.outcomes.first { $0.rule == MigrationFailedRule.id }?.reason?.contains("superseded") == true)
    }

    @Test("Leftovers need the application namespaces: without them the rule is skipped, not passed")
    func leftoversSkipped() throws {
        let r = try report("mtc-1.3-gvk-failed")
        let outcome = try #require(r.outcomes.first { $0.rule == MigrationLeftoversRule.id })
        #expect(outcome.status == .skipped && outcome.reason?.contains("oc adm inspect") == true)
    }

    @Test("MTC 1.8 keeps the stage pod's logs but not the namespace: helper logs are no inspect, leftovers stay unknown")
    func leftoversHelperLogsOnly() throws {
        let r = try report("mtc-1.8-failed-stage-pod-logs-only")
        let failed = try only(MigrationFailedRule.id, in: r)
        #expect(failed.title.contains("failed in phase StagePodsCreated: PVC: mssql-persistent/mssql-pvc, not bound."))
        let outcome = try #require(r.outcomes.first { $0.rule == MigrationLeftoversRule.id })
        #expect(outcome.status == .skipped && outcome.reason?.contains("oc adm inspect") == true, "\(outcome)")
        #expect(!r.isDamaged, "oc logs' refusal for a pod never scheduled is not damage")
    }

    // MARK: - mtc/velero-partial-failure

    @Test("Breakfix exercise 3 on 1.7: completed with warnings, named as a GVK incompatibility with the resource and fix")
    func gvk17() throws {
        let r = try report("mtc-1.7-gvk-partial-restore")
        #expect(rules(r) == [VeleroPartialFailureRule.id])
        let f = try only(VeleroPartialFailureRule.id, in: r)
        #expect(f.causedBy.allSatisfy { $0.hasPrefix("mtc/migplan-warnings#") })
        #expect(f.severity == .warning)
        #expect(f.title.contains("gvkdemoes.konveyor.openshift.io/gvk-demo/gvk-demo not migrated") && f.title.contains("GVK incompatibility"))
        #expect(f.evidence.contains { $0.statement.hasPrefix("Condition VeleroFinalRestorePartiallyFailed") })
        #expect(f.evidence.contains { $0.statement.contains("is PartiallyFailed with 1 error(s)") && $0.path.contains("crs/restores.velero.io/") })
        let describe = try #require(f.evidence.first { $0.path.contains("/restore-describe-") })
        #expect(describe.line != nil && describe.statement.contains("the server could not find the requested resource"))
        #expect(f.evidence.contains { $0.statement.contains("GVKsIncompatible") })
        #expect(f.remediation.contains { $0.cluster == "host" && $0.command.hasPrefix("oc get crd gvkdemoes.konveyor.openshift.io") })
        #expect(f.remediation.contains { $0.cluster == "source-cluster" && $0.command == "oc -n gvk-demo get gvkdemoes.konveyor.openshift.io gvk-demo -o yaml > gvk-demo-gvk-demo.yaml" })
        #expect(f.namespaces.contains("gvk-demo"))
    }

    @Test("Breakfix exercise 3 on 1.3: a hard failure; the partial restore is the root cause of the failed migration")
    func gvk13() throws {
        let r = try report("mtc-1.3-gvk-failed")
        #expect(rules(r) == [VeleroPartialFailureRule.id, MigrationFailedRule.id])
        let partial = try only(VeleroPartialFailureRule.id, in: r), failed = try only(MigrationFailedRule.id, in: r)
        #expect(partial.severity == .error && partial.title.contains("MTC 1.3"))
        #expect(partial.title.contains("gvkdemoes.konveyor.openshift.io/v1alpha1 in gvk-demo"))
        #expect(failed.causedBy == [partial.id])
        #expect(failed.title.contains("failed in phase FinalRestoreCreated") && failed.title.contains("partially failed."))
        #expect(failed.remediation.first?.command.contains("./velero restore describe") == true)
        #expect(failed.remediation.first?.cluster == "host")
    }

    @Test("A restore that completed with warnings only is informational: no finding at all")
    func warningsOnly() throws {
        let r = try report("mtc-1.7-restore-warnings-only")
        #expect(r.findings.isEmpty)
        for rule in Self.mine { #expect(r.outcomes.first { $0.rule == rule }?.status == .passed, "\(rule)") }
    }

    // MARK: - the controller log as a source of causes

    /// The same scenario in the layouts of several MTC versions (1.4.0-1.4.2 controllers log no stage pod events).
    @Test("Stage pods not gathered: the controller's abnormal-event lines of this migration name the cause, any reason",
          arguments: ["mtc-1.7-stuck-log-only", "mtc-1.6-stuck-log-only", "mtc-1.8-stuck-log-only"])
    func controllerLogCause(fixture: String) throws {
        let r = try report(fixture)
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.title.contains("the controller log says stage pod inventory/stage-postgresql-x7k2p cannot mount its volume"))
        #expect(stuck.evidence.contains { $0.statement.hasPrefix("Controller: abnormal event FailedMount for stage pod") && $0.line != nil })
        #expect(stuck.explanation.contains("(signature `volume-mount-failed`)"))
        let first = try #require(stuck.remediation.first)
        #expect(first.cluster == "source-cluster" && first.command == "oc -n inventory describe pod stage-postgresql-x7k2p")
        // Another migration's line (a quota refusal) is not this migration's cause.
        #expect(!stuck.evidence.contains { $0.statement.contains("exceeded quota") })
        #expect(!stuck.explanation.contains("quota-exceeded"))
    }

    /// 1.4.0-1.4.2 controllers log no stage pod events at all: the same wait, no cause in the dump.
    @Test("No abnormal event of this migration in the controller log: the wait is reported, no cause taken from the log",
          arguments: ["mtc-1.6-stuck-log-other-migration", "mtc-1.8-stuck-log-other-migration", "mtc-1.4.1-stuck-no-log-cause"])
    func controllerLogOtherMigration(fixture: String) throws {
        let r = try report(fixture)
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.title.contains("no cause found in the dump"))
        #expect(!stuck.evidence.contains { $0.statement.contains("exceeded quota") || $0.statement.hasPrefix("Controller: abnormal event") })
        #expect(!stuck.explanation.contains("(signature `"))
        // 1.8 keeps the stage pod's log; `oc logs`' refusal in it is neither a pull failure nor damage.
        #expect(!r.findings.contains { $0.rule == StagePodImageMisconfiguredRule.id })
        #expect(!r.isDamaged && r.loadIssues.isEmpty)
    }

    // MARK: - component history in the migration's window

    @Test("Velero restarted (OOMKilled) while the Backup ran: the named cause, though Running now; no restic_timeout, no older restart",
          arguments: ["mtc-1.7-velero-restarted-midrun", "mtc-1.6-velero-restarted-midrun", "mtc-1.4.1-velero-restarted-midrun"])
    func veleroRestartedMidRun(fixture: String) throws {
        let r = try report(fixture)
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.title.contains("Velero pod velero-") && stuck.title.contains("restarted at") && stuck.title.contains("(OOMKilled, exit 137)"))
        // 1.4.0-1.4.2 gathers put the cluster at must-gather/<cluster>/, later ones at must-gather/clusters/<cluster>/.
        #expect(stuck.evidence.contains { $0.field?.hasSuffix("lastState.terminated") == true && $0.path.contains("must-gather/\(fixture.hasPrefix("mtc-1.4.1") ? "" : "clusters/")source-cluster/") })
        #expect(!stuck.evidence.contains { $0.statement.contains("restic_timeout") }, "the Backup carries no volume data")
        #expect(!stuck.explanation.contains("restic_timeout"))
        #expect(!stuck.evidence.contains { $0.statement.contains("restic-") }, "the restic restart before the migration is history")
        #expect(stuck.explanation.contains("(signature `oom-killed`)"))
        #expect(stuck.remediation.first?.cluster == "source-cluster")
        #expect(!r.findings.contains { $0.rule == OperatorHealthRule.id }, "Running and Ready now: no health finding")
        // A Backup still copying with healthy Velero and restic pods is not blamed on a restart.
        let moving = try only(MigrationStuckRule.id, in: try report("mtc-1.7-stuck-stage-backup-pvb"))
        #expect(!moving.title.contains("restarted"))
    }

    @Test("MTC 1.8: the node-agent pod copying the PodVolumeBackup was OOMKilled mid-run: named as the cause, the older Velero restart is not")
    func nodeAgentRestartedMidRun() throws {
        let r = try report("mtc-1.8-velero-restarted-midrun")
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.title.contains("node-agent pod node-agent-") && stuck.title.contains("(OOMKilled, exit 137)"))
        #expect(stuck.title.contains("the pod volume copies on its node were cut off"))
        #expect(stuck.evidence.contains { $0.statement.hasPrefix("node-agent pod openshift-migration/node-agent-") && $0.path.contains("clusters/source-cluster/") })
        #expect(!stuck.evidence.contains { $0.statement.contains("Velero pod") }, "the Velero restart before the migration is history")
        #expect(!stuck.explanation.contains("after its server restarts"), "a node-agent restart is not a Velero server restart")
        #expect(stuck.explanation.contains("(signature `oom-killed`)"))
        #expect(stuck.remediation.first?.cluster == "source-cluster")
        #expect(!r.findings.contains { $0.rule == OperatorHealthRule.id })
    }

    // MARK: - mtc/restic-problems

    @Test("A failed PodVolumeBackup under a migration that 'succeeded' is an error naming the empty PVC; counted once",
          arguments: ["mtc-1.7-restic-host-path", "mtc-1.4.1-restic-host-path", "mtc-1.6-restic-host-path", "mtc-1.8-restic-host-path"])
    func resticImpact(fixture: String) throws {
        let r = try report(fixture)
        let restic = try only(ResticProblemsRule.id, in: r)
        #expect(restic.severity == .error)
        #expect(restic.title.contains("ended SucceededWithWarnings but the data of PVC(s) mssql-persistent/mssql-pvc did not arrive on host"))
        #expect(restic.explanation.contains("do not scale the source application down"))
        #expect(restic.explanation.contains("(signature `restic-host-path`)"))
        #expect(restic.remediation.first?.cluster == "source-cluster", "the restic daemonset to check runs where the backup ran")
        let partial = try only(VeleroPartialFailureRule.id, in: r)
        #expect(partial.causedBy == [restic.id])
        // A completed migration whose Restore only warned is not an impact.
        #expect(try report("mtc-1.7-restore-warnings-only").findings.isEmpty)
    }

    @Test("MTC 1.8: the log to read is the node-agent pod's on the PodVolumeBackup's node")
    func resticImpactNodeAgent() throws {
        let restic = try only(ResticProblemsRule.id, in: try report("mtc-1.8-restic-host-path"))
        let step = try #require(restic.remediation.first { $0.title.hasPrefix("Read the node-agent log on node ip-10-0-152-118") })
        #expect(step.cluster == "source-cluster" && step.command.contains("logs node-agent-"))
        #expect(!restic.remediation.contains { $0.command.contains("name=restic") })
    }

    @Test("Quiet in every version layout: a completed migration with old restarts and another migration's log line has no finding",
          arguments: ["mtc-1.4.1-completed-near-misses", "mtc-1.6-completed-near-misses", "mtc-1.8-completed-near-misses"])
    func nearMisses(fixture: String) throws {
        let r = try report(fixture)
        #expect(r.findings.isEmpty, "\(r.findings.map(\.title))")
        for outcome in r.outcomes where outcome.rule.hasPrefix("mtc/") { #expect(outcome.status == .passed, "\(outcome.rule)") }
        #expect(!r.isDamaged)
    }

    @Test("A final restore that could not create objects under a 'successful' migration names them and says not to cut over")
    func restoreImpact() throws {
        let r = try report("mtc-1.7-restore-webhook-denied")
        let partial = try only(VeleroPartialFailureRule.id, in: r)
        #expect(partial.severity == .error)
        #expect(partial.title.contains("ended SucceededWithWarnings but 5 object(s) did not arrive on host"))
        #expect(partial.title.contains("persistentvolumeclaims/mssql-persistent/mssql-backup"))
        #expect(partial.explanation.contains("Do not cut over"))
        #expect(partial.remediation.contains { $0.command == "oc -n mssql-persistent describe resourcequota storage-quota" && $0.cluster == "host" })
    }

    @Test("Restic timeout: the Velero line, raise restic_timeout on the source cluster; it causes the partial stage backup")
    func resticTimeout() throws {
        let r = try report("mtc-1.7-restic-timeout")
        let restic = try only(ResticProblemsRule.id, in: r)
        // The final migration ended SucceededWithWarnings with the stage copy cut short: the PVC's data did not arrive.
        #expect(restic.severity == .error && restic.title.contains("Restic timed out"))
        #expect(restic.title.contains("ended SucceededWithWarnings but the data of PVC(s) mssql-persistent/mssql-pvc did not arrive on host"))
        #expect(restic.explanation.contains("Do not cut over") && restic.explanation.contains("(signature `restic-timeout`)"))
        let line = try #require(restic.evidence.first { $0.statement.contains("timed out waiting for all PodVolumeBackups to complete") && $0.path.hasSuffix(".log") && $0.path.contains("/backup-") })
        #expect(line.line == 3)
        #expect(restic.evidence.contains { $0.path.contains("/logs/velero-") })
        #expect(restic.evidence.contains { $0.statement.contains("restic_timeout=1h") })
        let raise = try #require(restic.remediation.first)
        #expect(raise.cluster == "source-cluster")
        #expect(raise.command == #"oc -n openshift-migration patch migrationcontroller migration-controller --type merge -p '{"spec":{"restic_timeout":"4h"}}'"#)
        let partial = try only(VeleroPartialFailureRule.id, in: r)
        #expect(partial.causedBy == [restic.id] && partial.severity == .warning)
        #expect(rules(r) == [ResticProblemsRule.id, VeleroPartialFailureRule.id])
    }

    @Test("Restic verify errors (docs wording) are a warning naming the restore, not a failure")
    func resticVerify() throws {
        let r = try report("mtc-1.7-restic-verify-errors")
        #expect(rules(r) == [ResticProblemsRule.id])
        let f = try only(ResticProblemsRule.id, in: r)
        #expect(f.severity == .warning && f.title.hasSuffix("Restic verify errors"))
        #expect(f.evidence.contains { $0.statement.contains("There were verify errors found in 1 Restic volume restores. See restore `") })
        #expect(f.evidence.contains { $0.statement.contains("PodVolumeRestore verify errors") && $0.path.contains("crs/restores.velero.io/") })
        #expect(f.remediation.first?.command.contains("get podvolumerestores -l velero.io/restore-name=") == true)
        #expect(f.remediation.first?.cluster == "host")
        #expect(f.explanation.contains("not a failure"))
    }

    // MARK: - mtc/direct-volume-migration-failed

    @Test("MTC 1.8 DVM: a final migration SucceededWithWarnings with a failed rsync pod names the PVC that did not arrive, only it")
    func dvmImpact() throws {
        let r = try report("mtc-1.8-dvm-rsync-failed-warnings")
        let dvm = try only(DirectVolumeMigrationFailedRule.id, in: r)
        #expect(dvm.severity == .error)
        #expect(dvm.title.contains("ended SucceededWithWarnings but rsync did not copy PVC(s) mssql-persistent/mssql-backup to host"))
        #expect(!dvm.title.contains("mssql-persistent/mssql-pvc"), "mssql-pvc arrived")
        #expect(dvm.explanation.contains("Do not cut over") && dvm.explanation.contains("(mssql-persistent/mssql-pvc arrived)"))
        #expect(dvm.evidence.contains { $0.statement.contains("Failed rsync pods: mssql-persistent/rsync-") && $0.statement.contains("(PVC mssql-backup)") })
        #expect(!r.isDamaged, "the helper pods' previous.log refusals are not damage")
    }

    @Test("Rsync pods Pending on a carried-over node selector: named, fixed on the destination, and the cause of the wait")
    func dvmPending() throws {
        let r = try report("mtc-1.7-dvm-rsync-pending")
        let dvm = try only(DirectVolumeMigrationFailedRule.id, in: r)
        #expect(dvm.severity == .error && dvm.title.contains("region=east"))
        #expect(dvm.evidence.contains { $0.statement.contains("RsyncClientPodsPending") && $0.path.contains("/dvm-") && $0.path.hasSuffix(".yml") })
        #expect(dvm.evidence.contains { $0.path == "inspect.local.6120/namespaces/mssql-persistent/mssql-persistent.yaml" })
        #expect(dvm.remediation.contains { $0.cluster == "host" && $0.command == "oc annotate namespace mssql-persistent openshift.io/node-selector='' --overwrite" })
        #expect(dvm.remediation.first?.command.contains("\"canceled\":true") == true)
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.causedBy == [dvm.id] && stuck.remediation.isEmpty)
        #expect(stuck.title.contains("WaitForDirectVolumeMigrationToComplete (step 38/49)"))
    }

    @Test("Rsync pods that cannot pull their image are left to the transfer image rule")
    func dvmImage() throws {
        let r = try report("mtc-1.7-dvm-rsync-image-backoff")
        #expect(!r.findings.contains { $0.rule == DirectVolumeMigrationFailedRule.id })
        let stuck = try only(MigrationStuckRule.id, in: r)
        #expect(stuck.title.contains("rsync transfer pods cannot pull image quay.io/konveyor/rsync-transfer:release-1.7.13-typo"))
        #expect(!stuck.title.contains("stage pods"))
        #expect(!r.findings.contains { $0.rule == StagePodImageMisconfiguredRule.id })
    }

    // MARK: - mtc/migration-stuck on Velero phases

    @Test("Stuck at StageRestoreCreated on the destination's STAGE_IMAGE: the Restore annotation, the destination fix")
    func stuckDestinationImage() throws {
        let r = try report("mtc-1.7-stuck-stage-restore-image")
        #expect(rules(r) == [MigrationStuckRule.id])
        let f = try only(MigrationStuckRule.id, in: r)
        #expect(f.severity == .error)
        #expect(f.title.contains("stuck at StageRestoreCreated (step 33/49)"))
        #expect(f.title.contains("destination stage pods cannot pull quay.io/konveyor/invalid_image:latest, the STAGE_IMAGE of destination cluster host"))
        #expect(f.evidence.contains { $0.statement.contains("migration.openshift.io/stage-pod-image=quay.io/konveyor/invalid_image:latest") && $0.field == "metadata.annotations" })
        #expect(f.evidence.contains { $0.statement.hasPrefix("Pipeline step StageRestore reports: Pod mssql-persistent/") })
        #expect(f.evidence.contains { $0.statement.contains("source cluster's STAGE_IMAGE is quay.io/konveyor/velero-restic-restore-helper:release-1.7.13") })
        #expect(f.remediation.count == 3)
        #expect(f.remediation[0].command.contains("\"canceled\":true"))
        #expect(f.remediation[1].cluster == "host")
        #expect(f.remediation[1].command == #"oc -n openshift-migration patch migrationcontroller migration-controller --type json -p '[{"op":"remove","path":"/spec/migration_stage_image_fqin"}]'"#)
        #expect(f.remediation[2].command.hasPrefix("oc create -f -"))
    }

    @Test("Stuck at StageBackupCreated with a PodVolumeBackup still moving: a warning that shows the progress")
    func stuckPVB() throws {
        let r = try report("mtc-1.7-stuck-stage-backup-pvb")
        #expect(rules(r) == [MigrationStuckRule.id])
        let f = try only(MigrationStuckRule.id, in: r)
        #expect(f.severity == .warning)
        #expect(f.title.contains("stuck at StageBackupCreated (step 30/49)") && f.title.contains("(48 GB of 200 GB)"))
        #expect(f.evidence.contains { $0.path.contains("crs/podvolumebackups.velero.io/") && $0.statement.contains("InProgress: 48 GB of 200 GB") })
        #expect(f.evidence.contains { $0.statement.contains("restic_timeout=8h") })
        #expect(f.remediation[0].cluster == "source-cluster")
        #expect(f.remediation[0].command.contains("get podvolumebackup ") && f.remediation[0].command.contains("logs restic-"))
        #expect(f.remediation.contains { $0.command.contains(#""restic_timeout":"16h""#) })
    }

    @Test("The phase catalogue knows the Velero and cleanup phases, 1.3 names included")
    func phases() {
        for phase in ["StageBackupCreated", "StageRestoreCreated", "FinalRestoreCreated", "InitialBackupCreated", "EnsureStagePodsDeleted",
                      "WaitForDirectVolumeMigrationToComplete", "ResticRestarted", "QuiesceApplications", "EnsureQuiesced"] {
            #expect(MigrationPhaseInfo.catalog[phase] != nil, "\(phase)")
        }
        #expect(MigrationPhaseInfo.of("StageRestoreCreated").lookAt.contains("stage-pod-image"))
    }

    @Test("Text helpers: Velero object names from condition messages, restores in backticks, timeouts")
    func helpers() {
        #expect(veleroObjectName(in: "Final Restore openshift-migration/abc-final-x4lbf: partially failed on destination cluster") == "abc-final-x4lbf")
        #expect(veleroObjectName(in: "Restore: openshift-migration/abc-x4lbf partially failed.") == "abc-x4lbf")
        #expect(backtickedName(in: "There were verify errors found in 1 Restic volume restores. See restore `<registry-example-migration-rvwcm>` for details") == "registry-example-migration-rvwcm")
        #expect(ResticProblemsRule.proposedTimeout("1h") == "4h" && ResticProblemsRule.proposedTimeout("3h") == "6h" && ResticProblemsRule.proposedTimeout(nil) == "4h")
    }

    @Test("Outcome rules are skipped with the no-MTC reason on a dump without MTC")
    func noMTC() throws {
        let r = try TestSupport.analyze(TestSupport.realdata("RedHatQE__must-gather-explorer/must_gather_explorer/tests/manifests/must-gather-data/data"))
        for id in [MigrationFailedRule.id, VeleroPartialFailureRule.id, ResticProblemsRule.id, DirectVolumeMigrationFailedRule.id, MigrationLeftoversRule.id] {
            let outcome = r.outcomes.first { $0.rule == id }
            #expect(outcome?.status == .skipped && outcome?.reason?.contains("no MTC resources") == true, "\(id)")
        }
    }

    @Test("Output is deterministic: the same dump gives the same findings twice")
    func deterministic() throws {
        let a = try report("mtc-1.7-restic-timeout"), b = try report("mtc-1.7-restic-timeout")
        #expect(a.findings.map(\.id) == b.findings.map(\.id))
        #expect(a.findings.map { $0.evidence.map(\.statement) } == b.findings.map { $0.evidence.map(\.statement) })
        #expect(a.findings.map { $0.remediation.map(\.command) } == b.findings.map { $0.remediation.map(\.command) })
    }
}
