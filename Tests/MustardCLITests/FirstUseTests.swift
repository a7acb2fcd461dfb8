import Foundation
import MustardTestSupport
import Testing

/// The rough edges a first-time user hits: folders as customers really fill them, names in a redacted report.
@Suite("First use")
struct FirstUseTests {
    @Test("A folder holding two extracted gathers is two dumps, never one dump with both gathers' clusters merged")
    func separateGathers() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let both = folder.appendingPathComponent("case")
        try FileManager.default.createDirectory(at: both, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestSupport.sample("stage-image-stuck/must-gather.local.5108"), toPath: both.appendingPathComponent("must-gather.local.5108").path)
        try FileManager.default.copyItem(
            atPath: TestSupport.sample("healthy-migration/must-gather.local.7311"), toPath: both.appendingPathComponent("must-gather.local.7311").path)
        let run = try TestSupport.mustard(["analyze", both.path, "-f", "json"])
        #expect(run.code == 1, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one JSON document per dump: \(run.stdout.prefix(300))")
        let docs = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let paths = docs.compactMap { ($0["input"] as? [String: Any])?["path"] as? String }
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["must-gather.local.5108", "must-gather.local.7311"])
        #expect((docs[0]["summary"] as? [String: Int])?["critical"] == 1)
        #expect((docs[1]["summary"] as? [String: Int])?["critical"] == 0)
        // A gather with an inspect of the application beside it stays one case: the sample is exactly that.
        let sample = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck"), "-f", "json"])
        #expect(sample.stdout.hasPrefix("{\n") && sample.stdout.contains("inspect.local.2471"))
    }

    @Test("An archive beside attachments is the dump; its file name never becomes a cluster")
    func archiveBesideAttachments() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let archive = TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")
        try FileManager.default.copyItem(atPath: archive, toPath: folder.appendingPathComponent("must-gather-aws.tar.xz").path)
        try "customer says: migration hangs\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: folder.appendingPathComponent("screenshot.png"))
        let beside = try TestSupport.mustard(["analyze", folder.path, "-f", "json"])
        let alone = try TestSupport.mustard(["analyze", archive, "-f", "json"])
        func clusters(_ out: String) throws -> [String] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            return (json["input"] as? [String: Any])?["clusters"] as? [String] ?? []
        }
        #expect(try clusters(beside.stdout) == clusters(alone.stdout))
        #expect(try !clusters(beside.stdout).contains { $0.hasSuffix(".tar.xz") })
        #expect(beside.code == alone.code)
    }

    @Test("--redact=names hides the upload's file name and the folders above it, in every format and the batch summary")
    func redactedInputName() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let queue = folder.appendingPathComponent("acme-corp-uploads")
        try FileManager.default.createDirectory(at: queue, withIntermediateDirectories: true)
        let dump = queue.appendingPathComponent("acme-corp-case-4711.tar.gz").path
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck.tar.gz"), toPath: dump)
        for format in ["text", "markdown", "json", "sarif", "html"] {
            let run = try TestSupport.mustard(["analyze", dump, "--redact=names", "-f", format])
            #expect(run.code == 1)
            #expect(!run.stdout.contains("acme"), "\(format) shows the customer's file name")
            #expect(run.stdout.contains("dump-1.tar.gz"), "\(format) names the dump by its placeholder")
        }
        try FileManager.default.copyItem(atPath: TestSupport.sample("healthy-migration.tar.gz"), toPath: queue.appendingPathComponent("acme-corp-case-4712.tar.gz").path)
        let out = folder.appendingPathComponent("reports")
        let batch = try TestSupport.mustard(["analyze", queue.path, "--redact=names", "--output-dir", out.path])
        #expect(!batch.stdout.contains("acme"), "\(batch.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["dump-1.txt", "dump-2.txt"])
        // Plain --redact keeps the file name: it is the engineer's to read.
        let plain = try TestSupport.mustard(["analyze", dump, "--redact"])
        #expect(plain.stdout.contains("acme-corp-case-4711.tar.gz"))
    }

    @Test("The text report wraps to the terminal's width (COLUMNS), between words only; commands are never broken",
          arguments: [60, 80, 120])
    func terminalWidth(columns: Int) throws {
        let wide = try TestSupport.run(TestSupport.mustardBinary, ["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--verbose"],
                                       environment: ["NO_COLOR": "1", "COLUMNS": "200"])
        let run = try TestSupport.run(TestSupport.mustardBinary, ["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--verbose"],
                                      environment: ["NO_COLOR": "1", "COLUMNS": "\(columns)"])
        #expect(run.code == 1)
        // The same words in the same order: wrapping moved them, never cut one.
        #expect(run.stdout.split(whereSeparator: \.isWhitespace) == wide.stdout.split(whereSeparator: \.isWhitespace))
        let commands = Set(wide.stdout.split(separator: "\n").filter { $0.hasPrefix("        ") }.map { $0.trimmingCharacters(in: .whitespaces) })
        for line in run.stdout.split(separator: "\n") where line.count > columns {
            let text = line.trimmingCharacters(in: .whitespaces)
            // Only a command, or a path in the dump (one word) with its field and count, may be longer.
            let words = text.split(separator: " ")
            let path = words.count <= 4 && words.first.map { $0.contains("/") && $0.count > 40 } == true
            #expect(commands.contains(text) || path || words.count == 1, "\(columns) columns exceeded by prose: \(line)")
        }
        // Every command is on one line, whole.
        for command in commands where command.hasPrefix("oc ") {
            #expect(run.stdout.contains(command), "command broken at \(columns) columns: \(command)")
        }
    }
}
