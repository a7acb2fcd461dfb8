import Foundation
import MustardKit
import MustardTestSupport
import Testing

@Suite("Rule files and suppressions through the mustard binary")
struct UserRuleCLITests {
    static let rules = TestSupport.fixture("user-rules")

    @Test("rules test runs the shipped files and the fixtures' examples: exit 0, one PASS line per example")
    func rulesTestPasses() throws {
        let shipped = try TestSupport.mustard(["rules", "test", "Sources/MustardUserRules/Shipped"], in: TestSupport.root)
        #expect(shipped.code == 0, "\(shipped.stdout)\(shipped.stderr)")
        #expect(shipped.stdout.contains("3 rule file(s), 7 example(s): all behaved"))
        let fixtures = try TestSupport.mustard(["rules", "test", Self.rules])
        #expect(fixtures.code == 0, "\(fixtures.stdout)\(fixtures.stderr)")
        #expect(fixtures.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") }.count == 6)
    }

    @Test("rules test fails (exit 1) when a rule stays quiet where it must fire or is skipped where it must pass")
    func rulesTestFails() throws {
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        let text = try String(contentsOfFile: Self.rules + "/pod-crashloop-recent.yaml", encoding: .utf8)
            .replacingOccurrences(of: "fires: [crashloop/recent]", with: "fires: [\(Self.rules)/crashloop/old]")
            .replacingOccurrences(of: "quiet: [crashloop/old]", with: "quiet: [\(TestSupport.sample("healthy-migration"))]")
        try Data(text.utf8).write(to: tmp.appendingPathComponent("r.yaml"))
        let result = try TestSupport.mustard(["rules", "test", tmp.appendingPathComponent("r.yaml").path])
        #expect(result.code == 1)
        #expect(result.stdout.contains("FAIL  site/pod-crashloop-recent  fires on") && result.stdout.contains("stayed quiet"))
        // healthy-migration's pods live in other namespaces only as MTC's: a Pod exists, so the rule passes there;
        // what matters is that a skip would be a FAIL, which the library test proves on a dump without pods.
        #expect(result.stdout.contains("2 example(s): 1 failed") || result.stdout.contains("2 example(s): 2 failed"))
    }

    @Test("A broken rule file stops analyze, rules list and rules test with exit 2, naming file, line and field")
    func brokenFile() throws {
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        let text = try String(contentsOfFile: Self.rules + "/pod-crashloop-recent.yaml", encoding: .utf8)
            .replacingOccurrences(of: "      within: 30m", with: "      within: half an hour")
        let file = tmp.appendingPathComponent("broken.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let expected = "mustard: \(file):24: match.events[0].within: must be a duration"
        for arguments in [["analyze", TestSupport.sample("healthy-migration.tar.gz"), "--rules", tmp.path], ["rules", "list", "--rules", tmp.path], ["rules", "test", tmp.path]] {
            let result = try TestSupport.mustard(arguments)
            #expect(result.code == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let missing = try TestSupport.mustard(["analyze", TestSupport.sample("healthy-migration.tar.gz"), "--rules", tmp.path + "/nope"])
        #expect(missing.code == 2 && missing.stderr.contains("--rules wants a folder"))
    }

    @Test("rules new writes a skeleton whose examples pass rules test, and never overwrites")
    func rulesNew() throws {
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        let made = try TestSupport.mustard(["rules", "new", "site/web-restarts", "--dir", tmp.path])
        #expect(made.code == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("web-restarts.yaml").path))
        #expect(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("web-restarts/fires/inspect.local.1/namespaces/demo/core/pods.yaml").path))
        let tested = try TestSupport.mustard(["rules", "test", tmp.path])
        #expect(tested.code == 0, "\(tested.stdout)\(tested.stderr)")
        #expect(tested.stdout.contains("PASS  site/web-restarts  fires on") && tested.stdout.contains("PASS  site/web-restarts  quiet on"))
        let again = try TestSupport.mustard(["rules", "new", "site/web-restarts", "--dir", tmp.path])
        #expect(again.code == 2 && again.stderr.contains("exists; not overwritten"))
        let reserved = try TestSupport.mustard(["rules", "new", "mtc/mine", "--dir", tmp.path])
        #expect(reserved.code == 2 && reserved.stderr.contains("belongs to mustard's built-in rules"))
        // The new rule is a rule like the others: listed, explained, run by analyze.
        let list = try TestSupport.mustard(["rules", "list", "--rules", tmp.path])
        #expect(list.stdout.contains("site/web-restarts") && list.stdout.contains("mustard/migstorage-not-ready"))
        let explain = try TestSupport.mustard(["rules", "explain", "site/web-restarts", "--rules", tmp.path])
        #expect(explain.code == 0 && explain.stdout.contains("web-restarts/fires") && explain.stdout.contains("objects: pods"))
        let analyze = try TestSupport.mustard(["analyze", tmp.appendingPathComponent("web-restarts/fires").path, "--rules", tmp.path, "-f", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(analyze.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["site/web-restarts"])
        #expect(analyze.code == 0)  // a warning is below --fail-on error
    }

    @Test(".mustard/suppress.yaml beside the dump and --suppress set findings aside: exit code and verdict without them, listed with the reason; --today expires them")
    func suppressionBesideDump() throws {
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        let dump = tmp.appendingPathComponent("case").path
        try FileManager.default.copyItem(atPath: TestSupport.fixture("k8s-pods-failing"), toPath: dump)
        let before = try TestSupport.mustard(["analyze", dump])
        #expect(before.code == 1)
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent(".mustard"), withIntermediateDirectories: true)
        try Data("""
            suppressions:
              - rule: k8s/pod-failing
                subject: "Pod shop/*"
                reason: Known outage, case 03412345
                expires: 2099-12-31
            """.utf8).write(to: tmp.appendingPathComponent(".mustard/suppress.yaml"))
        let after = try TestSupport.mustard(["analyze", dump])
        #expect(after.code == 0, "\(after.stdout)")
        #expect(after.stdout.contains("Suppressed: [ERROR]") && after.stdout.contains("Known outage, case 03412345"))
        #expect(!after.stdout.contains("ERROR: "))
        let expired = try TestSupport.mustard(["analyze", dump, "--today", "2100-01-01"])
        #expect(expired.code == 1 && expired.stdout.contains("Expired: suppression of k8s/pod-failing for Pod shop/* expired on 2099-12-31"))

        // --suppress with a broken file: exit 2 naming file, line and field.
        let bad = tmp.appendingPathComponent("bad.yaml")
        try Data("suppressions:\n  - rule: k8s/pod-failing\n".utf8).write(to: bad)
        let broken = try TestSupport.mustard(["analyze", dump, "--suppress", bad.path])
        #expect(broken.code == 2 && broken.stderr.contains("\(bad.path):2: suppressions[0].reason: missing"))
    }
}
