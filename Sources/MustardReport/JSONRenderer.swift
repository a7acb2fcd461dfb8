import Foundation
import MustardModel
import MustardRules

/// The JSON contract, version 2 (`docs/json-report.md`). Keys sorted, absent values as `null`, so the same dump
/// always gives the same bytes and scripts can rely on every key being there.
public struct JSONRenderer: ReportRenderer {
    /// One line per document (for batch output as JSON lines) instead of indented.
    public var compact: Bool

    public init(compact: Bool = false) { self.compact = compact }

    public func render(_ report: AnalysisReport) -> String {
        String(decoding: renderPieces(report).joined(), as: UTF8.self)
    }

    public func renderPieces(_ report: AnalysisReport) -> [[UInt8]] {
        let document = Self.document(report, pretty: !compact)
        // The values stay the dump's exact strings (scripts match paths and names); only their encoding is inert.
        // Written as bytes and handed on as bytes when nothing needs neutralizing (a report of thousands of findings
        // is megabytes: a string of it, checked as UTF-8, then copied twice, was a tenth of the time after the rules).
        let text: String
        if var pieces = document.pieces(pretty: !compact) {
            if !pieces.contains(where: { $0.withUnsafeBufferPointer(Neutralizer.mayHoldUnsafeNonASCII(utf8:)) }) {
                pieces[pieces.count - 1].append(UInt8(ascii: "\n"))
                return pieces
            }
            text = String(decoding: pieces.joined(), as: UTF8.self)
        } else {
            text = document.text(pretty: !compact)
        }
        return [Array((Neutralizer.json(text) + "\n").utf8)]
    }

    /// The findings, kept and suppressed, come written (`JSONMembers`): the report of a dump where rule files match
    /// thousands of objects is mostly findings, written on the machine's cores.
    static func document(_ report: AnalysisReport, pretty: Bool) -> JSON {
        let i = report.input
        // Items of the `findings` array sit two levels down; a suppressed one's `finding` member three.
        let findings = report.findings.concurrentMap(minimumPerCore: 256) { JSON.written(JSONMembers.finding($0, pretty: pretty, level: 2)) }
        return [
            "schemaVersion": .int(AnalysisReport.schemaVersion),
            "tool": ["name": .string(report.tool.name), "version": .string(report.tool.version)],
            "input": [
                "path": .string(i.path), "format": .string(i.format), "gatheredAt": JSON(i.gatheredAt?.description),
                "gatheredAtSource": .string(i.gatheredAtSource.rawValue), "gatheredAtPath": JSON(i.gatheredAtPath),
                "layouts": .array(i.layouts.map(JSON.string)), "clusters": .array(i.clusters.map(JSON.string)),
                "entries": .int(i.entries), "nestedArchives": .int(i.nestedArchives),
            ],
            "summary": .object(Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, JSON.int(report.count($0))) })),
            "findings": .array(findings),
            "outcomes": .array(report.outcomes.map { ["rule": .string($0.rule), "status": .string($0.status.rawValue), "reason": JSON($0.reason)] }),
            "hiddenFindings": .int(report.hiddenFindings),
            "missingData": .array(report.missingData.map { ["headline": .string($0.headline), "detail": .string($0.detail), "ask": .string($0.ask)] }),
            "suppressed": .array(report.suppressed.map {
                ["finding": .written(JSONMembers.finding($0.finding, pretty: pretty, level: 3)), "reason": .string($0.reason),
                 "suppression": .string($0.source), "expires": JSON($0.expires)]
            }),
            "expiredSuppressions": .array(report.expiredSuppressions.map {
                ["rule": .string($0.rule), "subject": JSON($0.subject), "cluster": JSON($0.cluster), "reason": .string($0.reason),
                 "expires": .string($0.expires), "suppression": .string($0.source)]
            }),
            "timeline": .array(report.timelines.map(timeline)),
            "loadIssues": .array(report.loadIssues.map {
                ["path": .string($0.path), "severity": .string($0.severity.rawValue), "message": .string($0.message), "damaged": .bool($0.damaged)]
            }),
        ]
    }

    static func timeline(_ t: MigrationTimeline) -> JSON {
        [
            "migration": .string(t.migration), "plan": JSON(t.plan), "cluster": .string(t.cluster),
            "namespaces": .array(t.namespaces.map(JSON.string)),
            "entries": .array(t.entries.map {
                ["at": .string($0.at.description), "kind": .string($0.kind.rawValue), "text": .string($0.text), "cluster": JSON($0.cluster),
                 "path": JSON($0.path), "field": JSON($0.field), "line": $0.line.map(JSON.int) ?? .null]
            }),
        ]
    }
}

