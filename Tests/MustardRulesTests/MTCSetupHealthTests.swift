import Foundation
import MustardKit
import MustardTestSupport
import Testing
@testable import MustardRules

@Suite("MTCSetupHealth")
struct MTCSetupHealthTests {
    static let setupRules = [
        MigClusterNotReadyRule.id, MigStorageNotReadyRule.id, MigPlanNotReadyRule.id, MigPlanWarningsRule.id,
        OperatorHealthRule.id, TransferImageMisconfiguredRule.id,
    ]

    func report(_ fixture: String) throws -> AnalysisReport { try TestSupport.analyze(TestSupport.fixture(fixture)) }

    @Test("Breakfix exercise 1: MigCluster and MigStorage are the root causes of the plan that refuses its migration")
    func breakfix() throws {
        let r = try report("mtc-1.7-breakfix-misconfigured")
        let cluster = try #require(r.findings.first { $0.rule == MigClusterNotReadyRule.id })
        #expect(cluster.severity == .critical && cluster.id == "mtc/migcluster-not-ready#host/source-cluster")
        #expect(cluster.title.contains("TestConnectFailed") && cluster.title.contains("https://misconfigured-url.com:443"))
        let statements = cluster.evidence.map(\.statement)
        #expect(statements.contains { $0.contains("no such host") })
        #expect(statements.contains { $0.contains("Secret openshift-config/source-cluster-secret") && $0.contains("value is not read") })
        #expect(cluster.evidence.contains { $0.path.hasSuffix("clusters/source-cluster/login_error.txt") })
        #expect(cluster.evidence.contains { $0.path.hasSuffix("crs/migclusters.migration.openshift.io/source-cluster.yaml") && $0.field == "spec.url" })
        #expect(statements.contains { $0.contains("MigPlan mssql-persistent-plan is blocked: SourceClusterNotReady") })
        let commands = cluster.remediation.map(\.command).joined(separator: "\n")
        #expect(commands.contains(#"oc -n openshift-migration patch migcluster source-cluster --type merge -p '{"spec":{"url":"'"$API_URL"'"}}'"#))
        #expect(commands.contains("oc create token migration-controller -n openshift-migration"))
        #expect(commands.contains("oc sa get-token migration-controller -n openshift-migration"))
        #expect(commands.contains(#"oc -n openshift-config set data secret/source-cluster-secret saToken="$TOKEN""#))
        #expect(cluster.remediation.allSatisfy { $0.verify?.contains(#"get migcluster source-cluster -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}"#) == true })

        let storage = try #require(r.findings.first { $0.rule == MigStorageNotReadyRule.id })
        #expect(storage.severity == .critical && storage.title.contains("BackupStorageProviderTestFailed"))
        #expect(storage.title.contains("http://misconfigured-endpoint.com") && storage.title.contains("non-existing-bucket"))
        #expect(storage.evidence.contains { $0.field == "spec.backupStorageConfig.awsBucketName" && $0.statement.hasSuffix("non-existing-bucket") })
        #expect(storage.evidence.contains { $0.statement.contains("Secret openshift-config/s3-repository (values not read)") })
        #expect(storage.remediation.contains { $0.command.contains(#"aws-access-key-id="$AWS_ACCESS_KEY_ID" aws-secret-access-key="$AWS_SECRET_ACCESS_KEY""#) })
        #expect(storage.remediation.contains { $0.command.contains("patch migstorage s3-repository") && $0.command.contains("awsS3Url") })

        let plan = try #require(r.findings.first { $0.rule == MigPlanNotReadyRule.id })
        #expect(plan.severity == .critical, "a migration is refused with PlanNotReady")
        #expect(plan.causedBy == ["mtc/migcluster-not-ready#host/source-cluster", "mtc/migstorage-not-ready#host/s3-repository"])
        #expect(plan.title.contains("SourceClusterNotReady, StorageNotReady") && plan.title.contains("b1f4e7a2-3c58-4d9e-a061-7e2b9c4d5f18"))
        #expect(cluster.causes.contains(plan.id) && storage.causes.contains(plan.id))
        // Root causes first.
        let order = r.findings.map(\.id)
        #expect(try #require(order.firstIndex(of: cluster.id)) < (try #require(order.firstIndex(of: plan.id))))
    }

    @Test("A login error alone, with a Ready MigCluster, is an error naming the refused token")
    func loginOnly() throws {
        let f = try #require(try report("mtc-1.7-config-missing").findings.first { $0.rule == MigClusterNotReadyRule.id })
        #expect(f.severity == .error && f.title.contains("Unauthorized") && f.title.contains("reports Ready"))
        // The gather's Unauthorized names an expired or replaced token (signature `cluster-unauthorized`): a long-lived
        // token Secret made on the remote cluster, its token stored in the MigCluster's Secret on the host.
        #expect(f.remediation.count == 2 && f.remediation[0].cluster == "source-cluster" && f.remediation[1].cluster == "host")
        #expect(f.remediation[1].command.contains("set data secret/source-cluster-secret --from-file=saToken=sa-token"))
    }

