import Foundation
import MustardTestSupport
import Testing

/// The hostile corpus (`Scripts/make-hostile-corpus.py`), case by case: what is still analysed, which load issue
/// names the damage, the exit code; never a crash, a hang or a file written anywhere.
@Suite("Hostile and damaged dumps")
struct HostileCorpusTests {
    /// Made once per test run in a temporary folder.
    static let corpus: String = {
        let folder = TestSupport.temporaryFolder().appendingPathComponent("hostile").path
        let made = try? TestSupport.run("/usr/bin/env", ["python3", TestSupport.root.appendingPathComponent("Scripts/make-hostile-corpus.py").path, folder])
        precondition(made?.code == 0, "make-hostile-corpus.py failed: \(made?.stderr ?? "")")
        return folder
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let exit: Int32
        let issue: String?
        var arguments: [String] = []
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "truncated-gzip-30.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-gzip-60.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-gzip-90.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-xz.tar.xz", exit: 3, issue: "truncated or corrupt xz stream"),
        Case(file: "truncated-zstd.tar.zst", exit: 3, issue: "truncated or corrupt zstd stream"),
        Case(file: "flipped-byte.tar.gz", exit: 3, issue: "corrupt gzip stream (incorrect data check)"),
        Case(file: "corrupt-tar-header.tar", exit: 3, issue: "damaged archive: libarchive skipped"),
        Case(file: "bad-central-directory.zip", exit: 3, issue: "zip central directory unreadable"),
        Case(file: "odd-names-and-links.tar.gz", exit: 0, issue: "link to /etc/shadow not followed"),
        Case(file: "nested-corrupt.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "yaml-tabs.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "yaml-anchors.tar.gz", exit: 0, issue: nil),
        Case(file: "yaml-duplicate-keys.tar.gz", exit: 0, issue: "duplicate key 'name'"),
        Case(file: "yaml-deep-nesting.tar.gz", exit: 3, issue: "nested deeper than 256 levels"),
        Case(file: "yaml-billion-laughs.tar.gz", exit: 3, issue: "possible billion-laughs"),
        Case(file: "binary-yaml.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "empty-yaml.tar.gz", exit: 0, issue: "empty file"),
        Case(file: "oc-error-text.tar.gz", exit: 3, issue: "failed `oc` command"),
        Case(file: "huge-line.tar.gz", exit: 3, issue: "larger than the 128 MiB limit"),
        Case(file: "gzip-bomb.tar.gz", exit: 3, issue: "more than 256 MiB decompressed", arguments: ["--max-total-bytes", "256"]),
        Case(file: "inject-names.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "inject-progress.tar.bz2", exit: 0, issue: nil),
        Case(file: "secrets-quoted.tar.gz", exit: 0, issue: "not a Kubernetes object"),
    ]

    @Test("Each case: the expected exit code and load issue, the valid part still analysed, nothing written", arguments: cases)
    func hostile(_ c: Case) throws {
        let workdir = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(workdir) }
        let path = Self.corpus + "/" + c.file
        let run = try TestSupport.mustard(["analyze", path, "-f", "json"] + c.arguments, in: workdir)
        #expect(run.code == c.exit, "\(c.file): \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let issues = (json["loadIssues"] as? [[String: Any]]) ?? []
        if let expected = c.issue {
            #expect(issues.contains { ($0["message"] as? String)?.contains(expected) == true }, "\(c.file): no issue with '\(expected)' in \(issues)")
        } else {
            #expect(issues.isEmpty)
        }
        if c.exit == 3 { #expect(issues.contains { $0["damaged"] as? Bool == true }) }
        // The valid inspect tree in every case was still read and checked.
        #expect((json["input"] as? [String: Any])?["clusters"] as? [String] == ["inspect.local.1"] || c.file.hasPrefix("odd-names"))
        let outcomes = (json["outcomes"] as? [[String: Any]]) ?? []
        #expect(outcomes.first { $0["rule"] as? String == "k8s/pod-failing" }?["status"] as? String == "passed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workdir.path).isEmpty, "nothing written to the working folder")
    }
}
