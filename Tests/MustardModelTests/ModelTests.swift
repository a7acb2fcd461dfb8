import Foundation
import MustardTestSupport
import Testing
@testable import MustardModel

@Suite("Times as the dump states them")
struct TimestampTests {
    @Test("Go's default time format in any zone becomes UTC; the monotonic part is ignored")
    func goTime() {
        let cest = Timestamp(goTime: "2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668")
        #expect(cest?.description == "2021-08-03T10:14:13Z")
        let utc = Timestamp(goTime: "2021-08-03 10:12:00.016988581 +0000 UTC m=+0.380233555")
        #expect(utc?.description == "2021-08-03T10:12:00Z")
        let edt = Timestamp(goTime: "2021-03-23 15:33:05.123456789 -0400 EDT")
        #expect(edt?.description == "2021-03-23T19:33:05Z")
        #expect(Timestamp(goTime: "not a time") == nil)
    }

    @Test("RFC 3339 with and without fraction and offset")
    func rfc3339() {
        #expect(Timestamp(rfc3339: "2026-11-20T09:14:04Z")?.description == "2026-11-20T09:14:04Z")
        #expect(Timestamp(rfc3339: "2026-11-20T09:14:04.999Z")?.description == "2026-11-20T09:14:04Z")
        #expect(Timestamp(rfc3339: "2026-11-20T10:14:04+01:00")?.description == "2026-11-20T09:14:04Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.secondsSince1970 == -1)
        #expect(Timestamp(rfc3339: "2026-13-01T00:00:00Z") == nil)
    }

    @Test("The short way through Kubernetes' own form reads every time as the general parser does, and refuses what it refuses")
    func canonicalTimes() {
        // The same time with `.0` before its zone goes through the general parser: both must agree, values and nils.
        // Seeded: an unseeded generator made the count of readable times below vary around its bound.
        var random = SeededGenerator(state: 20_261_201)
        let pieces: [[String]] = [
            ["0000", "0001", "1969", "1970", "2026", "9999", "20x6", "-026"], ["-"], ["00", "01", "02", "12", "13", "1a"], ["-"],
            ["00", "01", "28", "29", "30", "31", "32", "3 "], ["T", "t", " ", "x"], ["00", "09", "23", "24"], [":"], ["00", "59", "60"], [":"],
            ["00", "59", "60", "61", "6x"], ["Z", "z", "+"],
        ]
        var agreed = 0
        for _ in 0..<20_000 {
            let parts = pieces.map { $0.randomElement(using: &random)! }
            let text = parts.joined()
            guard text.utf8.count == 20 else { continue }
            let general = parts.dropLast().joined() + ".0" + parts.last!
            let short = Timestamp(rfc3339: text), long = Timestamp(rfc3339: general)
            #expect(short == long, "\(text): \(String(describing: short)) but \(general): \(String(describing: long))")
            if short != nil { agreed += 1 }
        }
        #expect(agreed > 300, "the random times were mostly refused: \(agreed) read")
    }

    @Test("Durations read as people say them")
    func durations() {
        #expect(humanDuration(seconds: 15_583) == "4h 19m")
        #expect(humanDuration(seconds: 240) == "4m")
        #expect(humanDuration(seconds: 90_000) == "1d 1h")
        #expect(humanDuration(seconds: -5) == "0s")
    }
}

@Suite("Image references and progress lines")
struct ParsingTests {
    @Test("An image splits into registry, organisation, repository, tag and digest")
    func image() {
        let i = ImageReference("quay.io/konveyor/velero-restic-restore-helper:release-1.7.13")
        #expect(i.registry == "quay.io" && i.organisation == "konveyor" && i.repository == "velero-restic-restore-helper")
        #expect(i.tag == "release-1.7.13" && i.digest == nil)
        let d = ImageReference("registry.redhat.io/rhmtc/openshift-migration-rsync-transfer-rhel8@sha256:abc")
        #expect(d.repository == "openshift-migration-rsync-transfer-rhel8" && d.digest == "sha256:abc" && d.tag == nil)
        let hub = ImageReference("busybox:1.36")
        #expect(hub.registry == "docker.io" && hub.repository == "busybox" && hub.tag == "1.36")
        let port = ImageReference("registry.local:5000/mtc/stage:v1")
        #expect(port.registry == "registry.local:5000" && port.tag == "v1")
    }

