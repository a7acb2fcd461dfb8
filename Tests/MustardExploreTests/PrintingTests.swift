import Foundation
import MustardDump
import MustardModel
import MustardTestSupport
import Testing

@testable import MustardExplore

/// How objects become rows, text and back: kubectl's pod status, ages, printer columns, YAML and JSON output,
/// the index's binary form.
@Suite("Printing objects like oc")
struct PrintingTests {
    static func objects(_ path: String) throws -> [Value] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return ObjectDocuments.decode(bytes, path: path, yaml: YAMLReader()).objects.map(\.0)
    }

    static let samplePods = TestSupport.sample("stage-image-stuck/inspect.local.2471/namespaces/mssql-persistent/core/pods.yaml")

    @Test("A real pod in ImagePullBackOff: READY 0/1, STATUS from the waiting container, restarts summed")
    func imagePullBackOff() throws {
        let pod = try #require(
            try Self.objects(TestSupport.realdata("argoproj__argo-cd/util/health/testdata/pod-imagepullbackoff.yaml")).first)
        let state = PodPrinter.status(pod)
        #expect(state.reason == "ImagePullBackOff")
        #expect(state.ready == 0 && state.total == 1)
    }

    @Test("kubectl's status rules: Completed over Succeeded, init containers, terminating, restarts summed")
    func statusRules() throws {
        func pod(_ yaml: String) throws -> Value { try #require(try YAMLReader().documents(Array(yaml.utf8)).documents.first) }
        let completed = try pod(
            """
            spec: {containers: [{name: a}]}
            status: {phase: Succeeded, containerStatuses: [{name: a, restartCount: 0, state: {terminated: {exitCode: 0, reason: Completed}}}]}
            """)
        #expect(PodPrinter.status(completed).reason == "Completed")
        let initWaiting = try pod(
            """
            spec: {containers: [{name: a}], initContainers: [{name: i}, {name: j}]}
            status: {phase: Pending, initContainerStatuses: [{name: i, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}}}]}
            """)
        #expect(PodPrinter.status(initWaiting) == PodPrinter.State(ready: 0, total: 1, restarts: 4, reason: "Init:CrashLoopBackOff"))
        let initRunning = try pod(
            """
            spec: {containers: [{name: a}], initContainers: [{name: i}, {name: j}]}
            status: {phase: Pending, initContainerStatuses: [{name: i, state: {terminated: {exitCode: 0}}}, {name: j, state: {running: {}}}]}
            """)
        #expect(PodPrinter.status(initRunning).reason == "Init:1/2")
        let twoContainers = try pod(
            """
            metadata: {deletionTimestamp: "2026-01-01T00:00:00Z"}
            spec: {containers: [{name: a}, {name: b}]}
            status: {phase: Running, containerStatuses: [{name: a, ready: true, restartCount: 2, state: {running: {}}}, {name: b, ready: true, restartCount: 3, state: {running: {}}}]}
            """)
        #expect(PodPrinter.status(twoContainers) == PodPrinter.State(ready: 2, total: 2, restarts: 5, reason: "Terminating"))
    }

    static let ages: [(Double, String)] = [
        (59, "59s"), (119, "119s"), (150, "2m30s"), (600, "10m"), (10_860, "3h1m"), (32_400, "9h"), (180_000, "2d2h"),
        (777_600, "9d"), (69_120_000, "2y70d"), (-0.5, "0s"), (-5, "<invalid>"),
    ]

    @Test(
        "An event's message trimmed by bytes as Foundation trims it: ASCII and Unicode blanks, marks and text past ASCII at its ends"
    )
    func messageTrimming() {
        let pieces = [
            " ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{200B}", "a", "Z", "é",
            "\u{301}", "名", "😀", "-", "x y", "",
        ]
        var generator = SystemRandomNumberGenerator()
        var texts = pieces.flatMap { a in pieces.map { b in a + "Back-off" + b } }
        for _ in 0..<3000 {
            texts.append((0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            // What `message` did before its bytes were looked at: untouched unless an end is whitespace as a
            // Character (not a space before a combining mark), else Foundation's trim.
            let untouched = !(text.first?.isWhitespace ?? false) && !(text.last?.isWhitespace ?? false)
            let expected = untouched ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
            let got = EventPrinter.message(.mapping(["message": .scalar(text)]))
            #expect(got == expected, "\(Array(text.unicodeScalars.map(\.value)))")
        }
    }

    @Test("--show-labels' cell: pairs by key, joined by commas; <none> without labels; a secret-looking pair scrubbed")
    func labelsCell() {
        #expect(DumpExplorer.labelsCell("b=2\na.b=3\na=1") == "a=1,a.b=3,b=2")
        #expect(DumpExplorer.labelsCell("") == "<none>")
        #expect(DumpExplorer.labelsCell("empty=") == "empty=")
        let scrubbed = DumpExplorer.labelsCell("app=db\npassword=hunter2")
        #expect(scrubbed.hasPrefix("app=db,password=") && !scrubbed.contains("hunter2"))
    }

    @Test("Ages as kubectl's HumanDuration prints them")
    func ages() {
        for (seconds, shown) in Self.ages { #expect(Age.short(seconds: seconds) == shown, "\(seconds) s") }
    }

    @Test("MTC's printer columns from its CRD, read by the JSONPath subset CRDs use")
    func crdColumns() throws {
        let crd = try #require(
            try Self.objects(TestSupport.realdata("migtools__mig-controller/config/crds/migration.openshift.io_migmigrations.yaml")).first)
        let columns = PrinterColumn.of(crd: crd)
        #expect(columns.map(\.name) == ["Ready", "Plan", "Stage", "Rollback", "Itinerary", "Phase"])
        let migration = try #require(
            try YAMLReader().documents(
                Array(
                    """
                    spec: {migPlanRef: {name: plan-a}, stage: false}
                    status: {phase: Completed, itinerary: Final, conditions: [{type: Running, status: "False"}, {type: Ready, status: "True"}]}
                    """.utf8)
            ).documents.first)
        #expect(
            columns.map { $0.cell(migration) } == [
                .text("True"), .text("plan-a"), .text("false"), .text(""), .text("Final"), .text("Completed"),
            ])
    }

    @Test("A CRD read for its definition only (its schemas skipped) defines the same kind, names and columns as read whole")
    func crdDefinitionFromPrunedRead() throws {
        var pruned = YAMLReader()
        pruned.pruning = PreparedObject.definitionPruning
        let folder = TestSupport.realdata("migtools__mig-controller/config/crds")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 5)
        for file in files {
            let path = folder + "/" + file
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let whole = ObjectDocuments.decode(bytes, path: path, yaml: YAMLReader()).objects.map(\.0)
            let light = ObjectDocuments.decode(bytes, path: path, yaml: pruned).objects.map(\.0)
            #expect(whole.count == light.count, "\(file)")
            for (w, l) in zip(whole, light) {
                let full = try #require(PreparedObject.definition(ofCRD: w), "\(file)")
                let fromPruned = try #require(PreparedObject.definition(ofCRD: l), "\(file)")
                #expect(full.info == fromPruned.info && full.columns == fromPruned.columns, "\(file)")
                #expect(l[path: "spec.versions"].array.allSatisfy { $0["schema"].isNull }, "\(file): the schemas were read")
            }
        }
    }

    @Test("Cells survive the index's text form; a unit separator inside a text becomes a space, even before a combining mark")
    func cellCoding() {
        let cells: [Cell] = [
            .text("a\u{1F}b"), .age(Timestamp(secondsSince1970: 1_700_000_000)), .age(nil), .text(""), .text("x\u{1F}\u{301}y é"),
            .age(Timestamp(secondsSince1970: 1_700_000_000.25)), .age(Timestamp(secondsSince1970: -86_400)),
        ]
        let back = CellCoding.decode(CellCoding.encode(cells))
        #expect(
            back == [
                .text("a b"), .age(Timestamp(secondsSince1970: 1_700_000_000)), .age(nil), .text(""), .text("x \u{301}y é"),
                .age(Timestamp(secondsSince1970: 1_700_000_000.25)), .age(Timestamp(secondsSince1970: -86_400)),
            ])
        #expect(CellCoding.encode([.age(Timestamp(secondsSince1970: 1_700_000_000))]) == "a1700000000", "whole seconds as an integer")
        #expect(CellCoding.decode("") == [])
    }

    @Test(
        "A table prints the same from the index's bytes as from its cells: escapes, wide characters, ages, short rows, wide columns"
    )
    func tableFromIndexBytes() {
        let now = Timestamp(secondsSince1970: 1_700_000_000)
        let rows: [(ObjectKey, [Cell], [Cell])] = [
            (
                ObjectKey(cluster: "host", kind: "Event", group: "", namespace: "ns-é", name: "a"),
                [.age(Timestamp(secondsSince1970: 1_699_999_000)), .text("Warning"), .text("Bad\u{1B}[31mred"), .text("pod/日本")],
                [.text("spec"), .age(nil)]
            ),
            (ObjectKey(cluster: "host", kind: "Event", group: "", namespace: nil, name: "b"), [.text("x\ty"), .text("\u{202E}rtl")], []),
            (ObjectKey(cluster: "other-cluster", kind: "Event", group: "", namespace: "ns", name: "c"), [], [.text("")]),
        ]
        let columns = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "FIRST SEEN"]
        let given = Table(
            columns: columns, rows: rows.map { TableRow(key: $0.0, cells: $0.1 + $0.2, time: nil) }, now: now)
        let fromIndex = Table(
            columns: columns,
            rows: rows.map { TableRow(key: $0.0, encoded: CellCoding.encode($0.1), wide: CellCoding.encode($0.2), time: nil) }, now: now)
        #expect(fromIndex.rows.map(\.cells) == given.rows.map(\.cells))
        #expect(fromIndex.rows == given.rows)
        for (namespace, cluster) in [(true, true), (false, false), (true, false)] {
            let text = TableText.renderUTF8(fromIndex, showNamespace: namespace, showCluster: cluster)
            #expect(text == TableText.renderUTF8(given, showNamespace: namespace, showCluster: cluster))
            let printed = String(decoding: text, as: UTF8.self)
            #expect(!printed.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E }, "unsafe scalars are escaped")
            #expect(printed.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
        }
        let lines = TableText.render(given, showNamespace: true, showCluster: false).split(separator: "\n").map(String.init)
        // TYPE is as wide as the escaped `\u{202E}rtl` below it.
        #expect(lines[0].hasPrefix("NAMESPACE   LAST SEEN   TYPE          REASON"))
        // Columns line up by characters shown: é and 日本 count one scalar each.
        #expect(lines[1] == "ns-é        16m         Warning       Bad\\u{1B}[31mred   pod/日本   spec        <unknown>")
    }

    @Test("A table streamed in pieces prints the bytes it prints whole; without rows, its header only when asked")
    func streamedTable() throws {
        let rows = (0..<3000).map { i in
            TableRow(
                key: ObjectKey(cluster: "c\(i % 3)", kind: "Event", group: "", namespace: "ns-\(i % 7)", name: "e\(i)"),
                encoded: CellCoding.encode([.age(Timestamp(secondsSince1970: Double(1_700_000_000 - i))), .text(String(repeating: "x", count: i % 50))]),
                wide: nil, time: nil)
        }
        let table = Table(columns: ["LAST SEEN", "MESSAGE"], rows: rows, now: Timestamp(secondsSince1970: 1_700_000_000))
        var pieces: [[UInt8]] = []
        let count = try TableText.write(table.stream, showNamespace: true, showCluster: true) { pieces.append(Array($0)) }
        #expect(count == 3000 && pieces.count > 1 && pieces.dropLast().allSatisfy { $0.count >= 1 << 16 && $0.last == 0x0A })
        #expect(Array(pieces.joined()) == TableText.renderUTF8(table, showNamespace: true, showCluster: true))
        let empty = Table(columns: ["NAME"], rows: [], now: nil)
        var printed: [UInt8] = []
        #expect(try TableText.write(empty.stream, showNamespace: false, showCluster: false, headerAlone: false) { printed += $0 } == 0)
        #expect(printed.isEmpty)
        #expect(TableText.render(empty, showNamespace: false, showCluster: false) == "NAME\n")
    }

    @Test("The index's binary form gives back every object of a real file exactly, key order included")
    func codecRoundTrip() throws {
        let objects = try Self.objects(
            TestSupport.realdata(
                "RedHatQE__must-gather-explorer/must_gather_explorer/tests/manifests/must-gather-data/data/namespaces/kube-system/core/pods.yaml"
            ))
        #expect(objects.count >= 7)
        for object in objects {
            let back = try #require(ValueCodec.decode(ValueCodec.encode(object)))
            #expect(back == object)
            #expect(back.mapping?.keys == object.mapping?.keys)
        }
        #expect(ValueCodec.decode([3, 1, 1, 0x61]) == nil, "a truncated row is refused, not half read")
    }

    @Test("YAML and JSON output read back to the same object; numbers stay numbers, labels stay strings")
    func textRoundTrip() throws {
        for object in try Self.objects(Self.samplePods) {
            let yaml = ValueText.yaml(object)
            let back = try #require(try YAMLReader().documents(Array(yaml.utf8)).documents.first)
            #expect(back == object)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(ValueText.json(object).utf8)) as? [String: Any])
            #expect((json["metadata"] as? [String: Any])?["name"] as? String == object[path: "metadata.name"].string)
        }
        let typed = try #require(
            try YAMLReader().documents(
                Array(
                    """
                    metadata: {labels: {version: "3"}, resourceVersion: "41876329"}
                    spec: {replicas: 3, paused: false, args: [infinity, "007"]}
                    """.utf8)
            ).documents.first)
        #expect(ValueText.json(typed).contains("\"version\": \"3\""))
        #expect(ValueText.json(typed).contains("\"replicas\": 3"))
        #expect(ValueText.json(typed).contains("\"resourceVersion\": \"41876329\""))
        #expect(ValueText.yaml(typed).contains("- infinity\n") && ValueText.yaml(typed).contains("- \"007\"\n"))
    }

    @Test("Control and bidi characters from the dump are escaped in YAML and JSON")
    func escapes() {
        let hostile = Value.mapping(["name": .scalar("evil\u{1B}[2J\u{202E}name")])
        #expect(!ValueText.yaml(hostile).contains("\u{1B}") && !ValueText.yaml(hostile).contains("\u{202E}"))
        #expect(ValueText.json(hostile).contains("\\u001b") && ValueText.json(hostile).contains("\\u202e"))
    }

    @Test("Log line times in the forms cluster logs use; none for a line without one")
    func logTimes() {
        let expected = Timestamp(rfc3339: "2026-11-20T13:21:16Z")
        #expect(LogLineTime.of("2026-11-20T13:21:16.000000000Z some text", year: nil) == expected)
        #expect(LogLineTime.of("time=\"2026-11-20T13:21:16Z\" level=info msg=\"x\"", year: nil) == expected)
        #expect(LogLineTime.of("{\"level\":\"info\",\"ts\":1795180876}", year: nil) == expected)
        #expect(LogLineTime.of("I1120 13:21:16.000000       1 controller.go:42] synced", year: 2026) == expected)
        #expect(LogLineTime.of("plain text", year: 2026) == nil)
    }

    @Test("Label selectors: equality, inequality, sets, existence")
    func selectors() throws {
        let labels = ["app": "web", "tier": "front", "env": "prod"]
        #expect(try LabelSelector(parsing: "app=web,tier!=db").matches(labels))
        #expect(try LabelSelector(parsing: "env in (prod, stage),!canary,app").matches(labels))
        #expect(try !LabelSelector(parsing: "env notin (prod)").matches(labels))
        #expect(try !LabelSelector(parsing: "app==api").matches(labels))
        #expect(throws: ExploreError.self) { try LabelSelector(parsing: "app in prod") }
        #expect(throws: ExploreError.self) { try LabelSelector(parsing: ",") }
    }

    @Test("Kinds by name, plural, short name and plural.group; typos get the names meant")
    func kinds() {
        let catalog = KindCatalog()
        #expect(catalog.resolve("mig")?.kind == "MigMigration")
        #expect(catalog.resolve("MigMigrations")?.kind == "MigMigration")
        #expect(catalog.resolve("po")?.kind == "Pod")
        #expect(catalog.resolve("pvb")?.kind == "PodVolumeBackup")
        #expect(catalog.resolve("dvm")?.kind == "DirectVolumeMigration")
        #expect(catalog.resolve("backups.velero.io")?.kind == "Backup")
        #expect(catalog.resolve("restore")?.kind == "Restore")
        #expect(catalog.resolve("migplan")?.kind == "MigPlan")
        #expect(catalog.resolve("podz") == nil)
        #expect(catalog.suggestions(for: "migmigraton").first == "migmigrations")
        #expect(catalog.suggestions(for: "pdos").contains("pods"))
        #expect(KindCatalog.guessedPlural(of: "NetworkPolicy") == "networkpolicies")
    }

    @Test("A Secret keeps its keys, never its values, nor the copy kubectl apply leaves in an annotation")
    func secrets() throws {
        let secret = try #require(
            try YAMLReader().documents(
                Array(
                    """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: s
                      annotations:
                        kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"aHVudGVyMg=="}}'
                    data: {password: aHVudGVyMg==}
                    stringData: {token: hunter2}
                    """.utf8)
            ).documents.first)
        let prepared = PreparedObject(secret, cluster: "c", source: SourceRef(path: "p"))
        let stored = try #require(ValueCodec.decode(prepared.body))
        let text = ValueText.yaml(stored) + ValueText.json(stored)
        #expect(!text.contains("aHVudGVyMg==") && !text.contains("hunter2"))
        #expect(stored[path: "data.password"].string == "<redacted>")
    }
}
