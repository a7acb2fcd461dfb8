import Foundation
import MustardKit
import MustardTestSupport
import Testing
@testable import MustardRules

/// Every rule describes itself with examples that must and must not trigger it; this suite runs them.
@Suite("Rule catalog")
struct RuleCatalogTests {
    static let descriptions = RuleRegistry.all.map { type(of: $0).description }

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

    @Test("Every rule file is registered")
    func registered() throws {
        let folder = TestSupport.root.appendingPathComponent("Sources/MustardRules/Rules")
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        let ruleTypes = files.filter { $0.hasSuffix("Rule.swift") }.map { ($0 as NSString).lastPathComponent.replacing(".swift", with: "") }
        let registered = RuleRegistry.all.map { String(describing: type(of: $0)) }
        #expect(Set(ruleTypes) == Set(registered))
    }

    static var triggering: [(String, String)] { descriptions.flatMap { d in d.triggeringExamples.map { (d.id, $0) } } }
    static var nonTriggering: [(String, String)] { descriptions.flatMap { d in d.nonTriggeringExamples.map { (d.id, $0) } } }

    @Test("Each rule fires on its triggering examples", arguments: triggering)
    func fires(rule: String, example: String) throws {
        let report = try TestSupport.analyze(TestSupport.root.appendingPathComponent(example).path)
        #expect(report.findings.contains { $0.rule == rule }, "\(rule) did not fire on \(example)")
        #expect(report.outcomes.first { $0.rule == rule }?.status == .findings)
    }

    @Test("Each rule stays quiet on its non-triggering examples", arguments: nonTriggering)
    func quiet(rule: String, example: String) throws {
        let report = try TestSupport.analyze(TestSupport.root.appendingPathComponent(example).path)
        #expect(!report.findings.contains { $0.rule == rule }, "\(rule) fired on \(example)")
        #expect(report.outcomes.filter { $0.rule == rule }.count == 1)
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
        let ordered = RuleEngine.linkAndOrder([
            finding("effect", .critical, causedBy: ["cause", "gone"]),
            finding("minor", .info),
            finding("cause", .warning),
            finding("other-root", .error),
        ])
        #expect(ordered.map(\.id) == ["other-root", "cause", "effect", "minor"])
        #expect(ordered[1].causes == ["effect"])
        #expect(ordered[2].causedBy == ["cause"])
    }

    @Test("Shell quoting leaves plain names alone and quotes the rest")
    func quoting() {
        #expect(shellQuote("mssql-persistent") == "mssql-persistent")
        #expect(shellQuote("it's a name") == #"'it'\''s a name'"#)
        #expect(shellQuote("") == "''")
        #expect(shellQuote("$(rm -rf /)") == "'$(rm -rf /)'")
    }
}