    @Test("A pipeline progress line names the pod, the container and the message")
    func progress() throws {
        let line = try #require(ProgressLine(#"Pod app/stage-db-x2kq1: Container sleep-0 Back-off pulling image "quay.io/x/y:z""#))
        #expect(line.pod == "app/stage-db-x2kq1" && line.container == "sleep-0")
        #expect(quotedImage(in: line.message) == "quay.io/x/y:z")
        #expect(ProgressLine("Completed") == nil)
    }

    @Test("Values answer dotted paths and Kubernetes booleans")
    func values() {
        let v = Value.mapping(["status": .mapping(["phase": .scalar("Pending")]), "ready": .scalar("True")])
        #expect(v[path: "status.phase"].string == "Pending")
        #expect(v["ready"].bool == true)
        #expect(v[path: "status.nothing.here"] == .null)
    }
}

@Suite("MigMigration state")
struct MigMigrationTests {
    func migration(_ status: Value, spec: Value = .mapping([:])) -> MigMigration? {
        MigMigration(KubeObject(
            body: .mapping(["kind": .scalar("MigMigration"), "metadata": .mapping(["name": .scalar("m")]), "spec": spec, "status": status]),
            cluster: "host", source: SourceRef(path: "m.yml")))
    }

    @Test("The Running condition gives the step; Cancel itinerary means canceled even when Completed")
    func states() throws {
        let running = try #require(migration(.mapping([
            "phase": .scalar("StagePodsCreated"),
            "conditions": .sequence([.mapping(["type": .scalar("Running"), "status": .scalar("True"), "message": .scalar("Step: 24/49")])]),
        ])))
        #expect(running.step?.index == 24 && running.step?.total == 49)
        #expect(!running.isFinished && !running.isCanceled)
        let canceled = try #require(migration(.mapping(["phase": .scalar("Completed"), "itinerary": .scalar("Cancel")])))
        #expect(canceled.isFinished && canceled.isCanceled)
        let failed = try #require(migration(.mapping(["phase": .scalar("Completed"), "itinerary": .scalar("Failed")])))
        #expect(failed.isFailed)
    }
}

