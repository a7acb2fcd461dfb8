import Foundation
import MustardArchive
import MustardModel
import MustardTestSupport
import Testing
@testable import MustardDump
@testable import MustardYAML

/// The fast path must give exactly libyaml's documents whenever it answers, and answer for what `oc` writes.
enum YAMLPaths {
    static let libyaml: YAMLReader = {
        var reader = YAMLReader()
        reader.fastPath = false
        return reader
    }()

    static func fast(_ bytes: [UInt8], maxDepth: Int = YAMLReader().maxDepth) -> [Value]? {
        OCYAMLParser.documents(bytes, maxDepth: maxDepth)
    }

    static func fast(_ text: String) -> [Value]? { fast(Array(text.utf8)) }

    /// Equal including the order of keys (`Value`'s own `==` ignores it).
    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.scalar(let x), .scalar(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.sequence(let x), .sequence(let y)): return identical(x, y)
        case (.mapping(let x), .mapping(let y)):
            return x.keys.map { Array($0.utf8) } == y.keys.map { Array($0.utf8) } && identical(x.values, y.values)
        default: return false
        }
    }

    static func identical(_ a: [Value], _ b: [Value]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
    }

    enum Outcome: Equatable {
        /// The fast path answered and libyaml agrees.
        case same
        /// The fast path fell back.
        case fellBack
        /// The fast path answered something libyaml does not: the one thing that must never happen.
        case different(String)
    }

    /// Compares both paths on one input.
    static func compare(_ bytes: [UInt8], maxDepth: Int = YAMLReader().maxDepth) -> Outcome {
        guard let fast = fast(bytes, maxDepth: maxDepth) else { return .fellBack }
        var reader = libyaml
        reader.maxDepth = maxDepth
        do {
            let full = try reader.documents(bytes)
            if !full.warnings.isEmpty { return .different("libyaml warns \(full.warnings) but the fast path answered") }
            if identical(fast, full.documents) { return .same }
            return .different("fast \(fast)\nlibyaml \(full.documents)")
        } catch {
            return .different("libyaml fails (\(error)) but the fast path answered \(fast)")
        }
    }

    static func compare(_ text: String) -> Outcome { compare(Array(text.utf8)) }
}

/// Reads every `.yaml`/`.yml` entry of a dump (nested archives included) and compares both paths on it.
final class EquivalenceVisitor: DumpVisitor {
    var files = 0
    var answered = 0
    var fellBack: [String] = []
    var different: [(path: String, why: String)] = []
    var bytes = 0

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        let path = entry.path.description.lowercased()
        return path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? .content : .none
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        let data = try content.readAll()
        files += 1
        bytes += data.count
        switch YAMLPaths.compare(data) {
        case .same: answered += 1
        case .fellBack:
            let at = OCYAMLParser.unrecognisedLine(data).map { "line \($0.line): \($0.text.prefix(100))" } ?? "?"
            fellBack.append("\(entry.path.description) at \(at)")
        case .different(let why): different.append((entry.path.description, String(why.prefix(2000))))
        }
    }

    func report(_ issue: ArchiveIssue) {}
}

@Suite("OC YAML fast path: same documents as libyaml")
struct OCYAMLParserTests {
    static let mustGatherDumps = TestSupport.mustGatherCleanDumps.map { TestSupport.realdata($0) }

    /// Every other tree of real or fixture YAML: the folders under realdata, the fixtures but the generated
    /// hostile corpus, and the samples.
    static var otherTrees: [String] {
        let realdata = [
            "RedHatQE__must-gather-explorer", "migtools__mig-controller", "migtools__mig-ui", "argoproj__argo-cd",
            "openshift__openshift-docs",
        ]
        .map { TestSupport.realdata($0) }
        let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.fixture(""))) ?? [])
            .filter { $0 != "Hostile" && $0 != "README.md" }.sorted().map { TestSupport.fixture($0) }
        return realdata + fixtures + [TestSupport.sample("healthy-migration"), TestSupport.sample("stage-image-stuck")]
    }

    func walk(_ path: String) throws -> EquivalenceVisitor {
        let visitor = EquivalenceVisitor()
        _ = try DumpWalker().walk(path, visitor: visitor)
        let name = path.split(separator: "/").suffix(2).joined(separator: "/")
        print(
            "\(name): \(visitor.files) YAML files (\(visitor.bytes / 1024) KiB), fast path answered \(visitor.answered), fell back \(visitor.fellBack.count)"
        )
        for path in visitor.fellBack.prefix(5) { print("  fell back: \(path)") }
        for (path, why) in visitor.different.prefix(5) { print("  DIFFERENT: \(path)\n\(why)") }
        return visitor
    }

    @Test("Every YAML file of the three must-gather dumps: the same documents, and the fast path answers almost all")
    func mustGatherDumps() throws {
        for dump in Self.mustGatherDumps {
            let visitor = try walk(dump)
            #expect(visitor.different.isEmpty, "\(dump): \(visitor.different.map(\.path).prefix(10))")
            #expect(visitor.files > 1000)
            #expect(
                Double(visitor.answered) >= 0.95 * Double(visitor.files),
                "\(dump): fast path answered \(visitor.answered) of \(visitor.files)")
        }
    }

    @Test("Every YAML file of the other real data, the fixtures and the samples: the same documents")
    func otherTrees() throws {
        var files = 0, answered = 0
        for tree in Self.otherTrees {
            let visitor = try walk(tree)
            #expect(visitor.different.isEmpty, "\(tree): \(visitor.different.map(\.path).prefix(10))")
            files += visitor.files
            answered += visitor.answered
        }
        print("other trees: \(files) YAML files, fast path answered \(answered)")
        #expect(files > 100)
    }
}

