import MustardModel
import MustardRules

/// How each kind of string of a report is mapped, for the two passes that rewrite every string of it:
/// `Neutralizer` (escape what could drive a terminal) and `Redactor` (hide the customer's values). One walk over
/// the report (`AnalysisReport.mappingTexts`) serves both, so a field added to the report is mapped by both or by
/// neither, and is seen in one place.
public struct ReportTextMapping {
    /// Text from the dump or about it: names, messages, evidence, paths inside the dump.
    public var text: (String) -> String
    /// A remediation command (its lines are the rule's).
    public var command: (String) -> String
    /// The dump's own path, as the user named it.
    public var inputPath: (String) -> String
    /// mustard's own words: rule ids, formats, layouts, the missing-data advice, the fields a finding keeps as
    /// they are (ids, kinds). Identity for the redactor, which has nothing of the customer's to hide there.
    public var ours: (String) -> String
    /// A command of mustard's own (the missing-data advice).
    public var oursCommand: (String) -> String

    public init(
        text: @escaping (String) -> String, command: @escaping (String) -> String, inputPath: @escaping (String) -> String,
        ours: @escaping (String) -> String, oursCommand: @escaping (String) -> String
    ) {
        self.text = text
        self.command = command
        self.inputPath = inputPath
        self.ours = ours
        self.oursCommand = oursCommand
    }
}

extension AnalysisReport {
    /// The report with every string mapped as `mapping` says. Strings are visited in the report's order (input,
    /// findings, outcomes, timelines, load issues, suppressions): the redactor numbers its placeholders as values
    /// first appear.
    public func mappingTexts(_ mapping: ReportTextMapping) -> AnalysisReport {
        let (text, ours) = (mapping.text, mapping.ours)
        let i = input
        let input = AnalysisReport.Input(
            path: mapping.inputPath(i.path), format: ours(i.format), gatheredAt: i.gatheredAt, gatheredAtSource: i.gatheredAtSource,
            gatheredAtPath: i.gatheredAtPath.map(text), layouts: i.layouts.map(ours), clusters: i.clusters.map(text),
            entries: i.entries, nestedArchives: i.nestedArchives)
        let findings = findings.map { $0.mappingTexts(text, command: mapping.command, kept: ours) }
        let outcomes = outcomes.map { RuleOutcome(rule: ours($0.rule), status: $0.status, reason: $0.reason.map(text)) }
        let timelines = timelines.map { t in
            MigrationTimeline(
                migration: text(t.migration), plan: t.plan.map(text), cluster: text(t.cluster), namespaces: t.namespaces.map(text),
                entries: t.entries.map { $0.mappingTexts(text, field: ours) })
        }
        let loadIssues = loadIssues.map { LoadIssue(path: text($0.path), severity: $0.severity, message: text($0.message), damaged: $0.damaged) }
        return AnalysisReport(
            tool: tool, input: input, findings: findings, outcomes: outcomes, loadIssues: loadIssues,
            timelines: timelines, hiddenFindings: hiddenFindings,
            missingData: missingData.map { MissingData(headline: ours($0.headline), detail: ours($0.detail), ask: mapping.oursCommand($0.ask)) },
            suppressed: suppressed.map { $0.mapping(finding: { $0.mappingTexts(text, command: mapping.command, kept: ours) }, text: text) },
            expiredSuppressions: expiredSuppressions.map { $0.mapping(text) })
    }
}
