import MustardModel
import MustardRules

/// The terminal report: a verdict, root causes first, each with its fix; short unless `verbose`.
public struct TextRenderer: ReportRenderer {
    public var color: Bool
    public var verbose: Bool
    public var timeline: Bool
    /// Columns prose is wrapped to (the terminal's width); words and commands are never broken.
    public var width: Int

    /// Prose wraps within 40 to 200 columns whatever the terminal says: narrower leaves no room after the
    /// indentation, wider is hard to read.
    public static let widths = 40...200

    public init(color: Bool = false, verbose: Bool = false, timeline: Bool = false, width: Int = 100) {
        self.color = color
        self.verbose = verbose
        self.timeline = timeline
        self.width = min(max(width, Self.widths.lowerBound), Self.widths.upperBound)
    }

    public func render(_ report: AnalysisReport) -> String {
        // Nothing from the dump reaches the terminal raw: only this renderer's own colour codes are escapes.
        let report = report.neutralized()
        var out = header(report)
        out.append("")
        out.append(wrap(verdict(report), indent: "", hanging: "  "))
        for missing in report.missingData {
            if case .problems = report.verdict {
                out.append(wrap(paint("\(missing.headline):", code: "33") + " \(missing.detail).", indent: "", hanging: "  "))
            }
            out.append("Ask the customer for:")
            out.append("  " + paint(missing.ask, code: "36"))
        }
        if report.isDamaged {
            out.append(paint("! The dump is damaged: this report covers only what could be read (see load issues).", code: "33"))
        }
        out.append(contentsOf: verbose ? details(report) : summary(report))
        if report.hiddenFindings > 0 {
            out.append("")
            out.append("\(report.hiddenFindings) finding(s) hidden by --min-severity or --namespace.")
        }
        if timeline { out.append(contentsOf: timelines(report)) }
        out.append(contentsOf: suppressions(report))
        out.append("")
        out.append(contentsOf: outcomes(report))
        out.append(contentsOf: loadIssues(report))
        if !verbose, !report.findings.isEmpty {
            out.append("")
            out.append(styledLines(wrap("All evidence, explanations and checks: --verbose. Timeline: --timeline. For a ticket: -f markdown or -f html.", indent: ""), dim))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func header(_ report: AnalysisReport) -> [String] {
        let input = report.input
        let nested = input.nestedArchives > 0 ? ", \(input.nestedArchives) nested archive\(input.nestedArchives == 1 ? "" : "s")" : ""
        var lines = [bold("mustard \(report.tool.version)") + wrap(" — \(input.path) (\(input.format), \(input.entries) entries\(nested))", indent: "", hanging: "  ", first: 8 + report.tool.version.count)]
        let clusters = input.clusters.isEmpty ? "none found" : input.clusters.joined(separator: ", ")
        lines.append(wrap("Gathered \(input.gatheredAt.map(\.description) ?? "at an unknown time")\(input.gatherNote) · clusters: \(clusters)", indent: "", hanging: "  "))
        if verbose { lines.append(wrap("Layouts: \(input.layouts.isEmpty ? "none recognised" : input.layouts.joined(separator: ", "))", indent: "", hanging: "  ")) }
        return lines
    }

    // MARK: One screen: each root cause with what it leads to and its fix

    /// Root causes shown with their fix; more are listed one line each so the report stays one screen.
    static let rootsInFull = 3

    private func summary(_ report: AnalysisReport) -> [String] {
        var lines: [String] = []
        let groups = report.causeGroups
        for (index, group) in groups.enumerated() {
            let root = group.root
            lines.append("")
            guard index < Self.rootsInFull else {
                if index == Self.rootsInFull { lines.append(bold("Also:")) }
                lines.append(wrap("\(mark(root.severity)) \(root.title) (\(root.rule)\(group.effects.isEmpty ? "" : ", leads to \(group.effects.count) more"))", indent: "  ", hanging: "    "))
                continue
            }
            // An informational note that leads nowhere is not a "cause" of anything.
            let kind = root.severity >= .warning || !group.effects.isEmpty ? "Root cause" : "Note"
            let label = groups.count == 1 ? kind : "\(kind) \(index + 1)"
            lines.append(styledLines(wrap("\(label): \(mark(root.severity)) \(root.title)", indent: "", hanging: "  ")) {
                paint(bold($0), code: Self.colorCode(root.severity))
            })
            lines.append(styledLines(wrap("\(root.rule) · \(root.subject.display)\(root.cluster.map { " · cluster \($0)" } ?? "")", indent: "  "), dim))
            if let first = root.evidence.first {
                lines.append(wrap("Evidence: " + first.statement, indent: "  ", hanging: "            "))
                lines.append("            " + dim(location(first)) + (root.evidence.count > 1 ? dim("  (+\(root.evidence.count - 1) more)") : ""))
            }
            for effect in group.effects {
                lines.append(wrap("Leads to: \(mark(effect.severity)) \(effect.title)", indent: "  ", hanging: "            "))
            }
            if !root.remediation.isEmpty {
                lines.append("  Fix, in order:")
                lines.append(contentsOf: steps(root.remediation, checks: false))
            }
            // An effect's own steps (an application left scaled down) are not covered by fixing the cause.
            for effect in group.effects where !effect.remediation.isEmpty {
                lines.append(wrap("Then, for: \(effect.title)", indent: "  ", hanging: "             "))
                lines.append(contentsOf: steps(effect.remediation, checks: false))
            }
        }
        return lines
    }

    // MARK: --verbose: every finding in full

    private func details(_ report: AnalysisReport) -> [String] {
        var lines: [String] = []
        for (index, finding) in report.findings.enumerated() {
            lines.append("")
            lines.append(contentsOf: render(finding, number: index + 1, report: report))
        }
        return lines
    }

    private func timelines(_ report: AnalysisReport) -> [String] {
        var lines: [String] = []
        for t in report.timelines {
            lines.append("")
            lines.append(bold("Timeline of migration \(t.migration)\(t.plan.map { " (plan \($0))" } ?? ""):"))
            for e in t.entries {
                lines.append(wrap("\(e.at)  \(e.text)", indent: "  ", hanging: "                        "))
                if verbose, let path = e.path { lines.append("                        " + dim(path + (e.line.map { ":\($0)" } ?? ""))) }
            }
        }
        return lines
    }

    private func loadIssues(_ report: AnalysisReport) -> [String] {
        let shown = report.loadIssues.filter { verbose || $0.severity != .info }
        guard !shown.isEmpty else { return [] }
        let limit = verbose ? Int.max : 5
        var lines = ["", bold("Load issues (\(shown.count)):")]
        for issue in shown.prefix(limit) {
            lines.append(wrap("\(issue.severity.rawValue): \(issue.path): \(issue.message)", indent: "  ", hanging: "    "))
        }
        if shown.count > limit { lines.append("  … \(shown.count - limit) more (--verbose)") }
        return lines
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

    private func verdict(_ report: AnalysisReport) -> String {
        switch report.verdict {
        case .nothingToDiagnose(let reasons):
            return paint("Nothing to diagnose:", code: "33") + " no rule had data to check (\(reasons.joined(separator: "; ")))."
        case .noProblems(let checked, let skipped):
            return paint(color ? "✔ No problems found" : "No problems found", code: "32") + " by \(checked) rule(s) that had data; \(skipped) skipped for lack of data."
        case .missing(let missing, let checked, let skipped):
            return paint("\(missing.headline):", code: "33") + " \(missing.detail). \(checked) rule(s) that had data found nothing; \(skipped) skipped."
        case .problems(let worst, let counts):
            let total = counts.reduce(0) { $0 + $1.count }
            let roots = report.causeGroups.count
            return paint(bold("\(worst.rawValue.uppercased()):"), code: Self.colorCode(worst))
                + " \(total) finding(s) (\(counts.map { "\($0.count) \($0.severity.rawValue)" }.joined(separator: ", "))) from \(roots) root cause\(roots == 1 ? "" : "s")."
        }
    }

    private func render(_ f: Finding, number: Int, report: AnalysisReport) -> [String] {
        var lines: [String] = []
        lines.append(styledLines(wrap("\(number). \(mark(f.severity)) \(f.title)", indent: "", hanging: "   ")) {
            paint(bold($0), code: Self.colorCode(f.severity))
        })
        lines.append(wrap("\(f.rule) · cluster \(f.cluster ?? "-") · \(f.subject.display)", indent: "   "))
        for cause in f.causedBy { lines.append(wrap("Caused by: \(report.finding(id: cause)?.title ?? cause)", indent: "   ", hanging: "     ")) }
        lines.append(wrap(f.explanation, indent: "   "))
        if !f.evidence.isEmpty {
            lines.append("   Evidence:")
            for e in f.evidence {
                lines.append(wrap("- " + e.statement, indent: "     ", hanging: "       "))
                lines.append("       " + dim(location(e)))
            }
        }
        if !f.remediation.isEmpty {
            lines.append("   Fix, in order:")
            lines.append(contentsOf: steps(f.remediation, checks: true))
        }
        return lines
    }

    /// Numbered fix steps with their commands, and with `checks` the commands that verify them.
    private func steps(_ steps: [RemediationStep], checks: Bool) -> [String] {
        var lines: [String] = []
        for (i, step) in steps.enumerated() {
            lines.append(wrap("\(i + 1). \(step.title)\(step.cluster.map { " [on cluster \($0)]" } ?? "")", indent: "     ", hanging: "        "))
            for command in step.command.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("        " + paint(String(command), code: "36")) }
            if checks, let verify = step.verify {
                lines.append("        " + dim("check:"))
                for line in verify.split(separator: "\n") { lines.append("        " + dim(String(line))) }
                if let expect = step.expect { lines.append("        " + dim("expect: \(expect)")) }
            }
        }
        return lines
    }

    /// Where a piece of evidence is in the dump; full path with --verbose.
    private func location(_ e: Evidence) -> String {
        "\(verbose ? e.path : Self.shortPath(e.path))\(e.field.map { " [\($0)]" } ?? "")\(e.line.map { ":\($0)" } ?? "")"
    }

    /// One line per suppressed finding and per expired suppression: set aside, never silently gone.
    private func suppressions(_ report: AnalysisReport) -> [String] {
        guard !report.suppressed.isEmpty || !report.expiredSuppressions.isEmpty else { return [] }
        var lines = [""]
        for s in report.suppressed {
            lines.append(wrap(
                "Suppressed: [\(s.finding.severity.rawValue.uppercased())] \(s.finding.title) (\(s.finding.rule)) — \(s.reason) (\(s.source)\(s.expires.map { ", until \($0)" } ?? ""))",
                indent: "", hanging: "  "))
        }
        for e in report.expiredSuppressions { lines.append(wrap("Expired: \(e.line)", indent: "", hanging: "  ")) }
        return lines
    }

    private func outcomes(_ report: AnalysisReport) -> [String] {
        let passed = report.outcomes.filter { $0.status == .passed }
        let skipped = report.outcomes.filter { $0.status == .skipped }
        let withFindings = report.outcomes.count - passed.count - skipped.count
        var lines = [bold("Rules:") + " \(withFindings) with findings, \(passed.count) passed, \(skipped.count) skipped"]
        if verbose {
            for o in passed { lines.append(wrap("\(o.rule)\(o.reason.map { ": \($0)" } ?? "")", indent: "  passed  ", hanging: "          ")) }
            for o in skipped { lines.append(wrap("\(o.rule): \(o.reason ?? "")", indent: "  skipped ", hanging: "          ")) }
        } else if !skipped.isEmpty {
            // Skipped rules by reason: "no data" must stay visible, it is not a pass.
            var byReason: [String: Int] = [:]
            for o in skipped { byReason[o.reason ?? "no reason given", default: 0] += 1 }
            let reasons = byReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append(wrap("skipped: " + reasons.map { "\($0.key) (\($0.value))" }.joined(separator: "; "), indent: "  ", hanging: "           "))
        }
        return lines
    }

    /// `✖ CRITICAL` on a terminal, `[CRITICAL]` in a file or pipe.
    private func mark(_ s: Severity) -> String {
        guard color else { return "[\(s.rawValue.uppercased())]" }
        let symbol = switch s {
        case .critical, .error: "✖"
        case .warning: "▲"
        case .info: "●"
        }
        return "\(symbol) \(s.rawValue.uppercased())"
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

    /// Each line styled apart, so that a colour never runs on past a line's end.
    private func styledLines(_ text: String, _ style: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { style(String($0)) }.joined(separator: "\n")
    }

    /// Wraps prose at `width` columns, between words only; a word longer than a line (a path, an image) stays whole.
    /// Colour codes take no column; `first` columns are taken before the text on its first line.
    private func wrap(_ text: String, indent: String, hanging: String? = nil, first: Int = 0) -> String {
        var lines: [String] = []
        var current = indent
        var columns = indent.count + first
        let next = hanging ?? indent
        for word in text.split(separator: " ") {
            let lineStart = lines.isEmpty ? indent : next
            let wordColumns = Self.columns(word)
            if columns + wordColumns + 1 > width, columns > lineStart.count {
                lines.append(current)
                current = next + word
                columns = next.count + wordColumns
            } else {
                let space = columns > lineStart.count
                current += (space ? " " : "") + word
                columns += (space ? 1 : 0) + wordColumns
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// The columns a word takes on a terminal: characters, less `ESC[…m` colour codes.
    static func columns(_ word: Substring) -> Int {
        var count = 0
        var inEscape = false
        for c in word.unicodeScalars {
            if inEscape { if c == "m" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            count += 1
        }
        return count
    }
}
