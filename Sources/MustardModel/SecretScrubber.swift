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
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let lower = String(decoding: bytes.lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            return clues.contains { lower.containsBytes($0) }
        }
        if let answer { return answer }
        let lower = text.lowercased()
        return clues.contains { lower.contains($0) }
    }

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
