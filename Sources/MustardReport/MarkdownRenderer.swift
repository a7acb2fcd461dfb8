import MustardModel
import MustardRules

/// Markdown for a post-mortem: summary, findings with evidence tables and remediation code blocks, rule outcomes.
/// `brief`: what pastes into a case comment — the verdict, each root cause with one line of evidence, what it leads
/// to and the fix.
public struct MarkdownRenderer: ReportRenderer {
    public var brief: Bool

    public init(brief: Bool = false) { self.brief = brief }

    public func render(_ report: AnalysisReport) -> String {
        // No control or newline from the dump can end a table row or a line early.
        let report = report.neutralized()
        if brief { return renderBrief(report) }
        var md: [String] = []
        let input = report.input
        md.append("# mustard report: \(code(input.path))")
        md.append("")
        md.append("| | |")
        md.append("|---|---|")
        md.append("| Input | \(code(input.path)) (\(input.format), \(input.entries) entries, \(input.nestedArchives) nested archives) |")
        md.append("| Gathered | \(input.gatheredAt.map(\.description) ?? "unknown")\(cell(input.gatherNote)) |")
        md.append("| Clusters | \(input.clusters.map(code).joined(separator: ", ")) |")
        md.append("| Layouts | \(input.layouts.joined(separator: ", ")) |")
        let imageFolders = DumpPaths.imageFolders(in: report)
        if !imageFolders.isEmpty {
            md.append("| Image folder (`…` in paths) | \(imageFolders.map(code).joined(separator: ", ")) |")
        }
        md.append("| Tool | \(report.tool.name) \(report.tool.version) |")
        md.append("")
        md.append("## Summary")
        md.append("")
        if report.isDamaged {
            md.append("> **The dump is damaged**: this report covers only what could be read (see *Load issues*).")
            md.append("")
        }
        for missing in report.missingData {
            md.append("> **\(missing.headline)**: \(cell(missing.detail)). Ask the customer for:")
            md.append(">")
            md.append("> " + code(missing.ask))
            md.append("")
        }
        if report.findings.isEmpty {
            md.append(report.missingData.isEmpty
                ? "No problems found. Rules without data are listed as skipped below."
                : "Nothing found in what the dump holds; see above for what it lacks. Rules without data are listed as skipped below.")
        } else {
            if report.hiddenFindings > 0 { md.append("_\(report.hiddenFindings) finding(s) hidden by --min-severity or --namespace._"); md.append("") }
            for f in report.findings {
                let cause = f.causedBy.isEmpty ? "" : " — caused by \(f.causedBy.map { "`\($0)`" }.joined(separator: ", "))"
                md.append("- **\(f.severity.rawValue)**: \(f.title) (`\(f.id)`)\(cause)")
            }
        }
        md.append("")
        if !report.findings.isEmpty {
            md.append("## Findings")
            for (i, f) in report.findings.enumerated() {
                md.append("")
                md.append(contentsOf: render(f, number: i + 1))
            }
            md.append("")
        }
        if !report.timelines.isEmpty {
            md.append("## Timeline")
            for t in report.timelines {
                md.append("")
                md.append("### Migration \(code(t.migration))\(t.plan.map { " of plan \(code($0))" } ?? "")")
                md.append("")
                md.append("| Time (UTC) | What happened | File |")
                md.append("|---|---|---|")
                // A timeline cites a handful of files many times: each is numbered once below the table.
                var files: [String] = []
                for e in t.entries {
                    var place: [String] = []
                    if let path = e.path.map(DumpPaths.compact) {
                        if !files.contains(path) { files.append(path) }
                        place.append("F\((files.firstIndex(of: path) ?? 0) + 1)")
                    }
                    let field = [e.field, e.line.map { "line \($0)" }].compactMap { $0 }.joined(separator: " ")
                    if !field.isEmpty { place.append(code(field)) }
                    md.append("| \(e.at) | \(cell(e.text)) | \(place.joined(separator: " ")) |")
                }
                if !files.isEmpty {
                    md.append("")
                    for (i, file) in files.enumerated() { md.append("- F\(i + 1): \(code(file))") }
                }
            }
            md.append("")
        }
        if !report.suppressed.isEmpty || !report.expiredSuppressions.isEmpty {
            md.append("## Suppressed")
            md.append("")
            md.append("<details><summary>\(report.suppressed.count) suppressed finding(s), \(report.expiredSuppressions.count) expired suppression(s)</summary>")
            md.append("")
            if !report.suppressed.isEmpty {
                md.append("| Severity | Finding | Rule | Reason | Suppression |")
                md.append("|---|---|---|---|---|")
                for s in report.suppressed {
                    md.append("| \(s.finding.severity.rawValue) | \(cell(s.finding.title)) | `\(s.finding.rule)` | \(cell(s.reason)) | \(code(s.source))\(s.expires.map { " until \($0)" } ?? "") |")
                }
                md.append("")
            }
            for e in report.expiredSuppressions { md.append("- Expired: \(cell(e.line))") }
            if !report.expiredSuppressions.isEmpty { md.append("") }
            md.append("</details>")
            md.append("")
        }
        md.append("## Rules")
        md.append("")
        md.append("| Rule | Outcome | Reason |")
        md.append("|---|---|---|")
        for o in report.outcomes { md.append("| `\(o.rule)` | \(o.status.rawValue) | \(cell(o.reason ?? "")) |") }
        if !report.loadIssues.isEmpty {
            md.append("")
            md.append("## Load issues")
            md.append("")
            md.append("| File | Severity | Message |")
            md.append("|---|---|---|")
            for l in report.loadIssues { md.append("| \(code(DumpPaths.compact(l.path))) | \(l.severity.rawValue) | \(cell(l.message)) |") }
        }
        return md.joined(separator: "\n") + "\n"
    }

