import Foundation
import MustardKit
import MustardTestSupport
import MustardDump
import MustardModel
import MustardReport
import Testing
@testable import MustardRules

/// Every rule describes itself with examples that must and must not trigger it; this suite runs them.
@Suite("Rule catalog")
struct RuleCatalogTests {
    static let descriptions = RuleRegistry.all.map(\.ruleDescription)

    @Test("Ids are unique and every rule has triggering and non-triggering examples that exist")
    func catalog() {
        #expect(Set(Self.descriptions.map(\.id)).count == Self.descriptions.count)
        for d in Self.descriptions {
            #expect(!d.triggeringExamples.isEmpty, "\(d.id) has no triggering example")
            #expect(!d.nonTriggeringExamples.isEmpty, "\(d.id) has no non-triggering example")
            for example in d.triggeringExamples + d.nonTriggeringExamples {
                #expect(FileManager.default.fileExists(atPath: TestSupport.root.appendingPathComponent(example).path), "\(d.id): missing \(example)")
            }
            #expect(!d.summary.isEmpty && !d.rationale.isEmpty && !d.references.isEmpty)
        }
    }

    /// `Rules/<Category>/` holds rules and nothing else: one file per registered rule, named after its type, in the
    /// folder of its category. Detections live in `Diagnosis/`, commands in `Remediation/`, the rest in `Support/`.
    @Test("Rules/<Category>/ holds exactly the registered rules, one file each, in their category's folder")
    func registered() throws {
        let folder = TestSupport.root.appendingPathComponent("Sources/MustardRules/Rules")
        let files = (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".swift") }
        let expected = RuleRegistry.all.map { rule -> String in
            let category = rule.ruleDescription.category
            let folderName = ["mtc": "MTC", "k8s": "Kubernetes", "kubernetes": "Kubernetes", "dump": "Dump"][category] ?? category
            return "\(folderName)/\(String(describing: type(of: rule))).swift"
        }
        #expect(Set(files) == Set(expected), "not a registered rule: \(Set(files).subtracting(expected).sorted()); no file: \(Set(expected).subtracting(files).sorted())")
    }

    static var triggering: [(String, String)] { descriptions.flatMap { d in d.triggeringExamples.map { (d.id, $0) } } }
    static var nonTriggering: [(String, String)] { descriptions.flatMap { d in d.nonTriggeringExamples.map { (d.id, $0) } } }

    @Test("Each rule fires on its triggering examples, with all rules and alone (its declared data is enough)", arguments: triggering)
    func fires(rule: String, example: String) throws {
        let path = TestSupport.root.appendingPathComponent(example).path
        for only in [[], [rule]] {
            let report = try TestSupport.analyze(path, only: only)
            let how = only.isEmpty ? "with all rules" : "alone"
            #expect(report.findings.contains { $0.rule == rule }, "\(rule) did not fire on \(example) \(how)")
            #expect(report.outcomes.first { $0.rule == rule }?.status == .findings, "\(rule) on \(example) \(how)")
        }
    }

    /// Quiet means checked and passed: a rule that skips for lack of data has not shown it stays quiet.
    @Test("Each rule passes on its non-triggering examples, with all rules and alone", arguments: nonTriggering)
    func quiet(rule: String, example: String) throws {
        let path = TestSupport.root.appendingPathComponent(example).path
        for only in [[], [rule]] {
            let report = try TestSupport.analyze(path, only: only)
            let how = only.isEmpty ? "with all rules" : "alone"
            #expect(!report.findings.contains { $0.rule == rule }, "\(rule) fired on \(example) \(how)")
            let outcomes = report.outcomes.filter { $0.rule == rule }
            #expect(outcomes.count == 1)
            #expect(outcomes.first?.status == .passed, "\(rule) on \(example) \(how): \(outcomes.first.map { "\($0.status) \($0.reason ?? "")" } ?? "no outcome")")
        }
    }

    @Test("The real public dumps have no MTC: no alarm, MTC rules skipped with the reason, never passed",
          arguments: TestSupport.mustGatherCleanDumps + [
            "RedHatQE__must-gather-explorer/must_gather_explorer/tests/manifests/must-gather-data/data",
          ])
    func realDumps(relative: String) throws {
        let report = try TestSupport.analyze(TestSupport.realdata(relative))
        // At most a note about the dump itself (the inspect tree has no timestamp file).
        #expect(report.findings.allSatisfy { $0.severity == .info && $0.rule.hasPrefix("dump/") })
        #expect(report.outcomes.count == RuleRegistry.all.count)
        for outcome in report.outcomes where outcome.rule.hasPrefix("mtc/") {
            #expect(outcome.status == .skipped)
            #expect(outcome.reason?.contains("no MTC resources") == true)
        }
        #expect(!report.isDamaged)
    }
}

