import Foundation
import MustardKit
import MustardRules
import MustardTestSupport
import Testing

/// `--redact`: known values planted in a dump never reach a redacted report, in any format, while the findings
/// stay the same and the mapping stays consistent.
@Suite("Redaction for sharing")
struct RedactionTests {
    static let formats = ["text", "markdown", "json", "sarif", "html"]
    static let ip = "192.168.77.15"
    static let ipv6 = "fd12:3456:789a::42"
    static let email = "jane.doe@acme-corp.com"
    static let registry = "registry.acme-corp.internal"
    static let clusterHost = "api.prod-east.acme-corp.com"
    static let dnsIP = "172.30.0.10"
    static let node = "worker-07.ocp.acme-corp.net"
    /// A node named without a domain, where the text says it is a node.
    static let bareNode = "compute-3"
    static let planted = [ip, ipv6, email, registry, clusterHost, dnsIP, node, bareNode, "acme-corp"]
    static let stuck = "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"

    /// The seed sample with a customer's details: an IP, an IPv6 address and an e-mail address in controller log
    /// lines the rules keep, a private registry in the stage image, the MigCluster's URL (made unreachable, so it
    /// is reported) and the node the stage pod was scheduled to.
    static func plantedDump(in folder: URL) throws -> String {
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck"), toPath: dump.path)
        let files = FileManager.default.enumerator(atPath: dump.path)!.compactMap { $0 as? String }
        func edit(_ rel: String, _ change: (String) -> String) throws {
            let url = dump.appendingPathComponent(rel)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
            let changed = change(text)
            if changed != text { try changed.write(to: url, atomically: true, encoding: .utf8) }
        }
        for rel in files {
            try edit(rel) {
                $0.replacing("quay.io/konveyor/invalid_image", with: "\(registry):5000/konveyor/invalid_image")
                    .replacing("ip-10-0-143-37.us-east-2.compute.internal", with: node)
            }
        }
        // Controller lines that rules keep ("Stage Pod") and show.
        let log = try #require(files.first { $0.contains("clusters/host/namespaces/openshift-migration/logs/migration-controller-") && $0.hasSuffix("current.log") })
        try edit(log) {
            $0 + #"{"level":"info","ts":1795180001.5,"logger":"migration","msg":"Pending Stage Pod container is waiting with message.","migMigration":"\#(stuck)","pod":"mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm","container":"sleep-0","containerWaitingMessage":"Back-off pulling image from \#(ip) (\#(ipv6)); ask \#(email) password=PlantedPassw0rd; pulling on node \#(bareNode)"}"# + "\n"
        }
        // The source MigCluster's URL, unreachable: MigCluster not Ready quotes it.
        let migcluster = try #require(files.first { $0.hasSuffix("crs/migclusters.migration.openshift.io/source-cluster.yaml") })
        try edit(migcluster) {
            $0.replacing("https://api.source.example.com:6443", with: "https://\(clusterHost):6443")
                .replacing("apps.source.example.com", with: "apps.prod-east.acme-corp.com")
                .replacing("""
                  - category: Required
                    lastTransitionTime: "2026-11-17T15:15:04Z"
                    message: The cluster is ready.
                    status: "True"
                    type: Ready
                """, with: """
                  - category: Critical
                    lastTransitionTime: "2026-11-20T09:00:00Z"
                    message: 'The cluster URL is invalid: dial tcp: lookup \(clusterHost) on \(dnsIP):53: no such host'
                    reason: NotFound
                    status: "True"
                    type: InvalidURL
                """)
        }
        return dump.path
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// (rule, severity) of every finding, in order.
    static func findings(_ json: [String: Any]) throws -> [String] {
        try #require(json["findings"] as? [[String: Any]]).map { "\($0["rule"] as! String) \($0["severity"] as! String)" }
    }

    @Test("No planted value reaches any format; the findings stay the same")
    func nothingPlantedLeaks() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let plain = try TestSupport.mustard(["analyze", dump, "-f", "json"])
        // The planted values are really in the report without --redact.
        let missing = Self.planted.filter { !plain.stdout.contains($0) }
        #expect(missing.isEmpty, "not planted where a rule shows them: \(missing)")
        let plainJSON = try Self.json(plain.stdout)
        let plainFindings = try Self.findings(plainJSON)
        #expect(plainFindings.contains { $0.hasPrefix(MigClusterNotReadyRule.id) } && plainFindings.count == 3, "\(plainFindings)")

        var plainText = ""
        for format in Self.formats {
            let unredacted = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline"])
            let run = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline", "--redact"])
            #expect(run.code == unredacted.code && run.code == 1, "\(run.stderr)")
            let leaked = Self.planted.filter { run.stdout.contains($0) }
            #expect(leaked.isEmpty, "leaked in \(format): \(leaked)")
            #expect(!run.stdout.contains("PlantedPassw0rd"))
            #expect(run.stdout.contains("host-1.example") && run.stdout.contains("10.0.0.x"), "placeholders in \(format)")
            // Names are kept without =names.
            #expect(run.stdout.contains("mssql-persistent") && run.stdout.contains("openshift-migration"))
            switch format {
            case "json":
                #expect(try Self.findings(Self.json(run.stdout)) == plainFindings)
                let redacted = try Self.json(run.stdout)
                #expect((redacted["findings"] as! [[String: Any]]).map { $0["id"] as! String }
                    == (plainJSON["findings"] as! [[String: Any]]).map { $0["id"] as! String }, "ids hold no host or address here")
            case "sarif":
                let results = { (text: String) throws -> [String] in
                    let runs = try #require(try Self.json(text)["runs"] as? [[String: Any]])
                    return (runs[0]["results"] as! [[String: Any]]).map { "\($0["ruleId"] as! String) \($0["level"] as! String)" }
                }
                #expect(try results(run.stdout) == results(unredacted.stdout))
            case "html":
                // The page is made from the redacted report only: same cards, same verdict.
                let cards = { (text: String) in text.matches(of: #/<article class="finding sev-([a-z]+)"/#).map { String($0.output.1) } }
                #expect(cards(run.stdout).count == 3 && cards(run.stdout) == cards(unredacted.stdout))
                #expect(run.stdout.contains("<title>mustard: CRITICAL: 3 findings"))
            case "text":
                plainText = run.stdout
                let verdict = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("CRITICAL:") } }
                #expect(verdict(run.stdout) != nil && verdict(run.stdout) == verdict(unredacted.stdout))
            default:
                let summary = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("- **") }.map { $0.prefix(16) } }
                #expect(summary(run.stdout).count == 3 && summary(run.stdout) == summary(unredacted.stdout))
            }
        }
        // The same value gives the same placeholder in every format (numbered by first appearance in the report).
        let registryLine = try #require(plainText.split(separator: "\n").first { $0.contains("[CRITICAL]") && $0.contains("invalid_image") })
        #expect(registryLine.contains("host-2.example:5000/konveyor/invalid_image:latest"), "\(registryLine)")
        let markdown = try TestSupport.mustard(["analyze", dump, "-f", "markdown", "--redact"]).stdout
        #expect(markdown.contains("host-2.example:5000/konveyor/invalid_image:latest"))
    }

    @Test("The mapping is consistent, goes to --redaction-map only, and redacted reports are deterministic")
    func mapping() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let report = out.appendingPathComponent("report.json").path
        let mapFile = out.appendingPathComponent("map.json").path
        let run = try TestSupport.mustard(["analyze", dump, "-f", "json", "--timeline", "--redact", "--redaction-map", mapFile, "-o", report])
        #expect(run.code == 1 && run.stdout.isEmpty, "\(run.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == ["report.json", "map.json"])
        let map = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mapFile))) as? [String: String])
        let text = try String(contentsOfFile: report, encoding: .utf8)

        // Every planted value is in the map, with the placeholder its kind gets.
        #expect(map[Self.ip]?.hasPrefix("10.0.0.x") == true && map[Self.dnsIP]?.hasPrefix("10.0.0.x") == true)
        #expect(map[Self.ipv6]?.hasPrefix("fd00::x") == true)
        #expect(map[Self.email]?.hasSuffix("@example.com") == true && map[Self.email]?.hasPrefix("user-") == true)
        for host in [Self.registry, Self.clusterHost, Self.node] { #expect(map[host]?.hasSuffix(".example") == true, "\(host): \(map)") }
        #expect(map[Self.bareNode]?.hasPrefix("node-") == true)
        // One placeholder per value, each used in the report; no original in it, nor the map itself.
        #expect(Set(map.values).count == map.count)
        for (original, placeholder) in map {
            #expect(!text.contains(original), "\(original) is in the report")
            #expect(text.contains(placeholder), "\(placeholder) is not used")
        }
        // The registry has the same placeholder wherever it appears: finding title, evidence, timeline.
        let registry = try #require(map[Self.registry])
        let json = try Self.json(text)
        let first = try #require((json["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == StagePodImageMisconfiguredRule.id })
        #expect((first["title"] as? String)?.contains(registry) == true)
        #expect((first["evidence"] as? [[String: Any]])?.allSatisfy { e in
            let s = e["statement"] as! String
            return !s.contains("invalid_image") || s.contains("\(registry):5000/konveyor/invalid_image")
        } == true)
        let timeline = (json["timeline"] as? [[String: Any]] ?? []).flatMap { $0["entries"] as? [[String: Any]] ?? [] }
        #expect(timeline.contains { ($0["text"] as? String)?.contains("\(registry):5000") == true })
        // Placeholders are numbered in order of first appearance: the cluster URL (a finding's title) before the
        // registry, before the node (in the timeline only).
        #expect(map[Self.clusterHost] == "host-1.example" && registry == "host-2.example" && map[Self.node] == "host-3.example")

        // Same dump, same bytes, map included.
        let again = try TestSupport.mustard(["analyze", dump, "-f", "json", "--timeline", "--redact", "--redaction-map", mapFile + ".2"])
        #expect(again.stdout == text)
        #expect(try String(contentsOfFile: mapFile + ".2", encoding: .utf8) == String(contentsOfFile: mapFile, encoding: .utf8))

        // --redaction-map without --redact is a usage error.
        let usage = try TestSupport.mustard(["analyze", dump, "--redaction-map", mapFile + ".3"])
        #expect(usage.code != 0 && usage.stderr.contains("--redaction-map needs --redact"))
    }

    @Test("--redact=names also replaces the customer's namespaces, pods, plans and migrations; MTC's names stay", arguments: formats)
    func names(format: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let mapFile = folder.appendingPathComponent("map.json").path
        let run = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline", "--redact=names", "--redaction-map", mapFile])
        #expect(run.code == 1, "\(run.stderr)")
        let leaked = (Self.planted + ["mssql-persistent", "mssql-persistent-plan", "stage-mssql-deployment", Self.stuck, "source-cluster"])
            .filter { run.stdout.contains($0) }
        #expect(leaked.isEmpty, "leaked in \(format): \(leaked)")
        for kept in ["openshift-migration", "migration-controller", "migration-cluster-config", StagePodImageMisconfiguredRule.id] {
            #expect(run.stdout.contains(kept), "\(kept) should stay in \(format)")
        }
        #expect(run.stdout.contains("ns-1") && run.stdout.contains("plan-1") && run.stdout.contains("migration-1") && run.stdout.contains("pod-1"))
        let map = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mapFile))) as? [String: String])
        #expect(map["mssql-persistent"] == "ns-1" && map["mssql-persistent-plan"] == "plan-1")
        #expect(map["openshift-migration"] == nil && map["host"] == nil)
        if format == "json" {
            // Findings keep their rules and severities, and their links (ids are redacted the same way everywhere).
            let json = try Self.json(run.stdout)
            let findings = try #require(json["findings"] as? [[String: Any]])
            let plain = try Self.json(try TestSupport.mustard(["analyze", dump, "-f", "json"]).stdout)
            #expect(try Self.findings(json) == Self.findings(plain))
            let ids = Set(findings.map { $0["id"] as! String })
            for f in findings {
                for link in (f["causedBy"] as! [String]) + (f["causes"] as! [String]) { #expect(ids.contains(link), "\(link)") }
            }
            // Remediation commands are still valid shell.
            let commands = findings.flatMap { ($0["remediation"] as! [[String: Any]]).map { $0["command"] as! String } }
            #expect(!commands.isEmpty)
            let script = folder.appendingPathComponent("commands.sh")
            try commands.joined(separator: "\n").appending("\n").write(to: script, atomically: true, encoding: .utf8)
            let syntax = try TestSupport.run("/bin/bash", ["-n", script.path])
            #expect(syntax.code == 0, "\(syntax.stderr)")
            #expect(commands.contains { $0.contains("generateName: plan-1-retry-") })
        }
    }
}

@Suite("Redaction patterns")
struct RedactionPatternTests {
    @Test("Every constant pattern compiles (a pattern that does not would silently redact nothing)")
    func compile() {
        #expect(Redactor.constantPatternsCompile)
    }
}
