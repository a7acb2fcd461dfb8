import Foundation
import MustardTestSupport
import Testing

/// A report never reads as an all clear when the data was not there (issue 9, item 6): a dump without MTC data
/// says so in its headline with the gather to ask for, an archive of something else is refused, a damaged MTC
/// gather is asked for again with MTC's gather image.
@Suite("Honest verdicts")
struct HonestVerdictTests {
    @Test("No MTC data: the headline says so in every format, with MTC's gather command to ask for")
    func noMTCData() throws {
        let dump = TestSupport.realdata(TestSupport.mustGatherCleanDumps[1])
        let ask = "oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:v1.8"
        let json = try TestSupport.mustard(["analyze", dump, "-f", "json"])
        #expect(json.code == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let missing = try #require((document["missingData"] as? [[String: Any]])?.first)
        #expect(missing["headline"] as? String == "No MTC data in the dump")
        #expect(missing["ask"] as? String == ask)
        for format in ["text", "markdown", "html", "sarif"] {
            let run = try TestSupport.mustard(["analyze", dump, "-f", format])
            #expect(run.stdout.contains("No MTC data in the dump"), "\(format)")
            #expect(run.stdout.contains(ask), "\(format)")
            #expect(!run.stdout.contains("No problems found"), "\(format)")
        }
        // Only non-MTC rules asked for: MTC data is not missing for them.
        let k8s = try TestSupport.mustard(["analyze", dump, "--rule", "k8s/*"])
        #expect(k8s.stdout.contains("No problems found") && !k8s.stdout.contains("No MTC data"))
    }

    @Test("A dump with MTC data has no missing-data line")
    func mtcPresent() throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("healthy-migration.tar.gz"), "-f", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((document["missingData"] as? [Any])?.isEmpty == true)
    }

    @Test("A gather that could not log in to the source cluster, in each version's layout: incomplete, MTC's gather asked for at that version",
          arguments: [("mtc-1.4.1-source-login-failed", "v1.4"), ("mtc-1.6-source-login-failed", "v1.6"), ("mtc-1.8-source-login-failed", "v1.8")])
    func sourceNotGathered(fixture: String, tag: String) throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.fixture(fixture), "-f", "json"])
        #expect(run.code == 1, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let incomplete = try #require(findings.first { $0["rule"] as? String == "dump/gather-incomplete" })
        #expect((incomplete["title"] as? String)?.contains("no data from cluster(s) source-cluster") == true)
        let command = try #require((incomplete["remediation"] as? [[String: Any]])?.first?["command"] as? String)
        #expect(command == "oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:" + tag)
        #expect((document["missingData"] as? [Any])?.isEmpty == true)
    }

    @Test("A damaged gather of each version (its nested tarball cut short) is asked for again at that version",
          arguments: [("mtc-1.4.1-source-login-failed", "v1.4"), ("mtc-1.6-source-login-failed", "v1.6"), ("mtc-1.8-source-login-failed", "v1.8")])
    func damagedAtVersion(fixture: String, tag: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let whole = try TestSupport.pack(TestSupport.fixture(fixture), as: "must-gather.tar.gz", in: folder)
        let image = folder.appendingPathComponent("case/must-gather.local.42/registry-redhat-io-rhmtc-openshift-migration-must-gather-rhel8-sha256-0123abcd")
        try FileManager.default.createDirectory(at: image, withIntermediateDirectories: true)
        // The end of the stream is lost: the last entries (the migplans tree) go, the clusters' ConfigMaps stay.
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        try data.prefix(data.count - 64).write(to: image.appendingPathComponent("must-gather.tar.gz"))
        let run = try TestSupport.mustard(["analyze", folder.appendingPathComponent("case").path, "-f", "json"])
        #expect(run.code == 3, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let incomplete = try #require(findings.first { $0["rule"] as? String == "dump/gather-incomplete" })
        let command = try #require((incomplete["remediation"] as? [[String: Any]])?.first?["command"] as? String)
        #expect(command == "oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:" + tag)
    }

    @Test("A whole gather of each version layout has MTC data: no missing-data line, no damage",
          arguments: ["mtc-1.4.1-completed-near-misses", "mtc-1.6-completed-near-misses", "mtc-1.8-completed-near-misses"])
    func wholeGather(fixture: String) throws {
        let run = try TestSupport.mustard(["analyze", TestSupport.fixture(fixture), "-f", "json"])
        #expect(run.code == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((document["missingData"] as? [Any])?.isEmpty == true)
        #expect((document["findings"] as? [Any])?.isEmpty == true)
    }

    @Test("An archive that is not a must-gather: exit 2, saying so and what to ask for")
    func notMustGather() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let tree = folder.appendingPathComponent("holiday")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("photos"), withIntermediateDirectories: true)
        try Data("kind: List\nitems: []\n".utf8).write(to: tree.appendingPathComponent("photos/list.yaml"))
        try Data("notes\n".utf8).write(to: tree.appendingPathComponent("README.txt"))
        let archive = try TestSupport.pack(tree.path, as: "holiday.tar.gz", in: folder)
        for path in [archive, tree.path] {
            let run = try TestSupport.mustard(["analyze", path])
            #expect(run.code == 2 && run.stdout.isEmpty)
            #expect(run.stderr.contains("not a must-gather: none of its"), "\(run.stderr)")
            #expect(run.stderr.contains("oc adm must-gather"))
        }
    }

    @Test("A damaged MTC gather (its nested tarball cut off) is asked for again with MTC's gather image, not the plain one")
    func damagedMTCGather() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let tree = folder.appendingPathComponent("case")
        let image = tree.appendingPathComponent("must-gather.local.42/registry-redhat-io-rhmtc-openshift-migration-must-gather-rhel8-sha256-0123abcd")
        try FileManager.default.createDirectory(at: image, withIntermediateDirectories: true)
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestSupport.sample("healthy-migration.tar.gz")))
        try whole.prefix(200).write(to: image.appendingPathComponent("must-gather.tar.gz"))
        try Data("2026-11-20 13:33:47.000000000 +0000 UTC m=+0.1\n".utf8).write(to: tree.appendingPathComponent("must-gather.local.42/timestamp"))
        let run = try TestSupport.mustard(["analyze", tree.path, "-f", "json"])
        #expect(run.code == 3, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let incomplete = try #require(findings.first { $0["rule"] as? String == "dump/gather-incomplete" })
        let command = try #require((incomplete["remediation"] as? [[String: Any]])?.first?["command"] as? String)
        #expect(command.hasPrefix("oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:"))
    }
}