    @Test("A deleted credentials Secret: recreate it with the key names, never values; the plan links to it")
    func storageCredentials() throws {
        let r = try report("mtc-1.7-storage-creds-invalid")
        let storage = try #require(r.findings.first { $0.rule == MigStorageNotReadyRule.id })
        #expect(storage.title.contains("InvalidBackupStorageCredsSecretRef"))
        #expect(storage.evidence.contains { $0.statement.contains("has no http:// or https:// scheme") })
        #expect(storage.remediation.contains { $0.command.contains("create secret generic") && $0.command.contains("--from-literal=aws-access-key-id=\"$AWS_ACCESS_KEY_ID\"") })
        let plan = try #require(r.findings.first { $0.rule == MigPlanNotReadyRule.id })
        #expect(plan.severity == .error && plan.causedBy == [storage.id])
    }

    @Test("Plan 123 as mig-ui recorded it: PvInvalidAction on vol11 and vol161, with a JSON patch choosing an action")
    func pvInvalidAction() throws {
        let r = try report("mtc-1.7-plan-pv-invalid-action")
        #expect(r.findings.map(\.rule) == [MigPlanNotReadyRule.id])
        let f = r.findings[0]
        #expect(f.severity == .error && f.id == "mtc/migplan-not-ready#host/123")
        #expect(f.evidence.contains { $0.statement.contains("[vol11,vol161] has an unsupported `action`") && $0.path.hasSuffix("migplans/migplan-123/123.yml") })
        let step = try #require(f.remediation.first)
        #expect(step.command == #"oc -n openshift-migration patch migplan 123 --type json -p '[{"op":"add","path":"/spec/persistentVolumes/0/selection/action","value":"copy"},{"op":"add","path":"/spec/persistentVolumes/1/selection/action","value":"copy"}]'"#)
        #expect(step.title.contains("vol11 → copy") && step.title.contains("vol161 → copy"))
    }

    @Test("Plan warnings name the incompatible kinds, the unhealthy pods and the namespaces with node selectors")
    func planWarnings() throws {
        let r = try report("mtc-1.7-plan-warnings")
        let warnings = r.findings.filter { $0.rule == MigPlanWarningsRule.id }
        #expect(warnings.count == 3 && warnings.allSatisfy { $0.severity == .warning })
        #expect(!r.findings.contains { $0.rule == MigPlanNotReadyRule.id })
        let gvk = try #require(warnings.first { $0.id.hasSuffix("/GVKsIncompatible") })
        #expect(gvk.title.contains("gvk-demo (gvkdemoes.konveyor.openshift.io/v1alpha1)") && gvk.namespaces.contains("gvk-demo"))
        #expect(gvk.remediation.contains { $0.command == "oc -n gvk-demo get gvkdemoes.konveyor.openshift.io -o yaml > gvk-demo-gvkdemoes.yaml" })
        let pods = try #require(warnings.first { $0.id.hasSuffix("/SourcePodsNotHealthy") })
        #expect(pods.title.contains("gvk-demo/gvk-demo-worker-5d8c7b6f4-x2k9q"))
        #expect(pods.remediation.first?.command == "oc -n gvk-demo describe pod gvk-demo-worker-5d8c7b6f4-x2k9q")
        let selectors = try #require(warnings.first { $0.id.hasSuffix("/NamespacesHaveNodeSelectors") })
        #expect(selectors.title.contains("mssql-persistent") && selectors.title.contains("rsync pods"))
    }

    @Test("Velero crash-looping now on the source and a version mismatch: two operator-health errors")
    func veleroCrashLoop() throws {
        let r = try report("mtc-1.7-velero-crashloop")
        let health = r.findings.filter { $0.rule == OperatorHealthRule.id }
        #expect(health.count == 2 && health.allSatisfy { $0.severity == .error })
        let pod = try #require(health.first { $0.subject.kind == "Pod" })
        #expect(pod.cluster == "source-cluster" && pod.title.contains("velero") && pod.title.contains("CrashLoopBackOff"))
        #expect(pod.evidence.contains { $0.statement.contains("restarted 14 times") && $0.field?.hasSuffix("lastState.terminated") == true })
        #expect(pod.evidence.contains { $0.statement.hasPrefix("Event Warning BackOff") })
        #expect(pod.remediation.first?.command.contains("logs \(pod.subject.name) -c velero --previous") == true)
        let version = try #require(health.first { $0.id == "mtc/operator-health#operator-version" })
        #expect(version.title.contains("1.7.12 on source-cluster") && version.title.contains("1.7.13 on host"))
        #expect(version.evidence.contains { $0.statement.contains("OperatorVersionMismatch") })
        #expect(version.remediation.contains { $0.cluster == "source-cluster" && $0.title.contains("1.7.13") })
    }