/// Collects the bytes of every `.yaml`/`.yml` entry.
final class YAMLCollector: DumpVisitor {
    var files: [[UInt8]] = []

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        let path = entry.path.description.lowercased()
        return path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? .content : .none
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws { files.append(try content.readAll()) }
    func report(_ issue: ArchiveIssue) {}
}

@Suite("OC YAML fast path: speed", .serialized)
struct OCYAMLSpeedTests {
    /// `MUSTARD_YAML_BENCH=1` (the three must-gather dumps) or a dump's path; best of three, in a release build:
    /// `swift build -c release --build-tests -Xswiftc -enable-testing`, then `swift test -c release --skip-build`.
    static let benchmark = ProcessInfo.processInfo.environment["MUSTARD_YAML_BENCH"]

    @Test("Decoding speed of both paths over a dump's YAML", .enabled(if: benchmark != nil))
    func speed() throws {
        let paths = Self.benchmark == "1" ? OCYAMLParserTests.mustGatherDumps : [Self.benchmark ?? ""]
        let collector = YAMLCollector()
        for path in paths { _ = try DumpWalker().walk(path, visitor: collector) }
        let megabytes = Double(collector.files.reduce(0) { $0 + $1.count }) / 1_000_000
        func best(_ body: ([UInt8]) -> Void) -> Double {
            (0..<3).map { _ in
                let start = ContinuousClock.now
                for file in collector.files { body(file) }
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }.min() ?? 0
        }
        var answered = 0
        let fast = best { answered += YAMLPaths.fast($0) == nil ? 0 : 1 }
        let full = best { _ = try? YAMLPaths.libyaml.documents($0) }
        let reader = YAMLReader()
        let combined = best { _ = try? reader.documents($0) }
        let outcomes = collector.files.map { YAMLPaths.compare($0) }
        #expect(outcomes.allSatisfy { $0 == .same || $0 == .fellBack }, "the fast path answered differently from libyaml")
        for (file, outcome) in zip(collector.files, outcomes) where outcome == .fellBack {
            print("fell back: \(OCYAMLParser.unrecognisedLine(file).map { "line \($0.line): \($0.text.prefix(100))" } ?? "?")")
        }
        print(
            String(
                format:
                    "%d files, %.1f MB: fast path %.2f s (%.0f MB/s, answered %d), libyaml %.2f s (%.0f MB/s), YAMLReader %.2f s (%.0f MB/s): %.1fx",
                collector.files.count, megabytes, fast, megabytes / fast, answered / 3, full, megabytes / full, combined,
                megabytes / combined, full / combined))
    }

    @Test("Loading a dump with and without the fast path", .enabled(if: benchmark != nil && benchmark != "1"))
    func load() throws {
        let requirements = DataRequirements(resources: [
            "pods", "events", "deployments", "replicasets", "configmaps", "secrets", "namespaces", "nodes", "persistentvolumeclaims",
            "persistentvolumes", "migmigrations", "migplans", "migclusters", "migstorages", "migrationcontrollers", "backups", "restores",
            "podvolumebackups", "podvolumerestores", "directvolumemigrations", "directvolumemigrationprogresses",
        ])
        for fastPath in [false, true, false, true] {
            var loader = DumpLoader(requirements: requirements)
            loader.yaml.fastPath = fastPath
            let startCPU = clock(), start = ContinuousClock.now
            let dump = try loader.load(Self.benchmark ?? "")
            let wall = ContinuousClock.now - start
            let cpu = Double(clock() - startCPU) / Double(CLOCKS_PER_SEC)  // the process's CPU time, all threads
            print(
                "load with fastPath=\(fastPath): \(wall), CPU \(String(format: "%.2f", cpu)) s, \(dump.snapshot.clusters.flatMap(\.objects).count) objects"
            )
        }
    }
}

/// Short spellings of expected documents, keys in order.
private func s(_ text: String) -> Value { .scalar(text) }
private func seq(_ items: Value...) -> Value { .sequence(items) }
private func map(_ pairs: KeyValuePairs<String, Value>) -> Value {
    .mapping(Fields(distinctKeys: pairs.map(\.key), values: pairs.map(\.value)))
}

@Suite("OC YAML fast path: edge cases against libyaml")
struct OCYAMLEdgeCaseTests {
    /// The fast path answers, and libyaml gives the same documents.
    func same(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(YAMLPaths.compare(yaml) == .same, "\(yaml.debugDescription)", sourceLocation: sourceLocation)
    }

