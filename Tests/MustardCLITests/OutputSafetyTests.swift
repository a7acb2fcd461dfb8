import Foundation
import MustardRules
import MustardTestSupport
import Testing

/// What mustard writes, and how it answers a mistaken command line: never over the customer's dump, never two outputs
/// in one file, never half a report; usage errors exit 2 with the command meant; numbers from the command line or
/// the dump never abort the process.
@Suite("Outputs and the command line")
struct OutputSafetyTests {
    /// A scratch folder holding a copy of the stuck sample as `case.tar.gz`.
    func scratch() throws -> (URL, String) {
        let folder = TestSupport.temporaryFolder()
        let dump = folder.appendingPathComponent("case.tar.gz").path
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck.tar.gz"), toPath: dump)
        return (folder, dump)
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("-o naming the dump, by any spelling, is refused with exit 2 and the dump is untouched")
    func outputIsInput() throws {
        let (folder, dump) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        let original = try #require(bytes(dump))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.tgz").path, withDestinationPath: dump)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for spelling in ["case.tar.gz", "./case.tar.gz", dump, "link.tgz", "sub/../case.tar.gz"] {
            for format in [[], ["-f", "json"]] {
                let run = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", spelling] + format, in: folder)
                #expect(run.code == 2, "\(spelling): \(run.stderr)")
                #expect(run.stderr.contains("would destroy the dump"), "\(spelling): \(run.stderr)")
                #expect(bytes(dump) == original, "the dump changed after -o \(spelling)")
            }
        }
        // The redaction map cannot be the dump either, nor the report under another spelling.
        let map = try TestSupport.mustard(["analyze", "case.tar.gz", "--redact", "--redaction-map", "./case.tar.gz"], in: folder)
        #expect(map.code == 2 && bytes(dump) == original)
        let same = try TestSupport.mustard(["analyze", "case.tar.gz", "--redact", "-o", "r.md", "--redaction-map", "./r.md"], in: folder)
        #expect(same.code == 2 && same.stderr.contains("name the same file"), "\(same.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("r.md").path))
    }

