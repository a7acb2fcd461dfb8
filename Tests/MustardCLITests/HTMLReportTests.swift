import Foundation
import MustardKit
import MustardModel
import MustardReport
import MustardRules
import MustardTestSupport
import Testing

/// `--format html` as a page: hostile strings escaped everywhere, the same bytes for the same report, one card
/// per finding with working links, a chart per timeline, and nothing that points outside the page.
@Suite("HTML report")
struct HTMLReportTests {
    static let samples = [TestSupport.sample("stage-image-stuck.tar.gz"), TestSupport.sample("healthy-migration.tar.gz")]

    /// Closes an attribute, opens a script, an image with a handler and a link out; `&amp;` must stay text.
    static let hostile = #"x"'><script>alert('pwned')</script><img src=x onerror=alert(1)><a href="https://evil.example/">&amp;"#

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Every attribute name the renderer writes: anything else in a tag came from the dump.
    static let attributeNames: Set<String> = [
        "lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title", "datetime", "role", "aria-label",
        "aria-hidden", "data-rule", "data-severity", "type", "hidden", "viewbox", "width", "height", "x", "y", "x1", "y1", "x2",
        "y2", "cx", "cy", "r", "rx", "d", "text-anchor",
    ]

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// Every start tag of the page, e.g. `<a href="#finding-1">`.
    static func tags(_ html: String) -> [String] { html.matches(of: #/<[a-zA-Z][^<>]*>/#).map { String($0.output) } }

    /// The attributes of the page's tags as a browser reads them: `name="value"`, `name='value'`, `name=value`
    /// or a bare `name`. Text inside a quoted value is not an attribute, whatever it looks like.
    static func attributes(_ html: String) -> [(name: String, value: String)] {
        tags(html).flatMap { tag in
            let body = tag.dropFirst().drop { $0.isLetter || $0.isNumber || $0 == "-" }.dropLast()
            return body.matches(of: #/([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/#).map { m in
                (String(m.output.1).lowercased(), String(m.output.2 ?? m.output.3 ?? m.output.4 ?? ""))
            }
        }
    }

    /// A report with the hostile string in every text it carries, from the input line to the load issues.
    static func hostileReport() throws -> AnalysisReport {
        let h = hostile
        let at = try #require(Timestamp(rfc3339: "2026-11-20T09:14:06Z"))
        let gathered = try #require(Timestamp(rfc3339: "2026-11-20T13:33:47Z"))
        let cause = Finding(
            id: "rule/a#\(h)", rule: "mtc/\(h)", severity: .critical, title: "Title \(h)", cluster: "cluster \(h)",
            subject: ResourceRef(kind: "ConfigMap\(h)", namespace: "ns\(h)", name: "name\(h)"),
            related: [ResourceRef(kind: "Pod", namespace: "ns", name: "related\(h)")],
            explanation: "Explanation \(h)",
            evidence: [Evidence("Statement \(h)", path: "dump/\(h)/clusters/c/\(h).yaml", field: "items[0].\(h)", line: 7, at: at)],
            remediation: [RemediationStep(title: "Step \(h)", cluster: "on \(h)", command: "oc get \(h)", verify: "oc verify \(h)")],
            references: ["https://docs.example/\(h)"])
        let effect = Finding(
            id: "rule/b#\(h)", rule: "mtc/effect", severity: .error, title: "Effect \(h)", cluster: nil,
            subject: ResourceRef(kind: "MigMigration", namespace: nil, name: "m\(h)"), explanation: "Because \(h)",
            evidence: [Evidence("Effect statement \(h)", path: "p\(h)")], causedBy: ["rule/a#\(h)"])
        let entries = [
            TimelineEntry(
                at: at, kind: .step, text: "Step \(h) started", cluster: "c\(h)", path: "t\(h)", field: "status.pipeline[0].started",
                line: nil, fact: .step(index: 0, name: "Step\(h)", end: .started)),
            TimelineEntry(
                at: at, kind: .event, text: "Event Warning \(h)", cluster: nil, path: "e\(h)", field: "items[1]", line: nil,
                fact: .event(warning: true)),
            TimelineEntry(at: at.adding(seconds: 30), kind: .log, text: "Log \(h)", cluster: nil, path: "l\(h)", field: nil, line: 3),
            TimelineEntry(at: gathered, kind: .gathered, text: "Gathered \(h)", cluster: nil, path: nil, field: nil, line: nil),
        ]
        return AnalysisReport(
            tool: .init(name: "mustard", version: "0.1.0"),
            input: .init(
                path: "case\(h).tar.gz", format: "tar.gz", gatheredAt: gathered, gatheredAtSource: .timestampFile,
                gatheredAtPath: "ts\(h)", layouts: ["layout\(h)"], clusters: ["cluster\(h)"], entries: 3, nestedArchives: 1),
            findings: RuleEngine.linkAndOrder([effect, cause]),
            outcomes: [
                RuleOutcome(rule: "mtc/\(h)", status: .findings, reason: nil),
                RuleOutcome(rule: "ok\(h)", status: .passed, reason: "checked \(h)"),
                RuleOutcome(rule: "skip\(h)", status: .skipped, reason: "no data \(h)"),
            ],
            loadIssues: [LoadIssue(path: "broken\(h).tar.gz", severity: .error, message: "truncated \(h)", damaged: true)],
            timelines: [
                MigrationTimeline(migration: "mig\(h)", plan: "plan\(h)", cluster: "host\(h)", namespaces: ["ns\(h)"], entries: entries)
            ],
            hiddenFindings: 1)
    }

    @Test("Strings from the dump are escaped in text and in attributes: no tag, handler or link of theirs survives")
    func hostileStringsAreEscaped() throws {
        let html = HTMLRenderer().render(try Self.hostileReport())
        // The page's own script is the only one; no image and no handler anywhere.
        #expect(Self.count("<script", in: html.lowercased()) == 1)
        #expect(!html.lowercased().contains("<img"))
        let names = Set(Self.attributes(html).map(\.name))
        #expect(names.isSubset(of: Self.attributeNames), "\(names.subtracting(Self.attributeNames))")
        #expect(!names.contains { $0.hasPrefix("on") })
        // Every link stays in the page, and the hostile link is text.
        let links = Self.attributes(html).filter { $0.name == "href" }
        #expect(!links.isEmpty && links.allSatisfy { $0.value.hasPrefix("#") }, "\(links)")
        // The text is kept, escaped, wherever the report carries it (title, statement, path, command, timeline…).
        let escaped =
            "x&quot;&#39;&gt;&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
            + "&lt;a href=&quot;https://evil.example/&quot;&gt;&amp;amp;"
        #expect(Self.count(escaped, in: html) >= 30, "\(Self.count(escaped, in: html))")
        for text in [
            "Title ", "Statement ", "oc get ", "oc verify ", "Step ", "Explanation ", "Log ", "truncated ", "checked ", "no data ",
        ] {
            #expect(html.contains(text + escaped), "\(text) is not escaped as text")
        }
        // In attributes too: the tooltip of a path, the aria label of the chart.
        #expect(html.contains("title=\"dump/\(escaped)/clusters/c/\(escaped).yaml\""))
        #expect(html.contains("aria-label=\"Timeline of migration mig\(escaped)\""))
        // Anchors never come from the dump.
        let ids = Self.attributes(html).filter { $0.name == "id" }.map(\.value)
        #expect(ids.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }, "\(ids)")
    }

    @Test("Root causes first, effects linked both ways; damaged dumps, hidden findings and every verdict shown")
    func structureAndVerdicts() throws {
        let report = try Self.hostileReport()
        let html = HTMLRenderer().render(report)
        #expect(report.findings.map(\.severity) == [.critical, .error])
        #expect(Self.count("<article class=\"finding", in: html) == 2)
        let cause = try #require(html.firstRange(of: "id=\"finding-1\""))
        let effect = try #require(html.firstRange(of: "id=\"finding-2\""))
        #expect(cause.lowerBound < effect.lowerBound)
        let effectCard = String(html[effect.lowerBound...].prefix(4000))
        #expect(effectCard.contains("Caused by: <a href=\"#finding-1\">"))
        let causeCard = String(html[cause.lowerBound..<effect.lowerBound])
        #expect(causeCard.contains("Leads to: <a href=\"#finding-2\">"))
        #expect(html.contains("The dump is damaged") && html.contains("data lost"))
        #expect(html.contains("1 finding hidden by --min-severity or --namespace."))
        #expect(html.contains("CRITICAL: 2 findings"))

        func empty(_ outcomes: [RuleOutcome]) -> AnalysisReport {
            AnalysisReport(
                tool: .init(name: "mustard", version: "0.1.0"),
                input: .init(
                    path: "x", format: "folder", gatheredAt: nil, gatheredAtSource: .unknown, gatheredAtPath: nil,
                    layouts: [], clusters: [], entries: 1, nestedArchives: 0),
                findings: [], outcomes: outcomes, loadIssues: [])
        }
        let nothing = HTMLRenderer().render(empty([RuleOutcome(rule: "a", status: .skipped, reason: "no MTC resources in the dump")]))
        #expect(
            nothing.contains("Nothing to diagnose") && nothing.contains("no MTC resources in the dump")
                && !nothing.contains("No problems found"))
        #expect(nothing.contains("no time in the dump: time-based rules are skipped"))
        let clean = HTMLRenderer().render(
            empty([RuleOutcome(rule: "a", status: .passed, reason: "ok"), RuleOutcome(rule: "b", status: .skipped, reason: "x")]))
        #expect(clean.contains("No problems found") && clean.contains("1 rule had data and found nothing; 1 skipped"))
        #expect(!clean.contains("<article"))
    }

    @Test("The samples: one card per finding, every link lands, a chart per timeline, rules folded", arguments: samples)
    func samplePages(dump: String) throws {
        let run = try TestSupport.mustard(["analyze", dump, "-f", "html"])
        #expect([0, 1].contains(run.code), "\(run.stderr)")
        let html = run.stdout
        let json = try Self.json(try TestSupport.mustard(["analyze", dump, "-f", "json"]).stdout)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let timelines = try #require(json["timeline"] as? [[String: Any]])

        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"))
        #expect(Self.count("<article class=\"finding", in: html) == findings.count)
        for (index, finding) in findings.enumerated() {
            #expect(html.contains("<article class=\"finding sev-\(finding["severity"] as! String)\" id=\"finding-\(index + 1)\""))
        }
        // Every in-page link has its target.
        let ids = Set(Self.attributes(html).filter { $0.name == "id" }.map(\.value))
        let targets = Self.attributes(html).filter { $0.name == "href" }.map { String($0.value.dropFirst()) }
        #expect(!targets.isEmpty && targets.allSatisfy(ids.contains), "\(targets.filter { !ids.contains($0) })")
        // A chart per timeline: a bar per started pipeline step, a mark per other entry, each linked to its row.
        #expect(Self.count("<svg class=\"chart\"", in: html) == timelines.count)
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        for (index, (chart, timeline)) in zip(charts, timelines).enumerated() {
            let entries = try #require(timeline["entries"] as? [[String: Any]])
            let starts = entries.filter { ($0["field"] as? String)?.hasSuffix(".started") == true && $0["kind"] as? String == "step" }.count
            let marks = entries.filter { ["created", "started", "condition", "event", "log"].contains($0["kind"] as! String) }.count
            #expect(Self.count("<rect class=\"bar-", in: chart) == starts)
            #expect(Self.count("<a href=\"#timeline-\(index + 1)-entry-", in: chart) == starts + marks)
            #expect(chart.contains("class=\"gather\""))
            #expect(Self.count("<tr id=\"timeline-\(index + 1)-entry-", in: html) == entries.count)
        }
        // Passed and skipped rules are folded away.
        let outcomes = try #require(json["outcomes"] as? [[String: Any]])
        let passed = outcomes.filter { $0["status"] as? String == "passed" }.count
        if passed > 0 { #expect(html.contains("<details id=\"rules-passed\"><summary>\(passed) passed</summary>")) }
        #expect(!html.contains("<details id=\"rules-passed\" open"))
    }

    @Test("Nothing points outside the page: no http(s) source or link, no url() or @import in the style", arguments: samples)
    func selfContained(dump: String) throws {
        let html = try TestSupport.mustard(["analyze", dump, "-f", "html"]).stdout
        let loading = Self.attributes(html).filter {
            ["src", "href", "srcset", "action", "formaction", "xlink:href", "poster", "data", "background"].contains($0.name)
        }
        #expect(!loading.isEmpty)
        for attribute in loading {
            #expect(attribute.name == "href" && attribute.value.hasPrefix("#"), "\(attribute)")
            #expect(!attribute.value.lowercased().contains("http:") && !attribute.value.lowercased().contains("https:"))
        }
        #expect(!html.contains("url(") && !html.contains("@import") && !html.lowercased().contains("<link"))
        #expect(!html.lowercased().contains("<iframe") && !html.lowercased().contains("<img"))
    }

    @Test("Same dump, same bytes; the wall clock never shows", arguments: samples)
    func deterministic(dump: String) throws {
        let a = try TestSupport.mustard(["analyze", dump, "-f", "html"])
        let b = try TestSupport.mustard(["analyze", dump, "-f", "html"])
        #expect(a.stdout == b.stdout && a.stdout.count > 10_000)
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        let json = try TestSupport.mustard(["analyze", dump, "-f", "json", "--timeline"]).stdout
        if !json.contains(today) { #expect(!a.stdout.contains(today)) }
        // A batch writes .html files.
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let batch = try TestSupport.mustard([
            "analyze", dump, TestSupport.sample("healthy-migration.tar.gz"), "-f", "html", "--output-dir", folder.path,
        ])
        #expect([0, 1].contains(batch.code), "\(batch.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".html") }, "\(files)")
    }
}

/// The page in a real browser: Debian's headless Chromium, driven by `Scripts/html-browser.py` (the script
/// `make screenshots` uses too). Chromium's net log shows every request; the page must make none.
@Suite("HTML report in headless Chromium", .serialized)
struct HTMLReportBrowserTests {
    static let script = TestSupport.root.appendingPathComponent("Scripts/html-browser.py").path

    /// Chromium is a system package: `make deps` installs it. Without it the test fails, saying so.
    static func requireChromium() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { folder in
            ["chromium", "chromium-browser", "google-chrome"].contains { FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)") }
        }
        try #require(found, "chromium is not installed: run `make deps` (it installs Debian's chromium package)")
    }

    struct Browsed {
        let code: Int32
        let summary: [String: Any]
        let dom: String
        let output: String
    }

    /// Opens a page: its DOM after the script ran, screenshots in both themes (with `shots`), each copy button
    /// clicked (with `click`), its requests.
    static func browse(_ page: URL, shots: Bool = false, click: Bool = false) throws -> Browsed {
        let folder = page.deletingLastPathComponent()
        let name = page.deletingPathExtension().lastPathComponent
        let dom = folder.appendingPathComponent("\(name).dom.html").path
        var arguments = [script, page.path, "--dom", dom]
        if shots {
            arguments += [
                "--screenshot", folder.appendingPathComponent("\(name).png").path,
                "--dark-screenshot", folder.appendingPathComponent("\(name)-dark.png").path,
            ]
        }
        if click { arguments.append("--click-copy") }
        let run = try TestSupport.python(arguments)
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        let text = (try? String(contentsOfFile: dom, encoding: .utf8)) ?? ""
        return Browsed(code: run.code, summary: summary, dom: text, output: run.stdout + run.stderr)
    }

    /// Text content as Chromium serialises it, back to plain text.
    static func unescape(_ s: String) -> String {
        s.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"").replacing("&#39;", with: "'")
            .replacing("&nbsp;", with: "\u{A0}").replacing("&amp;", with: "&")
    }

    static func blocks(_ dom: String, class name: String) -> [String] {
        dom.components(separatedBy: "<pre class=\"\(name)\"><code>").dropFirst().map {
            unescape($0.components(separatedBy: "</code></pre>")[0])
        }
    }

    /// (width, height) from a PNG's header.
    static func pngSize(_ path: String) throws -> (Int, Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try #require(data.count > 24 && data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(path) is not a PNG")
        func be(_ at: Int) -> Int { data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test(
        "Each sample in Chromium: cards, evidence and commands from the JSON are in the DOM, copy buttons copy, screenshots in both themes, no request",
        arguments: ["stage-image-stuck", "healthy-migration"])
    func sampleInChromium(sample: String) throws {
        try Self.requireChromium()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = TestSupport.sample("\(sample).tar.gz")
        let page = folder.appendingPathComponent("\(sample).html")
        let render = try TestSupport.mustard(["analyze", dump, "-f", "html", "-o", page.path])
        #expect([0, 1].contains(render.code), "\(render.stderr)")
        let json = try HTMLReportTests.json(try TestSupport.mustard(["analyze", dump, "-f", "json"]).stdout)
        let findings = try #require(json["findings"] as? [[String: Any]])

        let browsed = try Self.browse(page, shots: true, click: true)
        #expect(browsed.code == 0, "\(browsed.output)")
        #expect(browsed.summary["pageRequests"] as? [String] == [], "the page requested: \(browsed.summary["pageRequests"] ?? "?")")
        let dom = browsed.dom
        #expect(dom.contains("data-script=\"ran\""), "the page's script did not run")

        // The JSON report's findings, evidence and commands, all in the rendered page.
        #expect(HTMLReportTests.count("<article class=\"finding", in: dom) == findings.count)
        let evidence = findings.flatMap { $0["evidence"] as! [[String: Any]] }
        #expect(HTMLReportTests.count("<tr class=\"evidence-row\">", in: dom) == evidence.count)
        for e in evidence { #expect(dom.contains(HTMLReportTests.escapeForDOM(e["statement"] as! String)), "\(e["statement"]!)") }
        let steps = findings.flatMap { $0["remediation"] as! [[String: Any]] }
        #expect(Self.blocks(dom, class: "command") == steps.map { $0["command"] as! String })
        #expect(Self.blocks(dom, class: "verify-command") == steps.compactMap { $0["verify"] as? String })
        // Copy buttons: one per command, shown by the script (they start hidden).
        let buttons = dom.matches(of: #/<button class="copy"[^>]*>/#).map { String($0.output) }
        #expect(buttons.count == steps.count + steps.compactMap { $0["verify"] as? String }.count)
        #expect(buttons.allSatisfy { !$0.contains("hidden") }, "\(buttons.prefix(2))")
        // Each button clicked with a real mouse event: it says "Copied" and the clipboard holds exactly its
        // command; once more without the Clipboard API (the textarea fallback); then it says "Copy" again.
        let clicks = try #require(browsed.summary["copyChecks"] as? [[String: Any]])
        #expect(clicks.count == (buttons.isEmpty ? 0 : buttons.count + 1))
        for click in clicks {
            #expect(
                click["visible"] as? Bool == true && click["label"] as? String == "Copied" && click["clipboardMatches"] as? Bool == true,
                "\(click)")
        }
        if let last = clicks.last {
            #expect(last["via"] as? String == "execCommand" && last["labelLater"] as? String == "Copy", "\(last)")
        }
        if sample == "stage-image-stuck" { #expect(findings.count == 2 && steps.count >= 4) }

        // Screenshots: the whole page at 1280 pixels, light and dark.
        let height = try #require(browsed.summary["height"] as? Int)
        #expect(height > 600)
        for name in ["\(sample).png", "\(sample)-dark.png"] {
            let size = try Self.pngSize(folder.appendingPathComponent(name).path)
            #expect(size == (1280, height), "\(name): \(size)")
        }
        let pixels = try #require(browsed.summary["firstPixel"] as? [String: [Int]])
        #expect((pixels["light"] ?? []).reduce(0, +) > 600, "the light theme is not light: \(pixels)")
        #expect((pixels["dark"] ?? [255, 255, 255]).reduce(0, +) < 150, "the dark theme is not dark: \(pixels)")
    }

    @Test("The check sees requests: a page with an image from the network is caught; the report's CSP blocks it")
    func negativeControl() throws {
        try Self.requireChromium()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let leaky = folder.appendingPathComponent("leaky.html")
        try #"<!DOCTYPE html><html><body><p>x</p><img src="http://example.invalid/x.png"></body></html>"#
            .write(to: leaky, atomically: true, encoding: .utf8)
        let caught = try Self.browse(leaky)
        #expect(caught.code == 1, "\(caught.output)")
        let requests = try #require(caught.summary["pageRequests"] as? [String])
        #expect(requests.contains { $0.contains("http://example.invalid/x.png") }, "\(requests)")

        // The same image under the report's own Content-Security-Policy is never requested.
        let report = try TestSupport.mustard(["analyze", TestSupport.sample("healthy-migration.tar.gz"), "-f", "html"]).stdout
        let csp = try #require(report.firstMatch(of: #/<meta http-equiv="Content-Security-Policy" content="[^"]*">/#)).output
        let guarded = folder.appendingPathComponent("guarded.html")
        try "<!DOCTYPE html><html><head>\(csp)</head><body><p>x</p><img src=\"http://example.invalid/x.png\"></body></html>"
            .write(to: guarded, atomically: true, encoding: .utf8)
        let blocked = try Self.browse(guarded)
        #expect(blocked.code == 0 && blocked.summary["pageRequests"] as? [String] == [], "\(blocked.output)")
    }

    @Test("A dump with markup in it: shown as text in the browser, never run")
    func hostileDumpInChromium() throws {
        try Self.requireChromium()
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck"), toPath: dump.path)
        let payload = "<script>document.documentElement.dataset.pwned=1</script><img src=x onerror=document.title=1>"
        for case let rel as String in FileManager.default.enumerator(atPath: dump.path)! {
            let url = dump.appendingPathComponent(rel)
            guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains("quay.io/konveyor/invalid_image:latest") else {
                continue
            }
            try text.replacing("quay.io/konveyor/invalid_image:latest", with: "quay.io/konveyor/invalid_image:latest" + payload)
                .write(to: url, atomically: true, encoding: .utf8)
        }
        let page = folder.appendingPathComponent("hostile.html")
        #expect(try TestSupport.mustard(["analyze", dump.path, "-f", "html", "-o", page.path]).code == 1)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(HTMLReportTests.count("&lt;script&gt;document.documentElement.dataset.pwned=1", in: html) > 10)

        let browsed = try Self.browse(page)
        #expect(browsed.code == 0 && browsed.summary["pageRequests"] as? [String] == [], "\(browsed.output)")
        #expect(browsed.dom.contains("data-script=\"ran\""))
        #expect(!browsed.dom.contains("data-pwned"), "a script from the dump ran")
        #expect(browsed.dom.contains("<title>mustard: CRITICAL"), "the title was rewritten")
        #expect(
            browsed.dom.contains(
                "&lt;script&gt;document.documentElement.dataset.pwned=1&lt;/script&gt;&lt;img src=x onerror=document.title=1&gt;"))
    }
}

extension HTMLReportTests {
    /// Plain text as Chromium serialises a text node: `&`, `<`, `>` and no-break spaces escaped, quotes not.
    static func escapeForDOM(_ s: String) -> String {
        s.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\u{A0}", with: "&nbsp;")
    }
}
