import Foundation
import MustardModel
import MustardRules

/// Makes text that came from the dump inert wherever mustard shows it: file names, log lines, messages and names
/// could carry terminal escape sequences (retitling or clearing the terminal, colours faking a severity), bidi
/// overrides that reorder what is read, or newlines that forge whole report lines.
///
/// The one visible escaping, the same in every format: each C0 control except tab (newline and carriage return
/// included), DEL, each C1 control, the bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)
/// and the line and paragraph separators (U+2028, U+2029) become `\u{XX}`, their code point in upper-case hex of
/// at least two digits, as in a Swift string literal: ESC is `\u{1B}`, a newline `\u{0A}`, RLO `\u{202E}`. A
/// backslash already in the text stays as it is, so the escaping is for reading, not for reversing.
public enum Neutralizer {
    /// A scalar that is shown escaped.
    @inlinable
    public static func isUnsafe(_ value: UInt32) -> Bool {
        switch value {
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The text with every unsafe scalar shown as `\u{XX}`; the text itself when it holds none (nearly always).
    public static func text(_ s: String) -> String {
        // Printable ASCII and tabs, checked by bytes first: the scalar walk showed when printing tens of thousands of rows.
        var text = s
        if text.withUTF8(ByteSearch.isPrintableASCIIOrTab) { return s }
        return text.withUTF8(escaped(utf8:)) ?? s
    }

    /// `text`'s escaping over its UTF-8 bytes (valid, as a `String`'s are), nil when nothing is unsafe. Safe bytes are
    /// copied by runs: appending scalar by scalar to a `UnicodeScalarView` cost 3,000 instructions per printed event
    /// whose message holds a newline.
    static func escaped(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        var copied = 0, i = 0
        while i < bytes.count {
            let lead = bytes[i]
            // The scalar's length and value from its lead byte and continuation bytes.
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            var value = length == 1 ? UInt32(lead) : UInt32(lead) & (0x7F >> UInt32(length))
            for k in 1..<length where i + k < bytes.count { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
            if isUnsafe(value) {
                if out.isEmpty { out.reserveCapacity(bytes.count + 16) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                out.append(contentsOf: "\\u{\(hex(value, digits: 2))}".utf8)
                copied = i + length
            }
            i += length
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return String(decoding: out, as: UTF8.self)
    }

    /// A remediation command: its lines are the rule's, so they stay lines; within each, like `text`.
    public static func command(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { isUnsafe($0.value) }) else { return s }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { text(String($0)) }.joined(separator: "\n")
    }

    /// Encoded JSON with the unsafe scalars JSONEncoder leaves raw (DEL, C1, bidi, separators) written as `\uXXXX`
    /// escapes: the values decode to the same strings, and the file shows nothing hidden when printed. JSONEncoder
    /// already escapes C0; the C0 left here (newlines, indentation) is the document's own layout, and none of the
    /// others can occur outside a string.
    public static func json(_ encoded: String) -> String {
        if !mayHoldUnsafeNonASCII(encoded) { return encoded }
        guard encoded.unicodeScalars.contains(where: { $0.value >= 0x7F && isUnsafe($0.value) }) else { return encoded }
        var out = String.UnicodeScalarView()
        for scalar in encoded.unicodeScalars {
            if scalar.value >= 0x7F, isUnsafe(scalar.value) {
                out.append(contentsOf: "\\u\(hex(scalar.value, digits: 4).lowercased())".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether the UTF-8 of `text` may encode DEL or one of the unsafe scalars past ASCII: a pass over its bytes,
    /// where walking a report's scalars cost more than writing it. Those scalars' encodings start 7F, C2 80–9F,
    /// D8 9C, E2 80 8E–8F, E2 80 A8–AE or E2 81 A6–A9; a lead byte never occurs inside another scalar's encoding, so
    /// a text without these byte runs holds none of them (a test compares with the scalar walk).
    static func mayHoldUnsafeNonASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(mayHoldUnsafeNonASCII(utf8:))
    }

    /// The same over UTF-8 bytes.
    static func mayHoldUnsafeNonASCII(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        // `memchr` for each lead byte, then a look at the bytes after each one found: a report is a megabyte at
        // most, and its few non-ASCII characters are mostly dashes and `×`.
        for lead: UInt8 in [0x7F, 0xC2, 0xD8, 0xE2] {
            var from = 0
            while from < n, let hit = memchr(base + from, Int32(lead), n - from) {
                let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                let next = i + 1 < n ? bytes[i + 1] : 0, third = i + 2 < n ? bytes[i + 2] : 0
                switch lead {
                case 0x7F: return true
                case 0xC2 where next >= 0x80 && next <= 0x9F: return true
                case 0xD8 where next == 0x9C: return true
                case 0xE2 where next == 0x80 && (third == 0x8E || third == 0x8F || (third >= 0xA8 && third <= 0xAE)): return true
                case 0xE2 where next == 0x81 && third >= 0xA6 && third <= 0xA9: return true
                default: from = i + 1
                }
            }
        }
        return false
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let h = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }
}

extension AnalysisReport {
    /// The report with `Neutralizer.text` applied to every string it carries, and `Neutralizer.command` to the
    /// remediation commands: what the display renderers (text, Markdown, HTML, SARIF) render. Identical to the
    /// report when nothing in it needs escaping.
    public func neutralized() -> AnalysisReport {
        mappingTexts(
            ReportTextMapping(
                text: Neutralizer.text, command: Neutralizer.command, inputPath: Neutralizer.text, ours: Neutralizer.text,
                oursCommand: Neutralizer.command))
    }
}

extension SuppressedFinding {
    /// The entry with `finding` applied to its finding and `text` to its reason and source.
    public func mapping(finding map: (Finding) -> Finding, text: (String) -> String) -> SuppressedFinding {
        SuppressedFinding(finding: map(finding), reason: text(reason), source: text(source), expires: expires)
    }
}

extension ExpiredSuppression {
    public func mapping(_ text: (String) -> String) -> ExpiredSuppression {
        ExpiredSuppression(rule: text(rule), subject: subject.map(text), cluster: cluster.map(text), reason: text(reason), expires: expires, source: text(source))
    }
}
