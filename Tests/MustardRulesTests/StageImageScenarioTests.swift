import Foundation
import MustardKit
import MustardTestSupport
import Testing
@testable import MustardRules

@Suite("The seed case: a migration stuck on a bad stage image")
struct SeedScenarioTests {
    static let stuck = "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"
    static let postponed = "a1e7d5b2-4c08-4f9a-8e3d-5b6c2f1a9e74"
    static let badImage = "quay.io/konveyor/invalid_image:latest"

    @Test("Root cause first: the source cluster's STAGE_IMAGE, set through the MigrationController override")
    func rootCause() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck.tar.gz"))
        #expect(report.findings.map(\.rule) == [StagePodImageMisconfiguredRule.id, MigrationStuckRule.id])
        let image = report.findings[0]
        #expect(image.severity == .critical)
        #expect(image.cluster == "source-cluster")
        #expect(image.subject == ResourceRef(kind: "ConfigMap", namespace: "openshift-migration", name: "migration-cluster-config"))
        #expect(image.title.contains(Self.badImage))
        #expect(image.causes == ["mtc/migration-stuck#host/\(Self.stuck)"])
        let statements = image.evidence.map(\.statement)
        // Every source the dump has: ConfigMap, siblings, override, progress, pod status, events, controller log.
        #expect(statements.contains { $0.contains("sets STAGE_IMAGE=\(Self.badImage)") })
        #expect(statements.contains { $0.contains("differs from REGISTRY_IMAGE") })
        #expect(statements.contains { $0.contains("overrides migration_stage_image_fqin") })
        #expect(statements.contains { $0.hasPrefix("Pipeline step StageBackup reports") })
        #expect(statements.contains { $0.contains("is waiting with ImagePullBackOff") })
        #expect(statements.contains { $0.hasPrefix("Event Warning Failed") && $0.contains("Failed to pull image") })
        #expect(statements.contains { $0.hasPrefix("Controller: abnormal event for stage pod") })
        #expect(statements.contains { $0.contains("uses STAGE_IMAGE=quay.io/konveyor/velero-restic-restore-helper:release-1.7.13") })
        #expect(image.evidence.allSatisfy { !$0.path.isEmpty })
    }

    @Test("The fix in order: cancel the stuck run and the one queued behind it, restore the image, retry")
    func remediation() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck"))
        let steps = report.findings[0].remediation
        #expect(steps.count == 4)
        #expect(steps[0].command == "oc -n openshift-migration patch migmigration \(Self.stuck) --type merge -p '{\"spec\":{\"canceled\":true}}'")
        #expect(steps[0].cluster == "host")
        #expect(steps[0].verify?.contains("--for=condition=Canceled") == true)
        #expect(steps[0].verify?.contains("oc -n mssql-persistent get pods -l migration.openshift.io/is-stage-pod=true") == true)
        #expect(steps[1].command.contains(Self.postponed) && steps[1].title.contains("postponed"))
        #expect(steps[2].cluster == "source-cluster")
        #expect(steps[2].command == #"oc -n openshift-migration patch migrationcontroller migration-controller --type json -p '[{"op":"remove","path":"/spec/migration_stage_image_fqin"}]'"#)
        #expect(steps[2].verify?.contains("{.data.STAGE_IMAGE}") == true)
        #expect(steps[2].expect == "quay.io/konveyor/velero-restic-restore-helper:release-1.7.13")
        #expect(steps[3].command.contains("name: mssql-persistent-plan") && steps[3].command.contains("stage: false")
            && steps[3].command.contains("quiescePods: true"))
        #expect(steps[3].command.hasPrefix("oc create -f - <<'EOF'\n") && steps[3].command.hasSuffix("\nEOF"))
    }

    @Test("The stuck finding says which phase, which step, how long, the cause, and who waits behind it")
    func stuck() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck"))
        let stuck = try #require(report.findings.first { $0.rule == MigrationStuckRule.id })
        #expect(stuck.severity == .error)
        #expect(stuck.title.contains("stuck at StagePodsCreated (step 24/49) for 4h 19m"))
        #expect(stuck.title.contains("cannot pull image \(Self.badImage)"))
        #expect(stuck.title.contains("1 migration(s) of the plan queued behind it"))
        #expect(stuck.causedBy == ["mtc/stage-pod-image-misconfigured#source-cluster"])
        #expect(stuck.related.contains(ResourceRef(kind: "MigMigration", namespace: "openshift-migration", name: Self.postponed)))
        #expect(stuck.explanation.contains("every stage pod on the source cluster to start running"))
        #expect(stuck.remediation.isEmpty, "the root cause carries the fix")
    }

    @Test("--stuck-after moves the threshold, in both directions")
    func threshold() throws {
        #expect(try TestSupport.analyze(TestSupport.fixture("mtc-1.7-stuck-recent"), stuckAfterMinutes: 3).findings.contains { $0.rule == MigrationStuckRule.id })
        #expect(!(try TestSupport.analyze(TestSupport.sample("stage-image-stuck"), stuckAfterMinutes: 300).findings.contains { $0.rule == MigrationStuckRule.id }))
    }
}

