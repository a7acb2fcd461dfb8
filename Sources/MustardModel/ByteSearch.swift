#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over bytes: `memchr` to each candidate first byte, `memcmp` the rest (Glibc's module does
/// not export `memmem`). The one search for log lines as they stream and for texts already in the model.
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack`; an empty needle always does.
    public static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        needle.isEmpty || firstIndex(of: needle, in: haystack, from: 0) != nil
    }
}

/// Several needles searched at once: whether any occurs in a text, byte for byte (`ByteSearch.contains` of each). One
/// `memchr` pass per distinct first byte rather than one per needle: a log line is searched for every pattern the
/// rules and rule files ask for, and rule files' patterns often share their start.
public struct ByteNeedles: Sendable {
    /// One distinct first byte: the shortest needle starting with it, and where its needles lie in the store's spans.
    private struct Group {
        let first: UInt8
        let shortest: Int
        let needles: Range<Int>
    }

    private let store: NeedleStore
    private let groups: [Group]
    /// An empty needle occurs in every text.
    private let hasEmpty: Bool

    public init(_ needles: [[UInt8]]) {
        hasEmpty = needles.contains(where: \.isEmpty)
        let store = NeedleStore(needles)
        self.store = store
        groups = store.groups.map { Group(first: $0.first, shortest: store.spans[$0.needles].map(\.count).min()!, needles: $0.needles) }
    }

    /// Whether some needle occurs in `haystack`.
    public func anyOccurs(in haystack: UnsafeRawBufferPointer) -> Bool {
        if hasEmpty { return true }
        guard let base = haystack.baseAddress, !groups.isEmpty else { return false }
        let n = haystack.count
        return groups.withUnsafeBufferPointer { groups in
            store.withBuffers { bytes, spans in
                for group in groups where n >= group.shortest {
                    let lastStart = n - group.shortest
                    var start = 0
                    while start <= lastStart, let hit = memchr(base + start, Int32(group.first), lastStart - start + 1) {
                        let at = base.distance(to: UnsafeRawPointer(hit))
                        for needle in group.needles {
                            let span = spans[needle]
                            if at + span.count <= n, memcmp(base + at, bytes.baseAddress! + span.lowerBound, span.count) == 0 { return true }
                        }
                        start = at + 1
                    }
                }
                return false
            }
        }
    }
}

/// Byte strings in one array, each a span of it, the spans grouped by first byte in ascending order: flat, trivially
/// copyable storage for what is searched at every log line or text (`ByteNeedles`, `SecretScrubber`'s clues), where an
/// array per needle cost a retain and a release at each visit (three quarters of a log scan in the 1 GB benchmark).
struct NeedleStore: Sendable {
    let bytes: [UInt8]
    let spans: [Range<Int>]
    /// Each distinct first byte, ascending, with the range of `spans` its needles take.
    let groups: [(first: UInt8, needles: Range<Int>)]

    /// Empty needles are left out.
    init(_ needles: [[UInt8]]) {
        let byFirst = Dictionary(grouping: needles.filter { !$0.isEmpty }, by: { $0[0] })
        var bytes: [UInt8] = [], spans: [Range<Int>] = [], groups: [(first: UInt8, needles: Range<Int>)] = []
        for first in byFirst.keys.sorted() {
            let from = spans.count
            for needle in byFirst[first]! {
                spans.append(bytes.count..<bytes.count + needle.count)
                bytes += needle
            }
            groups.append((first, from..<spans.count))
        }
        self.bytes = bytes
        self.spans = spans
        self.groups = groups
    }

    /// `body` with the bytes and the spans in place (no needle is copied out).
    func withBuffers<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Range<Int>>) -> R) -> R {
        bytes.withUnsafeBufferPointer { bytes in spans.withUnsafeBufferPointer { spans in body(bytes, spans) } }
    }
}

extension StringProtocol {
    /// Whether `needle` occurs in the text, compared byte for byte (UTF-8).
    ///
    /// Why not `contains(_:)`: the standard library's searches compare `Character`s (grapheme clusters) and run
    /// at a few MB/s. The answers differ only for needles that start or end inside a grapheme cluster (a
    /// combining mark), which the identifiers, keys and log words searched here never do.
    public func containsBytes(_ needle: some StringProtocol) -> Bool {
        var needle = String(needle)
        var haystack = String(self)
        return needle.withUTF8 { n in haystack.withUTF8 { h in ByteSearch.contains(UnsafeRawBufferPointer(h), UnsafeRawBufferPointer(n)) } }
    }
}

extension ByteSearch {
    /// Whether `needle` occurs in `text`, answered byte for byte when that is sure to give Foundation's answer
    /// (`text.contains(needle)`, which compares canonically equivalent forms); nil otherwise: ask Foundation.
    /// Why: Foundation's search bridges to CFString on every call, and the signature catalog asks it for each of
    /// its needles in each statement of each finding.
    ///
    /// The needle must be ASCII, not empty, and hold no CR or LF (the one ASCII pair that forms a cluster). Text
    /// outside ASCII is answered too (statements hold `×`), because Foundation never lets a match end inside a
    /// combining sequence (`café` does not contain `cafe`), so a match found by bytes counts when an ASCII byte or
    /// the end follows it, and no byte match means none, except for the three characters whose canonical form is
    /// ASCII (KELVIN SIGN is `K`, GREEK QUESTION MARK `;`, GREEK VARIA `` ` ``): text holding one is left to
    /// Foundation. `SignatureCatalogTests` compares both on such texts.
    public static func asciiContains(_ text: String, _ needle: String) -> Bool? {
        var text = text, needle = needle
        return needle.withUTF8 { n -> Bool? in
            guard !n.isEmpty, n.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
            return text.withUTF8 { t -> Bool? in
                let h = UnsafeRawBufferPointer(t), pattern = UnsafeRawBufferPointer(n)
                guard t.contains(where: { $0 >= 0x80 }) else { return contains(h, pattern) }
                guard !holdsASCIISingleton(t) else { return nil }
                var from = 0
                var unsure = false
                while let at = firstIndex(of: pattern, in: h, from: from) {
                    let after = at + n.count
                    if after == t.count || t[after] < 0x80 { return true }
                    unsure = true
                    from = at + 1
                }
                return unsure ? nil : false
            }
        }
    }

    /// Where `needle` (not empty) first occurs in `haystack` at or after `from`.
    static func firstIndex(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let nBase = needle.baseAddress, let hBase = haystack.baseAddress, haystack.count - from >= needle.count else { return nil }
        let lastStart = haystack.count - needle.count
        var start = from
        while start <= lastStart {
            guard let hit = memchr(hBase + start, Int32(needle[0]), lastStart - start + 1) else { return nil }
            let at = hBase.distance(to: UnsafeRawPointer(hit))
            if memcmp(hBase + at, nBase, needle.count) == 0 { return at }
            start = at + 1
        }
        return nil
    }

    /// U+212A, U+037E or U+1FEF in UTF-8: characters canonically equivalent to ASCII.
    public static func holdsASCIISingleton(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i + 1 < t.count {
            switch (t[i], t[i + 1]) {
            case (0xCD, 0xBE): return true
            case (0xE2, 0x84) where i + 2 < t.count && t[i + 2] == 0xAA: return true
            case (0xE1, 0xBF) where i + 2 < t.count && t[i + 2] == 0xAF: return true
            default: i += 1
            }
        }
        return false
    }
}

