import Foundation
import MustardKit
import MustardTestSupport
import Testing

/// `--format sarif`, validated against the official SARIF 2.1.0 schema (`Tests/Schemas/`) with Python's
/// jsonschema through `Scripts/validate-sarif.py`: no Swift JSON-schema validator is available offline.
@Suite("SARIF 2.1.0 output", .serialized)
struct SARIFTests {
    static let schema = TestSupport.schema("sarif-schema-2.1.0.json")
    static let validator = TestSupport.root.appendingPathComponent("Scripts/validate-sarif.py").path

    /// jsonschema, installed with pip when the machine lacks it (`make deps` does the same).
    static func ensureJSONSchema() throws {
        if try TestSupport.python(["-c", "import jsonschema"]).code == 0 { return }
        _ = try TestSupport.python(["-m", "pip", "install", "--quiet", "jsonschema"])
        if try TestSupport.python(["-c", "import jsonschema"]).code == 0 { return }
        _ = try TestSupport.python(["-m", "pip", "install", "--quiet", "--user", "--break-system-packages", "jsonschema"])
        let check = try TestSupport.python(["-c", "import jsonschema"])
        #expect(check.code == 0, "the Python package jsonschema could not be installed: \(check.stderr)")
    }

    /// Validates a file; the validator's exit code (0 valid, 1 invalid) and what it said.
    static func validate(_ file: String) throws -> (code: Int32, output: String) {
        let run = try TestSupport.python([validator, file, schema])
        return (run.code, run.stdout + run.stderr)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("The samples and fixtures give SARIF that validates against the official schema, and mean what the JSON report means",
          arguments: [
              TestSupport.sample("stage-image-stuck.tar.gz"), TestSupport.sample("healthy-migration.tar.gz"),
              TestSupport.fixture("mtc-1.7-dvm-rsync-image-backoff"), TestSupport.fixture("oc-error-in-yaml"),
              TestSupport.fixture("mtc-1.7-storage-creds-invalid"),
          ])
    func validates(dump: String) throws {
        #expect(FileManager.default.fileExists(atPath: Self.schema), "the SARIF schema is missing: \(Self.schema)")
        try Self.ensureJSONSchema()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let file = folder.appendingPathComponent("report.sarif").path
        let run = try TestSupport.mustard(["analyze", dump, "-f", "sarif", "-o", file])
        #expect([0, 1, 3].contains(run.code), "\(run.stderr)")
        let valid = try Self.validate(file)
        #expect(valid.code == 0, "\(valid.output)")

        let sarif = try Self.json(try String(contentsOfFile: file, encoding: .utf8))
        #expect(sarif["version"] as? String == "2.1.0")
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "mustard" && driver["version"] as? String == mustardVersion)
        #expect(driver["informationUri"] as? String != nil)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        // The built-in rules and the shipped rule files, which the binary runs too.
        let catalog = ruleDescriptions(with: try RuleFiles.load(folders: [], configDirectory: nil))
        #expect(rules.map { $0["id"] as? String } == catalog.map(\.id).sorted().map(Optional.some))
        for (rule, description) in zip(rules, catalog.sorted { $0.id < $1.id }) {
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String == description.summary)
            #expect((rule["fullDescription"] as? [String: Any])?["text"] as? String == description.rationale)
            let help = try #require(rule["help"] as? [String: String])
            #expect(description.references.allSatisfy { help["text"]!.contains($0) && help["markdown"]!.contains($0) })
            let level = (rule["defaultConfiguration"] as? [String: Any])?["level"] as? String
            #expect(level == ["critical": "error", "error": "error", "warning": "warning", "info": "note"][description.severity.rawValue])
            #expect((rule["properties"] as? [String: Any])?["category"] as? String == description.category)
        }

