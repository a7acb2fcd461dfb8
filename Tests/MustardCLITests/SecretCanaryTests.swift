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
    ] + forms.map(\.canary)

    /// Credentials in env-style, header, CLI-flag and connection-string text (issue 10, item 5), each on a line
    /// of its own after a marker that must still show (so the line was read and quoted, its secret removed).
    static let forms: [(marker: String, text: String, canary: String)] = [
        ("form-10", "Authorization: Basic CANARY-BASIC-10", "CANARY-BASIC-10"),
        ("form-11", "PGPASSWORD=CANARY-PGPASS-11 psql -h db", "CANARY-PGPASS-11"),
        ("form-12", "passphrase=CANARY-PHRASE-12", "CANARY-PHRASE-12"),
        ("form-13", "pg_dump --password CANARY-FLAG-13 --host db", "CANARY-FLAG-13"),
        ("form-14", "login --password=CANARY-FLAGEQ-14", "CANARY-FLAGEQ-14"),
        ("form-15", "mysql -u root -pCANARY-MYSQL-15 app", "CANARY-MYSQL-15"),
        ("form-16", "password: CANARY-YAMLPASS-16", "CANARY-YAMLPASS-16"),
        ("form-17", "AWS_SECRET_ACCESS_KEY=CANARY-AWS-17", "CANARY-AWS-17"),
        ("form-18", "client_secret=CANARY-CLIENT-18&grant_type=client_credentials", "CANARY-CLIENT-18"),
        ("form-19", "apiKey: CANARY-APIKEY-19", "CANARY-APIKEY-19"),
        ("form-20", "GET /v1?token=CANARY-TOKENEQ-20&page=2", "CANARY-TOKENEQ-20"),
        ("form-21", "postgres://app:CANARY-PG-21@db.example.com:5432/app", "CANARY-PG-21"),
        ("form-22", "mongodb+srv://app:CANARY-MONGO-22@cluster0.example.net/db", "CANARY-MONGO-22"),
        ("form-23", "jdbc:postgresql://db:5432/app?user=app&password=CANARY-JDBC-23&ssl=true", "CANARY-JDBC-23"),
        ("form-24", "X-Api-Key: CANARY-XAPI-24", "CANARY-XAPI-24"),
        ("form-25", "-----BEGIN RSA PRIVATE KEY-----\nCANARY-PEM-25\n-----END RSA PRIVATE KEY-----", "CANARY-PEM-25"),
        ("form-26", "redis://:CANARY-REDIS-26@redis:6379/0", "CANARY-REDIS-26"),
        ("form-27", "Server=db;User Id=sa;Pwd=CANARY-ADO-27;", "CANARY-ADO-27"),
        ("form-28", "MYSQL_ROOT_PASSWORD=CANARY-MYSQLROOT-28", "CANARY-MYSQLROOT-28"),
    ]

    /// Prose and a key without a value that must come through as they are.
    static let innocent = ["password reset required for user bob", "api_key:"]

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
        // The same forms in the controller's JSON log lines (escaped as JSON escapes them).
        let formLines = forms.map { form in
            let message = form.text.replacing("\n", with: "\\n").replacing("\"", with: "\\\"")
            return #"{"level":"info","ts":1795180003.1,"logger":"migration","msg":"Found abnormal event for Stage Pod","migMigration":"\#(stuck)","Pod":"mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm","eventType":"Warning","eventReason":"Failed","eventMessage":"log-\#(form.marker) \#(message)"}"#
        }
        try append(controllerLog, "\n" + (lines + formLines).joined(separator: "\n") + "\n")
        // A Secret with stringData next to the sample's data canaries.
        let secrets = dump.appendingPathComponent(mg + "clusters/host/namespaces/openshift-migration/core/secrets.yaml")
        var secretText = try String(contentsOf: secrets, encoding: .utf8)
        secretText = secretText.replacing("items:\n", with: "items:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: planted\n    namespace: openshift-migration\n  stringData:\n    password: CANARY-STRINGDATA-5\n  type: Opaque\n")
        try secretText.write(to: secrets, atomically: true, encoding: .utf8)
        // A cluster the gather could not log in to, whose error quotes a token.
        let login = dump.appendingPathComponent(mg + "clusters/extra/login_error.txt")
        try FileManager.default.createDirectory(at: login.deletingLastPathComponent(), withIntermediateDirectories: true)
        let loginText = "error: token sha256~CANARYLOGIN6aBcDeFgHiJkLmNoPqRsTuVwXyZ01 is not valid: Unauthorized\n"
            + forms.map { "\($0.marker) \($0.text)\n" }.joined() + innocent.map { $0 + "\n" }.joined()
        try loginText.write(to: login, atomically: true, encoding: .utf8)
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

    @Test("The hostile corpus's quoted credentials reach no format", arguments: ["text", "markdown", "json", "sarif", "html"])
    func corpusCase(format: String) throws {
        let run = try TestSupport.mustard(["analyze", HostileCorpusTests.corpus + "/secrets-quoted.tar.gz", "-f", format, "--verbose"])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("PGPASSWORD=") && run.stdout.contains("mysql -p"), "the line was quoted")
        #expect(!run.stdout.contains("CANARY"))
    }

    @Test("No canary appears in any format, verbose, with timelines", arguments: ["text", "markdown", "json", "sarif", "html"])
    func noLeak(format: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let run = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline"])
        #expect(run.code == 1, "\(run.stderr)")
        #expect(run.stdout.contains(format == "html" ? "&lt;redacted&gt;" : "<redacted>"), "the planted lines were read and shown, redacted")
        for canary in Self.canaries { #expect(!run.stdout.contains(canary), "\(canary) leaked in \(format)") }
        for canary in Self.canaries { #expect(!run.stderr.contains(canary)) }
        // Every form's line was quoted, and the innocent lines kept their words (the text report's wrapping undone).
        let shown = format == "text" ? run.stdout.replacing(#/\n +/#, with: " ") : run.stdout
        for form in Self.forms { #expect(shown.contains(form.marker + " "), "\(form.marker) not shown in \(format)") }
        #expect(shown.contains("password reset required for user bob"))
        #expect(shown.contains("api_key:") && !shown.contains("api_key: <redacted>") && !shown.contains("api_key:<redacted>"))
    }
}