@Suite("Secret scrubbing")
struct SecretScrubberTests {
    @Test("The first test finds every clue, in any case, at the start, in the middle and at the end, beside other characters")
    func firstTestFindsEveryClue() {
        /// What the first test must answer: whether any clue occurs in the text lower-cased (ASCII only).
        func reference(_ text: String) -> Bool {
            let lowered = String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            return SecretScrubber.clues.contains { lowered.containsBytes($0) }
        }
        for clue in SecretScrubber.clues {
            for form in [clue, clue.uppercased(), clue.prefix(1).uppercased() + clue.dropFirst()] {
                for text in [form, "x" + form, form + "x", "\u{d7}" + form + "\u{e9}", "a e s t " + form + " t s e a"] {
                    #expect(SecretScrubber.mightHoldSecret(text), "\(text)")
                }
            }
            // Two bytes of it are not enough.
            #expect(!SecretScrubber.mightHoldSecret(String(clue.prefix(2))))
        }
        let pieces = ["pa", "ss", "to", "ke", "n", "au", "th", "se", "cr", "et", ":/", "/", "\u{d7}", "A", "K", "I", "sh", "a256~", " ", "my", "sql"]
        var generator = SeededGenerator(state: 0x6d75_7374_6172_64)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(SecretScrubber.mightHoldSecret(text) == reference(text), "\(text)")
        }
    }

    @Test("Secret values go, their keys and everything else stay", arguments: [
        (#"Authorization: Bearer abc.def-123"#, #"Authorization: Bearer <redacted>"#),
        (#"{"saToken":"xyz","msg":"ok"}"#, #"{"saToken":"<redacted>","msg":"ok"}"#),
        ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG", "aws_secret_access_key=<redacted>"),
        ("password: hunter2, user: bob", "password: <redacted>, user: bob"),
        (#"{"aws_secret_access_key":"abc","region":"us"}"#, #"{"aws_secret_access_key":"<redacted>","region":"us"}"#),
        ("https://admin:s3cr3t@minio.example.com/bucket", "https://admin:<redacted>@minio.example.com/bucket"),
        ("token sha256~abcdefghijklmnopqrstuvwxyz0123", "token <redacted>"),
        ("key AKIAABCDEFGHIJKLMNOP used", "key <redacted> used"),
    ])
    func scrubs(input: String, expected: String) {
        #expect(SecretScrubber.scrub(input) == expected)
    }

    @Test("Ordinary text, secret names and shell placeholders are left alone", arguments: [
        "Back-off pulling image \"quay.io/konveyor/invalid_image:latest\"",
        "credsSecretRef: s3-repository", "oc patch secret x -p '{\"data\":{\"saToken\":\"$TOKEN\"}}'",
        "InvalidSaToken: the token secret is missing", "Secret openshift-config/source-cluster-secret",
    ])
    func keeps(text: String) {
        #expect(SecretScrubber.scrub(text) == text)
    }

    /// Lines built to make a backtracking engine re-scan a long run from every start: each ends quickly.
    @Test("Crafted lines are scrubbed in linear time", arguments: ["a-", "-eyJ", "quoted a_", "bearer spaces", "colons", "BEGIN", "x_="])
    func linear(name: String) {
        let text = switch name {
        case "a-": "token " + String(repeating: "a-", count: 30_000)
        case "-eyJ": "eyJ" + String(repeating: "-eyJ", count: 15_000)
        case "quoted a_": "\"" + String(repeating: "a_", count: 30_000) + "\"token"
        case "bearer spaces": "bearer " + String(repeating: " ", count: 60_000) + "!"
        case "colons": "://a:" + String(repeating: ":", count: 60_000)
        case "BEGIN": "-----BEGIN " + String(repeating: "A", count: 60_000)
        default: "password " + String(repeating: "x_", count: 30_000) + "="
        }
        let start = ContinuousClock.now
        _ = SecretScrubber.scrub(text)
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}

@Suite("Numbers from the dump and the command line never trap")
struct HostileNumberTests {
    @Test("Epoch numbers outside years 1 to 9999, infinite or NaN are no time")
    func epochSeconds() {
        #expect(Timestamp(epochSeconds: 1_795_180_000.5)?.description == "2026-11-20T13:06:40Z")
        for bad in [1e300, -1e300, .infinity, -.infinity, .nan, 9.3e18, 253_402_300_800] {
            #expect(Timestamp(epochSeconds: bad) == nil, "\(bad)")
        }
    }

    @Test("Times and durations computed far out of range are clamped in text, never a crash")
    func computedExtremes() {
        for seconds in [1e300, -1e300, .infinity, -.infinity, .nan, Double(Int64.max), -Double(Int64.max)] {
            _ = Timestamp(secondsSince1970: seconds).description
            _ = humanDuration(seconds: seconds)
            _ = Timestamp(secondsSince1970: 0).adding(seconds: seconds).description
        }
        #expect(Timestamp(secondsSince1970: 1e300).description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(secondsSince1970: -1e300).description == "0001-01-01T00:00:00Z", "RFC 3339's four-digit year")
        #expect(humanDuration(seconds: .infinity).hasSuffix("h") || humanDuration(seconds: .infinity).hasSuffix("d"))
        #expect(Int(saturating: .nan) == 0 && Int(saturating: 1e300) == .max && Int(saturating: -1e300) == .min)
        #expect(Int(saturating: 42.9) == 42)
    }

    @Test("Times are written as Foundation's ISO 8601 formatter writes them, across the whole range")
    func writtenLikeFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SeededGenerator(state: 0x7469_6d65)
        let range = Timestamp.plausibleSeconds
        let edges: [Double] = [0, -1, 59, 86_399, 86_400, 951_782_400, 1_794_990_000.75, range.upperBound, 253_402_214_400]
        let random = (0..<20_000).map { _ in Double(Int64.random(in: 0...253_402_300_799, using: &generator)) }
        for seconds in edges + random {
            let expected = formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
            #expect(Timestamp(secondsSince1970: seconds).description == expected, "\(seconds)")
        }
    }

    /// A seeded random walk over the time parsers: digits, signs, separators and junk in every position.
    @Test("The time parsers are total on random input")
    func randomInput() {
        var generator = SeededGenerator(state: 0x6d75_7374_6172_64)
        let alphabet = Array("0123456789-+:.TZtz m=e ")
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 40)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = Timestamp(rfc3339: text)?.description
            _ = Timestamp(goTime: text)?.description
            if let number = Double(text) { _ = Timestamp(epochSeconds: number)?.description }
        }
    }

    @Test("An apiVersion's group is what splitting it at slashes gives, read by bytes")
    func groupOfAPIVersion() {
        func bySplit(_ v: String) -> String {
            let parts = v.split(separator: "/")
            return parts.count == 2 ? String(parts[0]) : ""
        }
        let versions = ["apps/v1", "v1", "", "/", "//", "/v1", "apps/", "a//v1", "//a/v1/", "a/b/c", "migration.openshift.io/v1alpha1", "ç/v1", "é//"]
        for v in versions { #expect(KubeObject.group(ofAPIVersion: v) == bySplit(v), "\(v)") }
    }
}

@Suite("Byte tests eight bytes at a time")
struct ByteClassTests {
    @Test("Printable ASCII and ASCII, tested by words, answer as a test of each byte, at every length and offset")
    func wordsAsBytes() {
        var random = SeededGenerator(state: 0x7461_626c_65)
        // Mostly printable, with now and then a tab, a control, DEL or a byte past ASCII, anywhere in the word.
        let rare: [UInt8] = [0x09, 0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, 0x20, 0x7E]
        var printable = 0, ascii = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &random)
            let bytes = (0..<count).map { _ -> UInt8 in
                Int.random(in: 0..<12, using: &random) == 0 ? rare.randomElement(using: &random)! : UInt8.random(in: 0x20...0x7E, using: &random)
            }
            let isPrintable = bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
            let isASCII = bytes.allSatisfy { $0 < 0x80 }
            #expect(bytes.withUnsafeBufferPointer(ByteSearch.isPrintableASCIIOrTab) == isPrintable, "\(bytes)")
            #expect(bytes.withUnsafeBufferPointer(ByteSearch.isASCII) == isASCII, "\(bytes)")
            if isPrintable { printable += 1 }
            if isASCII { ascii += 1 }
        }
        // Both answers were given often.
        #expect(printable > 2_000 && printable < 18_000 && ascii > printable && ascii < 20_000, "\(printable) \(ascii)")
    }
}

