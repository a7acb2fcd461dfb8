import MustardModel
import MustardRules

/// One self-contained HTML page (`--format html`) for a ticket attachment: inline style and script, nothing
/// fetched (a Content-Security-Policy forbids it), readable offline in a light or dark theme, printable to PDF.
///
/// A header with the input and a verdict; the root causes first with what they lead to; each finding as a card
/// with its evidence table and the fix as copyable commands; each migration's timeline as an SVG chart drawn
/// here (no script needed) with the same entries as a table; passed and skipped rules folded; load issues.
/// Every string comes from the report, so `--redact` covers the page, and every one is escaped: the dump is
/// untrusted. The same report gives the same bytes.
public struct HTMLRenderer: ReportRenderer {
    public init() {}

    public func render(_ report: AnalysisReport) -> String {
        // Markup is escaped below; controls and bidi overrides are shown escaped, as in the other formats.
        let report = report.neutralized()
        let anchors = FindingAnchors(report)
        var body: [String] = []
        body.append(header(report))
        body.append(verdict(report))
        if !report.findings.isEmpty {
            body.append(causeOverview(report, anchors: anchors))
            body.append("<h2 id=\"findings\">Findings</h2>")
            for (index, finding) in report.findings.enumerated() {
                body.append(card(finding, number: index + 1, report: report, anchors: anchors))
            }
        }
        if !report.timelines.isEmpty {
            body.append("<h2 id=\"timelines\">Timeline\(report.timelines.count == 1 ? "" : "s")</h2>")
            for (index, timeline) in report.timelines.enumerated() {
                body.append(self.timeline(timeline, number: index + 1, report: report))
            }
        }
        if !report.suppressed.isEmpty || !report.expiredSuppressions.isEmpty { body.append(suppressions(report)) }
        body.append(rules(report, anchors: anchors))
        if !report.loadIssues.isEmpty { body.append(loadIssues(report)) }
        body.append(
            """
            <footer class="page">\(e(report.tool.name)) \(e(report.tool.version)) · times are UTC · \
            this page loads nothing from the network</footer>
            """)

        // The dump's file name: a local absolute path says nothing to the ticket's readers and leaks the engineer's folders.
        let dumpName = report.input.path.split(separator: "/").last.map(String.init) ?? report.input.path
        let title = "\(report.verdict.headline) — \(dumpName)"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(e(HTMLAssets.contentSecurityPolicy))">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="generator" content="\(e(report.tool.name)) \(e(report.tool.version))">
            <title>mustard: \(e(title))</title>
            <style>
            \(HTMLAssets.css)
            </style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            </main>
            <script>
            \(HTMLAssets.javascript)
            </script>
            </body>
            </html>

            """
    }

    private func e(_ s: String) -> String { htmlEscape(s) }

    // MARK: - Header and verdict

    private func header(_ report: AnalysisReport) -> String {
        let i = report.input
        var facts: [(String, String)] = []
        var gathered = i.gatheredAt.map { "<time datetime=\"\(e($0.description))\">\(e($0.description))</time>" } ?? "unknown"
        if i.gatheredAtSource == .timestampFile, let path = i.gatheredAtPath {
            gathered += " <span class=\"muted\">from</span> <code>\(e(path))</code>"
        } else {
            gathered += " <span class=\"muted\">\(e(i.gatherNote))</span>"
        }
        facts.append(("Gathered", gathered))
        facts.append(
            (
                "Clusters",
                i.clusters.isEmpty
                    ? "<span class=\"muted\">none found</span>" : i.clusters.map { "<code>\(e($0))</code>" }.joined(separator: ", ")
            ))
        let nested = i.nestedArchives == 0 ? "" : ", \(i.nestedArchives) nested archive\(i.nestedArchives == 1 ? "" : "s")"
        facts.append(("Input", "<code>\(e(i.path))</code> <span class=\"muted\">(\(e(i.format)), \(i.entries) entries\(nested))</span>"))
        facts.append(
            ("Layouts", i.layouts.isEmpty ? "<span class=\"muted\">none recognised</span>" : i.layouts.map(e).joined(separator: ", ")))
        let rows = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined(separator: "\n")
        return """
            <header>
            <div class="masthead"><span class="brand">\(e(report.tool.name)) \(e(report.tool.version)) · must-gather report</span></div>
            <h1>\(e(i.path))</h1>
            <dl class="facts">
            \(rows)
            </dl>
            </header>
            """
    }

    private func verdict(_ report: AnalysisReport) -> String {
        let v = report.verdict
        var html: [String] = []
        switch v {
        case .problems(let worst, let counts):
            html.append("<section class=\"verdict sev-\(worst.rawValue)\" id=\"verdict\">")
            html.append("<div class=\"verdict-title\">\(e(v.headline))</div>")
            let badges = counts.map { "<span class=\"badge sev-\($0.severity.rawValue)\">\($0.count) \($0.severity.rawValue)</span>" }
            html.append("<div class=\"counts\">\(badges.joined(separator: " "))</div>")
            let roots = report.causeGroups.count
            html.append(
                "<p>\(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") from \(roots) root cause\(roots == 1 ? "" : "s"), "
                    + "shown first; each finding with its evidence and the fix, in order.</p>")
        case .noProblems(let checked, let skipped):
            html.append("<section class=\"verdict none\" id=\"verdict\">")
            html.append("<div class=\"verdict-title\">\(e(v.headline))</div>")
            let rest = skipped == 0 ? "" : "; \(skipped) skipped for lack of data (listed below)"
            html.append("<p>\(checked) rule\(checked == 1 ? "" : "s") had data and found nothing\(rest).</p>")
        case .missing(let missing, let checked, let skipped):
            html.append("<section class=\"verdict nothing\" id=\"verdict\">")
            html.append("<div class=\"verdict-title\">\(e(v.headline))</div>")
            html.append("<p>\(e(missing.detail)). \(checked) rule\(checked == 1 ? "" : "s") that had data found nothing; \(skipped) skipped. That is not a clean bill of health.</p>")
        case .nothingToDiagnose(let reasons):
            html.append("<section class=\"verdict nothing\" id=\"verdict\">")
            html.append("<div class=\"verdict-title\">\(e(v.headline))</div>")
            html.append("<p>No rule had data to check: \(e(reasons.joined(separator: "; "))). That is not a clean bill of health.</p>")
        }
        for missing in report.missingData {
            if case .problems = v { html.append("<p class=\"banner\" role=\"alert\"><strong>\(e(missing.headline))</strong>: \(e(missing.detail)).</p>") }
            html.append("<p class=\"verify-label\">Ask the customer for:</p>" + command(missing.ask, verify: false))
        }
        if report.isDamaged {
            html.append(
                "<p class=\"banner\" role=\"alert\">The dump is damaged: this report covers only what could be read (see <a href=\"#load-issues\">load issues</a>).</p>"
            )
        }
        if report.hiddenFindings > 0 {
            html.append(
                "<p class=\"note\">\(report.hiddenFindings) finding\(report.hiddenFindings == 1 ? "" : "s") hidden by --min-severity or --namespace.</p>"
            )
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    /// The root causes, each with what it leads to (the text report's grouping): the page's table of contents.
    private func causeOverview(_ report: AnalysisReport, anchors: FindingAnchors) -> String {
        func line(_ f: Finding) -> String {
            "<span class=\"badge sev-\(f.severity.rawValue)\">\(f.severity.rawValue)</span> <a href=\"#\(anchors[f.id] ?? "")\">\(e(f.title))</a>"
        }
        let groups = report.causeGroups
        let items = groups.map { group in
            let effects = group.effects.map { "<li><span class=\"arrow\">↳</span>\(line($0))</li>" }.joined()
            return "<li>\(line(group.root))\(effects.isEmpty ? "" : "<ul>\(effects)</ul>")</li>"
        }
        return """
            <h2 id="root-causes">Root cause\(groups.count == 1 ? "" : "s") first</h2>
            <div class="panel"><ul class="causes">
            \(items.joined(separator: "\n"))
            </ul></div>
            """
    }

    // MARK: - Findings

    /// Evidence rows shown in a card before the rest is folded.
    static let evidenceShown = 3

    private func card(_ f: Finding, number: Int, report: AnalysisReport, anchors: FindingAnchors) -> String {
        let sev = f.severity.rawValue
        let role = !f.causedBy.isEmpty ? "Effect" : f.severity >= .warning || !f.causes.isEmpty ? "Root cause" : "Note"
        var html: [String] = []
        html.append(
            "<article class=\"finding sev-\(sev)\" id=\"\(anchors[f.id] ?? "")\" data-rule=\"\(e(f.rule))\" data-severity=\"\(sev)\">")
        html.append(
            "<div class=\"finding-head\"><span class=\"finding-number\">\(number).</span>"
                + "<span class=\"badge sev-\(sev)\">\(sev)</span><span class=\"tag\">\(role)</span></div>")
        html.append("<h3>\(e(f.title))</h3>")
        var meta = ["<code>\(e(f.rule))</code>"]
        if let cluster = f.cluster { meta.append("cluster <code>\(e(cluster))</code>") }
        meta.append("<code>\(e(f.subject.display))</code>")
        html.append("<p class=\"meta\">\(meta.joined(separator: " · "))</p>")

        var links: [String] = []
        if !f.causedBy.isEmpty { links.append("<p>Caused by: \(linkList(f.causedBy, report: report, anchors: anchors))</p>") }
        if !f.causes.isEmpty { links.append("<p>Leads to: \(linkList(f.causes, report: report, anchors: anchors))</p>") }
        if !f.related.isEmpty {
            links.append("<p>Also involves: \(f.related.map { "<code>\(e($0.display))</code>" }.joined(separator: ", "))</p>")
        }
        if !links.isEmpty { html.append("<div class=\"links\">\(links.joined())</div>") }
        html.append("<p class=\"explanation\">\(e(f.explanation))</p>")

        if !f.remediation.isEmpty {
            html.append("<h4>Fix, in order</h4>")
            html.append("<ol class=\"steps\">")
            for step in f.remediation {
                var li = "<li class=\"step\"><p class=\"step-title\">\(e(step.title))"
                if let cluster = step.cluster { li += " <span class=\"on-cluster\">on cluster <code>\(e(cluster))</code></span>" }
                li += "</p>" + command(step.command, verify: false)
                if let verify = step.verify {
                    li += "<p class=\"verify-label\">Check that it worked:</p>" + command(verify, verify: true)
                    if let expect = step.expect { li += "<p class=\"expect\">Expect: <code>\(e(expect))</code></p>" }
                }
                html.append(li + "</li>")
            }
            html.append("</ol>")
        }
        // The fix comes before the evidence: it is what the reader came for. Three rows of evidence show; the
        // rest are folded.
        if !f.evidence.isEmpty {
            html.append("<h4>Evidence</h4>")
            let header = """
                <table class="evidence"><thead><tr><th class="col-statement">Statement</th><th class="col-path">File in the dump</th>\
                <th class="col-field">Field</th><th class="col-line">Line</th><th class="col-time">Time</th></tr></thead><tbody>
                """
            let rows = f.evidence.map { ev in
                "<tr class=\"evidence-row\"><td>\(e(ev.statement))</td><td>\(path(ev.path))</td>"
                    + "<td>\(ev.field.map { "<code class=\"field\">\(breakable($0, after: "."))</code>" } ?? "")</td><td class=\"nowrap\">\(ev.line.map(String.init) ?? "")</td>"
                    + "<td>\(ev.at.map(time) ?? "")</td></tr>"
            }
            html.append(header)
            html.append(contentsOf: rows.prefix(Self.evidenceShown))
            html.append("</tbody></table>")
            if rows.count > Self.evidenceShown {
                html.append("<details class=\"more-evidence\"><summary>\(rows.count - Self.evidenceShown) more row(s) of evidence</summary>")
                html.append(header)
                html.append(contentsOf: rows.dropFirst(Self.evidenceShown))
                html.append("</tbody></table></details>")
            }
        }

        if !f.references.isEmpty {
            // Plain text, not links: the page must not point outside itself.
            html.append(
                "<div class=\"references\">References:<ul>\(f.references.map { "<li><code>\(e($0))</code></li>" }.joined())</ul></div>")
        }
        html.append("<p class=\"finding-id\">Finding <code>\(e(f.id))</code></p>")
        html.append("</article>")
        return html.joined(separator: "\n")
    }

    private func linkList(_ ids: [String], report: AnalysisReport, anchors: FindingAnchors) -> String {
        ids.map { id in
            guard let target = report.finding(id: id), let anchor = anchors[id] else { return "<code>\(e(id))</code>" }
            return
                "<a href=\"#\(anchor)\"><span class=\"badge sev-\(target.severity.rawValue)\">\(target.severity.rawValue)</span> \(e(target.title))</a>"
        }.joined(separator: "; ")
    }

    /// A shell command in a block of its own with a copy button; the button stays hidden until the script runs.
    private func command(_ text: String, verify: Bool) -> String {
        "<div class=\"command\(verify ? " verify" : "")\"><pre class=\"\(verify ? "verify-command" : "command")\"><code>\(e(text))</code></pre>"
            + "<button class=\"copy\" type=\"button\" aria-label=\"Copy \(verify ? "check " : "")command\" hidden>Copy</button></div>"
    }

    /// A path in the dump: the part before the layout's anchor shortened on screen (it is all there to select,
    /// search and copy, and in the tooltip), so the file's place reads first; breaks allowed after each `/`.
    private func path(_ p: String) -> String {
        for anchor in ["/clusters/", "/migplans/", "/namespaces/", "/cluster-scoped-resources/"] {
            if let r = p.firstRange(of: anchor), r.lowerBound != p.startIndex {
                return "<code class=\"path\" title=\"\(e(p))\"><span class=\"prefix\">\(e(String(p[..<r.lowerBound])))</span>"
                    + "\(breakable(String(p[r.lowerBound...]), after: "/"))</code>"
            }
        }
        return "<code class=\"path\" title=\"\(e(p))\">\(breakable(p, after: "/"))</code>"
    }

    /// Escaped text with a line-break opportunity (`<wbr>`) after each `separator`: paths and field paths wrap
    /// at their joints rather than anywhere.
    private func breakable(_ text: String, after separator: Character) -> String {
        text.split(separator: separator, omittingEmptySubsequences: false).map { e(String($0)) }.joined(separator: "\(separator)<wbr>")
    }

    /// A time as RFC 3339, allowed to wrap between date and time of day.
    private func time(_ t: Timestamp) -> String {
        "<time datetime=\"\(e(t.description))\">\(breakable(t.description, after: "T"))</time>"
    }

    // MARK: - Timelines

    private func timeline(_ t: MigrationTimeline, number: Int, report: AnalysisReport) -> String {
        let id = "timeline-\(number)"
        var html: [String] = []
        html.append("<section class=\"panel timeline\" id=\"\(id)\">")
        html.append("<h3>Migration <code>\(e(t.migration))</code>\(t.plan.map { " of plan <code>\(e($0))</code>" } ?? "")</h3>")
        var meta = ["on cluster <code>\(e(t.cluster))</code>"]
        if !t.namespaces.isEmpty {
            meta.append(
                "namespace\(t.namespaces.count == 1 ? "" : "s") \(t.namespaces.map { "<code>\(e($0))</code>" }.joined(separator: ", "))")
        }
        meta.append("\(t.entries.count) entr\(t.entries.count == 1 ? "y" : "ies")")
        html.append("<p class=\"meta\">\(meta.joined(separator: " · "))</p>")
        let chart = TimelineChart(t, gatheredAt: report.input.gatheredAt, anchorPrefix: id)
        html.append(chart.svg(title: "Timeline of migration \(t.migration)"))
        html.append(TimelineChart.legend)
        html.append("<details class=\"timeline-entries\"><summary>All \(t.entries.count) entries as a table</summary>")
        html.append(
            "<table class=\"timeline-table\"><thead><tr><th>Time (UTC)</th><th>Kind</th><th>What happened</th><th>Where</th></tr></thead><tbody>"
        )
        for (index, entry) in t.entries.enumerated() {
            var place: [String] = []
            if let p = entry.path { place.append(path(p)) }
            if let field = entry.field { place.append("<code class=\"field\">\(breakable(field, after: "."))</code>") }
            if let line = entry.line { place.append("line \(line)") }
            if let cluster = entry.cluster { place.append("<span class=\"muted\">cluster</span> <code>\(e(cluster))</code>") }
            html.append(
                "<tr id=\"\(id)-entry-\(index + 1)\"><td>\(time(entry.at))</td><td class=\"kind\">\(entry.kind.rawValue)</td>"
                    + "<td>\(e(entry.text))</td><td>\(place.joined(separator: " · "))</td></tr>")
        }
        html.append("</tbody></table></details>")
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    // MARK: - Rules and load issues

    private func rules(_ report: AnalysisReport, anchors: FindingAnchors) -> String {
        let withFindings = report.outcomes.filter { $0.status == .findings }
        let passed = report.outcomes.filter { $0.status == .passed }
        let skipped = report.outcomes.filter { $0.status == .skipped }
        var html: [String] = ["<h2 id=\"rules\">Rules</h2>", "<div class=\"panel rules\">"]
        html.append(
            "<p class=\"meta\">\(report.outcomes.count) rules: \(withFindings.count) with findings, \(passed.count) passed, \(skipped.count) skipped.</p>"
        )
        if !withFindings.isEmpty {
            let links = withFindings.map { o -> String in
                let first = report.findings.first { $0.rule == o.rule }.flatMap { anchors[$0.id] }
                return first.map { "<a href=\"#\($0)\"><code>\(e(o.rule))</code></a>" } ?? "<code>\(e(o.rule))</code>"
            }
            html.append("<p>With findings: \(links.joined(separator: ", "))</p>")
        }
        func folded(_ outcomes: [RuleOutcome], _ label: String, id: String) -> String {
            let rows = outcomes.map {
                "<tr><td><code>\(e($0.rule))</code></td><td class=\"status status-\($0.status.rawValue)\">\($0.status.rawValue)</td><td>\(e($0.reason ?? ""))</td></tr>"
            }
            return """
                <details id="\(id)"><summary>\(outcomes.count) \(label)</summary>
                <table><thead><tr><th>Rule</th><th>Outcome</th><th>\(label == "passed" ? "What it checked" : "Why")</th></tr></thead><tbody>
                \(rows.joined(separator: "\n"))
                </tbody></table></details>
                """
        }
        if !passed.isEmpty { html.append(folded(passed, "passed", id: "rules-passed")) }
        if !skipped.isEmpty { html.append(folded(skipped, "skipped", id: "rules-skipped")) }
        html.append("</div>")
        return html.joined(separator: "\n")
    }

    /// Suppressed findings folded away with their reasons; expired suppressions said openly (they no longer apply).
    private func suppressions(_ report: AnalysisReport) -> String {
        var html = ["<h2 id=\"suppressed\">Suppressed</h2>", "<div class=\"panel\">"]
        for x in report.expiredSuppressions { html.append("<p class=\"banner\">Expired: \(e(x.line))</p>") }
        if !report.suppressed.isEmpty {
            let rows = report.suppressed.map { s in
                "<tr><td>\(e(s.finding.severity.rawValue))</td><td>\(e(s.finding.title))</td><td><code>\(e(s.finding.rule))</code></td>"
                    + "<td>\(e(s.reason))</td><td><code>\(e(s.source))</code>\(s.expires.map { " until \(e($0))" } ?? "")</td></tr>"
            }
            html.append("""
                <details id="suppressed-findings"><summary>\(report.suppressed.count) suppressed finding(s): not counted in the verdict</summary>
                <table><thead><tr><th>Severity</th><th>Finding</th><th>Rule</th><th>Reason</th><th>Suppression</th></tr></thead><tbody>
                \(rows.joined(separator: "\n"))
                </tbody></table></details>
                """)
        }
        html.append("</div>")
        return html.joined(separator: "\n")
    }

    private func loadIssues(_ report: AnalysisReport) -> String {
        // Damaged first: they say what the report could not see.
        let issues = report.loadIssues.filter { $0.severity != .info }.sorted {
            ($0.damaged ? 0 : 1, $0.severity) < ($1.damaged ? 0 : 1, $1.severity)
        }
        let info = report.loadIssues.filter { $0.severity == .info }
        func table(_ list: [LoadIssue]) -> String {
            let rows = list.map { l in
                "<tr class=\"issue\(l.damaged ? " issue-damaged" : "")\"><td class=\"nowrap\">\(l.severity.rawValue)\(l.damaged ? " · <strong>data lost</strong>" : "")</td>"
                    + "<td>\(path(l.path))</td><td>\(e(l.message))</td></tr>"
            }
            return
                "<table class=\"issues\"><thead><tr><th>Severity</th><th>File</th><th>Message</th></tr></thead><tbody>\n\(rows.joined(separator: "\n"))\n</tbody></table>"
        }
        var html = ["<h2 id=\"load-issues\">Load issues</h2>", "<div class=\"panel\">"]
        let damaged = report.loadIssues.filter(\.damaged).count
        if damaged > 0 {
            html.append(
                "<p class=\"banner\">\(damaged) file\(damaged == 1 ? "" : "s") could not be read whole: the findings cover only what was read.</p>"
            )
        }
        if !issues.isEmpty { html.append(table(issues)) }
        if !info.isEmpty {
            html.append("<details><summary>\(info.count) informational</summary>\n\(table(info))\n</details>")
        }
        html.append("</div>")
        return html.joined(separator: "\n")
    }
}

// MARK: - Shared pieces

/// FindingAnchors for the findings' cards: `finding-1`, `finding-2`… in report order. Ids come from the dump, so they
/// are never used as anchors themselves.
struct FindingAnchors {
    private let byID: [String: String]

    init(_ report: AnalysisReport) {
        var map: [String: String] = [:]
        for (index, f) in report.findings.enumerated() where map[f.id] == nil { map[f.id] = "finding-\(index + 1)" }
        byID = map
    }

    subscript(id: String) -> String? { byID[id] }
}

/// Text made safe for HTML: in element content and in attribute values (single- or double-quoted) alike.
/// Control characters other than tab and line breaks become U+FFFD.
func htmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        case "\u{0}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
