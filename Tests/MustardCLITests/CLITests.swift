import Foundation
import MustardTestSupport
import Testing

/// `mustard` run as a user runs it: real archives in every format, real exit codes, real files.
@Suite("mustard analyze, end to end")
struct CLITests {
    static let tree = TestSupport.sample("stage-image-stuck")
    static let canary = "CANARY-SECRET-DO-NOT-PRINT"
    static let canaryBase64 = "Q0FOQVJZLVNFQ1JFVC1ETy1OT1QtUFJJTlQ="

    @Test("Every archive format, re-tarred by the customer around MTC's own tarball, gives the same diagnosis",
          arguments: ["case.tar", "case.tar.gz", "case.tar.xz", "case.tar.zst", "case.tar.bz2", "case.zip"])
    func formats(name: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let archive = try TestSupport.pack(Self.tree, as: name, in: folder)
        let run = try TestSupport.mustard(["analyze", archive, "--format", "json"])
        #expect(run.code == 1, "findings at error or above exit 1: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["id"] as? String } == [
            "mtc/stage-pod-image-misconfigured#source-cluster",
            "mtc/migration-stuck#host/3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8",
        ])
        let input = try #require(json["input"] as? [String: Any])
        #expect(input["nestedArchives"] as? Int == 1)
        #expect(input["gatheredAt"] as? String == "2026-11-20T13:33:47Z")
    }

    @Test("The text report puts the root cause first and gives the three steps with real names")
    func text() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz")])
        #expect(run.code == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("Root cause: ") })
        #expect(lines[first].contains("[CRITICAL]") && lines[first].contains("quay.io/konveyor/invalid_image:latest"))
        #expect(run.stdout.contains("patch migmigration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8 --type merge -p '{\"spec\":{\"canceled\":true}}'"))
        #expect(run.stdout.contains("patch migrationcontroller migration-controller --type json"))
        #expect(run.stdout.contains("generateName: mssql-persistent-plan-retry-"))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    }

    @Test("Markdown for a post-mortem: summary, evidence table with files, remediation code blocks")
    func markdown() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--format", "markdown"])
        #expect(run.stdout.hasPrefix("# mustard report:"))
        #expect(run.stdout.contains("## Summary") && run.stdout.contains("#### Evidence") && run.stdout.contains("| Statement | File | Field | Time |"))
        #expect(run.stdout.contains("must-gather.tar.gz!/must-gather/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml"))
        #expect(run.stdout.contains("```sh"))
        #expect(run.stdout.contains("## Rules"))
    }

    @Test("Same dump, same bytes, in every format", arguments: ["text", "markdown", "json"])
    func deterministic(format: String) throws {
        let a = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--format", format])
        let b = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--format", format])
        #expect(a.stdout == b.stdout && !a.stdout.isEmpty)
    }

    @Test("The JSON contract v1: every key, one outcome per rule")
    func contract() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("healthy-migration.tar.gz"), "-f", "json"])
        #expect(run.code == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 2)
        // v1's keys stay; keys added since are allowed.
        #expect(Set(json.keys).isSuperset(of: ["schemaVersion", "tool", "input", "summary", "findings", "outcomes", "loadIssues"]))
        #expect(Set(json.keys).isSuperset(of: ["timeline", "hiddenFindings"]))
        #expect((json["tool"] as? [String: String])?["name"] == "mustard")
        let input = try #require(json["input"] as? [String: Any])
        #expect(Set(["path", "format", "gatheredAt", "layouts", "clusters"]).isSubset(of: input.keys))
        #expect((json["summary"] as? [String: Int]) == ["critical": 0, "error": 0, "warning": 0, "info": 0])
        let outcomes = try #require(json["outcomes"] as? [[String: Any]])
        #expect(outcomes.count >= 3 && outcomes.allSatisfy { $0["status"] as? String == "passed" })
        #expect(Set(outcomes[0].keys) == ["rule", "status", "reason"])

        let stuck = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "json"])
        let stuckJSON = try #require(try JSONSerialization.jsonObject(with: Data(stuck.stdout.utf8)) as? [String: Any])
        let finding = try #require((stuckJSON["findings"] as? [[String: Any]])?.first)
        #expect(Set(finding.keys).isSuperset(of: ["id", "rule", "severity", "title", "cluster", "subject", "related", "explanation", "evidence",
                                      "causedBy", "causes", "remediation", "references", "namespaces"]))
        let evidence = try #require((finding["evidence"] as? [[String: Any]])?.first)
        #expect(Set(evidence.keys) == ["statement", "path", "field", "line", "at"])
        let step = try #require((finding["remediation"] as? [[String: Any]])?.first)
        #expect(Set(step.keys) == ["title", "cluster", "command", "verify", "expect"])
    }

    @Test("Exit codes: 2 when nothing can be analysed")
    func exitTwo() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        #expect(try TestSupport.mustard(["analyze", folder.appendingPathComponent("missing.tar.gz").path]).code == 2)
        let text = folder.appendingPathComponent("notes.tar.gz")
        try Data("just some text\n".utf8).write(to: text)
        let notArchive = try TestSupport.mustard(["analyze", text.path])
        #expect(notArchive.code == 2 && notArchive.stderr.contains("not a folder or a supported archive"))
        #expect(try TestSupport.mustard(["analyze"]).code != 0)
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try TestSupport.mustard(["analyze", empty.path]).code == 2)
    }

    @Test("Exit codes: 3 for a damaged dump, whose report still covers what could be read")
    func exitThree() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let ocError = try TestSupport.mustard(["analyze", TestSupport.fixture("oc-error-in-yaml"), "-f", "json"])
        #expect(ocError.code == 3)
        #expect(ocError.stdout.contains("core/events.yaml"))
        // A corrupt nested tarball: the outer archive and the inspect tree are still analysed.
        let copy = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: Self.tree, toPath: copy.path)
        let imageDir = try #require(try FileManager.default.contentsOfDirectory(atPath: copy.appendingPathComponent("must-gather.local.5108").path).first { $0.hasPrefix("quay-io") })
        let inner = copy.appendingPathComponent("must-gather.local.5108/\(imageDir)/must-gather.tar.gz.d")
        try FileManager.default.removeItem(at: inner)
        try Data([0x1F, 0x8B, 0x08, 0x00] + Array(repeating: 0x41, count: 600)).write(to: copy.appendingPathComponent("must-gather.local.5108/\(imageDir)/must-gather.tar.gz"))
        let archive = try TestSupport.pack(copy.path, as: "case.tar.gz", in: folder)
        let run = try TestSupport.mustard(["analyze", archive, "-f", "json"])
        #expect(run.code == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let issues = try #require(json["loadIssues"] as? [[String: Any]])
        #expect(issues.contains { ($0["path"] as? String)?.hasSuffix("must-gather.tar.gz") == true && $0["damaged"] as? Bool == true })
        #expect((json["input"] as? [String: Any])?["clusters"] as? [String] == ["inspect.local.2471"])
    }

    @Test("--output writes the report there and nowhere else; --fail-on moves exit 1")
    func output() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let report = folder.appendingPathComponent("report.md").path
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "markdown", "-o", report])
        #expect(run.code == 1 && run.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.md"])
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("# mustard report:"))
        let warningOnly = try TestSupport.mustard(["analyze", TestSupport.fixture("mtc-1.7-canceled-image-still-wrong")])
        #expect(warningOnly.code == 0)
        let strict = try TestSupport.mustard(["analyze", TestSupport.fixture("mtc-1.7-canceled-image-still-wrong"), "--fail-on", "warning"])
        #expect(strict.code == 1)
    }

    @Test("Secret values never appear in any format", arguments: ["text", "markdown", "json"])
    func secrets(format: String) throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", format, "--verbose"])
        #expect(!run.stdout.contains(Self.canary) && !run.stdout.contains(Self.canaryBase64))
    }

    @Test("A real must-gather without MTC: says so plainly, exits 0")
    func realDump() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.realdata(TestSupport.mustGatherCleanDumps[1])])
        #expect(run.code == 0)
        #expect(run.stdout.contains("no MTC resources in the dump"))
        #expect(run.stdout.contains("Gathered 2021-09-13T15:34:43Z"))
    }
}