@Suite("Engine")
struct EngineTests {
    func finding(_ id: String, _ severity: Severity, causedBy: [String] = []) -> Finding {
        Finding(id: id, rule: "r", severity: severity, title: id, cluster: nil, subject: ResourceRef(kind: "Pod", namespace: nil, name: id),
                explanation: "", evidence: [], causedBy: causedBy)
    }

    @Test("Root causes come first, each followed by its effects; causes are the inverse of causedBy; dangling links dropped")
    func ordering() {
        let input = [
            finding("effect", .critical, causedBy: ["cause", "gone"]),
            finding("minor", .info),
            finding("cause", .warning),
            finding("other-root", .error),
        ]
        let ordered = RuleEngine.linkAndOrder(input)
        #expect(ordered.map(\.id) == ["other-root", "cause", "effect", "minor"])
        #expect(ordered[1].causes == ["effect"])
        #expect(ordered[2].causedBy == ["cause"])
        // A finding's copies share its parts until one changes (`Finding`): the findings given stay as they were.
        #expect(input[0].causedBy == ["cause", "gone"] && input[2].causes.isEmpty)
    }

    @Test("Shell quoting leaves plain names alone and quotes the rest")
    func quoting() {
        #expect(shellQuote("mssql-persistent") == "mssql-persistent")
        #expect(shellQuote("it's a name") == #"'it'\''s a name'"#)
        #expect(shellQuote("") == "''")
        #expect(shellQuote("$(rm -rf /)") == "'$(rm -rf /)'")
    }
}

/// Links between findings are typed keys; a confirmed link must name a finding that is in the report.
@Suite("Links between findings")
struct FindingLinkTests {
    static var dumps: [String] {
        let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.fixture(""))) ?? [])
            .filter { $0 != "Hostile" && $0 != "README.md" }.sorted().map { TestSupport.fixture($0) }
        return fixtures + [TestSupport.sample("stage-image-stuck"), TestSupport.sample("healthy-migration")]
    }

    @Test("Every confirmed cause link resolves to a finding, on every example dump", arguments: dumps)
    func confirmedLinksResolve(dump: String) throws {
        let engine = RuleEngine()
        var requirements = engine.requirements
        requirements.formUnion(MigrationTimeline.requirements)
        let loaded = try DumpLoader(requirements: requirements).load(dump)
        let context = RuleContext(snapshot: loaded.snapshot, options: RuleOptions())
        let findings = engine.rawFindings(context)
        let unresolved = RuleEngine.unresolvedConfirmedLinks(findings, rulesRun: Set(RuleRegistry.all.map(\.ruleDescription.id)))
        #expect(unresolved.isEmpty, "\(unresolved)")
    }

    @Test("The check sees a broken link")
    func detector() {
        let stuck = Finding(
            key: FindingKey(rule: MigrationStuckRule.id, scope: "host/m"), severity: .error, title: "t", cluster: "host",
            subject: ResourceRef(kind: "MigMigration", namespace: "openshift-migration", name: "m"), explanation: "", evidence: [],
            causes: [.confirmed(StagePodImageMisconfiguredRule.key(cluster: "source")), .ifReported(MigPlanNotReadyRule.key(cluster: "host", plan: "p"))])
        let all: Set<String> = [MigrationStuckRule.id, StagePodImageMisconfiguredRule.id, MigPlanNotReadyRule.id]
        #expect(RuleEngine.unresolvedConfirmedLinks([stuck], rulesRun: all) == ["mtc/migration-stuck#host/m → mtc/stage-pod-image-misconfigured#source"])
        #expect(RuleEngine.unresolvedConfirmedLinks([stuck], rulesRun: [MigrationStuckRule.id]).isEmpty, "a rule that did not run cannot be linked to")
    }
}

@Suite("Shared detections")
struct DetectionCacheTests {
    @Test("A detection is computed once per key, a nil answer included")
    func once() {
        let cache = DetectionCache()
        var calls = 0
        let first: Int? = cache.value("d", "k") { calls += 1; return nil }
        let second: Int? = cache.value("d", "k") { calls += 1; return 7 }
        #expect(first == nil && second == nil && calls == 1)
        #expect(cache.value("d", "other") { 7 } == 7)
        #expect(cache.value("e", "k") { "x" } == "x")
    }
}
