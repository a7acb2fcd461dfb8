import Foundation
import MustardArchive
import MustardModel
import MustardTestSupport
import Testing
@testable import MustardDump

@Suite("Layouts are found from paths")
struct LayoutTests {
    func locate(_ path: String) -> Location? { Location.locate(EntryPath(layers: [path])) }

    @Test("MTC 1.4.3+: clusters/<cluster>/ below any wrappers and nested archives")
    func mtcClusters() {
        let nested = Location.locate(EntryPath(layers: [
            "must-gather.local.5108/quay-io-konveyor-must-gather-sha256-abc/must-gather.tar.gz",
            "must-gather/clusters/source-cluster/namespaces/openshift-migration/core/configmaps.yaml",
        ]))
        #expect(nested == Location(layout: .mtcClusters, cluster: "source-cluster", namespace: "openshift-migration", role: .objects(resource: "configmaps")))
        #expect(locate("must-gather/clusters/host/namespaces/openshift-migration/crs/migrationcontrollers.migration.openshift.io/migration-controller.yaml")?.role == .objects(resource: "migrationcontrollers"))
        #expect(locate("must-gather/clusters/host/namespaces/openshift-migration/logs/migration-controller-6d8c9b7f5-x2x8r/current.log")?.role
            == .log(namespace: "openshift-migration", pod: "migration-controller-6d8c9b7f5-x2x8r", container: nil, previous: false))
        #expect(locate("must-gather/clusters/remote/login_error.txt") == Location(layout: .mtcClusters, cluster: "remote", namespace: nil, role: .loginError))
    }

    @Test("MTC migplans tree, legacy per-cluster roots, and plain inspect output")
    func others() {
        #expect(locate("must-gather/migplans/migplan-p/migmigration-m/migmigration-m.yml")?.layout == .mtcMigplans)
        #expect(locate("must-gather/migplans/migplan-p/migmigration-m/backup-b/backup-describe-b.txt")?.role == .migplanText(file: "backup-describe-b.txt"))
        #expect(locate("must-gather/migplans/migplan-p/migmigration-m/backup-b/graph.png")?.role == .ignored)
        #expect(locate("must-gather/ocp3-source/namespaces/openshift-migration/crs/migmigrations.migration.openshift.io/m.yaml")
            == Location(layout: .mtcLegacy, cluster: "ocp3-source", namespace: "openshift-migration", role: .objects(resource: "migmigrations")))
        // 1.3-1.4.2: a failed login leaves must-gather/<cluster>/login_error.txt (must-gather release-1.4.0 gather).
        #expect(locate("must-gather/source-cluster/login_error.txt") == Location(layout: .mtcLegacy, cluster: "source-cluster", namespace: nil, role: .loginError))
        #expect(locate("must-gather/quay-io-konveyor-must-gather-sha256-abc/login_error.txt") == nil)
        #expect(locate("inspect.local.2471/namespaces/app/pods/web-1/web-1.yaml") == Location(layout: .inspect, cluster: "inspect.local.2471", namespace: "app", role: .podCopy(namespace: "app")))
        #expect(locate("inspect.local.2471/namespaces/app/pods/web-1/web/web/logs/previous.log")?.role
            == .log(namespace: "app", pod: "web-1", container: "web", previous: true))
        #expect(locate("namespaces/kube-system/core/events.yaml") == Location(layout: .inspect, cluster: "default", namespace: "kube-system", role: .objects(resource: "events")))
        #expect(locate("namespaces/kube-system/kube-system.yaml")?.role == .objects(resource: "namespaces"))
        // A default must-gather's image folder is not an MTC cluster, even under a wrapper named must-gather.
        #expect(locate("must-gather/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-eede/namespaces/x/core/pods.yaml")?.layout == .inspect)
        #expect(locate("cluster-scoped-resources/core/nodes/node-1.yaml")?.role == .objects(resource: "nodes"))
        #expect(locate("random/file.txt") == nil)
    }
}

@Suite("YAML reader")
struct YAMLTests {
    let reader = YAMLReader()