    @Test("Old BackOff events of a pod Running and Ready now are history: every setup rule passes")
    func oldBackOff() throws {
        let r = try report("mtc-1.7-healthy-old-backoff")
        #expect(r.findings.isEmpty)
        for rule in Self.setupRules { #expect(r.outcomes.first { $0.rule == rule }?.status == .passed, "\(rule)") }
    }

    @Test("Wrong RSYNC_TRANSFER_IMAGE on the source: named from the rsync pod, the DVM and the override")
    func rsyncImage() throws {
        let f = try #require(try report("mtc-1.7-rsync-image-wrong").findings.first { $0.rule == TransferImageMisconfiguredRule.id })
        #expect(f.severity == .critical && f.cluster == "source-cluster" && f.id == "mtc/transfer-image-misconfigured#source-cluster/RSYNC_TRANSFER_IMAGE")
        #expect(f.title.contains("quay.io/konveyor/rsync-transfer:release-1.7"))
        let statements = f.evidence.map(\.statement)
        #expect(statements.contains { $0.contains("sets RSYNC_TRANSFER_IMAGE=quay.io/konveyor/rsync-transfer:release-1.7") })
        #expect(statements.contains { $0.contains("tag release-1.7 vs release-1.7.13") })
        #expect(statements.contains { $0.contains("overrides rsync_transfer_image_fqin") })
        #expect(statements.contains { $0.contains("RsyncClientPodsPending") })
        #expect(statements.contains { $0.contains("is waiting with ImagePullBackOff") })
        #expect(statements.contains { $0.contains("uses RSYNC_TRANSFER_IMAGE=quay.io/konveyor/rsync-transfer:release-1.7.13") })
        #expect(f.remediation.count == 3)
        #expect(f.remediation[0].command.contains("patch migmigration f3a9c6e2-8b15-4d74-a2f0-5c8e1b4d7a36") && f.remediation[0].cluster == "host")
        #expect(f.remediation[1].cluster == "source-cluster")
        #expect(f.remediation[1].command.contains(#""rsync_transfer_image_fqin":"quay.io/konveyor/rsync-transfer:release-1.7.13""#))
        #expect(f.remediation[1].verify?.contains("{.data.RSYNC_TRANSFER_IMAGE}") == true)
        #expect(f.remediation[2].command.hasPrefix("oc create -f - <<'EOF'"))
    }

    @Test("Wrong REGISTRY_IMAGE on the host: RegistriesUnhealthy and the registry pod, whose health finding it causes")
    func registryImage() throws {
        let r = try report("mtc-1.7-registry-image-wrong")
        let f = try #require(r.findings.first { $0.rule == TransferImageMisconfiguredRule.id })
        #expect(f.severity == .critical && f.cluster == "host" && f.title.contains("registry.example.com/konveyor/registry:release-1.7.13"))
        #expect(f.evidence.contains { $0.statement.contains("RegistriesUnhealthy") })
        #expect(f.evidence.contains { $0.statement.contains("registry quay.io vs registry.example.com") || $0.statement.contains("registry registry.example.com vs quay.io") })
        #expect(f.remediation.contains { $0.command.contains(#""migration_registry_image_fqin":"quay.io/konveyor/registry:release-1.7.13""#) })
        let pod = try #require(r.findings.first { $0.rule == OperatorHealthRule.id })
        #expect(pod.causedBy == [f.id] && f.causes.contains(pod.id))
    }

    @Test("The samples: the stuck one keeps exactly its two findings, the healthy one none; setup rules pass on both")
    func samples() throws {
        let stuck = try TestSupport.analyze(TestSupport.sample("stage-image-stuck.tar.gz"))
        #expect(Array(stuck.findings.map(\.rule).prefix(2)) == [StagePodImageMisconfiguredRule.id, MigrationStuckRule.id])
        let healthy = try TestSupport.analyze(TestSupport.sample("healthy-migration"))
        #expect(healthy.findings.isEmpty)
        for report in [stuck, healthy] {
            for rule in Self.setupRules { #expect(report.outcomes.first { $0.rule == rule }?.status == .passed, "\(rule)") }
        }
    }

    @Test("No MTC in the dump: skipped with the shared reason, never passed")
    func noMTC() throws {
        let r = try report("oc-error-in-yaml")
        for rule in Self.setupRules {
            let outcome = try #require(r.outcomes.first { $0.rule == rule })
            #expect(outcome.status == .skipped && outcome.reason?.contains("no MTC resources") == true, "\(rule)")
        }
    }

    @Test("Image comparison: a sibling that is itself odd is no reference")
    func comparison() throws {
        let data = ["STAGE_IMAGE": "quay.io/konveyor/invalid_image:latest", "REGISTRY_IMAGE": "quay.io/konveyor/registry:release-1.7.13",
                    "RSYNC_TRANSFER_IMAGE": "quay.io/konveyor/rsync-transfer:release-1.7.13"]
        #expect(ConfiguredImageComparison(key: "RSYNC_TRANSFER_IMAGE", data: data)?.isSuspicious == false)
        var wrong = data
        wrong["RSYNC_TRANSFER_IMAGE"] = "quay.io/konveyor/rsync-transfer:release-1.7"
        #expect(ConfiguredImageComparison(key: "RSYNC_TRANSFER_IMAGE", data: wrong)?.isSuspicious == true)
    }
}
