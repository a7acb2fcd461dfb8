import Foundation
import MustardTestSupport
import Testing

/// Every renderer's output for the samples, byte for byte, kept in `Tests/Golden/`: a change in any report shows in
/// review as a diff of these files. `make golden` rewrites them from the current build (then read the diff).
@Suite("Golden reports")
struct GoldenTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        let sample: String
        let file: String
        let arguments: [String]
        var testDescription: String { "\(sample)/\(file)" }
    }

    static let variants: [Variant] = ["stage-image-stuck", "healthy-migration"].flatMap { sample in
        [
            Variant(sample: sample, file: "report.txt", arguments: []),
            Variant(sample: sample, file: "report-verbose.txt", arguments: ["--verbose", "--timeline"]),
            Variant(sample: sample, file: "report.md", arguments: ["-f", "markdown"]),
            Variant(sample: sample, file: "report-brief.md", arguments: ["-f", "markdown", "--brief"]),
            Variant(sample: sample, file: "report.json", arguments: ["-f", "json"]),
            Variant(sample: sample, file: "report.sarif", arguments: ["-f", "sarif"]),
            Variant(sample: sample, file: "report.html", arguments: ["-f", "html"]),
        ]
    }

    @Test("Each sample's report in each format is the golden file", arguments: variants)
    func golden(_ v: Variant) throws {
        // From the repository root with a relative path, so that the report names the dump the same on any machine.
        let run = try TestSupport.run(
            TestSupport.mustardBinary, ["analyze", "Samples/\(v.sample).tar.gz"] + v.arguments,
            environment: ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"], in: TestSupport.root)
        #expect([0, 1].contains(run.code), "\(run.stderr)")
        let golden = TestSupport.root.appendingPathComponent("Tests/Golden/\(v.sample)/\(v.file)")
        if ProcessInfo.processInfo.environment["MUSTARD_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try run.stdout.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(try? String(contentsOf: golden, encoding: .utf8), "no golden file \(golden.path): run make golden")
        guard run.stdout != expected else { return }
        // The first line that differs, to read without a diff tool.
        let got = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        Issue.record("""
            \(v.sample)/\(v.file) differs from its golden file at line \(line + 1) (run make golden and review the diff):
              golden: \(line < want.count ? want[line] : "(end)")
              now:    \(line < got.count ? got[line] : "(end)")
            """)
    }
}