        // Results are the JSON report's findings, in its order.
        let json = try Self.json(try TestSupport.mustard(["analyze", dump, "-f", "json"]).stdout)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == findings.count)
        for (result, finding) in zip(results, findings) {
            let ruleId = try #require(result["ruleId"] as? String)
            #expect(ruleId == finding["rule"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == ruleId)
            let severity = try #require(finding["severity"] as? String)
            #expect(result["level"] as? String == ["critical": "error", "error": "error", "warning": "warning", "info": "note"][severity])
            #expect((result["partialFingerprints"] as? [String: String])?.values.contains(finding["id"] as! String) == true)
            let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
            #expect(message.contains(finding["title"] as! String) && message.contains(finding["explanation"] as! String))
            let evidence = try #require(finding["evidence"] as? [[String: Any]])
            let locations = try #require(result["locations"] as? [[String: Any]])
            #expect(locations.count == 1)
            let logical = try #require((locations[0]["logicalLocations"] as? [[String: Any]])?.first)
            #expect(logical["name"] as? String == (finding["subject"] as? [String: Any])?["name"] as? String)
            if let first = evidence.first {
                let physical = try #require(locations[0]["physicalLocation"] as? [String: Any])
                let artifact = try #require(physical["artifactLocation"] as? [String: Any])
                #expect(artifact["uri"] as? String == SARIFRenderer.uri(SARIFRenderer.extracted(first["path"] as! String).path))
                #expect(artifact["uriBaseId"] as? String == "DUMP")
                if let line = first["line"] as? Int { #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == line) }
                #expect(((locations[0]["properties"] as? [String: Any])?["field"] as? String) == first["field"] as? String)
            }
            #expect(((result["relatedLocations"] as? [Any]) ?? []).count == max(0, evidence.count - 1))
            let properties = try #require(result["properties"] as? [String: Any])
            #expect(properties["causedBy"] as? [String] == finding["causedBy"] as? [String])
            #expect(properties["causes"] as? [String] == finding["causes"] as? [String])
            #expect((properties["remediation"] as? [Any])?.count == (finding["remediation"] as? [Any])?.count)
        }
    }

    @Test("The validator rejects a broken document, so a passing validation means something")
    func brokenIsRejected() throws {
        try Self.ensureJSONSchema()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let run = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "sarif"])
        var sarif = try Self.json(run.stdout)
        var runs = try #require(sarif["runs"] as? [[String: Any]])
        var results = try #require(runs[0]["results"] as? [[String: Any]])
        results[0]["level"] = "fatal"                        // not a SARIF level
        results[0]["message"] = ["markdown": "no text"]     // a message needs text or id
        runs[0]["results"] = results
        sarif["runs"] = runs
        sarif["version"] = "2.0.0"
        let broken = folder.appendingPathComponent("broken.sarif")
        try JSONSerialization.data(withJSONObject: sarif).write(to: broken)
        let result = try Self.validate(broken.path)
        #expect(result.code == 1, "\(result.output)")
        #expect(result.output.contains("fatal") && result.output.contains("version"))
    }

    @Test("Same dump, same bytes; redacted SARIF validates too; a batch writes .sarif files")
    func deterministicRedactedAndBatch() throws {
        try Self.ensureJSONSchema()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let sample = TestSupport.sample("stage-image-stuck.tar.gz")
        let a = try TestSupport.mustard(["analyze", sample, "-f", "sarif"])
        let b = try TestSupport.mustard(["analyze", sample, "-f", "sarif"])
        #expect(a.stdout == b.stdout && !a.stdout.isEmpty)
        // Paths into a nested archive stay readable.
        #expect(a.stdout.contains("must-gather.tar.gz!/must-gather/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml"))

        let redacted = folder.appendingPathComponent("redacted.sarif").path
        #expect(try TestSupport.mustard(["analyze", sample, "-f", "sarif", "--redact=names", "-o", redacted]).code == 1)
        let valid = try Self.validate(redacted)
        #expect(valid.code == 0, "\(valid.output)")

        let out = folder.appendingPathComponent("reports")
        let batch = try TestSupport.mustard([
            "analyze", sample, TestSupport.sample("healthy-migration.tar.gz"), "-f", "sarif", "--output-dir", out.path,
        ])
        #expect(batch.code == 1, "\(batch.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == ["stage-image-stuck.sarif", "healthy-migration.sarif"])
        #expect(try Self.validate(out.appendingPathComponent("healthy-migration.sarif").path).code == 0)
    }

    @Test("Paths become URI references: only what a URI cannot hold is percent-encoded")
    func uris() {
        #expect(SARIFRenderer.uri("must-gather.local.1/x.tar.gz!/must-gather/a_b~c.yaml") == "must-gather.local.1/x.tar.gz!/must-gather/a_b~c.yaml")
        #expect(SARIFRenderer.uri("a dir/c#1?.yaml") == "a%20dir/c%231%3F.yaml")
        #expect(SARIFRenderer.uri("ns/pods/x:y/100%/é[0]") == "ns/pods/x%3Ay/100%25/%C3%A9%5B0%5D")
    }

    @Test("Paths inside nested archives become the paths of the archives extracted in place, the chain kept apart")
    func extractedPaths() {
        #expect(SARIFRenderer.extracted("a/b.tar.gz!/c/d.yaml") == ("a/c/d.yaml", ["a/b.tar.gz"]))
        #expect(SARIFRenderer.extracted("b.tar.gz!/c/e.zip!/f.yaml") == ("c/f.yaml", ["b.tar.gz", "c/e.zip"]))
        #expect(SARIFRenderer.extracted("plain/x.yaml") == ("plain/x.yaml", []))
    }
}
