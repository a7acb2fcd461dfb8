import MustardModel
import MustardRules

/// Everything a renderer needs: the input, the findings in root-cause-first order, every rule's outcome, and
/// what could not be read. Built by MustardKit; renderers only format it.
public struct AnalysisReport: Sendable {
    /// Version of the JSON contract (`docs/json-report.md`). 2: `suppressed` and `expiredSuppressions`.
    public static let schemaVersion = 2

    public struct Tool: Sendable {
        public let name: String
        public let version: String
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    public struct Input: Sendable {
        /// The path as the user gave it.
        public let path: String
        /// `folder`, `tar.gz`, `tar.xz`, `zip`…
        public let format: String
        public let gatheredAt: Timestamp?
        /// Where the gather time came from.
        public let gatheredAtSource: GatherTimeOrigin
        /// The `timestamp` file the gather time came from, when there is one.
        public let gatheredAtPath: String?
        public let layouts: [String]
        public let clusters: [String]
        public let entries: Int
        public let nestedArchives: Int

        public init(
            path: String, format: String, gatheredAt: Timestamp?, gatheredAtSource: GatherTimeOrigin, gatheredAtPath: String?,
            layouts: [String], clusters: [String], entries: Int, nestedArchives: Int
        ) {
            self.path = path
            self.format = format
            self.gatheredAt = gatheredAt
            self.gatheredAtSource = gatheredAtSource
            self.gatheredAtPath = gatheredAtPath
            self.layouts = layouts
            self.clusters = clusters
            self.entries = entries
            self.nestedArchives = nestedArchives
        }
    }

    public let tool: Tool
    public let input: Input
    public let findings: [Finding]
    public let outcomes: [RuleOutcome]
    public let loadIssues: [LoadIssue]
    /// Each migration's story in time order.
    public let timelines: [MigrationTimeline]
    /// Findings left out by `--min-severity` or `--namespace`.
    public let hiddenFindings: Int
    /// Data the selected rules look for and the dump does not hold, said in the headline with what to ask for.
    public let missingData: [MissingData]
    /// Findings a suppression file set aside: listed with the reason, not counted in the verdict or exit code.
    public let suppressed: [SuppressedFinding]
    /// Suppressions past their expiry date: they suppress nothing, and the report says so.
    public let expiredSuppressions: [ExpiredSuppression]

    public init(
        tool: Tool, input: Input, findings: [Finding], outcomes: [RuleOutcome], loadIssues: [LoadIssue],
        timelines: [MigrationTimeline] = [], hiddenFindings: Int = 0, missingData: [MissingData] = [],
        suppressed: [SuppressedFinding] = [], expiredSuppressions: [ExpiredSuppression] = []
    ) {
        self.missingData = missingData
        self.suppressed = suppressed
        self.expiredSuppressions = expiredSuppressions
        self.tool = tool
        self.input = input
        self.findings = findings
        self.outcomes = outcomes
        self.loadIssues = loadIssues
        self.timelines = timelines
        self.hiddenFindings = hiddenFindings
    }

    /// Findings per severity.
    public func count(_ severity: Severity) -> Int { findings.count { $0.severity == severity } }

    /// Data was lost while reading: the report covers only part of the dump.
    public var isDamaged: Bool { loadIssues.contains { $0.damaged } }

    /// The most severe finding's severity, nil when there is none.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Findings that nothing else causes: the root causes, shown first.
    public var rootCauses: [Finding] { findings.filter { $0.causedBy.isEmpty } }

    public func finding(id: String) -> Finding? { findings.first { $0.id == id } }
}

/// A finding set aside by a suppression file, with the entry's reason and where it is written.
public struct SuppressedFinding: Sendable {
    public let finding: Finding
    public let reason: String
    /// `file:line` of the suppression.
    public let source: String
    public let expires: String?

    public init(finding: Finding, reason: String, source: String, expires: String?) {
        self.finding = finding
        self.reason = reason
        self.source = source
        self.expires = expires
    }
}

/// A suppression past its expiry date.
public struct ExpiredSuppression: Sendable {
    public let rule: String
    public let subject: String?
    public let cluster: String?
    public let reason: String
    public let expires: String
    public let source: String

    public init(rule: String, subject: String?, cluster: String?, reason: String, expires: String, source: String) {
        self.rule = rule
        self.subject = subject
        self.cluster = cluster
        self.reason = reason
        self.expires = expires
        self.source = source
    }

    /// One line for the text and Markdown reports.
    public var line: String {
        "suppression of \(rule)\(subject.map { " for \($0)" } ?? "")\(cluster.map { " on cluster \($0)" } ?? "") expired on \(expires) (\(source)): it no longer applies"
    }
}

/// A kind of data the dump lacks: "No MTC data in the dump", why that matters, and the command to ask the
/// customer to run.
public struct MissingData: Sendable, Equatable {
    public let headline: String
    public let detail: String
    public let ask: String