@Suite("Variants of the stage image case")
struct StageImageVariantTests {
    @Test("Canceled but still wrong: reported at a lower severity, without a cancel step")
    func canceled() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-canceled-image-still-wrong"))
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.severity == .warning && f.title.contains("next migration will hang again"))
        #expect(!f.remediation.contains { $0.command.contains("\"canceled\":true") })
        #expect(f.remediation.count == 2)
        #expect(f.remediation[0].command.contains("migration_stage_image_fqin") && f.remediation[1].command.hasPrefix("oc create"))
    }

    @Test("An unschedulable stage pod is the named cause, and no image finding is made up")
    func unschedulable() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-stuck-unschedulable"))
        #expect(report.findings.map(\.rule) == [MigrationStuckRule.id])
        let f = report.findings[0]
        #expect(f.title.contains("cannot be scheduled"))
        #expect(f.evidence.contains { $0.statement.contains("FailedScheduling") })
        #expect(f.remediation.first?.command.contains("describe pods -l migration.openshift.io/is-stage-pod=true") == true)
        #expect(f.causedBy.isEmpty)
    }

    @Test("Source configuration not gathered (login failed): still reported, saying it could not be checked")
    func configMissing() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-config-missing"))
        let f = try #require(report.findings.first { $0.rule == StagePodImageMisconfiguredRule.id })
        #expect(f.severity == .critical && f.cluster == "source-cluster")
        #expect(f.explanation.contains("not in the dump"))
        #expect(f.evidence.contains { $0.statement.contains("could not log in") })
    }

    @Test("MTC 1.3: no progress lines, the ConfigMap comparison alone points at the image, at lower confidence")
    func mtc13() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.3-stage-image-stuck"))
        let image = try #require(report.findings.first { $0.rule == StagePodImageMisconfiguredRule.id })
        #expect(image.severity == .error && image.cluster == "ocp3-source")
        let stuck = try #require(report.findings.first { $0.rule == MigrationStuckRule.id })
        #expect(stuck.title.contains("step 11/32"))
        #expect(stuck.causedBy == [image.id])
        #expect(image.remediation.contains { $0.command == "oc -n openshift-migration delete configmap migration-cluster-config" })
    }

    @Test("An ordinary pod in ImagePullBackOff, even a real one, is never a stage-pod finding")
    func ordinaryPod() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.fixture("mtc-1.7-ordinary-imagepullbackoff"), toPath: dump.path)
        let pod = dump.appendingPathComponent("inspect.local.9/namespaces/argocd/pods/my-pod/my-pod.yaml")
        try FileManager.default.createDirectory(at: pod.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.realdata("argoproj__argo-cd/util/health/testdata/pod-imagepullbackoff.yaml"), toPath: pod.path)
        let report = try TestSupport.analyze(dump.path)
        #expect(!report.findings.contains { $0.rule.hasPrefix("mtc/") })
        #expect(report.outcomes.filter { $0.rule.hasPrefix("mtc/") }.allSatisfy { $0.status == .passed })
        // They are ordinary pods failing now, and said so by the Kubernetes rule.
        let pods = report.findings.filter { $0.rule == PodFailingRule.id }.map(\.subject.name).sorted()
        #expect(pods == ["frontend-6b9f8d7c5d-q7x2m", "guestbook-ui-errimagepullbackoff-66cfffb669-45w2j"])
    }
}