    @Test("A report is written whole: no temporary file left, the old report replaced only when the new one is complete")
    func atomicWrite() throws {
        let (folder, _) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        try "old report\n".write(to: folder.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
        let run = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "report.md"], in: folder)
        #expect(run.code == 1, "\(run.stderr)")
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.hasPrefix("# mustard report:"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["case.tar.gz", "report.md"], "stray files: \(left)")
        // A folder as the output is refused, the folder left as it was.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let toFolder = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "out"], in: folder)
        #expect(toFolder.code == 2 && toFolder.stderr.contains("is a folder"), "\(toFolder.stderr)")
    }

    @Test("A report of megabytes, written in pieces, is the same on standard output and in a file, in every format")
    func largeReportsWhole() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        // 3,000 ConfigMaps a rule file finds: a JSON report of several of the writer's 1 MB batches, and a Markdown one
        // larger than a batch, written alone.
        let core = folder.appendingPathComponent("mg/namespaces/app/core")
        try FileManager.default.createDirectory(at: core, withIntermediateDirectories: true)
        let items = (0..<3_000).map { i in
            "- apiVersion: v1\n  data:\n    key: value-\(i)\n  kind: ConfigMap\n  metadata:\n    name: settings-\(i)\n    namespace: app\n"
        }
        try ("apiVersion: v1\nitems:\n" + items.joined() + "kind: ConfigMapList\n").write(to: core.appendingPathComponent("configmaps.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n".write(
            to: folder.appendingPathComponent("mg/namespaces/app/app.yaml"), atomically: true, encoding: .utf8)
        let rules = folder.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            id: site/settings-key
            name: settings key
            severity: warning
            summary: s
            rationale: r
            examples: {fires: [a], quiet: [b]}
            match:
              kind: ConfigMap
              where:
                - field: data.key
                  exists: true
            finding:
              title: "{{ object.metadata.name }} sets key"
              explanation: "The ConfigMap {{ object.metadata.name }} sets key to {{ object.data.key }}."
            """.write(to: rules.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
        for format in ["json", "markdown", "sarif", "html"] {
            let printed = try TestSupport.mustard(["analyze", "mg", "--rules", "rules", "-f", format], in: folder)
            let written = try TestSupport.mustard(["analyze", "mg", "--rules", "rules", "-f", format, "-o", "report.out"], in: folder)
            #expect(printed.code == written.code, "\(format): \(printed.stderr) \(written.stderr)")
            let file = try #require(bytes(folder.appendingPathComponent("report.out").path))
            #expect(file.count > 1 << 20, "\(format): \(file.count) bytes, less than a batch")
            #expect(file == Data(printed.stdout.utf8), "\(format): standard output and the file differ")
            if format == "json" {
                let report = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
                #expect((report["findings"] as? [Any])?.count == 3_001, "each ConfigMap's finding, and the dump's own")
            }
        }
    }

    @Test("-o naming a device or a pipe writes into it and leaves it one: /dev/null stays the null device, a FIFO's reader gets the report")
    func deviceAndPipeOutputs() throws {
        let (folder, _) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        // Renaming a temporary file over /dev/null (as root) once replaced the machine's null device with a file.
        let toNull = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "/dev/null", "-f", "json"], in: folder)
        #expect(toNull.code == 1, "\(toNull.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is no longer a character device")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/dev").allSatisfy { !$0.hasPrefix(".mustard-report-") })

        let fifo = folder.appendingPathComponent("report.pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened without waiting for a writer, and drained on another thread while mustard writes.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        let received = Received()
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let deadline = Date().addingTimeInterval(60)
            var wroteOnce = false
            while Date() < deadline {
                let n = read(reader, &chunk, chunk.count)
                if n > 0 {
                    received.append(chunk[..<n])
                    wroteOnce = true
                } else if n == 0, wroteOnce {
                    break
                } else {
                    usleep(2000)
                }
            }
            drained.signal()
        }
        let toPipe = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "report.pipe", "-f", "markdown"], in: folder)
        #expect(toPipe.code == 1, "\(toPipe.stderr)")
        drained.wait()
        close(reader)
        #expect(String(decoding: received.bytes, as: UTF8.self).hasPrefix("# mustard report:"))
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["case.tar.gz", "report.pipe"], "stray files: \(left)")
    }

    /// Bytes gathered on another thread.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var gathered: [UInt8] = []
        func append(_ chunk: ArraySlice<UInt8>) { lock.withLock { gathered += chunk } }
        var bytes: [UInt8] { lock.withLock { gathered } }
    }

    @Test("The format follows -o's extension; a contradicting -f is a usage error")
    func formatFromExtension() throws {
        let (folder, _) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        let expectations: [(String, String)] = [
            ("r.html", "<!DOCTYPE html>"), ("r.md", "# mustard report:"), ("r.json", "{"), ("r.sarif", "{"), ("r.txt", "mustard "),
            ("r.report", "mustard "),
        ]
        for (name, start) in expectations {
            let run = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", name], in: folder)
            #expect(run.code == 1, "\(name): \(run.stderr)")
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(text.hasPrefix(start), "\(name) starts with \(text.prefix(40))")
        }
        let sarif = try String(contentsOf: folder.appendingPathComponent("r.sarif"), encoding: .utf8)
        #expect(sarif.contains("\"$schema\""))
        let agree = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "a.json", "-f", "json"], in: folder)
        #expect(agree.code == 1)
        let contradiction = try TestSupport.mustard(["analyze", "case.tar.gz", "-o", "b.html", "-f", "markdown"], in: folder)
        #expect(contradiction.code == 2 && contradiction.stderr.contains("contradicts"), "\(contradiction.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.html").path))
    }

    @Test("Usage errors exit 2 and name what was meant")
    func usageErrors() throws {
        let rule = try TestSupport.mustard(["rule", "list"])
        #expect(rule.code == 2 && rule.stderr.contains("did you mean `mustard rules`"), "\(rule.stderr)")
        let analyse = try TestSupport.mustard(["analyse", TestSupport.sample("stage-image-stuck.tar.gz")])
        #expect(analyse.code == 2 && analyse.stderr.contains("did you mean `mustard analyze`"), "\(analyse.stderr)")
        let explain = try TestSupport.mustard(["rules", "explain", "migration-stuck"])
        #expect(explain.code == 2 && explain.stderr.contains("mustard rules explain mtc/migration-stuck"), "\(explain.stderr)")
        let typo = try TestSupport.mustard(["rules", "explain", "mtc/migraton-stuck"])
        #expect(typo.code == 2 && typo.stderr.contains(MigrationStuckRule.id), "\(typo.stderr)")
        for arguments in [["analyze"], ["analyze", "x.tgz", "--no-such-option"], ["analyze", "x.tgz", "-f", "pdf"],
                          ["analyze", "x.tgz", "--jobs", "0"], ["analyze", "x.tgz", "--stuck-after", "nan"],
                          ["analyze", "x.tgz", "--max-total-bytes", "9223372036854775807"]] {
            let run = try TestSupport.mustard(arguments)
            #expect(run.code == 2, "\(arguments): exit \(run.code) \(run.stderr)")
        }
        // A dump that happens to be called like a subcommand is still a dump.
        let (folder, dump) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        try FileManager.default.moveItem(atPath: dump, toPath: folder.appendingPathComponent("rule").path)
        let named = try TestSupport.mustard(["rule", "-f", "json"], in: folder)
        #expect(named.code == 1, "\(named.stderr)")
        #expect(try TestSupport.mustard(["--version"]).code == 0)
        #expect(try TestSupport.mustard(["rules", "--help"]).code == 0)
    }

    @Test("Batch reports get unique names, whatever the dumps are called")
    func batchNames() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let queue = folder.appendingPathComponent("queue")
        try FileManager.default.createDirectory(at: queue, withIntermediateDirectories: true)
        // `a.tar.gz` and `a.zip` both become "a"; the second must not take `a-2`, which `a-2.tar` owns.
        for name in ["a.tar.gz", "a.tgz", "a-2.tar.gz", "A.tar.gz"] {
            try FileManager.default.copyItem(atPath: TestSupport.sample("healthy-migration.tar.gz"), toPath: queue.appendingPathComponent(name).path)
        }
        let out = folder.appendingPathComponent("reports")
        let run = try TestSupport.mustard(["analyze", queue.path, "--output-dir", out.path, "-f", "json"])
        #expect(run.code == 0, "\(run.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(written.count == 4, "four dumps, \(written.sorted())")
        #expect(Set(written.map { $0.lowercased() }).count == 4, "names differ even without case: \(written.sorted())")
    }

    @Test("Hostile numbers: --stuck-after 1e300 and a log time of 1e300 give a report, not a crash")
    func hostileNumbers() throws {
        let (folder, dump) = try scratch()
        defer { TestSupport.cleanUp(folder) }
        let huge = try TestSupport.mustard(["analyze", dump, "--stuck-after", "1e300", "-f", "json"])
        #expect(huge.code == 0 || huge.code == 1, "\(huge.stderr)")
        #expect(huge.stdout.hasPrefix("{"))
        // The controller log of the sample tree, with lines whose zap time is out of any range.
        let tree = folder.appendingPathComponent("tree")
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck"), toPath: tree.path)
        let logs = FileManager.default.enumerator(atPath: tree.path)?.compactMap { $0 as? String }
            .filter { $0.contains("migration-controller") && $0.hasSuffix(".log") } ?? []
        let log = try #require(logs.first.map { tree.appendingPathComponent($0) })
        var text = try String(contentsOf: log, encoding: .utf8)
        for ts in ["1e300", "-1e300", "9223372036854775807", "1e19", "nan", "123456789012345678901234567890"] {
            text += #"{"level":"info","ts":\#(ts),"logger":"migration","msg":"[RUN] (Step 24/49) Waiting for stage pods to be ready","migMigration":"3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8","phase":"StagePodsCreated"}"# + "\n"
        }
        try text.write(to: log, atomically: false, encoding: .utf8)
        for format in ["text", "markdown", "json", "sarif", "html"] {
            let run = try TestSupport.mustard(["analyze", tree.path, "-f", format, "--timeline"])
            #expect(run.code == 1, "\(format): exit \(run.code) \(run.stderr)")
        }
    }
}
