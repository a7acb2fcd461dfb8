import Foundation
import MustardKit
import MustardModel
import MustardSignatures
import MustardTestSupport
import Testing
@testable import MustardRules

/// The error-signature catalog (`Sources/MustardSignatures/signatures.yaml`, docs/signatures.md): every entry decodes,
/// compiles and is named in a report of its own fixture; the fixes it prints are shell.
@Suite("Signature catalog")
struct SignatureCatalogTests {
    static let catalog = SignatureCatalog.builtIn

    @Test("The embedded catalog decodes: unique ids, a match, a source, a cause, a fix and a fixture for each entry")
    func decodes() {
        #expect(SignatureCatalog.builtInError == nil, "\(SignatureCatalog.builtInError ?? "")")
        let ids = Self.catalog.signatures.map(\.id)
        #expect(ids.count >= 25)
        #expect(Set(ids).count == ids.count)
        for s in Self.catalog.signatures {
            #expect(!s.any.isEmpty || s.regex != nil, "\(s.id)")
            #expect(!s.sources.isEmpty && !s.cause.isEmpty && !s.fix.isEmpty, "\(s.id)")
            #expect(FileManager.default.fileExists(atPath: TestSupport.root.appendingPathComponent(s.fixture).path), "\(s.id): no fixture \(s.fixture)")
        }
    }

    @Test("Several needles searched at once answer as each searched alone, on random texts and needles sharing their start")
    func needlesAtOnce() {
        var random = SeededGenerator(state: 0x6d75_7374_6172_64)
        let alphabet: [UInt8] = Array("abn e\u{1}".utf8) + [0xC3, 0xA9]
        func word(_ length: ClosedRange<Int>) -> [UInt8] { (0..<Int.random(in: length, using: &random)).map { _ in alphabet.randomElement(using: &random)! } }
        for round in 0..<3_000 {
            // Needles often share a prefix (`bench needle 1`, `bench needle 2`), as rule files' patterns do.
            let stem = word(0...3)
            let needles = (0..<Int.random(in: 0...5, using: &random)).map { _ in Bool.random(using: &random) ? stem + word(0...2) : word(round % 50 == 0 ? 0...2 : 1...3) }
            let text = word(0...24)
            let alone = text.withUnsafeBytes { t in needles.contains { $0.withUnsafeBytes { ByteSearch.contains(t, $0) } } }
            let atOnce = text.withUnsafeBytes(ByteNeedles(needles).anyOccurs(in:))
            #expect(atOnce == alone, "\(text) ∋ any of \(needles)")
        }
        #expect(Array("restarting failed container".utf8).withUnsafeBytes(ByteNeedles([Array("failed".utf8), Array("fail!".utf8)]).anyOccurs(in:)))
        #expect(!Array("abc".utf8).withUnsafeBytes(ByteNeedles([]).anyOccurs(in:)))
        #expect([UInt8]().withUnsafeBytes(ByteNeedles([[]]).anyOccurs(in:)), "an empty needle occurs even in an empty text")
    }

