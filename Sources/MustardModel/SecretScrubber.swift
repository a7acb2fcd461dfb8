/// Removes secret values from text that came from the dump (log lines, describe output, error files) before any
/// of it can reach a report: bearer tokens, `password=`/`token:` style pairs, JWTs (service account tokens), AWS
/// keys, private keys, and passwords in URLs. Keys stay, so the line still says what was there.
public enum SecretScrubber {
    public static let placeholder = "<redacted>"

    /// Key names whose values are secret, in `key=value`, `key: value` and JSON `"key":"value"` forms.
    static let secretKey = #"(?i)(pass(?:word|wd)?|secret|token|satoken|bearer[_-]?token|api[_-]?key|access[_-]?key(?:[_-]?id)?|secret[_-]?access[_-]?key|client[_-]?secret|credentials?|private[_-]?key|auth)"#

    /// Matched in linear time (`LinearRegex`): the text is the dump's, and Swift's `Regex` backtracked for minutes on
    /// a crafted line. A pattern outside `LinearRegex`'s syntax lands in `uncompiled` (a test checks it is empty).
    static let compiled: (patterns: [(LinearRegex, String)], uncompiled: [String], sources: [String]) = {
        let list: [(String, String)] = [
            // "Authorization: Bearer abc", "bearer abc"
            (#"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*"#, "$1 \(placeholder)"),
            // "key": "value" (JSON)
            (#"("(?:[A-Za-z0-9]+[_-])*"# + secretKey + #""\s*:\s*)"(?!\$)(?:[^"\\]|\\.)*""#, "$1\"\(placeholder)\""),
            // key=value, key: value (not a shell variable like "$TOKEN", not already redacted)
            (#"(\b(?:[A-Za-z0-9]+[_-])*"# + secretKey + #"\b\s*[:=]\s*)(?!\$|<redacted>)("[^"]*"|'[^']*'|[^\s,;&"'}\]]+)"#, "$1\(placeholder)"),
            // JWTs (service account tokens)
            (#"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#, placeholder),
            // OpenShift OAuth access tokens
            (#"\bsha256~[A-Za-z0-9_-]{20,}"#, placeholder),
            // AWS access key ids
            (#"\b(AKIA|ASIA)[0-9A-Z]{16}\b"#, placeholder),
            // user:password@ in URLs
            (#"(://[^/\s:@]+:)[^@\s/]+@"#, "$1\(placeholder)@"),
            // PEM private keys
            (#"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#, placeholder),
        ]
        var patterns: [(LinearRegex, String)] = [], uncompiled: [String] = []
        for (pattern, replacement) in list {
            if let regex = try? LinearRegex(pattern) { patterns.append((regex, replacement)) } else { uncompiled.append(pattern) }
        }
        return (patterns, uncompiled, list.map(\.0))
    }()

    static var patterns: [(LinearRegex, String)] { compiled.patterns }

    /// The text with every secret value replaced by `<redacted>`.
    public static func scrub(_ text: String) -> String {
        guard mightHoldSecret(text) else { return text }
        var out = text
        for (regex, template) in patterns {
            out = regex.replacing(in: out) { match, scalars in expand(template, match, scalars) }
        }
        return out
    }

    /// A cheap test that skips the regexes for the common line with nothing secret-looking in it.
    static func mightHoldSecret(_ text: String) -> Bool {
        var text = text
        let answer: Bool? = text.withUTF8 { bytes in
            // ASCII (nearly every log line): lower-case the bytes and search them. Otherwise the full Unicode way.
            asciiHoldsClue(bytes)
        }
        if let answer { return answer }
        let lower = text.lowercased()
        return clues.contains { lower.contains($0) }
    }

    /// Whether ASCII `bytes` hold a clue, compared case-insensitively in place; nil when they are not all ASCII.
    /// One pass without allocating: every line the rules keep comes through here.
    private static func asciiHoldsClue(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        // One bit per clue: with more than 64, the general way below.
        guard clues.count <= 64 else { return nil }
        let (flat, offsets, byFirst) = clueTable
        var found = false
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c >= 0x80 { return nil }
            var candidates = found ? 0 : byFirst[Int(c)]
            // Most bytes start no clue; the rest start one or two.
            while candidates != 0 {
                let clue = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                let from = offsets[clue], length = offsets[clue + 1] - from
                guard length <= n - i else { continue }
                var k = 1
                while k < length {
                    let b = bytes[i + k]
                    if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != flat[from + k] { break }
                    k += 1
                }
                if k == length {
                    found = true
                    break
                }
            }
            i += 1
        }
        return found
    }

    /// The clues' bytes end to end, where each starts (and the end), and for each byte the clues it starts
    /// (either case) as bits.
    private static let clueTable: (flat: [UInt8], offsets: [Int], byFirst: [UInt64]) = {
        var flat: [UInt8] = [], offsets: [Int] = [], byFirst = [UInt64](repeating: 0, count: 128)
        for (index, clue) in clues.enumerated() {
            offsets.append(flat.count)
            flat += Array(clue.utf8)
            guard let c = clue.utf8.first, c < 0x80 else { continue }
            byFirst[Int(c)] |= 1 << UInt64(index)
            if c >= 0x61 && c <= 0x7A { byFirst[Int(c & ~0x20)] |= 1 << UInt64(index) }
        }
        offsets.append(flat.count)
        return (flat, offsets, byFirst)
    }()

    /// Words one of the patterns needs, lower-cased.
    static let clues = ["pass", "secret", "token", "bearer", "key", "auth", "credential", "eyj", "akia", "asia", "://", "sha256~"]

    private static func expand(_ template: String, _ match: LinearRegex.Match, _ scalars: [Unicode.Scalar]) -> String {
        var result = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            let next = template.index(after: i)
            if c == "$", next < template.endIndex, let n = template[next].wholeNumberValue {
                if n < match.ranges.count, let range = match.ranges[n] {
                    result.unicodeScalars.append(contentsOf: scalars[range])
                }
                i = template.index(after: next)
            } else {
                result.append(c)
                i = next
            }
        }
        return result
    }
}
