import MustardModel
import MustardRules

/// The terminal report: a verdict, root causes first, each with its fix; short unless `verbose`.
public struct TextRenderer: ReportRenderer {
    public var color: Bool
    public var verbose: Bool
    public var timeline: Bool

    public init(color: Bool = false, verbose: Bool = false, timeline: Bool = false) {
        self.color = color
        self.verbose = verbose
        self.timeline = timeline
    }

    public func render(_ report: AnalysisReport) -> String {
        var out: [String] = []
        let input = report.input
        out.append(bold("mustard \(report.tool.version)") + " — \(input.path) (\(input.format), \(input.entries) entries\(input.nestedArchives > 0 ? ", \(input.nestedArchives) nested archive(s)" : ""))")
        out.append("Gathered \(input.gatheredAt.map(\.description) ?? "at an unknown time")\(Self.gatherNote(input))")
        out.append("Clusters: \(input.clusters.isEmpty ? "none found" : input.clusters.joined(separator: ", "))   Layouts: \(input.layouts.isEmpty ? "none recognised" : input.layouts.joined(separator: ", "))")
        out.append("")
        out.append(verdict(report))
        if report.isDamaged {
            out.append(paint("! The dump is damaged: this report covers only what could be read (see load issues).", code: "33"))
        }
        for (index, finding) in report.findings.enumerated() {
            out.append("")
            out.append(contentsOf: render(finding, number: index + 1, report: report))
        }
        if report.hiddenFindings > 0 {
            out.append("")
            out.append("\(report.hiddenFindings) finding(s) hidden by --min-severity or --namespace.")
        }
        if timeline {
            for t in report.timelines {
                out.append("")
                out.append(bold("Timeline of migration \(t.migration)\(t.plan.map { " (plan \($0))" } ?? ""):"))
                for e in t.entries {
                    out.append(wrap("\(e.at)  \(e.text)", indent: "  ", hanging: "                        "))
                    if verbose, let path = e.path { out.append("                        " + dim(path + (e.line.map { ":\($0)" } ?? ""))) }
                }
            }
        }
        out.append("")
        out.append(contentsOf: outcomes(report))
        let shownIssues = report.loadIssues.filter { verbose || $0.severity != .info }
        if !shownIssues.isEmpty {
            out.append("")
            out.append(bold("Load issues (\(shownIssues.count)):"))
            for issue in shownIssues.prefix(verbose ? .max : 10) {
                out.append("  \(issue.severity.rawValue): \(issue.path): \(issue.message)")
            }
            if !verbose, shownIssues.count > 10 { out.append("  … \(shownIssues.count - 10) more (--verbose)") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A path short enough for a terminal: from the layout anchor on, when the full one is long.
    /// Markdown and JSON always carry the full path.
    static func shortPath(_ path: String) -> String {
        guard path.count > 90 else { return path }
        for anchor in ["/clusters/", "/migplans/", "/namespaces/", "/cluster-scoped-resources/"] {
            if let r = path.firstRange(of: anchor) { return "…" + path[r.lowerBound...] }
        }
        return path
    }

    static func gatherNote(_ input: AnalysisReport.Input) -> String {
        switch input.gatheredAtSource {
        case "timestamp-file": return ""
        case "newest-time-in-dump": return " (no timestamp file: the newest time in the dump is used as \"now\")"
        default: return " (no time in the dump: time-based rules are skipped)"
        }
    }

    private func verdict(_ report: AnalysisReport) -> String {
        guard let worst = report.worstSeverity else {
            let skipped = report.outcomes.filter { $0.status == .skipped }
            if skipped.count == report.outcomes.count {
                let reasons = Set(skipped.compactMap(\.reason)).sorted().joined(separator: "; ")
                return paint("Nothing to diagnose:", code: "33") + " no rule had data to check (\(reasons))."
            }
            return paint("No problems found", code: "32") + " by \(report.outcomes.count - skipped.count) rule(s) that had data; \(skipped.count) skipped for lack of data."
        }
        let counts = Severity.allCases.compactMap { s in report.count(s) > 0 ? "\(report.count(s)) \(s.rawValue)" : nil }
        return paint(bold("\(worst.rawValue.uppercased()):"), code: Self.colorCode(worst)) + " \(report.findings.count) finding(s) (\(counts.joined(separator: ", "))); root cause first."
    }

    private func render(_ f: Finding, number: Int, report: AnalysisReport) -> [String] {
        var lines: [String] = []
        lines.append(paint(bold("\(number). [\(f.severity.rawValue.uppercased())] \(f.title)"), code: Self.colorCode(f.severity)))
        lines.append("   \(f.rule) · cluster \(f.cluster ?? "-") · \(f.subject.display)")
        for cause in f.causedBy { lines.append("   Caused by: \(report.finding(id: cause)?.title ?? cause)") }
        if verbose || f.causedBy.isEmpty { lines.append(wrap(f.explanation, indent: "   ")) }
        let evidence = verbose ? f.evidence : Array(f.evidence.prefix(4))
        if !evidence.isEmpty {
            lines.append("   Evidence:")
            for e in evidence {
                lines.append(wrap("- " + e.statement, indent: "     ", hanging: "       "))
                lines.append("       " + dim("\(verbose ? e.path : Self.shortPath(e.path))\(e.field.map { " [\($0)]" } ?? "")\(e.line.map { ":\($0)" } ?? "")"))
            }
            if f.evidence.count > evidence.count { lines.append("     … \(f.evidence.count - evidence.count) more (--verbose)") }
        }
        if !f.remediation.isEmpty {
            lines.append("   Fix, in order:")
            for (i, step) in f.remediation.enumerated() {
                lines.append(wrap("\(i + 1). \(step.title)\(step.cluster.map { " [on cluster \($0)]" } ?? "")", indent: "     ", hanging: "        "))
                for command in step.command.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("        " + paint(String(command), code: "36")) }
                if let verify = step.verify {
                    lines.append("        " + dim("check:"))
                    for line in verify.split(separator: "\n") { lines.append("        " + dim(String(line))) }
                }
            }
        }
        return lines
    }

    private func outcomes(_ report: AnalysisReport) -> [String] {
        let passed = report.outcomes.filter { $0.status == .passed }
        let skipped = report.outcomes.filter { $0.status == .skipped }
        var lines = [bold("Rules:") + " \(report.outcomes.count - passed.count - skipped.count) with findings, \(passed.count) passed, \(skipped.count) skipped"]
        if verbose {
            for o in passed { lines.append("  passed  \(o.rule)\(o.reason.map { ": \($0)" } ?? "")") }
        } else if !passed.isEmpty {
            lines.append(wrap("passed: " + passed.map(\.rule).joined(separator: ", "), indent: "  ", hanging: "          "))
        }
        for o in skipped { lines.append("  skipped \(o.rule): \(o.reason ?? "")") }
        return lines
    }

    private static func colorCode(_ s: Severity) -> String {
        switch s {
        case .critical: return "1;31"
        case .error: return "31"
        case .warning: return "33"
        case .info: return "34"
        }
    }

    private func paint(_ s: String, code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    private func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[22m" : s }
    private func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[22m" : s }

    /// Wraps prose at 100 columns.
    private func wrap(_ text: String, indent: String, hanging: String? = nil) -> String {
        var lines: [String] = []
        var current = indent
        let next = hanging ?? indent
        for word in text.split(separator: " ") {
            let lineStart = lines.isEmpty ? indent : next
            if current.count + word.count + 1 > 100, current.count > lineStart.count {
                lines.append(current)
                current = next + word
            } else {
                current += (current.count > lineStart.count ? " " : "") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }
}
