import Foundation
import MustardKit
import MustardReport
import MustardRules
import MustardTestSupport
import Testing

/// Every command and check a report prints is pasted into a shell by someone under pressure: each must parse
/// with `bash -n`, in the plain report and the redacted one, for every fixture, sample and real dump (issue 9,
/// item 5). Folders are listed, not named, so a new fixture is checked without touching this file.
@Suite("Every printed command is valid shell")
struct ShellValidityTests {
    static var dumps: [String] {
        let fixtures = URL(fileURLWithPath: TestSupport.fixture(""))
        func folders(_ url: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
                .map { url.appendingPathComponent($0).path }
                .filter { var dir: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &dir) && dir.boolValue }
        }
        let samples = ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.sample(""))) ?? []).sorted()
            .filter { $0.hasSuffix(".tar.gz") }.map { TestSupport.sample($0) }
        let hostile = fixtures.appendingPathComponent("Hostile")
        return folders(fixtures).filter { $0 != hostile.path } + folders(hostile) + samples
            + TestSupport.mustGatherCleanDumps.map(TestSupport.realdata)
    }

    @Test("command and verify parse with bash -n", arguments: dumps)
    func parses(dump: String) throws {
        let report = try TestSupport.analyze(dump)
        let redacted = Redactor(names: true).redact(report)
        var scripts: [(what: String, text: String)] = []
        for (label, r) in [("report", report), ("redacted report", redacted)] {
            for f in r.findings {
                for (i, step) in f.remediation.enumerated() {
                    scripts.append(("\(label) \(f.id) step \(i + 1) command", step.command))
                    if let verify = step.verify { scripts.append(("\(label) \(f.id) step \(i + 1) verify", verify)) }
                }
            }
        }
        for script in scripts {
            let result = try TestSupport.run("/bin/bash", ["-n", "-c", script.text])
            #expect(result.code == 0, "\(URL(fileURLWithPath: dump).lastPathComponent): \(script.what) does not parse: \(result.stderr)\n\(script.text)")
            // The expected output has its own field; a check line never carries it as prose.
            #expect(!script.text.contains("(expect "), "\(script.what) carries its expectation as text: \(script.text)")
        }
    }

    @Test("A check's expectation travels in its own field in JSON and SARIF")
    func expectField() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck.tar.gz"))
        let expected = "quay.io/konveyor/velero-restic-restore-helper:release-1.7.13"
        #expect(report.findings.flatMap(\.remediation).contains { $0.expect == expected })
        for output in [JSONRenderer(compact: true).render(report), SARIFRenderer().render(report)] {
            let compact = output.replacingOccurrences(of: " ", with: "")
            #expect(compact.contains("\"expect\":\"\(expected)\""))
            #expect(!output.contains("(expect "))
        }
    }
}