@Suite("Keys compared as `==` compares them, by length first where that decides")
struct KeyComparisonTests {
    /// Texts `==` holds for with other bytes: a character and its canonical decomposition, and the three characters
    /// that decompose to ASCII (the Kelvin sign, the Greek question mark, the Greek varia).
    static let equivalentPairs: [(String, String)] = [
        ("\u{212A}ind", "Kind"), ("a\u{037E}b", "a;b"), ("\u{1FEF}x", "`x"), ("caf\u{E9}", "cafe\u{301}"), ("e\u{301}x", "\u{E9}x"),
    ]

    @Test("A mapping's key is found as `==` finds it, whatever its bytes")
    func lookupsFollowEquality() {
        for (stored, asked) in Self.equivalentPairs + [("kind", "kind"), ("metadata", "message"), ("spec", "status")] {
            let fields: Fields = ["apiVersion": .scalar("v1"), stored: .scalar("found"), "zz": .null]
            #expect((fields[asked] != nil) == (stored == asked), "\(stored) \(asked)")
            #expect((fields[stored] != nil), "\(stored)")
        }
    }

    @Test("Only ASCII without K, ; and ` is unique; comparing by length first agrees with `==` for those")
    func uniqueness() {
        #expect("metadata".isCanonicallyUnique && "creation-time_2".isCanonicallyUnique && "".isCanonicallyUnique)
        #expect(!"Kind".isCanonicallyUnique && !"a;b".isCanonicallyUnique && !"`x".isCanonicallyUnique && !"caf\u{E9}".isCanonicallyUnique)
        let texts = ["kind", "kinds", "metadata", "message", "status", "spec", "", "k", "caf\u{E9}", "cafe\u{301}"]
        for unique in texts where unique.isCanonicallyUnique {
            for other in texts + Self.equivalentPairs.flatMap({ [$0.0, $0.1] }) {
                #expect(other.isSameText(asUnique: unique) == (other == unique), "\(other) \(unique)")
            }
        }
    }
}