/// A finding's members written straight from it, in sorted order and laid out as `JSON.text` lays out an object,
/// without building a tree of `JSON` values: building, writing and freeing each finding's tree was most of what
/// writing a report of thousands of findings cost. A test compares the bytes with those of the tree.
struct JSONMembers {
    let pretty: Bool
    let level: Int
    private var count = 0

    init(pretty: Bool, level: Int) {
        self.pretty = pretty
        self.level = level
    }

    /// The finding as an object written at `level`.
    static func finding(_ f: Finding, pretty: Bool, level: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        var writer = JSONMembers(pretty: pretty, level: level)
        writer.finding(f, into: &out)
        return out
    }

    private mutating func finding(_ f: Finding, into out: inout [UInt8]) {
        object(into: &out) { m, out in
            m.key("causedBy", &out); m.strings(f.causedBy, &out)
            m.key("causes", &out); m.strings(f.causes, &out)
            m.member("cluster", f.cluster, &out)
            m.key("evidence", &out)
            m.array(f.evidence, &out) { e, m, out in
                m.object(into: &out) { m, out in
                    m.member("at", e.at?.description, &out)
                    m.member("field", e.field, &out)
                    m.key("line", &out)
                    if let line = e.line { out.append(contentsOf: String(line).utf8) } else { out.append(contentsOf: "null".utf8) }
                    m.member("path", e.path, &out)
                    m.member("statement", e.statement, &out)
                }
            }
            m.member("explanation", f.explanation, &out)
            m.member("id", f.id, &out)
            m.key("namespaces", &out); m.strings(f.namespaces, &out)
            m.key("references", &out); m.strings(f.references, &out)
            m.key("related", &out)
            m.array(f.related, &out) { r, m, out in m.reference(r, &out) }
            m.key("remediation", &out)
            m.array(f.remediation, &out) { step, m, out in
                m.object(into: &out) { m, out in
                    m.member("cluster", step.cluster, &out)
                    m.member("command", step.command, &out)
                    m.member("expect", step.expect, &out)
                    m.member("title", step.title, &out)
                    m.member("verify", step.verify, &out)
                }
            }
            m.member("rule", f.rule, &out)
            m.member("severity", f.severity.rawValue, &out)
            m.key("subject", &out); m.reference(f.subject, &out)
            m.member("title", f.title, &out)
        }
    }

    private mutating func reference(_ r: ResourceRef, _ out: inout [UInt8]) {
        object(into: &out) { m, out in
            m.member("kind", r.kind, &out)
            m.member("name", r.name, &out)
            m.member("namespace", r.namespace, &out)
        }
    }

