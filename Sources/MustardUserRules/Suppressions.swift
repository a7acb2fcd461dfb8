import MustardRules

/// One entry of a suppression file: findings of a rule about matching subjects are set aside, with a reason, until
/// an expiry date.
public struct Suppression: Sendable {
    /// Rule id; `prefix*` matches several.
    public let rule: Glob
    /// Matched against the subject as reports print it, `Kind namespace/name`, and against `namespace/name`.
    public let subject: Glob?
    public let cluster: Glob?
    public let reason: String
    /// The last day it applies, `YYYY-MM-DD`; after it the suppression is expired and reported.
    public let expires: String?
    /// `file:line`, for the report.
    public let source: String

    public func matches(_ f: Finding) -> Bool {
        guard rule.matches(f.rule) else { return false }
        if let cluster, !cluster.matches(f.cluster ?? "") { return false }
        if let subject {
            let short = f.subject.namespace.map { "\($0)/\(f.subject.name)" } ?? f.subject.name
            guard subject.matches(f.subject.display) || subject.matches(short) else { return false }
        }
        return true
    }

    /// Expired when `today` (`YYYY-MM-DD`) is after the expiry date; ISO dates compare as strings.
    public func isExpired(today: String) -> Bool { expires.map { today > $0 } ?? false }
}

/// A suppression file: `suppressions:` and a list of entries (`docs/rule-files.md`, "Suppressions").
public enum SuppressionFile {
    public static func decode(_ bytes: [UInt8], path: String) throws(RuleFileError) -> [Suppression] {
        do throws(RuleFileError.Problem) {
            let top = try MappingReader(try YAMLNode.parse(bytes), path: "")
            try top.onlyKeys(["suppressions"])
            var out: [Suppression] = []
            for entry in try top.list("suppressions") {
                try entry.onlyKeys(["rule", "subject", "cluster", "reason", "expires"])
                let expires = try entry.string("expires")
                if let expires, !isDate(expires) { throw entry.problem("expires", "must be a date YYYY-MM-DD, found '\(expires)'") }
                let reason = try entry.required("reason")
                guard reason.count >= 3 else { throw entry.problem("reason", "say why the finding is set aside") }
                out.append(Suppression(
                    rule: Glob(try entry.required("rule")), subject: try entry.glob("subject"), cluster: try entry.glob("cluster"),
                    reason: reason, expires: expires, source: "\(path):\(entry.node.line)"))
            }
            return out
        } catch {
            throw RuleFileError(file: path, problem: error)
        }
    }

    /// `YYYY-MM-DD` with a plausible month and day.
    public static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let m = Int(parts[1]), let d = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }

    /// Splits findings into those shown and those suppressed (with the entry that suppressed each), and lists the
    /// expired entries, which suppress nothing.
    public static func apply(_ suppressions: [Suppression], to findings: [Finding], today: String)
        -> (shown: [Finding], suppressed: [(finding: Finding, by: Suppression)], expired: [Suppression])
    {
        let active = suppressions.filter { !$0.isExpired(today: today) }
        var shown: [Finding] = []
        var suppressed: [(Finding, Suppression)] = []
        for f in findings {
            if let s = active.first(where: { $0.matches(f) }) { suppressed.append((f, s)) } else { shown.append(f) }
        }
        return (shown, suppressed, suppressions.filter { $0.isExpired(today: today) })
    }
}