extension ByteSearch {
    /// Whether every byte is printable ASCII (0x20...0x7E) or a tab: what a table cell or a line needs no escape for.
    /// Eight bytes at a time while all are printable (a table of tens of thousands of events tests every cell).
    public static func isPrintableASCIIOrTab(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var i = 0
        while i + 8 <= b.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // With every high bit clear, each byte is tested in its own lane: 0x7F, then below 0x20.
            if w & high == 0, (w &+ ones) & high == 0, ~((w | high) &- 0x20 &* ones) & high == 0 {
                i += 8
                continue
            }
            for k in i..<(i + 8) where !isPrintableOrTab(b[k]) { return false }
            i += 8
        }
        while i < b.count {
            if !isPrintableOrTab(b[i]) { return false }
            i += 1
        }
        return true
    }

    /// Whether every byte is ASCII, eight at a time.
    public static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        var i = 0
        while i + 8 <= b.count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < b.count {
            if b[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    private static func isPrintableOrTab(_ c: UInt8) -> Bool { (c >= 0x20 && c < 0x7F) || c == 0x09 }
}

extension String {
    /// Whether every UTF-8 byte of the text passes `test`, run over its stored bytes. Why not `utf8.allSatisfy`: the
    /// view's iterator costs several times more a byte, a visible share of making and printing tens of thousands of
    /// table rows.
    @inlinable
    public func everyUTF8Byte(_ test: (UInt8) -> Bool) -> Bool {
        var text = self
        return text.withUTF8 { $0.allSatisfy(test) }
    }

    /// Whether no other text is `==` to this one: it is ASCII without `K`, `;` and `` ` ``, the only ASCII characters
    /// other characters decompose to (the Kelvin sign, the Greek question mark, the Greek varia), so a text equal to it
    /// under Unicode's canonical equivalence, which `==` follows, has the same bytes. Then a text of another UTF-8
    /// length is unequal without comparing (`isSameText(asUnique:)`).
    public var isCanonicallyUnique: Bool {
        everyUTF8Byte { $0 < 0x80 && $0 != UInt8(ascii: "K") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "`") }
    }

    /// `self == unique`, where `unique.isCanonicallyUnique`: a text of another UTF-8 length (stored in a native string,
    /// not counted) is unequal before any comparison. The YAML reader asks every key of every pod whether its pruning
    /// rules name it, nearly always a name of another length, where `==` alone took twice as long. (Telling whether a
    /// key asked of a mapping is unique, at each lookup, cost more than it saved.)
    @inlinable @inline(__always)
    public func isSameText(asUnique unique: String) -> Bool {
        utf8.count == unique.utf8.count && self == unique
    }

    /// Whether the text's UTF-8 holds `byte` (`memchr` over its stored bytes; see `everyUTF8Byte`).
    public func containsUTF8Byte(_ byte: UInt8) -> Bool {
        var text = self
        return text.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, Int32(byte), bytes.count) != nil } ?? false }
    }
}

extension [UInt8] {
    /// Appends the text's UTF-8 bytes in one copy (appending its `utf8` view goes through the view's iterator).
    @inlinable
    public mutating func appendUTF8(of text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends `count` spaces from a line of them (`repeatElement`'s append went byte by byte): indentation and
    /// padding of reports and tables of tens of thousands of rows.
    public mutating func appendSpaces(_ count: Int) {
        var left = count
        while left > 0 {
            let now = Swift.min(left, spaceLine.count)
            spaceLine.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<now])) }
            left -= now
        }
    }
}

private let spaceLine = [UInt8](repeating: UInt8(ascii: " "), count: 64)
