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

    @Test("Every pattern compiles for linear-time matching")
    func compiles() {
        #expect(SecretScrubber.compiled.uncompiled.isEmpty)
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

    /// The linear engine finds what Swift's `Regex` finds, on texts made of the pieces the patterns look for; its
    /// simpler word boundaries may find more (`key:value`), never less: what Swift's matches cover, it covers.
    @Test("LinearRegex covers what Swift's Regex matches with the scrubber's patterns")
    func sameMatches() throws {
        let pieces = ["token", "Token", "=", ":", " ", "a", "-", "_", "\"", "'", "eyJ", "abcdefgh", ".", "bearer", "Bearer", "\\", "$",
                      "<redacted>", "://", "@", "/", "sha256~", "AKIA", "0123456789ABCDEF", "-----BEGIN RSA PRIVATE KEY-----",
                      "-----END RSA PRIVATE KEY-----", "\n", "password", "secret_access_key", "é", "x", ",", "}", "api-key"]
        var rng = SystemRandomNumberGenerator()
        var differences: [String] = []
        for source in SecretScrubber.compiled.sources {
            let swift = try Regex(source)
            let linear = try LinearRegex(source)
            for _ in 0..<400 {
                let text = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
                let u = text.unicodeScalars
                let expected = text.matches(of: swift).map {
                    u.distance(from: u.startIndex, to: $0.range.lowerBound)..<u.distance(from: u.startIndex, to: $0.range.upperBound)
                }
                let got = linear.matches(in: Array(u)).compactMap { $0.ranges[0] }
                let covered = Set(got.flatMap { Array($0) })
                if expected != got && !expected.allSatisfy({ $0.allSatisfy(covered.contains) }) {
                    differences.append("\(source) on \(text.debugDescription): \(expected) vs \(got)")
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
    }
}
