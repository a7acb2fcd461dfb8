import Foundation
import MustardTestSupport
import Testing

@Suite("Batch: a queue of dumps at once")
struct BatchTests {
    /// A queue folder: two samples, one truncated upload, and a stray text file that is no dump.
    func queue(in folder: URL) throws -> URL {
        let queue = folder.appendingPathComponent("queue")
        try FileManager.default.createDirectory(at: queue, withIntermediateDirectories: true)
        for name in ["stage-image-stuck.tar.gz", "healthy-migration.tar.gz"] {
            try FileManager.default.copyItem(atPath: TestSupport.sample(name), toPath: queue.appendingPathComponent(name).path)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: TestSupport.sample("stage-image-stuck.tar.gz")))
        try bytes.prefix(bytes.count / 2).write(to: queue.appendingPathComponent("upload-cut.tar.gz"))
        try "notes\n".write(to: queue.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        return queue
    }

    @Test("A folder of dumps: one summary row each, reports in --output-dir, the worst exit code")
    func folderOfDumps() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let queue = try queue(in: folder)
        let out = folder.appendingPathComponent("reports")
        let run = try TestSupport.mustard(["analyze", queue.path, "--output-dir", out.path, "-f", "markdown"])
        #expect(run.code == 3, "a damaged upload in the queue: \(run.stderr)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 2 + 3, "header, rule and three dumps: \(run.stdout)")
        #expect(rows[2].contains("healthy-migration.tar.gz") && rows[2].contains("| none |"))
        #expect(rows[3].contains("stage-image-stuck.tar.gz") && rows[3].contains("| critical |") && rows[3].contains("invalid_image"))
        #expect(rows[4].contains("upload-cut.tar.gz") && (rows[4].contains("unreadable") || rows[4].contains("(damaged)")))
        // A report for every dump that could be read at all.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)).isSuperset(of: ["healthy-migration.md", "stage-image-stuck.md"]))
        let report = try String(contentsOf: out.appendingPathComponent("stage-image-stuck.md"), encoding: .utf8)
        #expect(report.hasPrefix("# mustard report:"))
    }

    @Test("--format json gives one JSON document per line, in the order of the dumps")
    func jsonLines() throws {
        let run = try TestSupport.mustard([
            "analyze", TestSupport.sample("healthy-migration.tar.gz"), TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "json",
        ])
        #expect(run.code == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let docs = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect((docs[0]["input"] as? [String: Any])?["path"] as? String == TestSupport.sample("healthy-migration.tar.gz"))
        #expect((docs[1]["summary"] as? [String: Int])?["critical"] == 1)
    }

    @Test("A must-gather folder is one dump, not a batch; nothing readable at all exits 2")
    func notABatch() throws {
        let single = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck"), "-f", "json"])
        #expect(single.code == 1 && single.stdout.hasPrefix("{\n"))
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let none = try TestSupport.mustard(["analyze", folder.appendingPathComponent("a.tar.gz").path, folder.appendingPathComponent("b.tar.gz").path])
        #expect(none.code == 2)
    }
}