    public init(headline: String, detail: String, ask: String) {
        self.headline = headline
        self.detail = detail
        self.ask = ask
    }
}

/// Where a report's "now" came from; the raw values are the JSON report's (`docs/json-report.md`).
public enum GatherTimeOrigin: String, Sendable {
    /// The gather's own `timestamp` file.
    case timestampFile = "timestamp-file"
    /// No timestamp file: the newest time any object or log line states.
    case newestTimeInDump = "newest-time-in-dump"
    /// No time at all in the dump.
    case unknown
}

/// One output format.
public protocol ReportRenderer {
    func render(_ report: AnalysisReport) -> String
    /// `render`'s UTF-8 in pieces, to be written one after the other: what the command line writes. A renderer that
    /// builds bytes (JSON) hands them over as they are, its findings' own pieces included, without a string or one
    /// buffer of a report of megabytes (copied, and fresh pages to fault in, for nothing but the writing).
    func renderPieces(_ report: AnalysisReport) -> [[UInt8]]
}

extension ReportRenderer {
    public func renderPieces(_ report: AnalysisReport) -> [[UInt8]] { [Array(render(report).utf8)] }
}

extension AnalysisReport {
    /// Each root cause with the findings it leads to, directly or through others, in report order.
    public var causeGroups: [(root: Finding, effects: [Finding])] {
        let byID = Dictionary(findings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let order = Dictionary(findings.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var covered = Set<String>()
        var groups: [(root: Finding, effects: [Finding])] = []
        for finding in findings where !covered.contains(finding.id) {
            covered.insert(finding.id)
            var effects: [Finding] = []
            var queue = finding.causes
            while let id = queue.first {
                queue.removeFirst()
                guard let effect = byID[id], covered.insert(id).inserted else { continue }
                effects.append(effect)
                queue.append(contentsOf: effect.causes)
            }
            groups.append((finding, effects.sorted { order[$0.id, default: 0] < order[$1.id, default: 0] }))
        }
        return groups
    }
}

extension AnalysisReport.Input {
    /// What to say after the gather time when it is not from a `timestamp` file.
    public var gatherNote: String {
        switch gatheredAtSource {
        case .timestampFile: return ""
        case .newestTimeInDump: return " (no timestamp file: the newest time in the dump is used as \"now\")"
        case .unknown: return " (no time in the dump: time-based rules are skipped)"
        }
    }
}

extension AnalysisReport {
    /// What a report says in one line before anything else.
    enum Verdict: Equatable {
        /// Findings: the worst severity, and the count of each severity present, most severe first.
        case problems(worst: Severity, counts: [SeverityCount])
        /// Some rules had data and found nothing; the rest were skipped.
        case noProblems(checked: Int, skipped: Int)
        /// Nothing found, but the data the main rules look for is not in the dump: never "No problems found".
        case missing(MissingData, checked: Int, skipped: Int)
        /// No rule had data: the reasons they gave.
        case nothingToDiagnose(reasons: [String])

        var headline: String {
            switch self {
            case .problems(let worst, let counts):
                let total = counts.reduce(0) { $0 + $1.count }
                return "\(worst.rawValue.uppercased()): \(total) finding\(total == 1 ? "" : "s")"
            case .noProblems: return "No problems found"
            case .missing(let missing, _, _): return missing.headline
            case .nothingToDiagnose: return "Nothing to diagnose"
            }
        }
    }

    struct SeverityCount: Equatable {
        let severity: Severity
        let count: Int
    }

    /// The verdict in a few words ("CRITICAL: 2 findings", "No MTC data in the dump", "No problems found").
    public var headline: String { verdict.headline }

    /// The verdict the text report prints too: the worst severity with counts; otherwise "No problems found"
    /// when some rule had data, "Nothing to diagnose" when every rule was skipped.
    var verdict: Verdict {
        if let worst = worstSeverity {
            let counts = Severity.allCases.compactMap { s in count(s) > 0 ? SeverityCount(severity: s, count: count(s)) : nil }
            return .problems(worst: worst, counts: counts)
        }
        let skipped = outcomes.filter { $0.status == .skipped }
        if let missing = missingData.first {
            return .missing(missing, checked: outcomes.count - skipped.count, skipped: skipped.count)
        }
        if skipped.count == outcomes.count {
            return .nothingToDiagnose(reasons: Set(skipped.compactMap(\.reason)).sorted())
        }
        return .noProblems(checked: outcomes.count - skipped.count, skipped: skipped.count)
    }
}