    @Test("Documents, nulls and quoted scalars")
    func basics() throws {
        let (docs, warnings) = try reader.documents(Array("a: 1\nb: ~\nc: \"true\"\nd: []\n---\nkind: Pod\n".utf8))
        #expect(docs.count == 2 && warnings.isEmpty)
        #expect(docs[0]["a"] == .scalar("1") && docs[0]["b"] == .null && docs[0]["c"].bool == true)
        #expect(docs[1]["kind"].string == "Pod")
    }

    @Test("Duplicate keys are a warning with the line; the first value is kept")
    func duplicates() throws {
        let (docs, warnings) = try reader.documents(Array("metadata:\n  name: a\n  name: b\n".utf8))
        #expect(docs[0][path: "metadata.name"].string == "a")
        #expect(warnings == ["duplicate key 'name' at line 3; the first value is kept"])
    }

    @Test("Aliases expand within a budget: a billion-laughs document is refused")
    func aliases() throws {
        let (docs, _) = try reader.documents(Array("base: &b {x: 1}\nuse: *b\n".utf8))
        #expect(docs[0]["use"]["x"].string == "1")
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = i == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h", "i"][i - 1]
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        #expect(throws: YAMLError.self) { try reader.documents(Array(bomb.utf8)) }
    }

    @Test("Bytes that are not UTF-8, tabs as indentation, and deep nesting are errors with a line")
    func malformed() {
        #expect(throws: YAMLError.self) { try reader.documents([0x6B, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]) }
        #expect(throws: YAMLError.self) { try reader.documents(Array("a:\n\tb: 1\n".utf8)) }
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: YAMLError.self) { try reader.documents(Array(deep.utf8)) }
    }
}

@Suite("Loading dumps")
struct LoaderTests {
    static let everything = DataRequirements(
        resources: ["pods", "events", "configmaps", "secrets", "namespaces", "migmigrations", "migplans", "migclusters", "migrationcontrollers"],
        logs: [LogRequirement(podPrefixes: ["migration-controller"], patterns: ["Stage Pod"])])

    func load(_ path: String, _ requirements: DataRequirements = LoaderTests.everything) throws -> LoadedDump {
        try DumpLoader(requirements: requirements).load(path)
    }

    @Test("The seed sample: clusters, gather time from the CET timestamp file, objects with their source")
    func sample() throws {
        let dump = try load(TestSupport.sample("stage-image-stuck.tar.gz"))
        #expect(dump.snapshot.clusters.map(\.name) == ["host", "inspect.local.2471", "source-cluster"])
        #expect(dump.snapshot.gatheredAt?.description == "2026-11-20T13:33:47Z")
        #expect(dump.snapshot.gatherTimeSource == .timestampFile(path: "must-gather.local.5108/timestamp"))
        #expect(dump.layouts == [.mtcClusters, .mtcMigplans, .inspect])
        #expect(!dump.isDamaged)
        let host = try #require(dump.snapshot.cluster(named: "host"))
        #expect(host.migMigrations.count == 2 && host.migPlans.count == 1)
        let source = try #require(dump.snapshot.cluster(named: "source-cluster"))
        let config = try #require(source.configMap("openshift-migration", "migration-cluster-config"))
        #expect(config.data["STAGE_IMAGE"] == "quay.io/konveyor/invalid_image:latest")
        #expect(config.object.source.path.contains("must-gather.tar.gz!/must-gather/clusters/source-cluster/"))
        #expect(config.object.source.listIndex != nil)
        let stage = try #require(dump.snapshot.cluster(named: "inspect.local.2471")?.pods.first { $0.isStagePod })
        #expect(stage.name == "stage-mssql-deployment-1-l9sp2-9tkfm")
        // The pod appears in the list and in its own file: kept once.
        #expect(dump.snapshot.cluster(named: "inspect.local.2471")?.pods.filter { $0.name == stage.name }.count == 1)
        #expect(dump.snapshot.logLines.contains { $0.fields["msg"] == "Found abnormal event for Stage Pod" })
    }