    @Test("The byte search the catalog uses answers as Foundation's contains, or leaves the question to it")
    func asciiContains() {
        let texts = [
            "Back-off restarting failed container", "x509: certificate signed by unknown authority", "a\r\nb", "caf\u{e9}", "cafe\u{301}", "", "abc",
            "Event BackOff (\u{d7}3): Back-off restarting failed container", "\u{212A}ey", "a\u{37E}b", "\u{1FEF}x", "x\u{600}abc", "cafe\u{301}b cafe",
            "\u{e9}abc\u{301}", "\u{FB01}le K\u{FF2B}", "abc\u{e9}", "\u{1F600}abc",
        ]
        let needles = ["restarting", "x509", "unknown authority", "\n", "b", "caf", "cafe", "e", "abc", "abcd", "", "\u{e9}", "Key", "a;b", "`x", "fi", "K", "Back-off"]
        for text in texts {
            for needle in needles {
                guard let fast = ByteSearch.asciiContains(text, needle) else { continue }
                #expect(fast == text.contains(needle), "\(text.debugDescription) ∋ \(needle.debugDescription)")
            }
        }
        // A statement outside ASCII is answered by bytes: what the search is for.
        #expect(ByteSearch.asciiContains("Event BackOff (\u{d7}3): Back-off restarting failed container", "Back-off") == true)
        #expect(ByteSearch.asciiContains("Event BackOff (\u{d7}3): Back-off restarting failed container", "x509") == false)
        // Random texts of ASCII, combining marks, precomposed letters and the ASCII singletons.
        var random = SeededGenerator(state: 0x6d75_7374_6172_64)
        var answered = 0
        let pieces = ["a", "b", "e", "K", ";", " ", "\u{301}", "\u{e9}", "\u{d7}", "\u{212A}", "\u{37E}", "\u{600}", "\u{1F600}"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            for needle in ["a", "e", "K", "ab", "be", "a;", "eK", "e b"] {
                guard let fast = ByteSearch.asciiContains(text, needle) else { continue }
                if text.utf8.contains(where: { $0 >= 0x80 }) { answered += 1 }
                #expect(fast == text.contains(needle), "\(text.debugDescription) ∋ \(needle.debugDescription)")
            }
        }
        #expect(answered > 1_000, "texts outside ASCII answered by bytes: \(answered)")
        #expect(ByteSearch.asciiContains("caf\u{e9}", "caf") == nil)
        #expect(ByteSearch.asciiContains("caf\u{e9}", "cafe") == false)
        #expect(ByteSearch.asciiContains("cafe\u{301}", "cafe") == nil)
        #expect(ByteSearch.asciiContains("\u{212A}ey", "Key") == nil)
        #expect(ByteSearch.asciiContains("a\r\nb", "\n") == nil)
        #expect(ByteSearch.asciiContains("abc", "") == nil)
        #expect(ByteSearch.asciiContains("abc", "bc") == true)
    }

    @Test("A catalog with a broken regex, an unknown origin or a missing field is refused")
    func refuses() {
        func decode(_ text: String) -> String? {
            do {
                _ = try SignatureCatalog(yaml: Array(text.utf8))
                return nil
            } catch { return "\(error)" }
        }
        let entry = """
            version: 1
            signatures:
            - id: x
              title: t
              match: {regex: 'a(b'}
              source: [{repo: r, file: f}]
              cause: c
              fix: [{title: t, cluster: "{{cluster}}", command: "true"}]
              fixture: Tests/Fixtures/k8s-pods-signatures
            """
        #expect(decode(entry)?.contains("regex does not compile") == true)
        #expect(decode(entry.replacing("{regex: 'a(b'}", with: "{any: [a]}")) == nil)
        // A regex alone would run on every text of every finding: it comes with the substrings it cannot match without.
        #expect(decode(entry.replacing("{regex: 'a(b'}", with: "{regex: 'a+'}"))?.contains("needs `any`") == true)
        #expect(decode(entry.replacing("{regex: 'a(b'}", with: "{any: [a], regex: 'a+'}")) == nil)
        #expect(decode(entry.replacing("{regex: 'a(b'}", with: "{any: [a]}\n  where: [nowhere]"))?.contains("unknown origin") == true)
        let noCause = decode(entry.replacing("{regex: 'a(b'}", with: "{any: [a]}").replacing("  cause: c\n", with: ""))
        #expect(noCause?.contains("`cause` is missing") == true, "\(noCause ?? "decoded")")
        #expect(decode(entry.replacing("{regex: 'a(b'}", with: "{any: [a]}\n  unless: [y]"))?.contains("unknown y") == true)
    }

    @Test("Matching: substrings, origins, subjects, named captures and `unless`")
    func matching() throws {
        let c = Self.catalog
        let gatekeeper = #"error restoring pods/app/tools: admission webhook "validation.gatekeeper.sh" denied the request: [psp-privileged-container] Privileged container is not allowed"#
        let m = c.matches(gatekeeper, origin: .log)
        #expect(m.map(\.signature.id) == ["webhook-gatekeeper-denied"], "the generic webhook entry yields to the specific one")
        #expect(m.first?.captures["constraint"] == "psp-privileged-container")
        #expect(c.matches("exceeded quota: storage-quota, requested: requests.storage=50Gi", origin: .log).first?.captures["quota"] == "storage-quota")
        // An event-only signature is not matched on a condition.
        #expect(c.matches("Multi-Attach error for volume \"pvc-1\"", origin: .condition).isEmpty)
        // The same network error is a storage endpoint on a MigStorage and an API server on a MigCluster.
        let dns = "dial tcp: lookup minio.example.com on 172.30.0.10:53: no such host"
        #expect(c.matches(dns, origin: .condition, subject: "MigStorage").map(\.signature.id) == ["storage-unreachable"])
        #expect(c.matches(dns, origin: .condition, subject: "MigCluster").map(\.signature.id) == ["cluster-unreachable"])
        #expect(c.matches("The migration has completed successfully.", origin: .condition).isEmpty)
    }