    /// `{`, the members `body` writes one level down, `}`, laid out as `JSON.text` lays out an object.
    private mutating func object(into out: inout [UInt8], _ body: (inout JSONMembers, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        var inner = JSONMembers(pretty: pretty, level: level + 1)
        body(&inner, &out)
        JSON.close(into: &out, pretty: pretty, level: level, empty: inner.count == 0)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func array<T>(_ items: [T], _ out: inout [UInt8], _ item: (T, inout JSONMembers, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        var inner = JSONMembers(pretty: pretty, level: level + 1)
        for (n, element) in items.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSON.newline(into: &out, pretty: pretty, level: level + 1)
            item(element, &inner, &out)
        }
        JSON.close(into: &out, pretty: pretty, level: level, empty: items.isEmpty)
        out.append(UInt8(ascii: "]"))
    }

    private mutating func strings(_ items: [String], _ out: inout [UInt8]) {
        array(items, &out) { s, m, out in m.string(s, &out) }
    }

    /// A member's key, after the separator and indentation of the one before.
    /// `key` is a literal of letters, which JSON writes as it is (no escape to look for).
    private mutating func key(_ key: StaticString, _ out: inout [UInt8]) {
        if count > 0 { out.append(UInt8(ascii: ",")) }
        count += 1
        JSON.newline(into: &out, pretty: pretty, level: level)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        JSON.colon(into: &out, pretty: pretty)
    }

    /// A member whose value is a string, or `null`.
    private mutating func member(_ key: StaticString, _ value: String?, _ out: inout [UInt8]) {
        self.key(key, &out)
        string(value, &out)
    }

    private func string(_ value: String?, _ out: inout [UInt8]) {
        if let value { JSON.write(string: value, into: &out) } else { out.append(contentsOf: "null".utf8) }
    }
}

/// A JSON value whose absent fields are written as `null` rather than left out.
enum JSON: Encodable, ExpressibleByDictionaryLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// An object as its members in order, as a literal gives them: written sorted like `object` (in their order when
    /// they already are, which needs no sort), without hashing each key into a dictionary first.
    case fields([(key: String, value: JSON)])
    /// A value already written by `bytes(pretty:level:)` at the level it is placed at.
    case written([UInt8])

    init(_ string: String?) { self = string.map(JSON.string) ?? .null }

    init(dictionaryLiteral elements: (String, JSON)...) {
        // Literals are written in the code; the tests' debug builds catch a repeated key (hashing every key of every
        // literal in a release build cost more than writing them).
        assert(Set(elements.map(\.0)).count == elements.count, "duplicate key in a JSON literal")
        self = .fields(elements.map { (key: $0.0, value: $0.1) })
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .fields(let f): try c.encode(Dictionary(uniqueKeysWithValues: f.map { ($0.key, $0.value) }))
        case .written:
            // Only `JSONRenderer`'s document holds these, and every key it has is an ASCII literal, so `text` writes
            // it directly and never hands it to the encoder.
            preconditionFailure("pre-written JSON reached JSONEncoder")
        }
    }
}

