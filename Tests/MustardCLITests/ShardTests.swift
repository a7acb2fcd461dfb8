import Foundation
import MustardTestSupport
import Testing

/// `--shard I/N` and `summarize`: a queue split over N machines (a Kubernetes Indexed Job) and merged again.
@Suite("Shards and summarize")
struct ShardTests {
    @Test("N shards analyse every dump exactly once, in any order of the paths; summarize merges their reports")
    func shardsCoverTheQueue() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let queue = folder.appendingPathComponent("queue")
        try FileManager.default.createDirectory(at: queue, withIntermediateDirectories: true)
        let names = ["a.tgz", "b.tar.gz", "c.tar.gz", "d.tar.gz", "e.tar.gz"]
        for (i, name) in names.enumerated() {
            let sample = i % 2 == 0 ? "stage-image-stuck.tar.gz" : "healthy-migration.tar.gz"
            try FileManager.default.copyItem(atPath: TestSupport.sample(sample), toPath: queue.appendingPathComponent(name).path)
        }
        let reports = folder.appendingPathComponent("reports")
        var perShard: [[String]] = []
        for index in 0..<3 {
            let shardDir = reports.appendingPathComponent("shard-\(index)")
            // The paths named in another order on each machine: the shard is taken from the sorted list.
            let paths = index == 1 ? names.reversed().map { queue.appendingPathComponent($0).path } : [queue.path]
            let run = try TestSupport.mustard(["analyze", "--shard", "\(index)/3"] + paths + ["--output-dir", shardDir.path, "-f", "json"])
            #expect([0, 1].contains(run.code), "shard \(index): \(run.stderr)")
            perShard.append(((try? FileManager.default.contentsOfDirectory(atPath: shardDir.path)) ?? []).sorted())
        }
        #expect(perShard == [["a.json", "d.json"], ["b.json", "e.json"], ["c.json"]], "\(perShard)")
        let summary = try TestSupport.mustard(["summarize"] + (0..<3).map { reports.appendingPathComponent("shard-\($0)").path })
        #expect(summary.code == 1, "\(summary.stderr)")
        let rows = summary.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 5, "\(summary.stdout)")
        #expect(rows.filter { $0.contains("critical") && $0.contains("invalid_image") }.count == 3)
        #expect(rows.filter { $0.contains(" none ") }.count == 2)
        let json = try TestSupport.mustard(["summarize", reports.appendingPathComponent("shard-0").path, "-f", "json"])
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect((first["summary"] as? [String: Int])?["critical"] == 1)
    }

    @Test("An empty shard writes nothing and exits 0; a shard out of range is a usage error")
    func edges() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let out = folder.appendingPathComponent("out")
        let empty = try TestSupport.mustard(["analyze", "--shard", "4/5", TestSupport.sample("healthy-migration.tar.gz"), "--output-dir", out.path])
        #expect(empty.code == 0 && empty.stderr.contains("has no dump"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        for bad in ["5/5", "-1/3", "1/0", "x/3", "1"] {
            let run = try TestSupport.mustard(["analyze", "--shard", bad, TestSupport.sample("healthy-migration.tar.gz")])
            #expect(run.code == 2, "--shard \(bad): \(run.code)")
        }
    }

    @Test("summarize says which files are no report; with none at all it exits 2")
    func notReports() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try #"{"hello": "world"}"#.write(to: folder.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
        let none = try TestSupport.mustard(["summarize", folder.path])
        #expect(none.code == 2 && none.stderr.contains("other.json: not a mustard JSON report"), "\(none.stderr)")
        let report = try TestSupport.mustard(["analyze", TestSupport.sample("healthy-migration.tar.gz"), "-o", folder.appendingPathComponent("h.json").path])
        #expect(report.code == 0)
        let one = try TestSupport.mustard(["summarize", folder.path])
        #expect(one.code == 0 && one.stdout.contains("healthy-migration.tar.gz"), "\(one.stdout)")
    }
}
