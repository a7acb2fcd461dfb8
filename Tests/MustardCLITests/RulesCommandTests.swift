import Foundation
import MustardKit
import MustardRules
import MustardTestSupport
import Testing

@Suite("mustard rules, focus options and the timeline")
struct RulesCommandTests {
    @Test("docs/rules.md is generated from the rule descriptions and is up to date (run `make docs`)")
    func docsFresh() throws {
        let committed = try String(contentsOfFile: TestSupport.root.appendingPathComponent("docs/rules.md").path, encoding: .utf8)
        #expect(committed == RuleDocs.markdown(ruleDescriptions(with: try RuleFiles.load(folders: [], configDirectory: nil))))
    }

    @Test("rules list shows every rule; rules explain shows the rationale and examples; an unknown id exits 2")
    func listAndExplain() throws {
        let list = try TestSupport.mustard(["rules", "list"])
        #expect(list.code == 0)
        for d in ruleDescriptions { #expect(list.stdout.contains(d.id) && list.stdout.contains(d.summary)) }
        let explain = try TestSupport.mustard(["rules", "explain", MigrationStuckRule.id])
        #expect(explain.code == 0 && explain.stdout.contains("Why:") && explain.stdout.contains("Tests/Fixtures/mtc-1.7-stuck-unschedulable"))
        #expect(try TestSupport.mustard(["rules", "explain", "mtc/nope"]).code == 2)
    }

    @Test("--rule and --exclude-rule choose the rules that run; a pattern matching nothing is an error")
    func ruleSelection() throws {
        let sample = TestSupport.sample("stage-image-stuck.tar.gz")
        let only = try TestSupport.mustard(["analyze", sample, "-f", "json", "--rule", MigrationStuckRule.id])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(only.stdout.utf8)) as? [String: Any])
        #expect((json["outcomes"] as? [[String: Any]])?.map { $0["rule"] as? String } == [MigrationStuckRule.id])
        // The stuck finding's cause did not run, so it stands alone.
        #expect((json["findings"] as? [[String: Any]])?.first?["causedBy"] as? [String] == [])
        let excluded = try TestSupport.mustard(["analyze", sample, "-f", "json", "--exclude-rule", "mtc/*"])
        #expect(excluded.code == 0)
        let typo = try TestSupport.mustard(["analyze", sample, "--rule", "mtc/migration-stcuk"])
        #expect(typo.code == 2 && typo.stderr.contains("no rule matches") && typo.stderr.contains("did you mean \(MigrationStuckRule.id)?"), "\(typo.stderr)")
        // Said once, before any dump is read, for several dumps too; a cut id names the rule it starts.
        let cut = try TestSupport.mustard(["analyze", sample, sample, "--exclude-rule", "mtc/stage-pod-image"])
        #expect(cut.code == 2 && cut.stdout.isEmpty, "\(cut.stderr)")
        #expect(cut.stderr == "mustard: no rule matches 'mtc/stage-pod-image' (see `mustard rules list`); did you mean \(StagePodImageMisconfiguredRule.id)?\n")
        let nothing = try TestSupport.mustard(["analyze", sample, "--rule", "zzz/*"])
        #expect(nothing.code == 2 && !nothing.stderr.contains("did you mean"), "\(nothing.stderr)")
    }

    @Test("--min-severity hides lesser findings but keeps the root cause of a shown one")
    func minSeverity() throws {
        let report = try analyze(TestSupport.sample("stage-image-stuck.tar.gz")) { $0.minSeverity = .critical }
        #expect(report.findings.map(\.rule) == [StagePodImageMisconfiguredRule.id])
        #expect(report.hiddenFindings == 1)
        // The effect at error level, shown, keeps its critical cause even when only errors are asked for.
        let errors = try analyze(TestSupport.sample("stage-image-stuck.tar.gz")) { $0.minSeverity = .error }
        #expect(errors.findings.count == 2)
    }

    @Test("--namespace keeps what concerns that application, and its timelines")
    func namespace() throws {
        let mine = try analyze(TestSupport.sample("stage-image-stuck.tar.gz")) { $0.namespace = "mssql-persistent" }
        #expect(mine.findings.count == 2 && mine.timelines.count == 2)
    }

    @Test("--namespace naming a namespace the dump holds nothing about is an error with the one meant, never a quiet all clear")
    func namespaceNotInDump() throws {
        #expect(throws: AnalysisError.self) { try analyze(TestSupport.sample("stage-image-stuck.tar.gz")) { $0.namespace = "another-app" } }
        let typo = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--namespace", "mssql-persistant"])
        #expect(typo.code == 2 && typo.stdout.isEmpty)
        #expect(typo.stderr.contains("--namespace mssql-persistant: the dump holds nothing about that namespace; it holds: mssql-persistent, openshift-migration"))
        #expect(typo.stderr.contains("Did you mean --namespace mssql-persistent?"))
    }

    @Test("The timeline: creation, conditions, steps, events, folded log lines and the gather, in order, each with its file")
    func timeline() throws {
        let report = try TestSupport.analyze(TestSupport.sample("stage-image-stuck.tar.gz"))
        let t = try #require(report.timelines.first { $0.migration == "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8" })
        #expect(t.entries.map(\.at) == t.entries.map(\.at).sorted())
        #expect(t.entries.first?.kind == .created)
        #expect(t.entries.last?.kind == .gathered && t.entries.last?.at.description == "2026-11-20T13:33:47Z")
        let kinds = Set(t.entries.map(\.kind))
        #expect(kinds.isSuperset(of: [.created, .started, .condition, .step, .event, .log, .gathered]))
        #expect(t.entries.contains { $0.kind == .event && $0.text.contains("Failed to pull image") })
        #expect(t.entries.contains { $0.text.contains("Condition Running=True (StagePodsCreated): Step: 24/49") })
        #expect(t.entries.allSatisfy { $0.kind == .gathered || $0.path != nil })
        let md = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "markdown"])
        #expect(md.stdout.contains("## Timeline") && md.stdout.contains("| Time (UTC) | What happened | File |"))
        let json = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "-f", "json"])
        #expect(json.stdout.contains("\"timeline\" : ["))
        let text = try TestSupport.mustard(["analyze", TestSupport.sample("stage-image-stuck.tar.gz"), "--timeline"])
        #expect(text.stdout.contains("Timeline of migration 3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"))
    }

    func analyze(_ path: String, focus: (inout Focus) -> Void) throws -> AnalysisReport {
        var options = AnalysisOptions()
        focus(&options.focus)
        return try Analyzer(options: options).analyze(path)
    }
}
