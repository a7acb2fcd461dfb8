import Foundation
import MustardDump
import MustardKit
import MustardModel
import MustardRules
import MustardTestSupport
@testable import MustardUserRules
import Testing

@Suite("Rule files: loading, matching, templates, bounds and suppressions")
struct UserRuleTests {
    static let folder = TestSupport.fixture("user-rules")

    static func fixtureRules() throws -> [UserRule] {
        try RuleFiles.load(folders: [folder], configDirectory: nil, shipped: false)
    }

    static func analyze(_ dump: String, rules: [UserRule], suppressions: [Suppression] = [], today: String = "2026-11-30") throws -> AnalysisReport {
        var options = AnalysisOptions()
        options.userRules = rules
        options.focus.rules = rules.map(\.file.id)
        options.suppressions = suppressions
        options.today = today
        return try Analyzer(options: options).analyze(dump)
    }

    @Test("Every fixture rule fires on its fires examples and passes (not skips) on its quiet ones")
    func fixtureExamples() throws {
        let results = RuleExamples.run(try Self.fixtureRules())
        #expect(results.count == 6)
        for r in results { #expect(r.ok, "\(r.line)") }
    }

    @Test("A pod joined to its events within a time window: the finding's texts, quoted command, cluster and evidence")
    func podAndEventsInAWindow() throws {
        let rule = try #require(try Self.fixtureRules().first { $0.file.id == "site/pod-crashloop-recent" })
        let recent = try Self.analyze(Self.folder + "/crashloop/recent", rules: [rule])
        let f = try #require(recent.findings.first)
        #expect(f.id == "site/pod-crashloop-recent#inspect.local.9001/shop/cart-7c9d5b8f4-m2x7q")
        #expect(f.title == "Pod shop/cart-7c9d5b8f4-m2x7q is crash-looping on cluster inspect.local.9001")
        #expect(f.explanation.contains("restarted 23 times; 1 BackOff event(s) in the last 30 minutes"))
        #expect(f.evidence.contains { $0.field == "items[0].status.containerStatuses[*].state.waiting.reason" && $0.statement.contains("CrashLoopBackOff") })
        #expect(f.evidence.contains { $0.statement.hasPrefix("Event BackOff (×212)") && $0.path.hasSuffix("core/events.yaml") })
        let step = try #require(f.remediation.first)
        #expect(step.cluster == "inspect.local.9001")
        #expect(step.command == "oc -n shop logs cart-7c9d5b8f4-m2x7q -c cart --previous")
        // The same pod, its last BackOff 4 hours before the gather: checked and passed, not skipped.
        let old = try Self.analyze(Self.folder + "/crashloop/old", rules: [rule])
        #expect(old.findings.isEmpty)
        #expect(old.outcomes.first?.status == .passed)
    }

    @Test("A kind in another case than the dump's is told: a match (pod) is skipped with the kind it meant, an absent join (migplan) says why in its evidence")
    func kindInTheWrongCase() throws {
        let rule = try #require(try Self.fixtureRules().first { $0.file.id == "site/pod-crashloop-recent" })
        let text = try String(contentsOfFile: rule.file.path, encoding: .utf8)
        #expect(text.contains("kind: Pod"))
        let lower = try RuleFile.decode(Array(text.replacingOccurrences(of: "kind: Pod", with: "kind: pod").utf8), path: rule.file.path)
        let report = try Self.analyze(Self.folder + "/crashloop/recent", rules: [UserRule(file: lower, triggeringExamples: [], nonTriggeringExamples: [])])
        let outcome = try #require(report.outcomes.first { $0.rule == "site/pod-crashloop-recent" })
        #expect(outcome.status == .skipped)
        #expect(outcome.reason == "no pod(s) in the dump; it holds Pod objects, and kinds are written as the objects write them (kind: Pod)")
        // With the right case, no hint: the rule reads the pods.
        let right = try Self.analyze(Self.folder + "/crashloop/recent", rules: [rule])
        #expect(right.outcomes.first { $0.rule == "site/pod-crashloop-recent" }?.status == .findings)
        // A related kind in the wrong case is never found: an `absent` join fires, and its evidence says why.
        let absent = try RuleFile.decode(Array(Self.ruleYAML(
            id: "site/plan-missing",
            match: "kind: MigMigration\n  related:\n    - as: plan\n      kind: migplan\n      join: {name: spec.migPlanRef.name}\n      absent: true").utf8), path: "absent.yaml")
        let missing = try Self.analyze(
            TestSupport.sample("stage-image-stuck.tar.gz"), rules: [UserRule(file: absent, triggeringExamples: [], nonTriggeringExamples: [])])
        let f = try #require(missing.findings.first { $0.rule == "site/plan-missing" })
        #expect(f.evidence.contains {
            $0.statement.hasSuffix("; the cluster holds MigPlan objects, and kinds are written as the objects write them (kind: MigPlan)")
        }, "\(f.evidence.map(\.statement))")
        // A kind the dump holds in no case gets no hint, as a match or as an absent join.
        let widget = try RuleFile.decode(Array(text.replacingOccurrences(of: "kind: Pod", with: "kind: Widget").utf8), path: rule.file.path)
        let none = try Self.analyze(Self.folder + "/crashloop/recent", rules: [UserRule(file: widget, triggeringExamples: [], nonTriggeringExamples: [])])
        #expect(none.outcomes.first { $0.rule == "site/pod-crashloop-recent" }?.reason == "no Widget(s) in the dump")
        let noWidget = try RuleFile.decode(Array(Self.ruleYAML(
            id: "site/widget-missing",
            match: "kind: MigMigration\n  related:\n    - as: w\n      kind: Widget\n      join: {name: spec.migPlanRef.name}\n      absent: true").utf8), path: "w.yaml")
        let plain = try Self.analyze(
            TestSupport.sample("stage-image-stuck.tar.gz"), rules: [UserRule(file: noWidget, triggeringExamples: [], nonTriggeringExamples: [])])
        let g = try #require(plain.findings.first { $0.rule == "site/widget-missing" })
        #expect(g.evidence.contains { $0.statement.hasPrefix("no Widget ") && $0.statement.hasSuffix(", which spec.migPlanRef.name names") }, "\(g.evidence.map(\.statement))")
    }

    @Test("A migration joined to its plan: the plan is a related object and fills its alias")
    func migrationAndPlan() throws {
        let rule = try #require(try Self.fixtureRules().first { $0.file.id == "site/migration-stuck-ready-plan" })
        let report = try Self.analyze(TestSupport.sample("stage-image-stuck.tar.gz"), rules: [rule])
        let f = try #require(report.findings.first)
        #expect(f.related == [ResourceRef(kind: "MigPlan", namespace: "openshift-migration", name: "mssql-persistent-plan")])
        #expect(f.title.contains("of Ready plan mssql-persistent-plan is still at StagePodsCreated on cluster host"))
        #expect(f.explanation.contains("migrates mssql-persistent"))
    }

    @Test("Holes in commands are shell-quoted: a hostile name stays one word and the command parses")
    func quoting() throws {
        let yaml = """
            id: site/q
            name: q
            severity: info
            summary: s
            rationale: r
            examples: {fires: [a], quiet: [b]}
            match: {kind: ConfigMap}
            finding:
              title: "t {{ object.metadata.name }}"
              explanation: e
              remediation:
                - title: t
                  command: "oc -n {{ object.metadata.namespace }} get cm {{ object.metadata.name }}"
            """
        let file = try RuleFile.decode(Array(yaml.utf8), path: "q.yaml")
        let rule = UserRule(file: file, triggeringExamples: [], nonTriggeringExamples: [])
        let body: Value = .mapping([
            "apiVersion": .scalar("v1"), "kind": .scalar("ConfigMap"),
            "metadata": .mapping(["name": .scalar("x'; rm -rf / #"), "namespace": .scalar("$(id)")]),
        ])
        let cluster = Cluster(name: "host", objects: [KubeObject(body: body, cluster: "host", source: SourceRef(path: "cm.yaml"))], namespaces: [], loginError: nil)
        let snapshot = DumpSnapshot(clusters: [cluster], logLines: [], gatheredAt: nil, gatherTimeSource: .unknown)
        guard case .findings(let found) = rule.evaluate(RuleContext(snapshot: snapshot, options: RuleOptions())) else {
            Issue.record("no finding")
            return
        }
        #expect(found.first?.remediation.first?.command == #"oc -n '$(id)' get cm 'x'\''; rm -rf / #'"#)
    }

    @Test("Numbers compared by rule files read as the standard library reads them, digits the short way")
    func numbersAsDouble() {
        var random = SeededGenerator(state: 12)
        let pieces = ["-", "0", "1", "7", "9", "42", ".", "5", "e", "E", "+", " ", "x", "1234567890", "00", "nan", "inf", "\u{663}"]
        var short = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let fast = FieldPredicate.number(text), standard = Double(text)
            #expect(fast == standard || (fast?.isNaN == true && standard?.isNaN == true), "\(text.debugDescription): \(String(describing: fast)) / \(String(describing: standard))")
            if fast != nil, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) { short += 1 }
        }
        #expect(short > 1_000, "digits read the short way: \(short)")
        #expect(FieldPredicate.number("999999999999999") == 999_999_999_999_999 && FieldPredicate.number("1234567890123456789") == 1_234_567_890_123_456_789)
        #expect(FieldPredicate.number("-3") == -3 && FieldPredicate.number("-") == nil && FieldPredicate.number("") == nil)
    }

    @Test("The shared pass over thousands of objects, spread over the cores in slices, finds what one walk finds, in its order")
    func slicedPass() throws {
        func rule(_ id: String, _ match: String) throws -> UserRule {
            UserRule(file: try RuleFile.decode(Array(Self.ruleYAML(id: id, match: match).utf8), path: "\(id).yaml"), triggeringExamples: [], nonTriggeringExamples: [])
        }
        // More objects than one slice holds (`sliceSize`), in an order no sort would give back.
        let count = UserRule.sliceSize * 4 + 37
        let objects = (0..<count).map { i in
            let name = "cm-\((i * 7919) % count)"
            var data: Fields = [:]
            if i % 3 == 0 { data["key"] = .scalar("v") }
            let body: Value = .mapping([
                "apiVersion": .scalar("v1"), "kind": .scalar("ConfigMap"), "data": .mapping(data),
                "metadata": .mapping(["name": .scalar(name), "namespace": .scalar(i % 2 == 0 ? "a" : "b")]),
            ])
            return KubeObject(body: body, cluster: "host", source: SourceRef(path: "cm.yaml", listIndex: i))
        }
        let snapshot = DumpSnapshot(
            clusters: [Cluster(name: "host", objects: objects, namespaces: ["a", "b"], loginError: nil)], logLines: [], gatheredAt: nil,
            gatherTimeSource: .unknown)
        let rules = [
            try rule("site/sliced-a", "kind: ConfigMap\n  namespace: a\n  where:\n    - field: data.key\n      exists: true"),
            try rule("site/sliced-none", "kind: ConfigMap\n  namespace: b\n  where:\n    - field: data.other\n      exists: true"),
        ]
        let verdicts = UserRule.evaluate(batch: rules, RuleContext(snapshot: snapshot, options: RuleOptions()))
        guard case .findings(let found) = verdicts[0] else {
            Issue.record("no findings: \(verdicts[0])")
            return
        }
        // What one walk in dump order finds: objects in namespace a holding the key.
        let expected = objects.filter { $0.metadata.namespace == "a" && !$0.body[path: "data.key"].isNull }.map(\.metadata.name)
        #expect(expected.count > 100, "findings in every slice")
        #expect(found.map(\.subject.name) == expected)
        // Counted in every slice: half the objects lie in namespace b.
        guard case .passed(let reason) = verdicts[1] else {
            Issue.record("not passed: \(verdicts[1])")
            return
        }
        #expect(reason == "\(count / 2) ConfigMap(s) in namespace b checked: none matches", "\(reason)")
    }

    // MARK: - Broken files

    static let valid = """
        id: site/ok
        name: ok
        severity: warning
        summary: s
        rationale: r
        examples:
          fires: [a]
          quiet: [b]
        match:
          kind: Pod
          where:
            - field: status.phase
              equals: Failed
        finding:
          title: "Pod {{ object.metadata.name }}"
          explanation: e
        """

    @Test(
        "A broken rule file is an error naming the file, the line and the field",
        arguments: [
            ("severity: warning", "severity: fatal", 3, "severity", "must be one of critical"),
            ("name: ok", "name: ok\nseverty: error", 3, "severty", "unknown field"),
            ("      equals: Failed", "      equals: Failed\n      in: [Failed]", 12, "match.where[0]", "exactly one comparison"),
            ("      equals: Failed", "      olderThan: 2 hours", 13, "match.where[0].olderThan", "must be a duration"),
            ("      equals: Failed", "      regex: '(a)\\1'", 13, "match.where[0].regex", "cannot compile"),
            ("title: \"Pod {{ object.metadata.name }}\"", "title: \"Pod {{ objcet.metadata.name }}\"", 15, "finding.title", "unknown name 'objcet'"),
            ("title: \"Pod {{ object.metadata.name }}\"", "title: \"Pod {{ event.message }}\"", 15, "finding.title", "it needs an `events` clause in `match`"),
            ("explanation: e", "explanation: \"{{ log.text }}\"", 16, "finding.explanation", "it needs a `logs` clause"),
            ("id: site/ok", "id: mtc/ok", 1, "id", "belongs to mustard's built-in rules"),
            ("  quiet: [b]", "  quiet: []", 7, "examples", "needs at least one dump"),
            ("  kind: Pod", "  kind: Secret\n  labels: {a: b}", 16, "finding.title", "a Secret's data"),
            ("match:", "match: [", 11, nil, "not valid YAML"),
            ("summary: s", "summary: &a s\nrationale2: *a", 4, nil, "anchors and aliases"),
        ] as [(String, String, Int, String?, String)])
    func brokenFile(_ replace: String, _ with: String, _ line: Int, _ field: String?, _ message: String) throws {
        var text = Self.valid.replacingOccurrences(of: replace, with: with)
        if with.contains("Secret") { text = text.replacingOccurrences(of: "{{ object.metadata.name }}", with: "{{ object.data.password }}") }
        #expect(text != Self.valid)
        do {
            _ = try RuleFile.decode(Array(text.utf8), path: "rules.d/broken.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.problem.line == line, "\(error)")
            #expect(error.problem.field == field, "\(error)")
            #expect(error.problem.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("rules.d/broken.yaml:\(line): " + (field.map { "\($0): " } ?? "")))
        }
    }

    @Test("A suppression file in a rules folder is told apart: named as one, with where it belongs")
    func suppressionFileAsRuleFile() throws {
        let text = "suppressions:\n  - rule: site/ok\n    reason: known\n"
        do {
            _ = try RuleFile.decode(Array(text.utf8), path: "rules.d/suppress.yaml")
            Issue.record("accepted a suppression file as a rule file")
        } catch {
            #expect(error.problem.line == 1 && error.problem.field == "suppressions", "\(error)")
            #expect(error.problem.message.contains("suppression file") && error.problem.message.contains("--suppress"), "\(error)")
        }
    }

    @Test("Ids collide with neither the built-in rules, the shipped files nor each other")
    func collisions() throws {
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        try Data(Self.valid.utf8).write(to: tmp.appendingPathComponent("a.yaml"))
        try Data(Self.valid.utf8).write(to: tmp.appendingPathComponent("b.yaml"))
        #expect(throws: RuleFileError.self) { try RuleFiles.load(folders: [tmp.path], configDirectory: nil, shipped: false) }
        do { _ = try RuleFiles.load(folders: [tmp.path], configDirectory: nil, shipped: false) } catch {
            #expect(error.description == "\(tmp.path)/b.yaml:1: id: 'site/ok' is already the id of \(tmp.path)/a.yaml")
        }
        try FileManager.default.removeItem(at: tmp.appendingPathComponent("b.yaml"))
        let shipped = Self.valid.replacingOccurrences(of: "site/ok", with: "mustard/migstorage-not-ready")
        try Data(shipped.utf8).write(to: tmp.appendingPathComponent("a.yaml"))
        #expect(throws: RuleFileError.self) { try RuleFiles.load(folders: [tmp.path], configDirectory: nil) }
    }

    // MARK: - Hostile rules

    @Test("A pathological regex over a long value ends in linear time, the text cut at 8 KiB")
    func pathologicalRegex() throws {
        let regex = try BoundedRegex("^(a|a)*(a*)*b$")
        let clock = ContinuousClock()
        let took = clock.measure { #expect(!regex.matches(String(repeating: "a", count: 100_000))) }
        #expect(took < .seconds(5))
        // The cut is real: a match beyond 8,192 characters is not seen.
        #expect(try BoundedRegex("b").matches(String(repeating: "a", count: 8191) + "b"))
        #expect(!(try BoundedRegex("b").matches(String(repeating: "a", count: 8192) + "b")))
    }

    @Test("A pattern without metacharacters is found byte for byte, as the regex finds it")
    func literalPatterns() throws {
        var generator = SeededGenerator(state: 0x6c69_7465)
        let pieces = ["a", "b", "restarting", " ", "failed", "é", "e\u{301}", "日本", "😀", "-", "/", "\u{0}", "container", "ab", "ba"]
        func text(_ n: Int) -> String { (0..<n).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        for _ in 0..<3_000 {
            let pattern = text(Int.random(in: 1...3, using: &generator))
            let regex = try BoundedRegex(pattern)
            #expect(regex.literal != nil, "\(pattern)")
            let haystack = text(Int.random(in: 0...12, using: &generator))
            #expect(regex.matches(haystack) == regex.matchesByRegex(haystack), "\(pattern) in \(haystack)")
        }
        for pattern in ["a.b", "^a", "a$", "a|b", "a?", "a*", "a+", "(a)", "[a]", "a{2}", "\\d"] {
            #expect(try BoundedRegex(pattern).literal == nil, "\(pattern)")
        }
    }

    @Test("Patterns too long or too complex are refused when the file is read")
    func regexBounds() throws {
        #expect(throws: RuleFileError.Problem.self) { try BoundedRegex(String(repeating: "a", count: 1025)) }
        #expect(throws: RuleFileError.Problem.self) { try BoundedRegex("((a|b|c|d){1000}){1000}") }
        #expect(throws: RuleFileError.Problem.self) { try BoundedRegex("(a)\\1") }
    }

    @Test("A huge match is bounded: a path over a million items reaches at most 10,000 values")
    func hugeMatch() throws {
        let items = Value.sequence(Array(repeating: .mapping(["x": .sequence(Array(repeating: .scalar("v"), count: 1000))]), count: 1000))
        let path = try FieldPath("items[*].x[*]")
        #expect(path.values(in: .mapping(["items": items])).count <= FieldPath.maxValues + 1000)
        // The values read once for several tests are given only when the walk would reach them all; else each test walks.
        #expect(path.valuesUnderCap(in: .mapping(["items": items])) == nil)
        let few = Value.mapping(["items": .sequence(Array(repeating: .mapping(["x": .sequence([.scalar("a"), .null, .scalar("b")])]), count: 3))])
        #expect(path.valuesUnderCap(in: few) == path.values(in: few))
        #expect(path.valuesUnderCap(in: few)?.count == 6)
        #expect(try FieldPath("items[0].y").valuesUnderCap(in: few) == [])
        let deep = try FieldPath(Array(repeating: "a", count: 32).joined(separator: "."))
        #expect(deep.steps.count == 32)
        #expect(throws: RuleFileError.Problem.self) { try FieldPath(Array(repeating: "a", count: 33).joined(separator: ".")) }
    }

    @Test("Deep nesting, huge files and too many values are refused with a line")
    func hostileYAML() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: RuleFileError.self) { try RuleFile.decode(Array(("id: " + deep).utf8), path: "deep.yaml") }
        do { _ = try RuleFile.decode(Array(("a: " + deep).utf8), path: "deep.yaml") } catch {
            #expect(error.problem.message.contains("nested deeper than 32"))
            #expect(error.problem.line == 1)
        }
        let many = "a: [" + Array(repeating: "1", count: 100_001).joined(separator: ",") + "]"
        do { _ = try RuleFile.decode(Array(many.utf8), path: "many.yaml") } catch { #expect(error.problem.message.contains("more than 100000 values")) }
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: (1 << 20) + 1)
        do { _ = try RuleFile.decode(big, path: "big.yaml") } catch { #expect(error.problem.message.contains("larger than")) }
    }

    @Test("Field comparisons are total: any value the path reaches; notEquals and notIn need a value; exists false when nothing is reached")
    func comparisons() throws {
        let body: Value = .mapping([
            "status": .mapping([
                "phase": .scalar("Running"),
                "containerStatuses": .sequence([
                    .mapping(["name": .scalar("a"), "restartCount": .scalar("0")]),
                    .mapping(["name": .scalar("b"), "restartCount": .scalar("7")]),
                ]),
            ]),
        ])
        func holds(_ field: String, _ c: FieldPredicate.Comparison) throws -> Bool {
            FieldPredicate(path: try FieldPath(field), comparison: c).holds(in: body, now: nil)
        }
        #expect(try holds("status.phase", .equals("Running")))
        #expect(try holds("status.containerStatuses[*].restartCount", .greaterThan(5)))
        #expect(try !holds("status.containerStatuses[0].restartCount", .greaterThan(5)))
        #expect(try holds("status.containerStatuses[*].name", .isIn(["b", "c"])))
        #expect(try !holds("status.missing", .notEquals("x")))
        #expect(try holds("status.missing", .exists(false)))
        #expect(try !holds("status.phase", .exists(false)))
        #expect(try holds("status.phase", .notIn(["Failed", "Pending"])))
        #expect(try holds("status.phase", .regex(BoundedRegex("^Run"))))
        // A time comparison without a gather time does not hold (the rule is skipped before it gets here).
        #expect(try !holds("status.phase", .olderThan(60)))
        // The walk and the list agree.
        let path = try FieldPath("status.containerStatuses[*].restartCount")
        #expect(path.values(in: body).compactMap(\.string) == ["0", "7"])
    }

    @Test("Globs match in linear time")
    func globs() {
        #expect(Glob("velero-*").matches("velero-abc"))
        #expect(Glob("*-?x").matches("a-bx"))
        #expect(!Glob("velero-*").matches("restic-1"))
        // Literals and prefixes compare scalars (as bytes), not canonically equivalent forms; a prefix ends on a scalar.
        #expect(Glob("caf\u{e9}").matches("caf\u{e9}") && !Glob("caf\u{e9}").matches("cafe\u{301}") && !Glob("cafe").matches("caf\u{e9}"))
        #expect(Glob("caf*").matches("caf\u{e9}") && !Glob("\u{e9}*").matches("e\u{301}x") && Glob("\u{e9}*").matches("\u{e9}t\u{e9}"))
        #expect(!Glob("cafe*").matches("caf") && Glob("").matches("") && !Glob("").matches("a"))
        let clock = ContinuousClock()
        let took = clock.measure { #expect(!Glob(String(repeating: "*a", count: 500) + "b").matches(String(repeating: "a", count: 20_000))) }
        #expect(took < .seconds(5))
    }

    @Test("Glob shapes (anything, literal, prefix) answer as the general match does")
    func globShapes() {
        let texts = ["", "velero", "velero-abc", "Velero-x", "e\u{301}", "\u{e9}", "restic-1", "a*b"]
        for pattern in ["*", "**", "", "velero", "velero-*", "velero-**", "\u{e9}", "e", "*-?x", "a*b", "?"] {
            let glob = Glob(pattern)
            // The general algorithm, written out: pattern scalars against text scalars, `*` any run, `?` one scalar.
            func general(_ p: [Unicode.Scalar], _ t: [Unicode.Scalar]) -> Bool {
                guard let first = p.first else { return t.isEmpty }
                if first == "*" { return (0...t.count).contains { general(Array(p.dropFirst()), Array(t.dropFirst($0))) } }
                guard let head = t.first, first == "?" || first == head else { return false }
                return general(Array(p.dropFirst()), Array(t.dropFirst()))
            }
            for text in texts {
                #expect(glob.matches(text) == general(Array(pattern.unicodeScalars), Array(text.unicodeScalars)), "\(pattern) ~ \(text)")
            }
        }
    }

    @Test("Rule files evaluated together (the shared pass) give each the verdict it gives alone")
    func sharedPass() throws {
        let rules = try Self.fixtureRules()
        for dump in [Self.folder + "/crashloop/recent", Self.folder + "/crashloop/old", TestSupport.sample("stage-image-stuck.tar.gz"),
                     TestSupport.fixture("k8s-pods-failing")] {
            var requirements = RuleEngine(rules: rules).requirements
            requirements.formUnion(MigrationTimeline.requirements)
            let loaded = try DumpLoader(requirements: requirements).load(dump)
            let context = RuleContext(snapshot: loaded.snapshot, options: RuleOptions())
            let together = UserRule.evaluate(batch: rules, context)
            #expect(together.count == rules.count)
            for (rule, verdict) in zip(rules, together) {
                #expect(String(describing: verdict) == String(describing: rule.evaluate(context)), "\(rule.file.id) on \(dump)")
            }
        }
    }

    /// Rule files of every shape the loader's prefilter judges (`RuleFilePrefilter`): pods by field, condition, label
    /// and namespace; pods by their events only (kept only with such an event), routine events among them; a time
    /// comparison it cannot judge beside one it can; Deployments; a related pod that must be absent; ConfigMaps (read
    /// whole by the built-in rules in MTC's namespace only) and Secrets, as objects and as a related object.
    static let prefilterRules = [
        "kind: Pod\n  where:\n    - field: status.containerStatuses[*].state.waiting.reason\n      in: [CrashLoopBackOff, ImagePullBackOff]",
        "kind: Pod\n  name: \"*a*\"\n  conditions:\n    - type: Ready\n      status: \"True\"",
        "kind: Pod\n  events:\n    - reason: BackOff",
        "kind: Pod\n  events:\n    - reason: \"*\"\n      type: Normal\n      message: 'image'",
        "kind: Pod\n  namespace: \"s*\"\n  labels:\n    app: \"*\"\n  where:\n    - field: status.phase\n      notIn: [Pending]",
        "kind: Pod\n  where:\n    - field: status.phase\n      equals: Succeeded\n    - field: metadata.creationTimestamp\n      olderThan: 1h",
        "kind: Deployment\n  group: apps\n  where:\n    - field: spec.replicas\n      greaterThan: 2",
        "kind: MigMigration\n  related:\n    - as: pod\n      kind: Pod\n      join: {name: status.phase}\n      where:\n        - field: status.phase\n          equals: Running\n      absent: true",
        // Kinds the built-in rules read in one namespace only, or not at all: tested everywhere else.
        "kind: ConfigMap\n  where:\n    - field: data.STAGE_IMAGE\n      exists: true",
        "kind: ConfigMap\n  name: \"*ca*\"",
        "kind: Secret\n  where:\n    - field: type\n      equals: kubernetes.io/dockerconfigjson",
        // The rules see a Secret without its values, so the loader must test it so too.
        "kind: Secret\n  where:\n    - field: data.namespace\n      equals: \"<redacted>\"",
        "kind: MigPlan\n  related:\n    - as: cm\n      kind: ConfigMap\n      join: {name: metadata.name}\n      where:\n        - field: data\n          exists: true\n      absent: true",
        // Shares its loader test with the sixth rule (they differ only in time), yet keeps its own verdict.
        "kind: Pod\n  where:\n    - field: status.phase\n      equals: Succeeded\n    - field: metadata.creationTimestamp\n      olderThan: 90d",
    ].enumerated().map { i, match in ruleYAML(id: "site/prefilter-\(i)", match: match) }

    /// A rule file with this `match` (indented as under `match:`).
    static func ruleYAML(id: String, match: String) -> String {
        """
        id: \(id)
        name: \(id)
        severity: warning
        summary: s
        rationale: r
        examples: {fires: [a], quiet: [b]}
        match:
          \(match)
        finding:
          title: "{{ object.metadata.name }}"
          explanation: e
        """
    }

    @Test("A rule file's kinds are read through its tests only; the built-in rules' stay read whole where they read them")
    func readWhole() throws {
        let file = try RuleFile.decode(Array(Self.prefilterRules[9].utf8), path: "cm.yaml")
        let rule = UserRule(file: file, triggeringExamples: [], nonTriggeringExamples: [])
        var requirements = RuleEngine(rules: RuleRegistry.all).requirements
        #expect(requirements.readsWhole("configmaps", in: "openshift-migration") && !requirements.wants("configmaps", in: "app"))
        requirements.formUnion(rule.ruleDescription.requirements)
        #expect(requirements.wants("configmaps", in: "app") && !requirements.readsWhole("configmaps", in: "app"))
        #expect(requirements.readsWhole("configmaps", in: "openshift-migration"), "the built-in rules still read MTC's whole")
        #expect(requirements.keepingEveryObject().readsWhole("configmaps", in: "app"))
    }

    @Test("Rule files that differ only in a comparison in time share one loader test; any other difference keeps both")
    func keepTestsShared() throws {
        func podTests(_ matches: [String]) throws -> Int {
            var all = DataRequirements()
            for (i, match) in matches.enumerated() {
                let yaml = Self.ruleYAML(id: "site/kept-\(i)", match: match)
                let rule = UserRule(file: try RuleFile.decode(Array(yaml.utf8), path: "k\(i).yaml"), triggeringExamples: [], nonTriggeringExamples: [])
                all.formUnion(rule.ruleDescription.requirements)
            }
            return all.keepTests["pods"]?.count ?? 0
        }
        let phase = "kind: Pod\n  where:\n    - field: status.phase\n      equals: Pending"
        let times = [phase, phase + "\n    - field: metadata.creationTimestamp\n      olderThan: 1h",
                     phase + "\n    - field: metadata.creationTimestamp\n      olderThan: 2h", phase + "\n    - field: status.startTime\n      newerThan: 5m"]
        #expect(try podTests(times) == 1)
        let others = [
            phase, "kind: Pod\n  where:\n    - field: status.phase\n      equals: Running", "kind: Pod\n  where:\n    - field: status.phase\n      notEquals: Pending",
            "kind: Pod\n  where:\n    - field: status.phase\n      in: [Pending]", "kind: Pod\n  where:\n    - field: status.phase\n      notIn: [Pending]",
            "kind: Pod\n  where:\n    - field: status.phase\n      regex: Pending", "kind: Pod\n  where:\n    - field: status.reason\n      equals: Pending",
            "kind: Pod\n  where:\n    - field: status.phase\n      exists: true", "kind: Pod\n  where:\n    - field: status.phase\n      exists: false",
            "kind: Pod\n  where:\n    - field: spec.priority\n      greaterThan: 1", "kind: Pod\n  where:\n    - field: spec.priority\n      greaterThan: 1.5",
            "kind: Pod\n  where:\n    - field: spec.priority\n      lessThan: 1", phase + "\n  name: \"a*\"", phase + "\n  namespace: \"a*\"",
            phase + "\n  labels:\n    app: \"*\"", phase + "\n  labels:\n    app: web", phase + "\n  events:\n    - reason: BackOff",
            phase + "\n  conditions:\n    - type: Ready\n      status: \"False\"", phase + "\n  conditions:\n    - type: Ready\n      notTrue: true",
        ]
        #expect(try podTests(others) == others.count)
    }

    @Test("Event clauses that differ only in their window share one loader test; any other difference keeps both")
    func eventTestsShared() throws {
        func requirements(_ clauses: [String]) throws -> DataRequirements {
            var all = DataRequirements()
            for (i, clause) in clauses.enumerated() {
                let yaml = Self.prefilterRules[2].replacingOccurrences(of: "prefilter-2", with: "shared-\(i)")
                    .replacingOccurrences(of: "    - reason: BackOff", with: clause)
                let rule = UserRule(file: try RuleFile.decode(Array(yaml.utf8), path: "s\(i).yaml"), triggeringExamples: [], nonTriggeringExamples: [])
                all.formUnion(rule.ruleDescription.requirements)
            }
            return all
        }
        let windows = ["    - reason: BackOff\n      within: 1h", "    - reason: BackOff\n      within: 2h", "    - reason: BackOff"]
        #expect(try requirements(windows).eventTests.count == 1)
        let others = ["    - reason: BackOff", "    - reason: BackOff\n      type: Warning", "    - reason: BackOff\n      message: pull",
                      "    - reason: Failed", "    - message: BackOff"]
        #expect(try requirements(others).eventTests.count == others.count)
    }

    @Test("The loader's prefilter changes no verdict: every rule, built-in and rule file, says the same as with every object kept")
    func prefilterKeepsVerdicts() throws {
        let inline = try Self.prefilterRules.enumerated().map { i, yaml in
            UserRule(file: try RuleFile.decode(Array(yaml.utf8), path: "p\(i).yaml"), triggeringExamples: [], nonTriggeringExamples: [])
        }
        let engine = RuleEngine(rules: RuleRegistry.all + (try Self.fixtureRules()) + inline)
        var requirements = engine.requirements
        requirements.formUnion(MigrationTimeline.requirements)
        #expect(!requirements.keepTests.isEmpty && !requirements.eventTests.isEmpty && requirements.everyObject.isEmpty)
        var setAside = 0, configMapsSetAside = 0
        for dump in [Self.folder + "/crashloop/recent", Self.folder + "/crashloop/old", TestSupport.sample("stage-image-stuck.tar.gz"),
                     TestSupport.sample("healthy-migration"), TestSupport.fixture("k8s-pods-failing"), TestSupport.fixture("k8s-pods-recovered"),
                     TestSupport.fixture("mtc-1.7-healthy-old-backoff"), TestSupport.fixture("k8s-pods-signatures"),
                     TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")] {
            let filtered = try DumpLoader(requirements: requirements).load(dump).snapshot
            let whole = try DumpLoader(requirements: requirements.keepingEveryObject()).load(dump).snapshot
            setAside += filtered.clusters.reduce(0) { $0 + $1.setAside.counts.values.reduce(0, +) }
            configMapsSetAside += filtered.clusters.reduce(0) { $0 + $1.setAside.counts.filter { $0.key.kind == "ConfigMap" }.values.reduce(0, +) }
            let a = engine.run(RuleContext(snapshot: filtered, options: RuleOptions()))
            let b = engine.run(RuleContext(snapshot: whole, options: RuleOptions()))
            #expect(a.outcomes.map { "\($0.rule) \($0.status) \($0.reason ?? "")" } == b.outcomes.map { "\($0.rule) \($0.status) \($0.reason ?? "")" }, "\(dump)")
            #expect(a.findings.map { "\($0.id) \($0.title) \($0.explanation) \($0.evidence.map(\.statement))" }
                == b.findings.map { "\($0.id) \($0.title) \($0.explanation) \($0.evidence.map(\.statement))" }, "\(dump)")
            #expect(filtered.gatheredAt == whole.gatheredAt, "\(dump)")
        }
        // Not vacuous: healthy pods and idle Deployments were set aside, and ConfigMaps outside MTC's namespace.
        #expect(setAside > 0 && configMapsSetAside > 0)
    }

    // MARK: - Shipped rules

    @Test("The shipped rule files load from the binary and leave the built-in rules' findings as they were")
    func shippedRestate() throws {
        let shipped = try RuleFiles.load(folders: [], configDirectory: nil)
        #expect(shipped.map(\.file.id).sorted() == ["mustard/migcluster-not-ready", "mustard/migplan-critical-condition", "mustard/migstorage-not-ready"])
        for name in ["mtc-1.7-breakfix-misconfigured", "mtc-1.7-storage-creds-invalid", "mtc-1.7-plan-warnings"] {
            let without = try TestSupport.analyze(TestSupport.fixture(name))
            var options = AnalysisOptions()
            options.userRules = shipped
            let with = try Analyzer(options: options).analyze(TestSupport.fixture(name))
            #expect(with.findings.map(\.id) == without.findings.map(\.id), "\(name)")
            #expect(with.outcomes.filter { $0.rule.hasPrefix("mustard/") }.allSatisfy { $0.status != .findings }, "\(name)")
        }
    }

    // MARK: - Suppressions

    static let suppressions = """
        suppressions:
          - rule: site/pod-crashloop-recent
            subject: "Pod shop/cart-*"
            reason: Known, case 03412345
            expires: 2026-12-31
          - rule: k8s/*
            reason: Old entry
            expires: 2026-11-01
        """

    @Test("A suppression sets a finding aside with its reason (verdict and exit code without it); an expired one suppresses nothing and is reported, in every format")
    func suppression() throws {
        let rule = try #require(try Self.fixtureRules().first { $0.file.id == "site/pod-crashloop-recent" })
        let entries = try SuppressionFile.decode(Array(Self.suppressions.utf8), path: "suppress.yaml")
        #expect(entries.map(\.source) == ["suppress.yaml:2", "suppress.yaml:6"])
        let report = try Self.analyze(Self.folder + "/crashloop/recent", rules: [rule], suppressions: entries)
        #expect(report.findings.isEmpty)
        #expect(report.suppressed.map(\.finding.rule) == ["site/pod-crashloop-recent"])
        #expect(report.suppressed.first?.reason == "Known, case 03412345")
        #expect(report.expiredSuppressions.map(\.source) == ["suppress.yaml:6"])
        #expect(report.exitCode(failOn: .error) == 0)

        let text = ReportFormat.text.renderer(color: false, verbose: false).render(report)
        #expect(text.contains("Suppressed: [ERROR] Pod shop/cart-7c9d5b8f4-m2x7q is crash-looping") && text.contains("Known, case 03412345 (suppress.yaml:2, until 2026-12-31)"))
        #expect(text.contains("Expired: suppression of k8s/* expired on 2026-11-01 (suppress.yaml:6)"))
        let md = ReportFormat.markdown.renderer(color: false, verbose: false).render(report)
        #expect(md.contains("## Suppressed") && md.contains("<details><summary>1 suppressed finding(s), 1 expired suppression(s)</summary>") && md.contains("Known, case 03412345"))
        let html = ReportFormat.html.renderer(color: false, verbose: false).render(report)
        #expect(html.contains("<details id=\"suppressed-findings\">") && html.contains("Known, case 03412345") && html.contains("Expired: suppression of k8s/*"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.renderer(color: false, verbose: false).render(report).utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 2)
        let suppressed = try #require(json["suppressed"] as? [[String: Any]])
        #expect(suppressed.count == 1 && suppressed.first?["reason"] as? String == "Known, case 03412345" && suppressed.first?["suppression"] as? String == "suppress.yaml:2")
        #expect(((suppressed.first?["finding"] as? [String: Any])?["rule"] as? String) == "site/pod-crashloop-recent")
        #expect((json["expiredSuppressions"] as? [[String: Any]])?.first?["expires"] as? String == "2026-11-01")
        #expect((json["findings"] as? [Any])?.isEmpty == true)
        let sarifText = ReportFormat.sarif.renderer(color: false, verbose: false, rules: ruleDescriptions(with: [rule])).render(report)
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(sarifText.utf8)) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        let suppression = try #require((result["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "external" && suppression["justification"] as? String == "Known, case 03412345")
        #expect(result["ruleIndex"] != nil)
        #expect(sarifText.contains("Expired: suppression of k8s/*"))
        if try TestSupport.python(["-c", "import jsonschema"]).code == 0 {
            let tmp = TestSupport.temporaryFolder()
            defer { TestSupport.cleanUp(tmp) }
            let file = tmp.appendingPathComponent("r.sarif")
            try Data(sarifText.utf8).write(to: file)
            let valid = try TestSupport.python([
                TestSupport.root.appendingPathComponent("Scripts/validate-sarif.py").path, file.path, TestSupport.schema("sarif-schema-2.1.0.json"),
            ])
            #expect(valid.code == 0, "\(valid.stdout)\(valid.stderr)")
        }

        // After its date the same entry no longer applies: the finding is back and counts.
        let later = try Self.analyze(Self.folder + "/crashloop/recent", rules: [rule], suppressions: entries, today: "2027-01-01")
        #expect(later.findings.count == 1 && later.suppressed.isEmpty && later.expiredSuppressions.count == 2)
        #expect(later.exitCode(failOn: .error) == 1)
    }

    @Test("A suppression file needs a reason and a real date", arguments: [
        ("suppressions:\n  - rule: a/b\n", 2, "suppressions[0].reason", "missing"),
        ("suppressions:\n  - rule: a/b\n    reason: fine\n    expires: 31/12/2026\n", 4, "suppressions[0].expires", "YYYY-MM-DD"),
        ("suppressions:\n  - rule: a/b\n    reason: fine\n    until: 2026-12-31\n", 4, "suppressions[0].until", "unknown field"),
    ] as [(String, Int, String, String)])
    func brokenSuppression(_ text: String, _ line: Int, _ field: String, _ message: String) {
        do {
            _ = try SuppressionFile.decode(Array(text.utf8), path: "s.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.problem.line == line && error.problem.field == field && error.problem.message.contains(message), "\(error)")
        }
    }

    @Test("The JSON Schema accepts every rule file in the repository and refuses a broken one (python3 jsonschema, when installed)")
    func schema() throws {
        guard try TestSupport.python(["-c", "import jsonschema, yaml"]).code == 0 else { return }
        let script = TestSupport.root.appendingPathComponent("Scripts/validate-rule-files.py").path
        let schema = TestSupport.root.appendingPathComponent("docs/rule-file.schema.json").path
        let shipped = TestSupport.root.appendingPathComponent(ShippedRules.folder).path
        let files = try FileManager.default.contentsOfDirectory(atPath: shipped).map { shipped + "/" + $0 }
            + (try FileManager.default.contentsOfDirectory(atPath: Self.folder)).filter { $0.hasSuffix(".yaml") }.map { Self.folder + "/" + $0 }
        let good = try TestSupport.python([script, schema] + files)
        #expect(good.code == 0, "\(good.stdout)\(good.stderr)")
        let tmp = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(tmp) }
        let broken = tmp.appendingPathComponent("broken.yaml")
        try Data(Self.valid.replacingOccurrences(of: "severity: warning", with: "severity: fatal").utf8).write(to: broken)
        let bad = try TestSupport.python([script, schema, broken.path])
        #expect(bad.code == 1 && bad.stdout.contains("severity"))
        let suppress = tmp.appendingPathComponent("suppress.yaml")
        try Data(Self.suppressions.utf8).write(to: suppress)
        let s = try TestSupport.python([script, TestSupport.root.appendingPathComponent("docs/suppress-file.schema.json").path, suppress.path])
        #expect(s.code == 0, "\(s.stdout)")
    }
}