    @Test("The catalog's one pass over a text finds what a search per substring finds, outside ASCII too")
    func oneScan() throws {
        let c = Self.catalog
        /// What `matches` answered before the one pass: each signature searched on its own.
        func reference(_ text: String) -> [String] {
            let found = c.signatures.filter { $0.match(text, origin: nil) != nil }
            let ids = Set(found.map(\.id))
            return found.filter { !$0.unless.contains(where: ids.contains) }.map(\.id)
        }
        var texts: [String] = []
        for needle in c.signatures.flatMap(\.any) {
            for (before, after) in [("", ""), ("x ", " y"), ("\u{d7}3: ", ""), ("", "\u{301}"), ("", "\u{e9}"), ("\u{212A} ", " z"), ("", "\u{d7}"), ("pre", "")] {
                texts.append(before + needle + after)
                texts.append(before + String(needle.dropLast()) + after)
            }
        }
        var random = SeededGenerator(state: 0x6d75_7374_6172_64)
        let pieces = c.signatures.flatMap(\.any).map { String($0.prefix(4)) } + ["no such", " host", "\u{301}", "\u{d7}", "\u{212A}", "Unauth", "orized", " "]
        for _ in 0..<3_000 {
            texts.append((0..<Int.random(in: 1...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        var refused = 0
        for text in texts {
            #expect(c.matches(text).map(\.signature.id) == reference(text), "\(text.debugDescription)")
            // The quick refusal the advice asks first must never refuse a text some signature matches.
            if !c.mayMatch(text) {
                refused += 1
                #expect(reference(text).isEmpty, "refused, yet matched: \(text.debugDescription)")
            }
        }
        #expect(refused > 100, "the quick refusal was tried on texts without a needle: \(refused)")
        // A catalog made in code may hold a signature decided by its regex alone: the quick refusal then never refuses.
        let byRegex = Signature(
            id: "by-regex", title: "t", any: [], regex: try NSRegularExpression(pattern: "disk full"), regexPattern: "disk full",
            origins: [], subjects: [], sources: [], cause: "c", fix: [], decide: "", unless: [], fixture: "")
        let regexOnly = SignatureCatalog(signatures: c.signatures + [byRegex])
        #expect(regexOnly.mayMatch("write failed: disk full") && regexOnly.matches("write failed: disk full").map(\.signature.id) == ["by-regex"])
    }

    static var fixtures: [(String, String)] { catalog.signatures.map { ($0.id, $0.fixture) } }

    @Test("Each signature is named, with its cause, in a finding of its own fixture", arguments: fixtures)
    func namedInFixture(id: String, fixture: String) throws {
        let report = try TestSupport.analyze(TestSupport.root.appendingPathComponent(fixture).path)
        let named = report.findings.filter { $0.explanation.contains(SignatureAdvice.marker(id)) }
        #expect(!named.isEmpty, "no finding names \(id) in \(fixture)")
        if let signature = Self.catalog.signature(id: id), let f = named.first {
            #expect(f.explanation.contains(signature.sources[0].repo), "the explanation cites the upstream source")
        }
    }

    @Test("Every fix a signature prints in its fixture is valid shell, shell-quoted, and names its cluster", arguments: fixtures)
    func fixesAreShell(id: String, fixture: String) throws {
        let report = try TestSupport.analyze(TestSupport.root.appendingPathComponent(fixture).path)
        guard let signature = Self.catalog.signature(id: id) else { return }
        let titles = Set(signature.fix.map { $0.title.prefix { $0 != "{" } })
        let steps = report.findings.filter { $0.explanation.contains(SignatureAdvice.marker(id)) }
            .flatMap(\.remediation).filter { step in titles.contains { step.title.hasPrefix($0) } }
        // A rule may keep its own, more precise steps for a signature it names (SignatureAdvice.ownSteps).
        #expect(!steps.isEmpty || SignatureAdvice.ownSteps.values.contains { $0.contains { id.hasPrefix($0) } }, "\(id) printed no step")
        for step in steps {
            #expect(step.cluster != nil, "\(id): \(step.title) names no cluster")
            for text in [step.command] + (step.verify.map { [$0] } ?? []) {
                let run = try TestSupport.run("/bin/bash", ["-n", "-c", text])
                #expect(run.code == 0, "\(id): \(text): \(run.stderr)")
            }
        }
    }

    @Test("Rotated storage keys: the fix updates the credentials Secret and nothing else, in every version layout",
          arguments: ["mtc-1.7-storage-keys-rotated", "mtc-1.4.1-storage-keys-rotated", "mtc-1.6-storage-keys-rotated", "mtc-1.8-storage-keys-rotated"])
    func rotatedKeys(fixture: String) throws {
        let report = try TestSupport.analyze(TestSupport.fixture(fixture))
        let storage = try #require(report.findings.first { $0.id == "mtc/migstorage-not-ready#host/s3-repository" })
        let commands = storage.remediation.map(\.command)
        #expect(commands.count == 2)
        #expect(commands[0].contains("oc -n openshift-config set data secret/s3-repository-creds"))
        #expect(commands[1].contains(#""refresh":true"#))
        #expect(!commands.joined().contains("awsS3Url") && !commands.joined().contains("awsBucketName"))
        #expect(storage.explanation.contains("s3-invalid-access-key"))
        #expect(!storage.explanation.contains("Check the endpoint"), "the generic guess does not contradict the cause")
    }

    @Test("A token the remote cluster refuses: a long-lived token Secret, no change of the MigCluster's URL")
    func expiredToken() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-config-missing"))
        let cluster = try #require(report.findings.first { $0.rule == MigClusterNotReadyRule.id })
        let commands = cluster.remediation.map(\.command).joined(separator: "\n")
        #expect(commands.contains("type: kubernetes.io/service-account-token"))
        #expect(commands.contains("oc -n openshift-config set data secret/source-cluster-secret --from-file=saToken=sa-token"))
        #expect(!commands.contains(#""url""#))
        #expect(cluster.remediation.first?.cluster == "source-cluster", "the token Secret is made on the remote cluster")
    }

    @Test("A restore denied by admission webhooks: satisfy or exempt, then restore only what failed")
    func webhookDenied() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-restore-webhook-denied"))
        let partial = try #require(report.findings.first { $0.rule == VeleroPartialFailureRule.id })
        for id in ["webhook-gatekeeper-denied", "webhook-kyverno-denied", "webhook-denied", "quota-exceeded", "limitrange-violation"] {
            #expect(partial.explanation.contains(SignatureAdvice.marker(id)), "\(id)")
        }
        #expect(partial.remediation.contains { $0.command.contains("psp-privileged-container") })
        #expect(partial.remediation.contains { $0.command.contains("describe resourcequota storage-quota") })
    }

    @Test("Messages that name no known cause leave the finding as the rule made it")
    func noSignature() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("mtc-1.7-storage-creds-invalid"))
        let storage = try #require(report.findings.first { $0.rule == MigStorageNotReadyRule.id })
        #expect(!storage.explanation.contains("(signature `"))
        // The seed case's image is judged by the stage image rule, not by the registry's "unauthorized".
        let seed = try TestSupport.analyze(TestSupport.sample("stage-image-stuck.tar.gz"))
        #expect(!seed.findings.contains { $0.explanation.contains("(signature `") })
    }

    @Test("A pod that recovered from OOMKilled is history; one crash-looping with OOMKilled now is named")
    func oomHistory() throws {
        let report = try TestSupport.analyze(TestSupport.fixture("k8s-pods-signatures"))
        #expect(!report.findings.contains { $0.subject.name.hasPrefix("ingest-") || $0.related.contains { $0.name.hasPrefix("ingest-") } })
        let batch = try #require(report.findings.first { $0.subject.name.hasPrefix("batch-") })
        #expect(batch.explanation.contains(SignatureAdvice.marker("oom-killed")))
        #expect(report.findings.filter { $0.rule == PodFailingRule.id }.count == 9)
    }
}