    /// The fast path answers `expected` (key order included), and libyaml agrees.
    func reads(_ yaml: String, as expected: [Value], sourceLocation: SourceLocation = #_sourceLocation) {
        same(yaml, sourceLocation: sourceLocation)
        let documents = YAMLPaths.fast(yaml)
        #expect(
            documents.map { YAMLPaths.identical($0, expected) } == true, "\(String(describing: documents))", sourceLocation: sourceLocation)
    }

    func reads(_ yaml: String, as expected: Value, sourceLocation: SourceLocation = #_sourceLocation) {
        reads(yaml, as: [expected], sourceLocation: sourceLocation)
    }

    /// The fast path declines; whatever libyaml says stands.
    func fallsBack(_ yaml: [UInt8], _ why: String, maxDepth: Int = 256, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(YAMLPaths.compare(yaml, maxDepth: maxDepth) == .fellBack, "\(why)", sourceLocation: sourceLocation)
    }

    func fallsBack(_ yaml: String, _ why: String, maxDepth: Int = 256, sourceLocation: SourceLocation = #_sourceLocation) {
        fallsBack(Array(yaml.utf8), why, maxDepth: maxDepth, sourceLocation: sourceLocation)
    }

    @Test("Wrapped plain, single- and double-quoted scalars, as copied from the must-gather dumps")
    func wrappedScalars() {
        reads(
            """
            message: Successfully pulled image "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:8e2babcf2d5085a5a5d4cf646af4e9c173957bd00f4c32a75e2a886ddf0a9931"
              in 2.513860252s
            reason: Pulled

            """,
            as: map([
                "message": s(
                    "Successfully pulled image \"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:8e2babcf2d5085a5a5d4cf646af4e9c173957bd00f4c32a75e2a886ddf0a9931\" in 2.513860252s"
                ), "reason": s("Pulled"),
            ]))
        reads(
            """
            - message: 'MountVolume.SetUp failed for volume "kube-api-access-4jr97" : failed to
                sync configmap cache: timed out waiting for the condition'
            - message: '0/1 nodes are available: 1 node(s) didn''t match pod affinity/anti-affinity
                rules, 1 node(s) didn''t match pod anti-affinity rules.'

            """,
            as: seq(
                map([
                    "message": s(
                        "MountVolume.SetUp failed for volume \"kube-api-access-4jr97\" : failed to sync configmap cache: timed out waiting for the condition"
                    )
                ]),
                map([
                    "message": s(
                        "0/1 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity rules, 1 node(s) didn't match pod anti-affinity rules."
                    )
                ])))
        reads(
            #"""
            items:
            - message: "Liveness probe error: Get \"https://10.0.195.177:10259/healthz\": net/http:
                request canceled while waiting for connection (Client.Timeout exceeded while awaiting
                headers)\nbody: \n"

            """#,
            as: map([
                "items": seq(
                    map([
                        "message": s(
                            "Liveness probe error: Get \"https://10.0.195.177:10259/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\nbody: \n"
                        )
                    ]))
            ]))
        // An escaped line break joins without a space; `\ ` keeps a space that folding would drop; empty lines are newlines.
        reads("k: \"abc\\\n  def\\\n  \\ ghi\"\n", as: map(["k": s("abcdef ghi")]))
        reads("k: \"a\n\n  b\n\n\n  c \"\n", as: map(["k": s("a\nb\n\nc ")]))
        reads("k: 'a\n\n  b  \n   c'\n", as: map(["k": s("a\nb c")]))
        reads("k: a\n\n  b\n  c\n\n\n  d\nz: 1\n", as: map(["k": s("a\nb c\n\nd"), "z": s("1")]))
        // A continuation line that starts like a sequence entry is text.
        reads("k: a\n  - b\n", as: map(["k": s("a - b")]))
        reads("- a\n  b\n- c\n", as: seq(s("a b"), s("c")))
        reads("k:\n- a\n  b\n", as: map(["k": seq(s("a b"))]))
        // Internal runs of blanks are kept, trailing ones dropped.
        reads("k: a  b\t c   \nl: 'x  '   \n", as: map(["k": s("a  b\t c"), "l": s("x  ")]))
    }

    @Test("Double-quoted escapes")
    func escapes() {
        reads(
            #"k: "q\" b\\ n\n t\t 0\0 a\a b\b v\v f\f r\r e\e sp\  N\N _\_ L\L P\P x\x41 u\u00e9 U\U0001F600""#,
            as: map([
                "k": s(
                    "q\" b\\ n\n t\t 0\u{0} a\u{7} b\u{8} v\u{B} f\u{C} r\r e\u{1B} sp  N\u{85} _\u{A0} L\u{2028} P\u{2029} x\u{41} u\u{E9} U\u{1F600}"
                )
            ]))
        reads("k: \"backslash tab\\\t.\"\n", as: map(["k": s("backslash tab\t.")]))
        // libyaml 0.2.5 refuses `\'`; `\/` is missing from older versions: both are left to libyaml.
        fallsBack(#"k: "\'""#, "an escape only some libyaml versions accept")
        fallsBack(#"k: "\/""#, "an escape only some libyaml versions accept")
        fallsBack(#"k: "\q""#, "unknown escape")
        fallsBack(#"k: "\uD800""#, "a surrogate is refused by libyaml")
        fallsBack(#"k: "\x4""#, "short hex escape")
    }

    @Test("Literal and folded block scalars: clip, strip, keep, indentation indicators, blank lines")
    func blockScalars() {
        reads("a: |\n  x\n   y\n\n  z\n\n\nb: 1\n", as: map(["a": s("x\n y\n\nz\n"), "b": s("1")]))
        reads("a: |-\n  x\n\n\nb: 1\n", as: map(["a": s("x"), "b": s("1")]))
        reads("a: |+\n  x\n\n\nb: 1\n", as: map(["a": s("x\n\n\n"), "b": s("1")]))
        reads("a: |2-\n    x\n  y\n", as: map(["a": s("  x\ny")]))
        reads("a: |-2\n    x\n  y\n", as: map(["a": s("  x\ny")]))
        reads("- |1\n  x\n", as: seq(s(" x\n")))
        reads("a:\n  b: |\n    x\n  c: |\n  d: |+\n\n", as: map(["a": map(["b": s("x\n"), "c": s(""), "d": s("\n")])]))
        reads("a: |\n  no newline at the end", as: map(["a": s("no newline at the end")]))
        reads("a: |\n  x\n  \n   \n  y\n", as: map(["a": s("x\n\n \ny\n")]))
        reads("a: |  \n  x\n", as: map(["a": s("x\n")]))
        reads(
            "spec:\n  containers:\n  - args:\n    - |\n      #!/bin/bash\n      set -e  # comment in the script\n      exec x\n    name: c\n",
            as: map([
                "spec": map([
                    "containers": seq(map(["args": seq(s("#!/bin/bash\nset -e  # comment in the script\nexec x\n")), "name": s("c")]))
                ])
            ]))
        same("a: >\n  folded\n  text\n\n  more\n    indented\n  back\n")
        same("a: >-\n  x\n  y\n\n\n")
        same("a: >+\n  x\n\n")
        same("- >2\n   x\n  y\n")
        fallsBack("a: | # comment\n  x\n", "a comment after the indicator")
        fallsBack("a: |0\n  x\n", "an indentation indicator of 0")
    }

    @Test("Documents and separators")
    func documents() {
        reads("", as: [])
        reads("\n\n   \n", as: [])
        reads("---\n", as: [.null])
        reads("---\n---\n", as: [.null, .null])
        reads("a: 1\n---\n", as: [map(["a": s("1")]), .null])
        reads("---\na: 1\n---\n- b\n", as: [map(["a": s("1")]), seq(s("b"))])
        reads("--- \n\na: 1\n", as: [map(["a": s("1")])])
        fallsBack("--- a: 1\n", "content after ---")
        fallsBack("a: 1\n...\n", "a document end marker")
        fallsBack("a: 1\n- b\n", "a sequence after the root mapping")
        fallsBack("just text\n", "a root scalar")
        fallsBack("  a: 1\n", "a root indented")
    }

    @Test("Nulls, quoted nulls, empty values and empty collections")
    func nulls() {
        reads(
            "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\nh: ''\ni: \"\"\nj: nULL\n",
            as: map([
                "a": .null, "b": .null, "c": .null, "d": .null, "e": .null, "f": s("null"), "g": s("~"), "h": s(""), "i": s(""),
                "j": s("nULL"),
            ]))
        reads("null: x\n'null': y\n", as: map(["": s("x"), "null": s("y")]))
        reads("a: {}\nb: []\nc:\n- {}\n- []\n-\n- ~\n", as: map(["a": map([:]), "b": seq(), "c": seq(map([:]), seq(), .null, .null)]))
        reads("a:\n  b:\nc: 1\n", as: map(["a": map(["b": .null]), "c": s("1")]))
        fallsBack("a: {b: 1}\n", "a non-empty flow mapping")
        fallsBack("a: [1, 2]\n", "a non-empty flow sequence")
        fallsBack("a: { }\n", "a spaced flow mapping")
    }

    @Test("Sequences: indentless, indented, nested on one line, mappings in entries")
    func sequences() {
        reads("a:\n- x\n- y\nb:\n  - z\n", as: map(["a": seq(s("x"), s("y")), "b": seq(s("z"))]))
        reads("- - a\n  - b\n- - - c\n", as: seq(seq(s("a"), s("b")), seq(seq(s("c")))))
        reads(
            "- name: a\n  value: b\n-   name: c\n    value: d\n",
            as: seq(map(["name": s("a"), "value": s("b")]), map(["name": s("c"), "value": s("d")])))
        reads("- a:\n  - x\n  b: 1\n- a:\n    c: 2\n", as: seq(map(["a": seq(s("x")), "b": s("1")]), map(["a": map(["c": s("2")])])))
        reads("-\n  a: 1\n- \n  - x\n", as: seq(map(["a": s("1")]), seq(s("x"))))
        reads("- -1\n- -x\n- :8080\n- ?y\n", as: seq(s("-1"), s("-x"), s(":8080"), s("?y")))
        fallsBack("a:\n  - x\n  b: 1\n", "a key after an indented sequence at its column")
        fallsBack("a: - x\n", "a sequence on the key's line")
        fallsBack("a:\n    b: 1\n  c: 2\n", "a dedent to no open column")
    }

    @Test("Keys and values: Unicode, dots and slashes, colons and hashes inside, quotes")
    func keysAndValues() {
        reads(
            """
            metadata:
              labels:
                app.kubernetes.io/name: migration
                "quoted: key": 'v'
                'it''s': "x"
                ключ: значение
              annotations:
                openshift.io/sa.scc.uid-range: 1000/10000
            url: http://host:8080/path?q=1#frag
            time: 12:30:45
            text: "a: b # c"
            emoji: 😀 ünïcode
            spaced  key  : v
            tab: a\tb

            """,
            as: map([
                "metadata": map([
                    "labels": map(["app.kubernetes.io/name": s("migration"), "quoted: key": s("v"), "it's": s("x"), "ключ": s("значение")]),
                    "annotations": map(["openshift.io/sa.scc.uid-range": s("1000/10000")]),
                ]),
                "url": s("http://host:8080/path?q=1#frag"), "time": s("12:30:45"), "text": s("a: b # c"), "emoji": s("😀 ünïcode"),
                "spaced  key": s("v"), "tab": s("a\tb"),
            ]))
        let long = String(repeating: "k", count: 900)
        reads("\(long): v\n", as: .mapping(Fields(distinctKeys: [long], values: [s("v")])))
        fallsBack("\(String(repeating: "k", count: 1100)): v\n", "libyaml takes no simple key longer than 1024 characters")
        fallsBack("a: b: c\n", "a mapping value on a key's line")
        fallsBack("a: b\n  c: d\n", "a key inside a plain continuation")
        fallsBack("a\n  b: c\n", "a multi-line plain key")
        fallsBack("'a\n  b': c\n", "a multi-line quoted key")
        fallsBack("a: 'x' y\n", "text after a quoted value")
        fallsBack("a: `x`\n", "a reserved indicator")
        fallsBack("a: @x\n", "a reserved indicator")
        fallsBack("a: %x\n", "a reserved indicator")
    }

    @Test("Outside the subset: the fast path declines")
    func declines() {
        fallsBack("a: &x 1\nb: *x\n", "anchors and aliases")
        fallsBack("a: !!str 1\n", "tags")
        fallsBack("? a\n: b\n", "complex keys")
        fallsBack("# comment\na: 1\n", "a comment line")
        fallsBack("a: 1 # comment\n", "a comment after a value")
        fallsBack("a: 'x' # comment\n", "a comment after a quoted value")
        fallsBack("a:\n  - x\n  # comment\n  - y\n", "an indented comment line")
        fallsBack("a:\n\tb: 1\n", "a tab as indentation")
        fallsBack("a: 1\r\nb: 2\r\n", "CRLF")
        fallsBack("a: 1\nb: 2\na: 3\n", "a duplicate key: YAMLReader reports it")
        fallsBack("a:\n  'x': 1\n  x: 2\n", "a duplicate key, quoted once")
        fallsBack("a:\n  é: 1\n  e\u{301}: 2\n", "keys equal as Swift strings")
        fallsBack([0x6B, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], "invalid UTF-8")
        fallsBack([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), "a byte order mark")
        fallsBack("a: x\u{85}y\n", "NEL, a line break for libyaml")
        fallsBack("a: x\u{2028}y\n", "LS, a line break for libyaml")
        fallsBack("a: x\u{7}y\n", "a control character")
        fallsBack("%YAML 1.1\n---\na: 1\n", "a directive")
        fallsBack("a: 'unterminated\n", "an unterminated quote")
        let keys = (0..<40).map { "k\($0): v\n" }.joined()
        fallsBack(keys + "k7: again\n", "a duplicate key in a large mapping")
    }

    @Test("Nesting: up to maxDepth answered, deeper declined (YAMLReader then throws)")
    func depth() throws {
        let nested = "a:\n  b:\n    c: {}\n"
        #expect(YAMLPaths.compare(Array(nested.utf8), maxDepth: 4) == .same)
        fallsBack(nested, "four collections with maxDepth 3", maxDepth: 3)
        var reader = YAMLReader()
        reader.maxDepth = 3
        #expect(throws: YAMLError.self) { try reader.documents(Array(nested.utf8)) }
        // Deep block nesting, as a hostile dump may hold: answered up to the recursion limit, then left to libyaml.
        let limit = OCYAMLParser.recursionLimit
        let deepest = String(repeating: "- ", count: limit) + "x\n"
        #expect(YAMLPaths.compare(Array(deepest.utf8), maxDepth: 10_000) == .same)
        func chain(_ levels: Int) -> [UInt8] {
            Array(((0..<levels).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " v\n").utf8)
        }
        #expect(YAMLPaths.compare(chain(limit), maxDepth: 10_000) == .same)
        fallsBack(chain(limit + 1), "a mapping chain one level past the recursion limit", maxDepth: 10_000)
        fallsBack(String(repeating: "- ", count: limit + 1) + "x\n", "a sequence chain past the recursion limit", maxDepth: 10_000)
        reader.maxDepth = 10_000
        #expect(try reader.documents(Array((String(repeating: "- ", count: 2 * limit) + "x\n").utf8)).documents.count == 1)
    }

    @Test("YAMLReader: the fast path by default, libyaml's warnings kept when it falls back")
    func reader() throws {
        let reader = YAMLReader()
        #expect(reader.fastPath)
        let (documents, warnings) = try reader.documents(Array("metadata:\n  name: a\n  name: b\n".utf8))
        #expect(documents[0][path: "metadata.name"].string == "a")
        #expect(warnings == ["duplicate key 'name' at line 3; the first value is kept"])
    }
}


/// Random `Value` trees, and YAML for them written the way yaml.v2 writes it (with random but valid choices
/// where it has several: sequence indentation, quoting, where long scalars wrap, null spellings, blank lines).
struct OCStyleWriter {
    var random: SeededGenerator

    // MARK: Trees

    static let pieces = [
        "a", "b", "pod", "Running", "x1", "10.0.0.1", "ns/name", "app.kubernetes.io", "-", "-1", ":", "::1", "a:b", ": ",
        "#", "a#b", " #", "'", "''", "\"", "\\", "\\n", "~", "null", "NULL", "true", "0x1F", "1.5e3", "{", "}", "[", "]",
        ",", "&", "*", "!", "|", ">", "?", "%", "@", "`", "---", "...", "é", "ü", "漢字", "😀", "\u{A0}", "\u{85}",
        "\u{2028}", "\t", "\u{7}", "\u{1B}", "\r", "\n", "\n\n", " ", "  ",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }

    mutating func text(maxPieces: Int) -> String {
        var out = ""
        for _ in 0..<int(1...maxPieces) {
            out +=
                chance(0.5)
                ? Self.pieces.randomElement(using: &random)!
                : ["word", "longer", "message", "Failed", "to", "pull", "image"].randomElement(using: &random)!
            if chance(0.6) { out += " " }
        }
        return out
    }

    mutating func scalar() -> Value {
        if chance(0.05) { return .null }
        return .scalar(chance(0.15) ? text(maxPieces: 40) : text(maxPieces: 5))
    }

    mutating func key() -> String {
        chance(0.8)
            ? [
                "name", "namespace", "app.kubernetes.io/name", "image", "restartCount", "k8s.v1.cni.cncf.io/network-status", "message",
                "reason", "x",
            ].randomElement(using: &random)! + (chance(0.5) ? "" : "\(int(0...99))")
            : text(maxPieces: 3)
    }

    /// A document's root: a collection with something in it.
    mutating func root() -> Value {
        switch tree(depth: 0) {
        case .mapping(let m) where !m.isEmpty: return .mapping(m)
        case .sequence(let s) where !s.isEmpty: return .sequence(s)
        case let other: return .mapping(Fields(distinctKeys: [key()], values: [other]))
        }
    }

    mutating func tree(depth: Int) -> Value {
        if depth > 4 || (depth > 0 && chance(0.35)) { return scalar() }
        if chance(0.5) {
            var keys: [String] = [], values: [Value] = []
            for _ in 0..<int(0...5) {
                let k = key()
                if keys.contains(k) || k.isEmpty { continue }
                keys.append(k)
                values.append(tree(depth: depth + 1))
            }
            return .mapping(Fields(distinctKeys: keys, values: values))
        }
        return .sequence((0..<int(0...4)).map { _ in tree(depth: depth + 1) })
    }

    // MARK: Writing

    /// YAML for a root collection.
    mutating func document(_ value: Value) -> String {
        var out = ""
        switch value {
        case .mapping(let m): mapping(m, column: 0, firstInline: false, into: &out)
        case .sequence(let s): sequence(s, column: 0, firstInline: false, into: &out)
        case .null, .scalar: preconditionFailure("roots are collections")
        }
        return out
    }

    mutating func mapping(_ m: Fields, column: Int, firstInline: Bool, into out: inout String) {
        for (i, (key, value)) in zip(m.keys, m.values).enumerated() {
            if i > 0 || !firstInline { out += String(repeating: " ", count: column) }
            out += flowText(key, column: column, asKey: true) + ":"
            node(value, column: column, underKey: true, into: &out)
        }
    }

    mutating func sequence(_ s: [Value], column: Int, firstInline: Bool, into out: inout String) {
        for (i, item) in s.enumerated() {
            if i > 0 || !firstInline { out += String(repeating: " ", count: column) }
            out += "-"
            node(item, column: column, underKey: false, into: &out)
        }
    }

    /// A value after `key:` or `-` in a collection at `column`, through its line end.
    mutating func node(_ value: Value, column: Int, underKey: Bool, into out: inout String) {
        switch value {
        case .null:
            out += ["", " null", " ~", "  "].randomElement(using: &random)! + "\n"
        case .scalar(let text):
            if text.contains("\n"), let block = blockScalar(text, column: column) {
                out += " " + block
                return
            }
            out += " " + flowText(text, column: column, asKey: false) + (chance(0.1) ? "  " : "") + "\n"
            if chance(0.1) { out += "\n" }
        case .mapping(let m) where m.isEmpty:
            out += " {}\n"
        case .sequence(let s) where s.isEmpty:
            out += " []\n"
        case .mapping(let m):
            if underKey {
                out += "\n"
                mapping(m, column: column + 2, firstInline: false, into: &out)
            } else {
                out += " "
                mapping(m, column: column + 2, firstInline: true, into: &out)
            }
        case .sequence(let s):
            if underKey {
                out += "\n"
                sequence(s, column: chance(0.7) ? column : column + 2, firstInline: false, into: &out)
            } else {
                out += " "
                sequence(s, column: column + 2, firstInline: true, into: &out)
            }
        }
    }

    static func isPlainSafe(_ text: String, asKey: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@` \t".unicodeScalars.contains(first) || last == " " || last == ":" { return false }
        if ["~", "null", "Null", "NULL"].contains(text) { return false }
        if text.contains(": ") || text.contains(" #") || text.hasPrefix("---") || text.hasPrefix("...") { return false }
        if asKey && text.utf8.count > 1000 { return false }
        return text.unicodeScalars.allSatisfy(isPrintable)
    }

    /// What may appear unescaped outside a block scalar without meaning something else to libyaml.
    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        c.value >= 0x20 && c.value != 0x7F && !(0x80...0x9F).contains(c.value) && !["\u{2028}", "\u{2029}", "\u{FEFF}"].contains(c)
    }

    /// Plain if it can be, else single-quoted if it can be, else double-quoted; values longer than a line wrap
    /// at single spaces onto lines indented under the key, as yaml.v2 does.
    mutating func flowText(_ text: String, column: Int, asKey: Bool) -> String {
        let wrap = asKey ? Int.max : int(20...80)
        let indent = "\n" + String(repeating: " ", count: column + 2)
        if Self.isPlainSafe(text, asKey: asKey) && !chance(0.1) {
            return wrapped(text, width: wrap, indent: indent)
        }
        let printable = text.unicodeScalars.allSatisfy(Self.isPrintable)
        if printable && !chance(0.3) {
            return "'" + wrapped(text.replacingOccurrences(of: "'", with: "''"), width: wrap, indent: indent) + "'"
        }
        return "\"" + doubleQuoted(text, width: wrap, indent: indent) + "\""
    }

    /// Replaces single spaces between words with line breaks once a line is past `width`.
    func wrapped(_ text: String, width: Int, indent: String) -> String {
        var out = "", lineLength = 0
        let scalars = Array(text.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            let breakable =
                c == " " && i > 0 && i + 1 < scalars.count && scalars[i - 1] != " " && scalars[i + 1] != " "
                && scalars[i + 1] != "#" && scalars[i - 1] != "\n" && scalars[i + 1] != "\n"
            if breakable && lineLength >= width {
                out += indent
                lineLength = 0
            } else {
                out.unicodeScalars.append(c)
                lineLength += 1
            }
        }
        return out
    }

    /// Double-quoted with escapes; long ones wrap at spaces, or anywhere with an escaped line break.
    mutating func doubleQuoted(_ text: String, width: Int, indent: String) -> String {
        var out = "", lineLength = 0
        let scalars = Array(text.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            // Blanks next to a line break are dropped when read: break only between single spaces, or escape.
            if lineLength >= width {
                if c == " " && i > 0 && i + 1 < scalars.count && !" \t".unicodeScalars.contains(scalars[i - 1])
                    && !" \t".unicodeScalars.contains(scalars[i + 1])
                {
                    out += indent
                    lineLength = 0
                    continue
                }
                if chance(0.3) {
                    out += "\\" + indent + (c == " " ? "\\" : "")
                    lineLength = 0
                }
            }
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += lineLength > 0 && i + 1 < scalars.count && scalars[i + 1] != " " && chance(0.5) ? "\t" : "\\t"
            case "\r": out += "\\r"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{A0}": out += chance(0.5) ? "\\_" : "\u{A0}"
            default:
                if !Self.isPrintable(c) {
                    out += String(format: c.value <= 0xFF ? "\\x%02X" : "\\u%04X", c.value)
                } else if c.value > 0xFFFF && chance(0.5) {
                    out += String(format: "\\U%08X", c.value)
                } else if c.value > 0x7F && c.value <= 0xFFFF && chance(0.3) {
                    out += String(format: "\\u%04x", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
            lineLength += 1
        }
        return out
    }

    /// A literal block scalar when the text allows one: `|`, `|-` or `|+`, with an indentation indicator when
    /// the text starts with a space.
    mutating func blockScalar(_ text: String, column: Int) -> String? {
        // Printable text with line breaks and tabs, no blanks ending a line (yaml.v2 quotes those), a first line
        // with content that does not start with a tab.
        guard text.unicodeScalars.allSatisfy({ Self.isPrintable($0) || $0 == "\n" || $0 == "\t" }) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.allSatisfy({ !$0.hasSuffix(" ") && !$0.hasSuffix("\t") }), let firstLine = lines.first(where: { !$0.isEmpty }),
            !firstLine.hasPrefix("\t")
        else { return nil }
        let trailing = text.reversed().prefix { $0 == "\n" }.count
        let chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        let step = 2
        let indicator = firstLine.hasPrefix(" ") ? "\(step)" : ""
        var out = "|" + indicator + chomp + "\n"
        let body = trailing == 0 ? lines : lines.dropLast(1)
        for line in body { out += line.isEmpty ? "\n" : String(repeating: " ", count: column + step) + line + "\n" }
        return out
    }
}

@Suite("OC YAML fast path: randomized against libyaml")
struct OCYAMLRandomTests {
    @Test("Random trees written oc-style: the fast path reads them back, libyaml agrees (seed 42)")
    func ocStyle() {
        var writer = OCStyleWriter(random: SeededGenerator(state: 42))
        var answered = 0, roundTrips = 0, different: [String] = []
        let count = 3000
        for _ in 0..<count {
            var trees = [writer.root()]
            if writer.chance(0.1) { trees.append(writer.root()) }
            var yaml = ""
            for tree in trees { yaml += (trees.count > 1 ? "---\n" : "") + writer.document(tree) }
            switch YAMLPaths.compare(yaml) {
            case .same:
                answered += 1
                if let documents = YAMLPaths.fast(yaml), YAMLPaths.identical(documents, trees) { roundTrips += 1 }
            case .fellBack: break
            case .different(let why): different.append("\(yaml.debugDescription)\n\(why)")
            }
        }
        print("oc-style random documents: \(count), fast path answered \(answered), read back the written tree \(roundTrips)")
        #expect(different.isEmpty, "\(different.prefix(3).joined(separator: "\n\n"))")
        #expect(answered >= count * 9 / 10)
        #expect(roundTrips == answered)
    }

    static let hasPyYAML = (try? TestSupport.python(["-c", "import yaml"]).code) == 0

    /// PyYAML's emitter is, like yaml.v2's, a port of libyaml's: wrapping, escapes and block scalars as real
    /// emitters write them, with random widths, indentation and styles.
    static let pyyamlScript = #"""
        import json, random, sys, yaml
        rng = random.Random(int(sys.argv[1]))
        pieces = ["a", "pod", "Running", "10.0.0.1", "ns/name", "-", "-1", ":", "a:b", ": ", "#", " #", "'", '"', "\\",
                  "~", "null", "true", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "?", "%", "@", "`", "---", "...",
                  "\u00e9", "\u6f22", "\U0001F600", "\u00a0", "\u0085", "\u2028", "\t", "\x07", "\x1b", "\r", "\n", "\n\n", " ", "  "]
        words = ["word", "longer", "message", "Failed", "to", "pull", "image"]
        def text(lengths=[1, 2, 3, 5, 40]):
            n = rng.choice(lengths)
            return "".join((rng.choice(pieces) if rng.random() < 0.5 else rng.choice(words)) + (" " if rng.random() < 0.6 else "") for _ in range(n))
        def node(depth):
            r = rng.random()
            if depth > 4 or (depth > 0 and r < 0.4):
                return None if rng.random() < 0.05 else text()
            if r < 0.7:
                return {text([1, 2, 3]) if rng.random() < 0.3 else rng.choice(["name", "image", "message", "app.kubernetes.io/name"]) + str(rng.randint(0, 99)): node(depth + 1) for _ in range(rng.randint(0, 5))}
            return [node(depth + 1) for _ in range(rng.randint(0, 4))]
        class Dumper(yaml.SafeDumper):
            pass
        def represent(dumper, s):
            style = rng.choice([None, None, None, "'", '"', "|", ">"]) if "\n" in s or rng.random() < 0.2 else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)
        Dumper.add_representer(str, represent)
        out = []
        for _ in range(int(sys.argv[2])):
            root = node(0)
            if not isinstance(root, (dict, list)) or not root:
                root = {"a": root}
            out.append(yaml.dump(root, Dumper=Dumper, default_flow_style=False, allow_unicode=rng.random() < 0.5,
                                 width=rng.choice([20, 40, 80, 80, 1000]), indent=rng.choice([2, 2, 2, 4]),
                                 sort_keys=rng.random() < 0.5, explicit_start=rng.random() < 0.2))
        print(json.dumps(out))
        """#

    @Test("Random trees written by PyYAML's emitter: libyaml agrees whenever the fast path answers (seed 7)", .enabled(if: hasPyYAML))
    func pyyaml() throws {
        let result = try TestSupport.python(["-c", Self.pyyamlScript, "7", "3000"])
        try #require(result.code == 0, "\(result.stderr)")
        let documents = try JSONDecoder().decode([String].self, from: Data(result.stdout.utf8))
        var answered = 0, different: [String] = []
        for yaml in documents {
            switch YAMLPaths.compare(yaml) {
            case .same: answered += 1
            case .fellBack: break
            case .different(let why): different.append("\(yaml.debugDescription)\n\(why)")
            }
        }
        print("PyYAML random documents: \(documents.count), fast path answered \(answered)")
        #expect(documents.count == 3000)
        #expect(different.isEmpty, "\(different.prefix(3).joined(separator: "\n\n"))")
        #expect(answered >= documents.count / 2)
    }

    @Test("Random edits of oc-style YAML: the fast path agrees with libyaml or falls back (seed 1)")
    func mutations() throws {
        var writer = OCStyleWriter(random: SeededGenerator(state: 1))
        let inserts = [
            " ", "  ", "\n", "\n\n", ":", ": ", "-", "- ", "#", " #", "'", "\"", "\\", "|", "|-", "|+", "|2", ">", "\t",
            "{", "}", "[", "]", "{}", "[]", "&a ", "*a", "!", "? ", "~", "é", "\u{85}", "---\n", "...\n", "\r", "%",
        ]
        var answered = 0, different: [String] = []
        let count = 4000
        for _ in 0..<count {
            var bytes = Array(writer.document(writer.root()).utf8)
            for _ in 0..<writer.int(1...3) {
                let at = writer.int(0...bytes.count)
                switch writer.int(0...3) {
                case 0, 1: bytes.insert(contentsOf: inserts.randomElement(using: &writer.random)!.utf8, at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + writer.int(1...3)))
                default:  // indent or outdent a line
                    let lineStart = bytes[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                    if writer.chance(0.5) {
                        bytes.insert(contentsOf: [0x20, 0x20], at: lineStart)
                    } else if bytes.count > lineStart, bytes[lineStart] == 0x20 {
                        bytes.remove(at: lineStart)
                    }
                }
            }
            switch YAMLPaths.compare(bytes) {
            case .same: answered += 1
            case .fellBack: break
            case .different(let why): different.append("\(String(decoding: bytes, as: UTF8.self).debugDescription)\n\(why)")
            }
        }
        print("edited documents: \(count), fast path answered \(answered)")
        #expect(different.isEmpty, "\(different.prefix(3).joined(separator: "\n\n"))")
    }
}
