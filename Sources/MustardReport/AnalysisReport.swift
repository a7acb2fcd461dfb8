import MustardModel
import MustardRules

/// Everything a renderer needs: the input, the findings in root-cause-first order, every rule's outcome, and
/// what could not be read. Built by MustardKit; renderers only format it.
public struct AnalysisReport: Sendable {
    /// Version of the JSON contract (`docs/json-report.md`).
    public static let schemaVersion = 1

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
        /// `timestamp-file`, `newest-time-in-dump` or `unknown`.
        public let gatheredAtSource: String
        /// The `timestamp` file the gather time came from, when there is one.
        public let gatheredAtPath: String?
        public let layouts: [String]
        public let clusters: [String]
        public let entries: Int
        public let nestedArchives: Int

        public init(
            path: String, format: String, gatheredAt: Timestamp?, gatheredAtSource: String, gatheredAtPath: String?,
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

    public init(
        tool: Tool, input: Input, findings: [Finding], outcomes: [RuleOutcome], loadIssues: [LoadIssue],
        timelines: [MigrationTimeline] = [], hiddenFindings: Int = 0
    ) {
        self.tool = tool
        self.input = input
        self.findings = findings
        self.outcomes = outcomes
        self.loadIssues = loadIssues
        self.timelines = timelines
        self.hiddenFindings = hiddenFindings
    }

    /// Findings per severity.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// Data was lost while reading: the report covers only part of the dump.
    public var isDamaged: Bool { loadIssues.contains { $0.damaged } }

    /// The most severe finding's severity, nil when there is none.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Findings that nothing else causes: the root causes, shown first.
    public var rootCauses: [Finding] { findings.filter { $0.causedBy.isEmpty } }

    public func finding(id: String) -> Finding? { findings.first { $0.id == id } }
}

/// One output format.
public protocol ReportRenderer {
    func render(_ report: AnalysisReport) -> String
}
