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

    @Test("Markdown for a ticket: --brief pastes into a case comment; the full report names the image folder once")
    func markdownForATicket() throws {
        let stuck = TestSupport.sample("stage-image-stuck.tar.gz")
        let full = try TestSupport.mustard(["analyze", stuck, "-f", "markdown"])
        let brief = try TestSupport.mustard(["analyze", stuck, "-f", "markdown", "--brief"])
        #expect(full.code == 1 && brief.code == 1)
        #expect(brief.stdout.utf8.count < 4_000, "brief is \(brief.stdout.utf8.count) bytes")
        #expect(full.stdout.utf8.count < 32_000, "full is \(full.stdout.utf8.count) bytes")
        // The brief keeps what a case comment needs: verdict, root cause, one line of evidence with its file, the fix.
        #expect(brief.stdout.contains("**CRITICAL: 2 findings**"))
        #expect(brief.stdout.contains("**Root cause** — critical: Stage pods cannot pull"))
        #expect(brief.stdout.components(separatedBy: "- Evidence:").count == 2)
        #expect(brief.stdout.contains("core/configmaps.yaml [items[2].data.STAGE_IMAGE]"))
        #expect(brief.stdout.contains("- Leads to: error: Migration 3b9f2c6e"))
        for command in ["patch migmigration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8 --type merge", "migration_stage_image_fqin", "generateName: mssql-persistent-plan-retry-"] {
            #expect(brief.stdout.contains(command))
        }
        // The 64-digit image folder is named once in the header and written `…` in every path.
        let folder = "quay-io-konveyor-must-gather-sha256-3c1f0b8e5d7a94c2e61b0f3d8a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c"
        #expect(full.stdout.components(separatedBy: folder).count == 2)
        #expect(full.stdout.contains("must-gather.local.5108/…/must-gather.tar.gz!/must-gather/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml"))
        #expect(!brief.stdout.contains(folder))
        let wrongFormat = try TestSupport.mustard(["analyze", stuck, "--brief"])
        #expect(wrongFormat.code == 2 && wrongFormat.stderr.contains("-f markdown"))
    }

    @Test("HTML: the fix comes before the evidence, evidence past three rows is folded, the title names the file only")
    func htmlFixFirst() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "html"])
        #expect(run.code == 1)
        let html = run.stdout
        let title = try #require(html.firstRange(of: "<title>").map { html[$0.upperBound...].prefix { $0 != "<" } })
        #expect(title == "mustard: CRITICAL: 2 findings — stage-image-stuck.tar.gz")
        let card = try #require(html.components(separatedBy: "<article class=\"finding").dropFirst().first)
        let fix = try #require(card.range(of: "<h4>Fix, in order</h4>"))
        let evidence = try #require(card.range(of: "<h4>Evidence</h4>"))
        #expect(fix.lowerBound < evidence.lowerBound)
        let shown = card[evidence.upperBound...].components(separatedBy: "<details class=\"more-evidence\">")
        #expect(shown.count == 2, "the root cause's twelve rows are folded after three")
        #expect(shown[0].components(separatedBy: "<tr class=\"evidence-row\">").count - 1 == 3)
        #expect(shown[1].contains("9 more row(s) of evidence"))
    }

    @Test("SARIF locations open in a viewer: every uri exists once the dump is extracted, nested archives in place")
    func sarifLocationsExist() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "sarif"])
        #expect(run.code == 1)
        // Extract as a user does: the upload, then each nested archive in its own folder.
        #expect(try TestSupport.run("/usr/bin/env", ["tar", "-xzf", TestSupport.sample("stage-image-stuck.tar.gz"), "-C", folder.path]).code == 0)
        let nested = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".tar.gz") } ?? []
        #expect(!nested.isEmpty)
        for archive in nested {
            let at = folder.appendingPathComponent(archive).deletingLastPathComponent()
            #expect(try TestSupport.run("/usr/bin/env", ["tar", "-xzf", folder.appendingPathComponent(archive).path, "-C", at.path]).code == 0)
        }
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let results = ((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        var checked = 0
        for result in results {
            for location in (result["locations"] as? [[String: Any]] ?? []) + (result["relatedLocations"] as? [[String: Any]] ?? []) {
                guard let physical = location["physicalLocation"] as? [String: Any],
                      let artifact = physical["artifactLocation"] as? [String: Any], let uri = artifact["uri"] as? String else { continue }
                #expect(!uri.contains("!/"), "\(uri)")
                let path = try #require(uri.removingPercentEncoding)
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "no file at \(path)")
                let properties = location["properties"] as? [String: Any]
                if (properties?["path"] as? String)?.contains("!/") == true {
                    #expect((properties?["archives"] as? [String])?.first?.hasSuffix("must-gather.tar.gz") == true)
                }
                checked += 1
            }
        }
        #expect(checked > 10, "only \(checked) locations")
    }
}
