#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether `needle` occurs in the text, compared byte for byte (UTF-8).
    ///
    /// Why not `contains(_:)`: the standard library's searches compare `Character`s (grapheme clusters) and run
    /// at a few MB/s; this is a `memchr`/`memcmp` search over the UTF-8 bytes. The answers differ only for needles that start
    /// or end inside a grapheme cluster (a combining mark), which the identifiers, keys and log words searched
    /// here never do.
    public func containsBytes(_ needle: some StringProtocol) -> Bool {
        var needle = String(needle)
        if needle.isEmpty { return true }
        return needle.withUTF8 { n in
            var haystack = String(self)
            return haystack.withUTF8 { h in
                guard h.count >= n.count, let hBase = h.baseAddress, let nBase = n.baseAddress else { return false }
                // memchr to each candidate first byte, memcmp the rest (Glibc's module does not export memmem).
                let first = Int32(nBase[0])
                var start = 0
                let lastStart = h.count - n.count
                while start <= lastStart {
                    guard let hit = memchr(hBase + start, first, lastStart - start + 1) else { return false }
                    let at = hBase.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hBase + at, nBase, n.count) == 0 { return true }
                    start = at + 1
                }
                return false
            }
        }
    }
}
