import Foundation
import MustardModel
@testable import MustardRules
import Testing
@testable import MustardReport

/// The report's JSON is written directly (`JSON.text`); it must stay byte for byte what `JSONEncoder` writes, which
/// the JSON contract and the golden reports were made with.
@Suite("JSON writer: JSONEncoder's bytes")
struct JSONWriterTests {
    /// A small deterministic generator (SplitMix64), so a failure repeats.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Texts with what escaping must get right: quotes, backslashes, slashes, every C0 control, DEL, C1, line and
    /// paragraph separators, accents and emoji.
    static let pieces = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{1B}", "\u{1F}", "\u{7F}",
        "\u{80}", "\u{9F}", "\u{2028}", "\u{2029}", "\u{202E}", "é", "日本", "😀", "oc get pods -n 'x'", "$(id)",
        // Runs longer than the eight bytes the writer skips at once.
        "namespaces/openshift-migration/core/pods.yaml", "0123456789abcdef", "~!@#$%^&*()_+{}|:<>?`-=[];',.",
    ]
    static let keys = ["a", "b", "B", "_", "a10", "a9", "aa", "id", "rule", "Z9", "x-y", "x.y", "", "0", "~"]

    static func value(_ g: inout Generator, depth: Int) -> JSON {
        switch g.below(depth > 3 ? 4 : 7) {
        case 0: return .null
        case 1: return .bool(g.below(2) == 0)
        case 2: return .int(g.below(2) == 0 ? g.below(1000) : -g.below(1_000_000_000))
        case 3: return .string((0..<g.below(12)).map { _ in pieces[g.below(pieces.count)] }.joined())
        case 4, 5: return .array((0..<g.below(4)).map { _ in value(&g, depth: depth + 1) })
        default:
            var fields: [String: JSON] = [:]
            for _ in 0..<g.below(5) { fields[keys[g.below(keys.count)]] = value(&g, depth: depth + 1) }
            // Half as a dictionary, half as ordered members (a literal's), in sorted or scrambled order.
            guard g.below(2) == 0 else { return .object(fields) }
            let members = fields.map { (key: $0.key, value: $0.value) }
            return .fields(g.below(2) == 0 ? members.sorted { $0.key < $1.key } : members)
        }
    }

    static func encoded(_ value: JSON, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("2,000 random values, indented and compact")
    func randomValues() throws {
        var g = Generator(state: 42)
        for _ in 0..<2_000 {
            let value = Self.value(&g, depth: 0)
            for pretty in [true, false] {
                let expected = try Self.encoded(value, pretty: pretty)
                #expect(value.text(pretty: pretty) == expected)
            }
        }
    }

    /// A finding with every member absent, empty, one or several, and texts that need escaping.
    static func finding(_ g: inout Generator) -> Finding {
        func text() -> String { (0..<g.below(8)).map { _ in pieces[g.below(pieces.count)] }.joined() }
        func maybe() -> String? { g.below(3) == 0 ? nil : text() }
        func some<T>(_ make: () -> T) -> [T] { (0..<[0, 1, 3][g.below(3)]).map { _ in make() } }
        func ref() -> ResourceRef { ResourceRef(kind: text(), namespace: maybe(), name: text()) }
        let evidence = some {
            Evidence(text(), path: text(), field: maybe(), line: g.below(2) == 0 ? nil : g.below(100_000),
                     at: g.below(2) == 0 ? nil : Timestamp(secondsSince1970: Double(g.below(2_000_000_000))))
        }
        var f = Finding(
            id: text(), rule: text(), severity: Severity.allCases[g.below(Severity.allCases.count)], title: text(), cluster: maybe(),
            subject: ref(), related: some(ref), namespaces: some(text), explanation: text(), evidence: evidence,
            causedBy: some(text), remediation: some { RemediationStep(title: text(), cluster: maybe(), command: text(), verify: maybe(), expect: maybe()) },
            references: some(text))
        f.causes = some(text)
        return f
    }

    /// The report's finding object (docs/json-report.md) as a tree of `JSON` values, written independently of
    /// `JSONMembers`: what its bytes must equal.
    static func tree(_ f: Finding) -> JSON {
        func reference(_ r: ResourceRef) -> JSON { ["kind": .string(r.kind), "namespace": JSON(r.namespace), "name": .string(r.name)] }
        return [
            "id": .string(f.id), "rule": .string(f.rule), "severity": .string(f.severity.rawValue), "title": .string(f.title),
            "cluster": JSON(f.cluster), "subject": reference(f.subject), "related": .array(f.related.map(reference)),
            "namespaces": .array(f.namespaces.map(JSON.string)), "explanation": .string(f.explanation),
            "evidence": .array(f.evidence.map {
                ["statement": .string($0.statement), "path": .string($0.path), "field": JSON($0.field),
                 "line": $0.line.map(JSON.int) ?? .null, "at": JSON($0.at?.description)]
            }),
            "causedBy": .array(f.causedBy.map(JSON.string)), "causes": .array(f.causes.map(JSON.string)),
            "remediation": .array(f.remediation.map {
                ["title": .string($0.title), "cluster": JSON($0.cluster), "command": .string($0.command), "verify": JSON($0.verify), "expect": JSON($0.expect)]
            }),
            "references": .array(f.references.map(JSON.string)),
        ]
    }

    @Test("A finding written straight from it has the bytes of its JSON tree, indented and compact, at any depth")
    func findingsWritten() {
        var g = Generator(state: 11)
        for _ in 0..<1_000 {
            let f = Self.finding(&g)
            for pretty in [true, false] {
                for level in [2, 3] {
                    #expect(JSONMembers.finding(f, pretty: pretty, level: level) == Self.tree(f).bytes(pretty: pretty, level: level), "\(f.id)")
                }
            }
        }
    }

    @Test("The eight-byte test flags exactly the words holding a byte to escape")
    func wordTest() {
        var g = Generator(state: 7)
        let interesting: [UInt8] = [0, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        for _ in 0..<200_000 {
            let bytes = (0..<8).map { _ in g.below(3) == 0 ? interesting[g.below(interesting.count)] : UInt8(truncatingIfNeeded: g.next()) }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            #expect(JSON.mayNeedEscape(word) == expected, "\(bytes)")
        }
    }

    @Test("Empty collections, nesting, and a key outside ASCII (left to JSONEncoder)")
    func edges() throws {
        let values: [JSON] = [
            .object([:]), .array([]), ["x": .object([:]), "y": .array([.array([]), .object(["z": .int(-5)])])],
            ["é": .string("accent"), "e": .null], .string(""), .int(Int.min), .int(Int.max),
        ]
        for value in values {
            for pretty in [true, false] { #expect(value.text(pretty: pretty) == (try Self.encoded(value, pretty: pretty))) }
        }
    }
}
