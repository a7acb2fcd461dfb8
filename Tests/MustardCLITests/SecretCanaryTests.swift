import Foundation
import MustardTestSupport
import Testing

/// Canaries planted everywhere a secret can sit in a dump; none may reach any report.
@Suite("Secrets never leak")
struct SecretCanaryTests {
    static let canaries = [
        "CANARY-SECRET-DO-NOT-PRINT", "Q0FOQVJZLVNFQ1JFVC1ETy1OT1QtUFJJTlQ=", "CANARY-TOKEN-1", "CANARY-BEARER-2",
        "CANARY-PASS-3", "eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9", "AKIACANARYKEY1234567", "CANARY-URLPASS-4",
        "CANARY-STRINGDATA-5", "sha256~CANARYLOGIN6aBcDeFgHiJkLmNoPqRsTuVwXyZ01", "CANARY-EVENT-7", "CANARY-DESCRIBE-8", "CANARY-SATOKEN-9",
    ]

    /// The seed sample with canaries added to its logs, Secrets, events, error files and migplans text files.
    static func plantedDump(in folder: URL) throws -> String {
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck"), toPath: dump.path)
        let files = FileManager.default.enumerator(atPath: dump.path)!.compactMap { $0 as? String }
        func append(_ relativeSuffix: String, _ text: String) throws {
            let rel = try #require(files.first { $0.hasSuffix(relativeSuffix) } ?? files.first { $0.contains(relativeSuffix) })
            let url = dump.appendingPathComponent(rel)
            let handle = try FileHandle(forWritingTo: url)
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try handle.close()
        }
        let mg = try #require(files.first { $0.hasSuffix("must-gather/clusters/host/namespaces/openshift-migration/openshift-migration.yaml") })
            .replacing("clusters/host/namespaces/openshift-migration/openshift-migration.yaml", with: "")
        // Controller log lines that rules keep ("Stage Pod") and show.
        let controllerLog = try #require(files.first { $0.contains("clusters/host/namespaces/openshift-migration/logs/migration-controller-") && $0.hasSuffix("current.log") })
        let stuck = "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"
        let lines = [
            #"{"level":"info","ts":1795180000.1,"logger":"migration","msg":"Found abnormal event for Stage Pod","migMigration":"\#(stuck)","Pod":"mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm","eventType":"Warning","eventReason":"Failed","eventMessage":"Failed to pull image \"quay.io/konveyor/invalid_image:latest\": Authorization: Bearer CANARY-BEARER-2 password=CANARY-PASS-3","token":"CANARY-TOKEN-1"}"#,
            #"{"level":"info","ts":1795180001.1,"logger":"migration","msg":"Pending Stage Pod container is waiting with message.","migMigration":"\#(stuck)","pod":"mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm","container":"sleep-0","containerWaitingMessage":"Back-off pulling image \"quay.io/konveyor/invalid_image:latest\" via https://admin:CANARY-URLPASS-4@registry.example.com with eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9.eyJzdWIiOiJDQU5BUlktSldUIn0.Q0FOQVJZLVNJR05BVFVSRQ key AKIACANARYKEY1234567"}"#,
            #"{"level":"info","ts":1795180002.1,"logger":"migration","msg":"Stage Pod debug","migMigration":"\#(stuck)","saToken":"CANARY-SATOKEN-9"}"#,
        ]
        try append(controllerLog, "\n" + lines.joined(separator: "\n") + "\n")
        // A Secret with stringData next to the sample's data canaries.
        let secrets = dump.appendingPathComponent(mg + "clusters/host/namespaces/openshift-migration/core/secrets.yaml")
        var secretText = try String(contentsOf: secrets, encoding: .utf8)
        secretText = secretText.replacing("items:\n", with: "items:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: planted\n    namespace: openshift-migration\n  stringData:\n    password: CANARY-STRINGDATA-5\n  type: Opaque\n")
        try secretText.write(to: secrets, atomically: true, encoding: .utf8)
        // A cluster the gather could not log in to, whose error quotes a token.
        let login = dump.appendingPathComponent(mg + "clusters/extra/login_error.txt")
        try FileManager.default.createDirectory(at: login.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "error: token sha256~CANARYLOGIN6aBcDeFgHiJkLmNoPqRsTuVwXyZ01 is not valid: Unauthorized\n".write(to: login, atomically: true, encoding: .utf8)
        // A pull-failure event on the stage pod whose message carries a password.
        let events = try #require(files.first { $0.hasSuffix("namespaces/mssql-persistent/core/events.yaml") })
        var eventText = try String(contentsOf: dump.appendingPathComponent(events), encoding: .utf8)
        eventText = eventText.replacing("unauthorized: access to the requested resource is not authorized", with: "unauthorized: password=CANARY-EVENT-7")
        try eventText.write(to: dump.appendingPathComponent(events), atomically: true, encoding: .utf8)
        // Velero describe output in the migplans tree.
        let describe = dump.appendingPathComponent(mg + "migplans/migplan-mssql-persistent-plan/migmigration-\(stuck)/restore-x/restore-describe-x.txt")
        try FileManager.default.createDirectory(at: describe.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "Phase: PartiallyFailed\nErrors:\n  Velero: aws_secret_access_key=CANARY-DESCRIBE-8 error restoring\n".write(to: describe, atomically: true, encoding: .utf8)
        return dump.path
    }

    @Test("No canary appears in any format, verbose, with timelines", arguments: ["text", "markdown", "json"])
    func noLeak(format: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let run = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline"])
        #expect(run.code == 1, "\(run.stderr)")
        #expect(run.stdout.contains("<redacted>"), "the planted lines were read and shown, redacted")
        for canary in Self.canaries { #expect(!run.stdout.contains(canary), "\(canary) leaked in \(format)") }
        for canary in Self.canaries { #expect(!run.stderr.contains(canary)) }
    }
}
