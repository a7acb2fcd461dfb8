import Foundation
import MustardTestSupport
import Testing

/// `mustard get|describe|logs|events|ls` run as a user runs them, on real archives: the MTC sample (a nested archive
/// and three clusters), the real must-gathers, a folder, a damaged archive.
@Suite("mustard get, describe, logs, events, ls — end to end")
struct ExploreCLITests {
    static let sample = TestSupport.sample("stage-image-stuck.tar.gz")
    static let aws = TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// The JSON object `mustard ARGUMENTS` prints (`-o json`).
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let run = try TestSupport.mustard(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    @Test("get pods over an MTC gather: CLUSTER and NAMESPACE columns, oc's headers, AGE from the gather time")
    func getPods() throws {
        let run = try TestSupport.mustard(["get", Self.sample, "pods"])
        #expect(run.code == 0, "\(run.stderr)")
        let lines = Self.lines(run.stdout)
        #expect(
            lines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                "CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE",
            ])
        #expect(
            lines.contains {
                $0.hasPrefix("inspect.local.2471") && $0.contains("stage-mssql-deployment-1-l9sp2-9tkfm") && $0.contains("ImagePullBackOff")
                    && $0.hasSuffix("4h19m")
            })
        #expect(lines.count == 16)
        let one = try TestSupport.mustard(["get", Self.sample, "pods", "-n", "openshift-migration", "--cluster", "host", "-o", "name"])
        #expect(Self.lines(one.stdout).count == 8 && one.stdout.hasPrefix("pod/migration-controller-"))
    }

    @Test("--show-labels: a last LABELS column holding each pod's labels as -o json gives them, key=value by key, after the wide ones")
    func showLabels() throws {
        let list = try Self.json(["get", Self.sample, "pods", "-n", "openshift-migration", "--cluster", "host", "-o", "json"])
        var expected: [String: String] = [:]
        for item in try #require(list["items"] as? [[String: Any]]) {
            let metadata = try #require(item["metadata"] as? [String: Any])
            let labels = (metadata["labels"] as? [String: String]) ?? [:]
            let cell = labels.keys.sorted().map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: ",")
            expected[try #require(metadata["name"] as? String)] = cell.isEmpty ? "<none>" : cell
        }
        #expect(expected.count == 8)
        for wide in [false, true] {
            let run = try TestSupport.mustard(
                ["get", Self.sample, "pods", "-n", "openshift-migration", "--cluster", "host", "--show-labels"] + (wide ? ["-o", "wide"] : []))
            #expect(run.code == 0, "\(run.stderr)")
            let lines = Self.lines(run.stdout)
            let header = lines.first?.split(separator: " ", omittingEmptySubsequences: true) ?? []
            #expect(header.last == "LABELS" && header.contains("NODE") == wide)
            #expect(lines.count == 9)
            for line in lines.dropFirst() {
                let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                #expect(words.last == expected[words[0]], "\(line)")
            }
        }
    }

    @Test("-o custom-columns: the columns asked for, each the value -o json holds at its path, <none> where none; a bad spec is exit 2")
    func customColumns() throws {
        let scope = ["-n", "openshift-migration", "--cluster", "host"]
        let list = try Self.json(["get", Self.sample, "pods"] + scope + ["-o", "json"])
        var expected: [String] = []
        for item in try #require(list["items"] as? [[String: Any]]) {
            let metadata = try #require(item["metadata"] as? [String: Any]), spec = try #require(item["spec"] as? [String: Any])
            let images = (spec["containers"] as? [[String: Any]] ?? []).compactMap { $0["image"] as? String }.joined(separator: ",")
            expected.append("\(metadata["name"] as? String ?? "") \(spec["nodeName"] as? String ?? "") \(images) <none>")
        }
        let run = try TestSupport.mustard(
            ["get", Self.sample, "pods"] + scope + ["-o", "custom-columns=NAME:.metadata.name,NODE:{.spec.nodeName},IMAGES:.spec.containers[*].image,X:.status.x"])
        #expect(run.code == 0, "\(run.stderr)")
        let rows = Self.lines(run.stdout).map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.first == "NAME NODE IMAGES X")
        #expect(Array(rows.dropFirst()) == expected && expected.count == 8)
        let ready = try TestSupport.mustard(
            ["get", Self.sample, "mig", "--cluster", "host", "-o", #"custom-columns=NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,CONDITIONS:.status.conditions[0]"#])
        let migration = Self.lines(ready.stdout).first { $0.hasPrefix("3b9f2c6e") } ?? ""
        #expect(migration.contains(" True ") && migration.contains(#"{"category":"#), "\(ready.stdout)")
        for spec in ["custom-columns=", "custom-columns=NAME", "custom-columns=NAME:.metadata.name,:.spec", "columns=NAME:.metadata.name"] {
            let bad = try TestSupport.mustard(["get", Self.sample, "pods", "-o", spec])
            #expect(bad.code == 2 && bad.stdout.isEmpty && bad.stderr.contains("custom-columns=HEADER:JSONPATH"), "\(spec)")
        }
    }

    @Test("MTC and Velero kinds by short name; -o yaml and -o json give the object as gathered")
    func customResources() throws {
        let migs = try TestSupport.mustard(["get", Self.sample, "mig", "--cluster", "host"])
        #expect(migs.stdout.contains("PLAN") && migs.stdout.contains("StagePodsCreated") && !migs.stdout.contains("CLUSTER"))
        let yaml = try TestSupport.mustard(["get", Self.sample, "migmigration/3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8", "-o", "yaml"])
        #expect(yaml.code == 0 && yaml.stdout.hasPrefix("apiVersion: migration.openshift.io/v1alpha1\n"))
        #expect(yaml.stdout.contains("  migPlanRef:\n    name: mssql-persistent-plan\n"))
        let object = try Self.json(["get", Self.sample, "backups.velero.io", "-o", "json"])
        #expect(object["kind"] as? String == "Backup")
    }

    @Test("Secrets' values never leave mustard, in any output, nor go into the index")
    func secrets() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let environment = ["PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": folder.path]
        var everything = ""
        for arguments in [
            ["get", Self.sample, "secrets", "-o", "yaml"], ["get", Self.sample, "secrets", "-o", "json"],
            ["describe", Self.sample, "secret", "cloud-credentials", "--cluster", "host"],
            ["get", Self.sample, "secrets", "-o", "custom-columns=NAME:.metadata.name,DATA:.data,CLOUD:.data.cloud"],
        ] {
            let run = try TestSupport.run(TestSupport.mustardBinary, arguments, environment: environment)
            #expect(run.code == 0 && run.stdout.contains("<redacted>"))
            everything += run.stdout + run.stderr
        }
        let index = try #require(
            FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.first { $0.hasSuffix(".sqlite") })
        everything += String(decoding: try Data(contentsOf: folder.appendingPathComponent(index)), as: UTF8.self)
        #expect(!everything.contains(CLITests.canaryBase64) && !everything.contains(CLITests.canary))
    }

    @Test("describe, events and logs of the stuck stage pod")
    func podStory() throws {
        let describe = try TestSupport.mustard(["describe", Self.sample, "pod/stage-mssql-deployment-1-l9sp2-9tkfm"])
        #expect(describe.code == 0 && describe.stdout.contains("Back-off pulling image \"quay.io/konveyor/invalid_image:latest\""))
        let events = try TestSupport.mustard([
            "events", Self.sample, "--for", "pod/stage-mssql-deployment-1-l9sp2-9tkfm", "--types", "Warning",
        ])
        #expect(events.code == 0)
        let rows = Self.lines(events.stdout).dropFirst()
        #expect(rows.count == 3 && rows.allSatisfy { $0.contains("Warning") && $0.contains("Failed") })
        let logs = try TestSupport.mustard(["logs", Self.sample, "velero-bnpcjngjqd-mtdsq", "--grep", "Validating backup storage location"])
        #expect(
            logs.code == 0 && !logs.stdout.isEmpty
                && Self.lines(logs.stdout).allSatisfy { $0.contains("Validating backup storage location") })
    }

    @Test("An answer with no rows prints nothing, not a header alone, and says so on standard error")
    func emptyAnswers() throws {
        for (arguments, message) in [
            (["events", Self.sample, "--types", "NoSuchType"], "No events found."),
            (["get", Self.sample, "pods", "-A", "-l", "no-such-label=x"], "No resources found."),
            (["get", Self.sample, "events", "-A", "-l", "no-such-label=x"], "No resources found."),
        ] {
            let run = try TestSupport.mustard(arguments)
            #expect(run.code == 0 && run.stdout.isEmpty && run.stderr.contains(message), "\(arguments)")
        }
    }

    @Test("ls tells the clusters, layouts, gather time and kinds")
    func ls() throws {
        let run = try TestSupport.mustard(["ls", Self.sample])
        #expect(run.code == 0)
        #expect(run.stdout.contains("Layouts:    mtc-gather, mtc-migplans, oc-adm-inspect"))
        #expect(run.stdout.contains("Gathered:   2026-11-20T13:33:47Z"))
        #expect(run.stdout.contains("Cluster source-cluster") && run.stdout.contains("MigMigration"))
    }

    @Test("The same answers from the folder the sample was packed from")
    func folder() throws {
        let archive = try TestSupport.mustard(["get", Self.sample, "pods", "-o", "name"])
        let folder = try TestSupport.mustard(["get", TestSupport.sample("stage-image-stuck"), "pods", "-o", "name"])
        #expect(folder.code == 0 && Set(Self.lines(folder.stdout)) == Set(Self.lines(archive.stdout)))
    }

    @Test("A real must-gather (tar.xz, one cluster): every pod, ClusterOperators with their columns")
    func realDump() throws {
        let pods = try TestSupport.mustard(["get", Self.aws, "pods", "-A"])
        #expect(pods.code == 0 && Self.lines(pods.stdout).count == 240 && !pods.stdout.contains("CLUSTER"))
        let operators = try TestSupport.mustard(["get", Self.aws, "co"])
        #expect(operators.stdout.hasPrefix("NAME") && operators.stdout.contains("AVAILABLE") && operators.stdout.contains("kube-apiserver"))
    }

    @Test("Unknown kinds, names and clusters: exit 2 with the name meant")
    func usageErrors() throws {
        let kind = try TestSupport.mustard(["get", Self.sample, "migmigraton"])
        #expect(kind.code == 2 && kind.stderr.contains("did you mean `migmigrations`?") && kind.stdout.isEmpty)
        let name = try TestSupport.mustard(["get", Self.sample, "migplan", "mssql-persistent"])
        #expect(name.code == 2 && name.stderr.contains("`mssql-persistent-plan`"))
        let cluster = try TestSupport.mustard(["get", Self.sample, "pods", "--cluster", "hots"])
        #expect(cluster.code == 2 && cluster.stderr.contains("`host`"))
        let missing = try TestSupport.mustard(["get", "no-such-dump.tar.gz", "pods"])
        #expect(missing.code == 2 && missing.stderr.contains("no such file"))
        let pod = try TestSupport.mustard(["logs", Self.sample, "velero-bnpcjngjqd-mtdsx"])
        #expect(pod.code == 2 && pod.stderr.contains("`velero-bnpcjngjqd-mtdsq`"))
    }

    @Test("A damaged archive: what could be read is served, the damage said on standard error, exit 3")
    func damaged() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let bytes = try Data(
            contentsOf: URL(fileURLWithPath: TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")))
        let cut = folder.appendingPathComponent("cut.tar.xz")
        try bytes.prefix(bytes.count * 2 / 3).write(to: cut)
        let run = try TestSupport.mustard(["get", cut.path, "pods", "-A"])
        #expect(run.code == 3, "\(run.stderr)")
        #expect(run.stderr.contains("the dump is damaged"))
        let rows = Self.lines(run.stdout).count - 1
        #expect(rows > 0 && rows < 239)
    }

    @Test("The index: kept under XDG_CACHE_HOME, the second answer identical and from the cache; --no-cache writes nothing")
    func cache() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let cacheHome = folder.appendingPathComponent("cache")
        let environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "XDG_CACHE_HOME": cacheHome.path]
        let first = try TestSupport.run(TestSupport.mustardBinary, ["get", Self.sample, "events", "-A"], environment: environment)
        let indexes = try FileManager.default.contentsOfDirectory(atPath: cacheHome.appendingPathComponent("mustard").path)
        #expect(indexes.count == 1 && indexes[0].hasPrefix("index-") && indexes[0].hasSuffix(".sqlite"))
        let second = try TestSupport.run(TestSupport.mustardBinary, ["get", Self.sample, "events", "-A"], environment: environment)
        #expect(first.code == 0 && first.stdout == second.stdout && !first.stdout.isEmpty)

        let other = folder.appendingPathComponent("other-cache")
        let bypass = try TestSupport.run(
            TestSupport.mustardBinary, ["get", Self.sample, "events", "-A", "--no-cache"],
            environment: ["PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": other.path])
        #expect(bypass.stdout == first.stdout && !FileManager.default.fileExists(atPath: other.path))
    }

    @Test("MUSTARD_DUMP names the dump once for a session of queries")
    func dumpFromEnvironment() throws {
        let run = try TestSupport.run(
            TestSupport.mustardBinary, ["get", "migplans"], environment: ["PATH": "/usr/bin:/bin", "MUSTARD_DUMP": Self.sample])
        #expect(run.code == 0 && run.stdout.contains("mssql-persistent-plan"))
    }
}
