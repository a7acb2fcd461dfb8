import Foundation
import MustardKit
import MustardTestSupport
import Testing
@testable import MustardRules

@Suite("Rules about the dump itself and plain Kubernetes")
struct DumpAndKubernetesRulesTests {
    @Test("Pods failing now are reported with the reason and their events; a recovered pod is history")
    func podsFailing() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("k8s-pods-failing"))
        let pods = report.findings.filter { $0.rule == PodFailingRule.id }
        #expect(pods.map(\.subject.name) == ["cart-7c9d5b8f4-m2x7q", "search-5f6d7c8b9-q4w8e"])
        let cart = pods[0]
        #expect(cart.title.contains("crash-looping (23 restarts)"))
        #expect(cart.evidence[0].statement.contains("exit code 1") && cart.evidence[0].statement.contains("no such host"))
        #expect(cart.evidence.contains { $0.statement.contains("BackOff") && $0.statement.contains("×212") })
        #expect(cart.remediation.contains { $0.command == "oc -n shop logs cart-7c9d5b8f4-m2x7q -c cart --previous" })
        #expect(pods[1].title.contains("cannot be scheduled"))
        #expect(!report.findings.contains { $0.subject.name == "web-6d8f9b7c5-z9k3p" })

        let recovered = try TestSupport.analyze(TestSupport.fixture("k8s-pods-recovered"))
        let outcome = try #require(recovered.outcomes.first { $0.rule == PodFailingRule.id })
        #expect(outcome.status == .passed && outcome.reason?.contains("history") == true)
    }

    @Test("Stage pods and MTC's own pods are left to the MTC rules")
    func stagePodsNotDoubled() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck"))
        #expect(!report.findings.contains { $0.rule == PodFailingRule.id })
    }

    @Test("An incomplete gather says what is missing: unreadable files, clusters without login, no gather time")
    func gatherIncomplete() throws {
        let ocError = try #require(try TestSupport.analyze(TestSupport.fixture("oc-error-in-yaml")).findings.first { $0.rule == GatherIncompleteRule.id })
        #expect(ocError.severity == .warning && ocError.evidence.contains { $0.path.hasSuffix("core/events.yaml") })
        let login = try #require(try TestSupport.analyze(TestSupport.fixture("mtc-1.7-config-missing")).findings.first { $0.rule == GatherIncompleteRule.id })
        #expect(login.title.contains("no data from cluster(s) source-cluster"))
        #expect(login.remediation.first?.command == "oc adm must-gather --image=quay.io/konveyor/must-gather:latest")
        let healthy = try TestSupport.analyze(TestSupport.sample("healthy-migration"))
        #expect(healthy.outcomes.first { $0.rule == GatherIncompleteRule.id }?.status == .passed)
    }

    @Test("A plan whose source cluster was not gathered is named, with what could not be checked")
    func missingReferences() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-references-missing"))
        let f = try #require(report.findings.first { $0.rule == MissingReferencesRule.id })
        #expect(f.severity == .warning && f.title.contains("data of cluster source-cluster"))
        #expect(f.subject.name == "mssql-persistent-plan" && f.namespaces.contains("mssql-persistent"))
    }

    @Test("A controller log that starts after the migration began is noted; the diagnosis still stands")
    func logWindow() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-log-window"))
        let notes = report.findings.filter { $0.rule == LogWindowRule.id }
        #expect(notes.count == 1)
        #expect(notes.first?.severity == .info && notes.first?.title.contains("1h 52m after migration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8") == true)
        #expect(report.findings.first?.rule == StagePodImageMisconfiguredRule.id)
        #expect(report.findings.dropFirst().first?.rule == MigrationStuckRule.id)
    }
}

@Suite("Replicas failing alike")
struct PodGroupingTests {
    @Test("Three replicas of one ReplicaSet crash-looping make one finding naming all three")
    func grouped() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.fixture("k8s-pods-failing"), toPath: dump.path)
        let pods = dump.appendingPathComponent("inspect.local.7731/namespaces/shop/core/pods.yaml")
        var text = try String(contentsOf: pods, encoding: .utf8)
        // The cart pod is the first item: copy it twice under other names.
        let start = try #require(text.range(of: "- apiVersion: v1\n  kind: Pod\n"))
        let end = try #require(text.range(of: "- apiVersion: v1\n  kind: Pod\n", range: start.upperBound..<text.endIndex))
        let cart = String(text[start.lowerBound..<end.lowerBound])
        let copies = ["m2x7r", "m2x7s"].map { cart.replacingOccurrences(of: "cart-7c9d5b8f4-m2x7q", with: "cart-7c9d5b8f4-\($0)") }
        text.insert(contentsOf: copies.joined(), at: end.lowerBound)
        try text.write(to: pods, atomically: true, encoding: .utf8)
        let report = try TestSupport.analyze(dump.path)
        let failing = report.findings.filter { $0.rule == PodFailingRule.id }
        #expect(failing.count == 2)
        let group = try #require(failing.first { $0.subject.kind == "ReplicaSet" })
        #expect(group.subject.name == "cart-7c9d5b8f4")
        #expect(group.title.hasPrefix("3 pods of ReplicaSet shop/cart-7c9d5b8f4 fail now the same way"))
        #expect(group.related.map(\.name).sorted() == ["cart-7c9d5b8f4-m2x7q", "cart-7c9d5b8f4-m2x7r", "cart-7c9d5b8f4-m2x7s"])
    }
}