    @Test("Secret values never enter the model; their keys do")
    func secrets() throws {
        let dump = try load(TestSupport.sample("stage-image-stuck"))
        let secrets = dump.snapshot.clusters.flatMap(\.objects).filter { $0.kind == "Secret" }
        #expect(!secrets.isEmpty)
        for secret in secrets {
            for value in (secret.body["data"].mapping ?? [:]).values { #expect(value == .scalar("<redacted>")) }
        }
    }

    @Test("Files the rules do not need are not decoded")
    func skipsUnneeded() throws {
        let dump = try load(TestSupport.sample("stage-image-stuck"), DataRequirements(resources: ["migmigrations"]))
        #expect(dump.snapshot.clusters.flatMap(\.configMaps).isEmpty)
        // The migplans tree holds MigMigrations and is always read.
        #expect(dump.snapshot.clusters.flatMap(\.migMigrations).count == 2)
    }

    @Test("oc error text in a .yaml file and duplicate keys become load issues naming the file")
    func ocErrors() throws {
        let dump = try load(TestSupport.fixture("oc-error-in-yaml"))
        let events = try #require(dump.loadIssues.first { $0.path.hasSuffix("core/events.yaml") })
        #expect(events.damaged && events.message.contains("the server doesn't have a resource type"))
        #expect(dump.loadIssues.contains { $0.path.hasSuffix("core/configmaps.yaml") && $0.message.contains("duplicate key 'name'") })
        #expect(dump.snapshot.clusters.reduce(0) { $0 + $1.pods.count + $1.healthyPods.count } == 1)
    }

    @Test("Workloads: those MTC quiesced are kept, the others only counted for time; a rule that reads every object gets them all")
    func idleWorkloads() throws {
        var requirements = LoaderTests.everything
        requirements.resources.formUnion(["deploymentconfigs", "deployments"])
        // An application MTC quiesced (replicas 0, the saved count) is kept.
        let quiesced = try load(TestSupport.fixture("mtc-1.7-stuck-unschedulable"), requirements).snapshot.clusters.flatMap(\.quiescableWorkloads)
        #expect(quiesced.count == 1 && quiesced.allSatisfy(\.isQuiesced))
        // A running one (replicas 1, nothing of MTC's) is not, unless a rule reads every deployment.
        let running = TestSupport.fixture("mtc-1.7-ordinary-imagepullbackoff")
        #expect(try load(running, requirements).snapshot.clusters.flatMap(\.quiescableWorkloads).isEmpty)
        requirements.everyObject = ["deploymentconfigs", "deployments", "pods"]
        let every = try load(running, requirements).snapshot.clusters.flatMap(\.quiescableWorkloads)
        #expect(every.map(\.name) == ["frontend"])
        // Every pod whole too: the healthy ones are pods again, not counts.
        let recovered = try load(TestSupport.fixture("k8s-pods-recovered"), requirements)
        #expect(recovered.snapshot.clusters.first?.pods.count == 1 && recovered.snapshot.clusters.first?.healthyPods.count == 0)
    }

    @Test("Healthy pods are counted, not kept: a restarted one by name with its Warning events, a never-restarted one by count")
    func healthyPodsCounted() throws {
        let recovered = try load(TestSupport.fixture("k8s-pods-recovered"))
        let shop = try #require(recovered.snapshot.clusters.first)
        #expect(shop.pods.isEmpty)
        #expect(shop.healthyPods.quiet == 0)
        #expect(shop.healthyPods.recovered.map { "\($0.namespace)/\($0.name)" } == ["shop/web-6d8f9b7c5-z9k3p"])
        #expect(shop.events(for: "Pod", namespace: "shop", name: "web-6d8f9b7c5-z9k3p").contains { $0.type == "Warning" })
        // A failing pod and MTC's pods stay whole: the rules read their statuses.
        let stuck = try load(TestSupport.sample("stage-image-stuck"))
        let stagePods = stuck.snapshot.clusters.flatMap(\.pods).filter(\.isStagePod)
        #expect(!stagePods.isEmpty && stagePods.allSatisfy { !$0.containerStatuses.isEmpty })
        #expect(stuck.snapshot.clusters.flatMap(\.pods).filter { $0.namespace == "openshift-migration" }.count > 0)
    }

    @Test("Without a timestamp file the newest time in the dump is 'now', and the report says so")
    func newestTime() throws {
        let dump = try load(TestSupport.realdata("RedHatQE__must-gather-explorer/must_gather_explorer/tests/manifests/must-gather-data/data"))
        #expect(dump.snapshot.gatherTimeSource == .newestInDump)
        #expect(dump.snapshot.gatheredAt != nil)
        let cluster = try #require(dump.snapshot.cluster(named: "default"))
        #expect(cluster.pods.count + cluster.healthyPods.count == 7)
        #expect(cluster.healthyPods.quiet > 0)
    }

    /// An inspect tree of one namespace: a healthy pod, a crash-looping pod, a stage pod; each with a routine
    /// `Scheduled` event and a `Warning` or image-pull event, as the kubelet writes them.
    static func podEventsTree() throws -> URL {
        let folder = TestSupport.temporaryFolder()
        let ns = folder.appendingPathComponent("namespaces/shop/core")
        try FileManager.default.createDirectory(at: ns, withIntermediateDirectories: true)
        func pod(_ name: String, ready: Bool, labels: String = "{}") -> String {
            """
            - apiVersion: v1
              kind: Pod
              metadata:
                labels: \(labels)
                name: \(name)
                namespace: shop
              status:
                containerStatuses:
                - name: app
                  ready: \(ready)
                  restartCount: \(ready ? 0 : 7)
                phase: Running
            """
        }
        func event(_ name: String, pod: String, type: String, reason: String, message: String, last: String) -> String {
            """
            - apiVersion: v1
              involvedObject:
                kind: Pod
                name: \(pod)
                namespace: shop
              kind: Event
              lastTimestamp: "\(last)"
              message: \(message)
              metadata:
                name: \(name)
                namespace: shop
              reason: \(reason)
              type: \(type)
            """
        }
        let events = [
            event("e1", pod: "web-ok", type: "Normal", reason: "Scheduled", message: "assigned", last: "2026-01-01T10:09:00Z"),
            event("e2", pod: "web-ok", type: "Warning", reason: "Unhealthy", message: "probe failed", last: "2026-01-01T10:00:00Z"),
            event("e3", pod: "web-bad", type: "Normal", reason: "Scheduled", message: "assigned", last: "2026-01-01T10:00:00Z"),
            event("e4", pod: "web-bad", type: "Warning", reason: "BackOff", message: "Back-off restarting failed container", last: "2026-01-01T10:00:00Z"),
            event("e5", pod: "stage-web-bad-x", type: "Normal", reason: "Pulling", message: "Pulling image", last: "2026-01-01T10:00:00Z"),
            event("e6", pod: "stage-web-bad-x", type: "Normal", reason: "BackOff", message: "Back-off pulling image \"quay.io/x:1\"", last: "2026-01-01T10:00:00Z"),
            event("e7", pod: "gone", type: "Normal", reason: "Started", message: "started", last: "2026-01-01T10:00:00Z"),
        ]
        try ("apiVersion: v1\nitems:\n" + events.joined(separator: "\n") + "\nkind: List\n").write(to: ns.appendingPathComponent("events.yaml"), atomically: true, encoding: .utf8)
        let pods = [pod("web-ok", ready: true), pod("web-bad", ready: false),
                    pod("stage-web-bad-x", ready: false, labels: "{migration.openshift.io/is-stage-pod: \"true\"}")]
        try ("apiVersion: v1\nitems:\n" + pods.joined(separator: "\n") + "\nkind: List\n").write(to: ns.appendingPathComponent("pods.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("Pod events kept: warnings and image-pull failures; a stage pod's every event; a deleted pod's; not routine starts of other pods, nor anything about healthy ones")
    func podEvents() throws {
        let folder = try Self.podEventsTree()
        defer { TestSupport.cleanUp(folder) }
        let dump = try load(folder.path)
        let kept = Set(try #require(dump.snapshot.cluster(named: "default")).events.map(\.object.metadata.name))
        #expect(kept == ["e4", "e5", "e6", "e7"])
        // No timestamp file: the dropped routine event (10:09) is still the newest time in the dump.
        #expect(dump.snapshot.gatherTimeSource == .newestInDump)
        #expect(dump.snapshot.gatheredAt?.description == "2026-01-01T10:09:00Z")
    }
}