    private func render(_ f: Finding, number: Int) -> [String] {
        var md = ["### \(number). \(f.severity.rawValue.uppercased()): \(cell(f.title))", ""]
        md.append("- Rule: `\(f.rule)` — finding `\(f.id)`")
        md.append("- Cluster: \(f.cluster.map(code) ?? "—"); subject: \(code(f.subject.display))")
        if !f.causedBy.isEmpty { md.append("- Caused by: \(f.causedBy.map(code).joined(separator: ", "))") }
        if !f.causes.isEmpty { md.append("- Causes: \(f.causes.map(code).joined(separator: ", "))") }
        if !f.related.isEmpty { md.append("- Related: \(f.related.map { code($0.display) }.joined(separator: ", "))") }
        md.append("")
        md.append(f.explanation)
        md.append("")
        md.append("#### Evidence")
        md.append("")
        md.append("| Statement | File | Field | Time |")
        md.append("|---|---|---|---|")
        for e in f.evidence {
            let field = [e.field, e.line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ")
            md.append("| \(cell(e.statement)) | \(code(DumpPaths.compact(e.path))) | \(field.isEmpty ? "" : code(field)) | \(e.at.map(\.description) ?? "") |")
        }
        if !f.remediation.isEmpty {
            md.append("")
            md.append("#### Remediation")
            for (i, step) in f.remediation.enumerated() {
                md.append(contentsOf: stepLines(step, number: i + 1))
                if let verify = step.verify {
                    md.append("")
                    md.append("   Verify:")
                    md.append("")
                    let fence = Self.fence(verify, least: 3)
                    md.append("   \(fence)sh")
                    for line in verify.split(separator: "\n") { md.append("   \(line)") }
                    md.append("   \(fence)")
                    if let expect = step.expect {
                        md.append("")
                        md.append("   Expect: \(code(expect))")
                    }
                }
            }
        }
        if !f.references.isEmpty {
            md.append("")
            md.append("References: " + f.references.map { "<\($0)>" }.joined(separator: ", "))
        }
        return md
    }

    /// A remediation step: its title, the cluster it runs on and its command in a shell block.
    private func stepLines(_ step: RemediationStep, number: Int) -> [String] {
        let fence = Self.fence(step.command, least: 3)
        var md = ["", "\(number). **\(step.title)**\(step.cluster.map { " — on cluster `\($0)`" } ?? "")", "", "   \(fence)sh"]
        for line in step.command.split(separator: "\n", omittingEmptySubsequences: false) { md.append("   \(line)") }
        md.append("   \(fence)")
        return md
    }

    /// `--brief`: a case comment. Root causes first, each with one line of evidence (the file it came from), the
    /// findings it leads to, and the fix; the full report has the rest.
    private func renderBrief(_ report: AnalysisReport) -> String {
        let input = report.input
        var md = ["**mustard \(report.tool.version)** — \(code(input.path)), gathered \(input.gatheredAt.map(\.description) ?? "at an unknown time")\(cell(input.gatherNote))", ""]
        switch report.verdict {
        case .problems:
            md.append("**\(report.verdict.headline)** from \(report.causeGroups.count) root cause\(report.causeGroups.count == 1 ? "" : "s").")
        case .noProblems(let checked, let skipped):
            md.append("**No problems found** by \(checked) rule(s) that had data; \(skipped) skipped for lack of data.")
        case .missing(let missing, let checked, let skipped):
            md.append("**\(missing.headline)**: \(cell(missing.detail)). \(checked) rule(s) that had data found nothing; \(skipped) skipped.")
        case .nothingToDiagnose(let reasons):
            md.append("**Nothing to diagnose**: no rule had data to check (\(cell(reasons.joined(separator: "; ")))).")
        }
        for missing in report.missingData {
            if case .problems = report.verdict { md += ["", "**\(missing.headline)**: \(cell(missing.detail))."] }
            md += ["", "Ask the customer for: \(code(missing.ask))"]
        }
        if report.isDamaged { md += ["", "> **The dump is damaged**: only what could be read was analysed."] }
        for (index, group) in report.causeGroups.enumerated() {
            let root = group.root
            md += ["", "**Root cause\(report.causeGroups.count == 1 ? "" : " \(index + 1)")** — \(root.severity.rawValue): \(cell(root.title)) (`\(root.rule)`)"]
            if let e = root.evidence.first {
                md.append("- Evidence: \(cell(e.statement)) — \(code(DumpPaths.compact(e.path) + (e.field.map { " [\($0)]" } ?? "")))")
            }
            for effect in group.effects { md.append("- Leads to: \(effect.severity.rawValue): \(cell(effect.title))") }
            if !root.remediation.isEmpty {
                md += ["", "Fix, in order:"]
                for (i, step) in root.remediation.enumerated() { md.append(contentsOf: stepLines(step, number: i + 1)) }
            }
            // An effect's own steps (an application left scaled down) are not covered by fixing the cause.
            for effect in group.effects where !effect.remediation.isEmpty {
                md += ["", "Then, for: \(cell(effect.title))"]
                for (i, step) in effect.remediation.enumerated() { md.append(contentsOf: stepLines(step, number: i + 1)) }
            }
        }
        // A case comment still says what was set aside, so no reader takes it for the whole story.
        if !report.suppressed.isEmpty || !report.expiredSuppressions.isEmpty {
            md += ["", "Suppressed: \(report.suppressed.map { "\(cell($0.finding.title)) (\(cell($0.reason)))" }.joined(separator: "; "))"
                + (report.expiredSuppressions.isEmpty ? "" : "\(report.suppressed.isEmpty ? "" : "; ")\(report.expiredSuppressions.count) expired suppression(s) no longer apply")]
        }
        return md.joined(separator: "\n") + "\n"
    }

    /// Text safe inside a table cell.
    private func cell(_ s: String) -> String {
        s.replacing("|", with: "\\|").replacing("\n", with: " ")
    }

    /// Inline code that survives backticks in the text.
    private func code(_ s: String) -> String {
        let fence = Self.fence(s, least: 1)
        let pad = s.hasPrefix("`") || s.hasSuffix("`") ? " " : ""
        return fence + pad + cell(s) + pad + fence
    }

    /// Backticks longer than any run in the text, so nothing in it closes the code span or block.
    static func fence(_ s: String, least: Int) -> String {
        var longest = 0
        var run = 0
        for c in s.utf8 {
            run = c == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(least, longest + 1))
    }
}

