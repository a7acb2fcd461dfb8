import Foundation
import MustardModel
import MustardTestSupport
import Testing

@testable import MustardExplore

/// The library API another front end (an MCP server) builds on: typed rows and objects from a real dump.
@Suite("Exploring a dump")
struct ExplorerTests {
    static let sample = TestSupport.sample("stage-image-stuck.tar.gz")

    static func open(_ path: String = sample) throws -> DumpExplorer {
        try DumpExplorer.open(path, options: ExploreOptions(cache: nil))
    }

    @Test("ls: the MTC sample's three clusters, its layouts, the gather time from its timestamp file, kinds counted")
    func summary() throws {
        let s = try Self.open().summary
        #expect(s.clusters.map(\.name) == ["host", "inspect.local.2471", "source-cluster"])
        #expect(s.layouts == ["mtc-gather", "mtc-migplans", "oc-adm-inspect"])
        #expect(s.gatheredAt?.description == "2026-11-20T13:33:47Z")
        #expect(s.nestedArchives == 1 && !s.isDamaged)
        #expect(
            s.kinds.contains(
                DumpSummary.KindCount(
                    cluster: "host", kind: "MigMigration", group: "migration.openshift.io", plural: "migmigrations", count: 2)))
    }

    @Test("get pods across clusters: oc's columns, AGE relative to the gather time, sorted by cluster, namespace, name")
    func pods() throws {
        let explorer = try Self.open()
        #expect(explorer.isMultiCluster)
        let table = try explorer.get(GetQuery(kind: "po"))
        #expect(table.columns == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
        #expect(table.rows.map(\.key) == table.rows.map(\.key).sorted())
        let stage = try #require(table.rows.first { $0.key.name == "stage-mssql-deployment-1-l9sp2-9tkfm" })
        #expect(stage.key.cluster == "inspect.local.2471" && stage.key.namespace == "mssql-persistent")
        #expect(
            stage.cells.map { $0.shown(now: table.now) } == [
                "stage-mssql-deployment-1-l9sp2-9tkfm", "0/1", "ImagePullBackOff", "0", "4h19m",
            ])
        let host = try explorer.get(GetQuery(kind: "pods", namespace: "openshift-migration", cluster: "host"))
        #expect(host.rows.count == 8 && host.rows.allSatisfy { $0.key.cluster == "host" })
    }

    @Test("MTC's kinds by short name with MTC's printer columns; selectors filter rows")
    func migrations() throws {
        let explorer = try Self.open()
        let table = try explorer.get(GetQuery(kind: "mig"))
        #expect(table.columns == ["NAME", "READY", "PLAN", "STAGE", "ROLLBACK", "ITINERARY", "PHASE", "AGE"])
        let stuck = try #require(table.rows.first { $0.key.name == "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8" })
        #expect(stuck.cells[2] == .text("mssql-persistent-plan") && stuck.cells[6] == .text("StagePodsCreated"))
        let stagePods = try explorer.get(
            GetQuery(kind: "pods", selector: try LabelSelector(parsing: "migration.openshift.io/is-stage-pod=true")))
        #expect(stagePods.rows.map(\.key.name) == ["stage-mssql-deployment-1-l9sp2-9tkfm"])
    }

    @Test("A first question not about CRDs reads only what they define: the same kinds and columns; the CRDs come once asked for")
    func crdsDeferred() throws {
        let dump = TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")
        var eventsFirst = ExploreOptions(cache: nil)
        eventsFirst.firstReading = ["events"]
        let light = try DumpExplorer.open(dump, options: eventsFirst)
        var everything = ExploreOptions(cache: nil)
        everything.firstReading = nil
        let whole = try DumpExplorer.open(dump, options: everything)
        // A kind only its CRD names, printed with the CRD's columns.
        let alertmanagers = GetQuery(kind: "alertmanagers")
        let lightTable = try light.get(alertmanagers), wholeTable = try whole.get(alertmanagers)
        #expect(lightTable.columns == ["NAME", "VERSION", "REPLICAS", "AGE"] && lightTable.columns == wholeTable.columns)
        #expect(lightTable.rows == wholeTable.rows && !lightTable.rows.isEmpty)
        // Every kind a CRD defines is known before the CRDs themselves are read…
        let wholeCRDs = try whole.get(GetQuery(kind: "crd"))
        let crdNames = Set(wholeCRDs.rows.map(\.key.name))
        let defined = whole.catalog.kinds.filter { crdNames.contains("\($0.plural).\($0.group)") }
        #expect(wholeCRDs.rows.count == 98)
        #expect(Set(defined.map { "\($0.plural).\($0.group)" }) == crdNames)
        #expect(Set(defined).isSubset(of: Set(light.catalog.kinds)))
        // …and the CRDs come, whole, once asked for.
        #expect(try light.get(GetQuery(kind: "crd")).rows == wholeCRDs.rows)
        let yaml = try light.objects(GetQuery(kind: "crd", name: "alertmanagers.monitoring.coreos.com"))
        #expect(yaml.first?.body[path: "spec.versions"].array.first?["schema"].isNull == false)
    }

    @Test("Unknown kinds, names and clusters are errors naming what was meant")
    func errors() throws {
        let explorer = try Self.open()
        #expect(throws: ExploreError.unknownKind("migmigraton", suggestions: ["migmigrations"])) {
            try explorer.get(GetQuery(kind: "migmigraton"))
        }
        #expect(throws: ExploreError.unknownCluster("hots", known: ["host", "inspect.local.2471", "source-cluster"])) {
            try explorer.get(GetQuery(kind: "pods", cluster: "hots"))
        }
        do {
            _ = try explorer.get(GetQuery(kind: "migplan", name: "mssql-persistent-plan2"))
            Issue.record("a missing name must throw")
        } catch let error as ExploreError {
            #expect(error == .notFound(kind: "migplans", name: "mssql-persistent-plan2", scope: "", suggestions: ["mssql-persistent-plan"]))
            #expect(error.description.contains("did you mean `mssql-persistent-plan`?"))
        }
        #expect(throws: ExploreError.self) { try explorer.get(GetQuery(kind: "pods", namespace: "openshift-migraton")) }
    }

    @Test("events: oldest first, filtered by type and by the object they are about")
    func events() throws {
        let explorer = try Self.open()
        let all = try explorer.events(EventQuery())
        let times = all.rows.compactMap(\.time)
        #expect(times == times.sorted() && times.count == all.rows.count && !times.isEmpty)
        let warnings = try explorer.events(EventQuery(types: ["warning"]))
        #expect(!warnings.rows.isEmpty && warnings.rows.allSatisfy { $0.cells[1] == .text("Warning") })
        let about = try explorer.events(EventQuery(involved: ("pod", "stage-mssql-deployment-1-l9sp2-9tkfm")))
        #expect(about.rows.count == 7 && about.rows.allSatisfy { $0.cells[3] == .text("pod/stage-mssql-deployment-1-l9sp2-9tkfm") })
        #expect(throws: ExploreError.self) { try explorer.events(EventQuery(involved: ("pod", "no-such-pod"))) }
    }

    @Test("describe: the object with its events; secrets' values never come back")
    func describe() throws {
        let explorer = try Self.open()
        let d = try explorer.describe(kind: "pod", name: "stage-mssql-deployment-1-l9sp2-9tkfm")
        #expect(d.events.count == 7 && d.object.source.path.hasSuffix("core/pods.yaml"))
        let text = DescribeText.render(d, showCluster: true)
        #expect(text.contains("Status:           ImagePullBackOff") && text.contains("Cluster:          inspect.local.2471"))
        let secrets = try explorer.objects(GetQuery(kind: "secret"))
        #expect(!secrets.isEmpty)
        for secret in secrets {
            for (_, value) in secret.body["data"].mapping ?? Fields() { #expect(value.string == "<redacted>") }
        }
        // The same name in two clusters: describe asks which.
        #expect(throws: ExploreError.self) { try explorer.describe(kind: "configmap", name: "migration-cluster-config") }
    }

    @Test("logs: the container's lines from the nested archive, filtered by time before the gather and by text")
    func logs() throws {
        let explorer = try Self.open()
        var lines: [String] = []
        let selection = try explorer.logs(LogQuery(pod: "velero-bnpcjngjqd-mtdsq")) { lines.append($0.text) }
        #expect(selection.cluster == "host" && selection.path.contains("!/"))
        #expect(lines.first?.contains("setting log-level to INFO") == true)
        var recent: [LogLineOut] = []
        try explorer.logs(LogQuery(pod: "velero-bnpcjngjqd-mtdsq", sinceSeconds: 3600)) { recent.append($0) }
        let start = try #require(explorer.summary.gatheredAt?.adding(seconds: -3600))
        #expect(!recent.isEmpty && recent.count < lines.count && recent.allSatisfy { $0.time.map { $0 >= start } ?? true })
        var grepped: [String] = []
        try explorer.logs(LogQuery(pod: "velero-bnpcjngjqd-mtdsq", grep: "Validating")) { grepped.append($0.text) }
        #expect(!grepped.isEmpty && grepped.allSatisfy { $0.contains("Validating") })
        #expect(throws: ExploreError.self) { try explorer.logs(LogQuery(pod: "velero-bnpcjngjqd-mtdsx")) { _ in } }
    }
}
