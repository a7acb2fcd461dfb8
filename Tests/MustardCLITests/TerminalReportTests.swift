import Foundation
import MustardTestSupport
import Testing

/// The terminal report as an engineer sees it: one screen by default, everything with --verbose,
/// colour and symbols only on a terminal without NO_COLOR.
@Suite("The terminal report")
struct TerminalReportTests {
    static let stuck = TestSupport.sample("stage-image-stuck.tar.gz")

    @Test("By default it fits one screen: verdict, root cause with its top evidence, what it leads to, the steps")
    func oneScreen() throws {
        // As the README shows it: from the repository, the sample named by a short path (a long one wraps the header).
        let run = try TestSupport.mustard(["analyze", "Samples/stage-image-stuck.tar.gz"], in: TestSupport.root)
        #expect(run.code == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 50, "\(lines.count) lines")
        #expect(lines.allSatisfy { $0.count <= 160 }, "no line runs far past a wide terminal")
        #expect(lines[3].hasPrefix("CRITICAL: 2 finding(s) (1 critical, 1 error) from 1 root cause."))
        #expect(run.stdout.contains("Root cause: [CRITICAL] Stage pods cannot pull quay.io/konveyor/invalid_image:latest"))
        #expect(run.stdout.contains("Evidence: ConfigMap openshift-migration/migration-cluster-config on cluster source-cluster sets"))
        #expect(run.stdout.contains("…/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml [items[2].data.STAGE_IMAGE]"))
        #expect(run.stdout.contains("Leads to: [ERROR] Migration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8 of plan mssql-persistent-plan"))
        // The four steps in order, with their commands.
        let order = [
            "patch migmigration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8 --type merge",
            "patch migmigration a1e7d5b2-4c08-4f9a-8e3d-5b6c2f1a9e74 --type merge",
            "patch migrationcontroller migration-controller --type json",
            "generateName: mssql-persistent-plan-retry-",
        ].map { run.stdout.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        // Details are behind --verbose.
        #expect(!run.stdout.contains("check:"))
        #expect(!run.stdout.contains("The migration controller builds stage pods"))
        #expect(run.stdout.contains("--verbose"))
    }

    @Test("--verbose shows every finding in full: explanations, all evidence with full paths, checks, passed rules")
    func verbose() throws {
        let run = try TestSupport.mustard(["analyze", Self.stuck, "--verbose"])
        #expect(run.stdout.contains("1. [CRITICAL] Stage pods cannot pull"))
        #expect(run.stdout.contains("2. [ERROR] Migration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"))
        #expect(run.stdout.contains("The migration controller builds stage pods"))
        #expect(run.stdout.contains("check:"))
        #expect(run.stdout.contains("oc -n openshift-migration wait migmigration/3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8 --for=condition=Canceled"))
        #expect(run.stdout.contains("must-gather.tar.gz!/must-gather/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml"))
        #expect(!run.stdout.contains("more (--verbose)"))
        #expect(run.stdout.contains("  passed  mtc/operator-health"))
        #expect(run.stdout.contains("Layouts: mtc-gather, mtc-migplans, oc-adm-inspect"))
    }

    @Test("An effect that needs its own fix keeps its steps on the first screen (an application left scaled down)")
    func effectSteps() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.fixture("mtc-1.7-failed-pvc-not-bound")])
        #expect(run.stdout.contains("Root cause: [ERROR] Migration f59ba997-b802-4498-8c81-a28c20fbfb26"))
        #expect(run.stdout.contains("Then, for: Plan mssql-persistent-plan: migration f59ba997-b802-4498-8c81-a28c20fbfb26 failed"))
        #expect(run.stdout.contains("oc -n mssql-persistent scale deploymentconfig/mssql-deployment --replicas=1"))
    }

    @Test("Skipped rules stay visible by reason: no data is not a pass, and no MTC data is the headline")
    func skippedByReason() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.realdata(TestSupport.mustGatherCleanDumps[0])])
        #expect(!run.stdout.contains("No problems found"))
        #expect(run.stdout.contains("\n\nNo MTC data in the dump: it holds no MigPlan, MigMigration, MigCluster or other MTC resource"))
        #expect(run.stdout.contains("18 skipped."))
        #expect(run.stdout.contains("Ask the customer for:\n  oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:v1.8\n"))
        #expect(run.stdout.contains("skipped: no MTC resources in the dump"))
    }

    /// Runs mustard under `script`, which gives it a pseudo-terminal as standard output.
    static func onTerminal(_ arguments: [String], noColor: Bool) throws -> String {
        let command = ([TestSupport.mustardBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        var environment = ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"]
        if noColor { environment["NO_COLOR"] = "1" }
        return try TestSupport.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment).stdout
    }

    @Test("Colours and symbols on a terminal; neither with NO_COLOR")
    func colour() throws {
        let tty = try Self.onTerminal(["analyze", Self.stuck], noColor: false)
        #expect(tty.contains("\u{1B}[") && tty.contains("✖ CRITICAL"))
        let plain = try Self.onTerminal(["analyze", Self.stuck], noColor: true)
        #expect(!plain.contains("\u{1B}[") && !plain.contains("✖") && plain.contains("Root cause: [CRITICAL]"))
    }
}