extension JSON {
    /// What `JSONEncoder` writes for this value with `.sortedKeys` and `.withoutEscapingSlashes` (and `.prettyPrinted`
    /// when `pretty`), byte for byte, written directly: encoding a report of thousands of findings through
    /// `JSONEncoder` (boxing every value, then sorting and escaping) was a tenth of a large dump's analysis. A key
    /// outside ASCII, whose place `JSONEncoder` decides by its own comparison, leaves the value to `JSONEncoder`.
    func text(pretty: Bool) -> String {
        if let out = bytes(pretty: pretty, level: 0) { return String(decoding: out, as: UTF8.self) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// What `bytes` writes at level 0, in pieces: the large parts written before (`written`, a report's findings)
    /// are pieces of their own, not copied; nil when a key is not ASCII.
    func pieces(pretty: Bool) -> [[UInt8]]? {
        let spill = Spill()
        var out: [UInt8] = []
        out.reserveCapacity(64 << 10)
        guard write(into: &out, pretty: pretty, level: 0, spill: spill) else { return nil }
        spill.pieces.append(out)
        return spill.pieces
    }

    /// Where `write` moves what it wrote so far and each large written part, when writing in pieces.
    private final class Spill {
        var pieces: [[UInt8]] = []
        /// Smaller written parts are copied: a piece each would only make the writing take more calls.
        static let ownPiece = 512
    }

    /// The value written directly at `level` (what `text` writes at level 0); nil when a key is not ASCII.
    func bytes(pretty: Bool, level: Int) -> [UInt8]? {
        var out: [UInt8] = []
        // A report's findings, the large written parts, go out as pieces of their own (`pieces`), not through here.
        out.reserveCapacity(level == 0 ? 64 << 10 : 2048)
        return write(into: &out, pretty: pretty, level: level) ? out : nil
    }

    /// False when a key is not ASCII.
    private func write(into out: inout [UInt8], pretty: Bool, level: Int, spill: Spill? = nil) -> Bool {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .string(let value): Self.write(string: value, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                Self.newline(into: &out, pretty: pretty, level: level + 1)
                guard item.write(into: &out, pretty: pretty, level: level + 1, spill: spill) else { return false }
            }
            Self.close(into: &out, pretty: pretty, level: level, empty: items.isEmpty)
            out.append(UInt8(ascii: "]"))
        case .written(let bytes):
            if let spill, bytes.count >= Spill.ownPiece {
                spill.pieces.append(out)
                spill.pieces.append(bytes)
                out = []
                out.reserveCapacity(4096)
            } else {
                out.append(contentsOf: bytes)
            }
        case .object(let fields):
            return Self.write(members: fields.map { (key: $0.key, value: $0.value) }, into: &out, pretty: pretty, level: level, spill: spill)
        case .fields(let fields):
            return Self.write(members: fields, into: &out, pretty: pretty, level: level, spill: spill)
        }
        return true
    }

    private static func write(members: [(key: String, value: JSON)], into out: inout [UInt8], pretty: Bool, level: Int, spill: Spill? = nil) -> Bool {
        guard members.allSatisfy({ $0.key.everyUTF8Byte { $0 < 0x80 } }) else { return false }
        // The keys are ASCII, whose `<` is their bytes' order: `JSONEncoder`'s order, at the standard library's fast path.
        let inOrder = zip(members, members.dropFirst()).allSatisfy { $0.key < $1.key }
        let fields = inOrder ? members : members.sorted { $0.key < $1.key }
        out.append(UInt8(ascii: "{"))
        for (n, field) in fields.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            newline(into: &out, pretty: pretty, level: level + 1)
            write(string: field.key, into: &out)
            colon(into: &out, pretty: pretty)
            guard field.value.write(into: &out, pretty: pretty, level: level + 1, spill: spill) else { return false }
        }
        close(into: &out, pretty: pretty, level: level, empty: fields.isEmpty)
        out.append(UInt8(ascii: "}"))
        return true
    }

    /// Between a key and its value: ` : ` indented, as `JSONEncoder` writes it, `:` compact.
    static func colon(into out: inout [UInt8], pretty: Bool) {
        if pretty {
            out.append(UInt8(ascii: " "))
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
        } else {
            out.append(UInt8(ascii: ":"))
        }
    }

    static func newline(into out: inout [UInt8], pretty: Bool, level: Int) {
        guard pretty else { return }
        out.append(0x0A)
        out.appendSpaces(2 * level)
    }

    /// Before a closing bracket: an empty one pretty-printed is `[`, a blank line, `]`, as `JSONEncoder` writes it.
    static func close(into out: inout [UInt8], pretty: Bool, level: Int, empty: Bool) {
        guard pretty else { return }
        if empty { out.append(0x0A) }
        newline(into: &out, pretty: true, level: level)
    }

    /// Whether one of the eight bytes of `word` is a C0 control, a quote or a backslash, by the carry tricks of
    /// "Bit Twiddling Hacks" (a byte less than n; a zero byte after xor): exact for the word as a whole, never missing
    /// one; bytes past ASCII are never flagged.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return (control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)) != 0
    }

    private static func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : UInt8(ascii: "a") + n - 10 }

    /// A string as `JSONEncoder` escapes it: quote, backslash and the C0 controls (`\b \f \n \r \t` short, the others
    /// `\u00xx`); `/`, DEL and everything past ASCII as they are.
    static func write(string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole; most strings are one run.
            var runStart = 0
            var i = 0
            while i < bytes.count {
                // Eight bytes at a time while none of them needs an escape.
                if i + 8 <= bytes.count, !mayNeedEscape(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                out.append(0x5C)
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default: out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 0x0F)])
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
