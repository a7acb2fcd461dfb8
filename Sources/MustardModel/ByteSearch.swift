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
        guard let nBase = needle.baseAddress, !needle.isEmpty else { return true }
        guard haystack.count >= needle.count, let hBase = haystack.baseAddress else { return false }
        let first = Int32(needle[0])
        let lastStart = haystack.count - needle.count
        var start = 0
        while start <= lastStart {
            guard let hit = memchr(hBase + start, first, lastStart - start + 1) else { return false }
            let at = hBase.distance(to: UnsafeRawPointer(hit))
            if memcmp(hBase + at, nBase, needle.count) == 0 { return true }
            start = at + 1
        }
        return false
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
    /// (`text.contains(needle)`, which compares canonically equivalent forms): both ASCII, the needle not empty and
    /// holding no CR or LF (the one ASCII pair that forms a cluster). Nil otherwise: ask Foundation.
    /// Why: Foundation's search bridges to CFString on every call, and the signature catalog asks it for each of
    /// its needles in each statement of each finding.
    public static func asciiContains(_ text: String, _ needle: String) -> Bool? {
        var text = text, needle = needle
        return needle.withUTF8 { n -> Bool? in
            guard !n.isEmpty, n.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
            return text.withUTF8 { t -> Bool? in
                guard t.allSatisfy({ $0 < 0x80 }) else { return nil }
                return contains(UnsafeRawBufferPointer(t), UnsafeRawBufferPointer(n))
            }
        }
    }
}
