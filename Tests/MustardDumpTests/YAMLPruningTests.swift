import Foundation
import MustardArchive
import MustardModel
import MustardTestSupport
import Testing
@testable import MustardDump
@testable import MustardYAML

/// Decodes every `.yaml`/`.yml` entry of a dump whole and with a pruning reader and compares what the reader's user
/// keeps of each object (`difference`: nil when the same).
final class PruningVisitor: DumpVisitor {
    var files = 0
    var objects = 0
    /// Objects whose pruned decoding differs from the whole one: pruning did something.
    var pruned = 0
    var different: [(path: String, why: String)] = []
    static let whole = YAMLReader()
    let pruning: YAMLReader
    let difference: (_ whole: Value, _ pruned: Value) -> String?

    /// By default the loader's pruning, compared as the loader keeps objects (`PruningTests.difference`).
    init(pruning: YAMLReader = DumpLoader(requirements: DataRequirements()).yaml, difference: @escaping (Value, Value) -> String? = PruningTests.difference) {
        self.pruning = pruning
        self.difference = difference
    }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        let path = entry.path.description.lowercased()
        return path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? .content : .none
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        let bytes = try content.readAll()
        let path = entry.path.description
        files += 1
        let a = ObjectDocuments.decode(bytes, path: path, yaml: Self.whole)
        let b = ObjectDocuments.decode(bytes, path: path, yaml: pruning)
        guard a.issues == b.issues else { return different.append((path, "issues \(a.issues) / \(b.issues)")) }
        guard a.objects.count == b.objects.count else { return different.append((path, "\(a.objects.count) / \(b.objects.count) objects")) }
        for ((whole, sourceA), (pruned, sourceB)) in zip(a.objects, b.objects) {
            objects += 1
            if !YAMLPaths.identical(whole, pruned) { self.pruned += 1 }
            if let why = difference(whole, pruned) ?? (sourceA == sourceB ? nil : "sources") {
                different.append((path, why))
            }
        }
    }

    func report(_ issue: ArchiveIssue) {}
}

@Suite("YAML pruning: the loader's objects are the same read whole or pruned")
struct PruningTests {
    /// Nil when the loader would keep the same of `whole` and `pruned`; otherwise what differs.
    static func difference(_ whole: Value, _ pruned: Value) -> String? {
        let slimA = ObjectSlimmer.slim(ObjectSlimmer.withoutSecretValues(whole))
        let slimB = ObjectSlimmer.slim(ObjectSlimmer.withoutSecretValues(pruned))
        if !YAMLPaths.identical(slimA, slimB) { return "slimmed\n\(slimA)\n\(slimB)" }
        // Slimming leaves alone what holds nothing to drop (the pruned pod's parts): a slim object stays as it is.
        if !YAMLPaths.identical(ObjectSlimmer.slim(slimA), slimA) { return "slimmed again\n\(slimA)" }
        // What the loader reads before it slims (`Collector.DecodedFile.append`).
        if whole["kind"].string == "Pod", ObjectSlimmer.keeping(whole) != ObjectSlimmer.keeping(pruned) { return "pod keeping" }
        if ObjectSlimmer.isIdleWorkload(whole) != ObjectSlimmer.isIdleWorkload(pruned) { return "idle workload" }
        if SetAsideObject.newestTime(whole) != SetAsideObject.newestTime(pruned) { return "times" }
        if !YAMLPaths.identical(Event.involved(whole), Event.involved(pruned)) || Event.lastSeen(whole) != Event.lastSeen(pruned)
            || whole["type"] != pruned["type"] || whole["reason"] != pruned["reason"]
        {
            return "event fields"
        }
        return nil
    }

    static func decode(_ yaml: String) -> [Value]? {
        OCYAMLParser.documents(Array(yaml.utf8), maxDepth: 256, pruning: ObjectSlimmer.pruning)
    }

    static func walk(_ path: String, _ visitor: PruningVisitor = PruningVisitor()) throws -> PruningVisitor {
        _ = try DumpWalker().walk(path, visitor: visitor)
        let name = path.split(separator: "/").suffix(2).joined(separator: "/")
        print("\(name): \(visitor.files) YAML files, \(visitor.objects) objects, \(visitor.pruned) pruned")
        for (path, why) in visitor.different.prefix(3) { print("  DIFFERENT: \(path)\n\(why.prefix(3000))") }
        return visitor
    }

    @Test("Every object of the three must-gather dumps, the other real data, the fixtures and the samples")
    func realDumps() throws {
        var pruned = 0
        for tree in OCYAMLParserTests.mustGatherDumps + OCYAMLParserTests.otherTrees {
            let visitor = try Self.walk(tree)
            #expect(visitor.different.isEmpty, "\(tree): \(visitor.different.map(\.path).prefix(10))")
            pruned += visitor.pruned
        }
        #expect(pruned > 1000, "pruning left every object whole")
    }

    @Test("The hostile corpus (`Scripts/make-hostile-corpus.py`): the same load issues and objects")
    func hostile() throws {
        let root = TestSupport.temporaryFolder().appendingPathComponent("hostile").path
        let made = try TestSupport.run(
            "/usr/bin/env", ["python3", TestSupport.root.appendingPathComponent("Scripts/make-hostile-corpus.py").path, root])
        try #require(made.code == 0, "make-hostile-corpus.py failed: \(made.stderr)")
        // The decompression bombs hold no YAML worth comparing and take most of the time.
        let dumps = try FileManager.default.contentsOfDirectory(atPath: root).sorted().filter { !$0.contains("bomb") && !$0.contains("2gib") }
        #expect(dumps.count > 20)
        for dump in dumps {
            // Some are meant not to open (a FIFO, a bomb past the limits): only what opens is compared.
            guard let visitor = try? Self.walk(root + "/" + dump) else { continue }
            #expect(visitor.different.isEmpty, "\(dump): \(visitor.different.map(\.path).prefix(10))")
        }
    }

    @Test("A pod's spec is pruned to containers' names and images, placement and volumes; keys before `kind` stay")
    func pod() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                k8s.v1.cni.cncf.io/network-status: |-
                  [{
                      "name": "ovn-kubernetes"
                  }]
                openshift.io/scc: restricted-v2
              managedFields:
              - manager: kubelet
                time: "2026-01-01T00:00:00Z"
              name: web-1
            spec:
              containers:
              - env:
                - name: A
                  value: "a long
                    quoted value"
                image: quay.io/x/web:1
                name: web
                args:
                - |
                  #!/bin/sh
                  echo hi

                  exit 0
              nodeName: node-1
              tolerations:
              - key: k
              volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: data
            status:
              phase: Running
              podIP: 10.0.0.1
            """
        let pod = try #require(Self.decode(yaml)?.first)
        #expect(pod["metadata"]["annotations"].mapping?.keys == ["openshift.io/scc"])
        #expect(pod["metadata"]["managedFields"].isNull)
        #expect(pod["spec"].mapping?.keys == ["containers", "nodeName", "volumes"])
        #expect(pod["spec"]["containers"].array.first?.mapping?.keys == ["image", "name"])
        #expect(pod["spec"]["volumes"].array.first?["persistentVolumeClaim"]["claimName"].string == "data")
        #expect(pod["status"].mapping?.keys == ["phase"])
        #expect(Self.difference(try #require(YAMLPaths.fast(yaml)?.first), pod) == nil)

        // `kind` after `spec` (not as `oc` writes it): nothing before `kind` is pruned.
        let late = try #require(Self.decode("spec:\n  tolerations:\n  - key: k\nkind: Pod\nstatus:\n  podIP: x\n")?.first)
        #expect(late["spec"]["tolerations"].array.first?["key"].string == "k")
        #expect(late["status"].mapping?.isEmpty == true)
    }

    @Test("A List's items are pruned; the items of another kind are read whole again")
    func lists() throws {
        let list = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  spec:\n    hostname: h\n    nodeName: n\nkind: PodList\n"
        #expect(Self.decode(list)?.first?["items"].array.first?["spec"].mapping?.keys == ["nodeName"])
        let noKind = "items:\n- kind: Pod\n  spec:\n    hostname: h\n"
        #expect(Self.decode(noKind)?.first?["items"].array.first?["spec"].mapping?.isEmpty == true)
        // A kind that is no List keeps its items as they are: the parser gives up and libyaml reads it whole.
        #expect(Self.decode("items:\n- kind: Pod\n  spec:\n    hostname: h\nkind: Thing\n") == nil)
        #expect(Self.decode("items:\n- kind: Pod\n  spec:\n    nodeName: h\nkind: Thing\n")?.first?["items"].array.first?["spec"]["nodeName"].string == "h")
    }

    @Test("What the fast path would not read falls back even when it would be skipped")
    func fallbacks() {
        // A tab in an indentation, inside a skipped value.
        #expect(Self.decode("kind: Pod\nspec:\n  hostname:\n\t  x: 1\n") == nil)
        // A key repeated, the first copy skipped.
        #expect(Self.decode("kind: Pod\nspec:\n  hostname: a\n  hostname: b\n") == nil)
        // A comment in the parent after the skipped value.
        #expect(Self.decode("kind: Pod\nspec:\n  hostname: a\n# c\n") == nil)
    }

    @Test("Skipping ends where the parent's next key begins: sequences at the key's column, block scalars, blank lines")
    func boundaries() throws {
        let yaml = """
            kind: Pod
            spec:
              affinity:
                nodeAffinity: {}
              containers:
              - name: a
                ports:
                - containerPort: 1

                resources: {}
              imagePullSecrets:
              - name: s
              - name: t
              nodeName: n
              priorityClassName: >-
                folded
                text
              volumes: []
            status:
              phase: Pending
            """
        let pod = try #require(Self.decode(yaml)?.first)
        #expect(pod["spec"].mapping?.keys == ["containers", "nodeName", "volumes"])
        #expect(pod["spec"]["containers"].array.first?.mapping?.keys == ["name"])
        #expect(pod["spec"]["nodeName"].string == "n")
        #expect(pod["status"]["phase"].string == "Pending")
    }
}

@Suite("YAML pruning to objects' identities (the explore index's counts)")
struct IdentityPruningTests {
    /// What the explore index reads of the files it only counts.
    static let pruning: YAMLReader = {
        var reader = YAMLReader()
        reader.pruning = ObjectDocuments.identityPruning
        return reader
    }()

    /// Nil when both name the same object.
    static func difference(_ whole: Value, _ pruned: Value) -> String? {
        let identity = { (o: Value) in [o["apiVersion"], o["kind"], o["metadata"]["name"], o["metadata"]["namespace"]] }
        return identity(whole) == identity(pruned) ? nil : "\(identity(whole)) / \(identity(pruned))"
    }

    @Test("Every object of the three must-gather dumps, the other real data, the fixtures and the samples: the same identity")
    func realDumps() throws {
        var pruned = 0
        for tree in OCYAMLParserTests.mustGatherDumps + OCYAMLParserTests.otherTrees {
            let visitor = try PruningTests.walk(tree, PruningVisitor(pruning: Self.pruning, difference: Self.difference))
            #expect(visitor.different.isEmpty, "\(tree): \(visitor.different.prefix(5))")
            pruned += visitor.pruned
        }
        #expect(pruned > 1000, "pruning left every object whole")
    }

    @Test("Rules the same for every kind apply before `kind`: a ConfigMap's data is skipped; a List's items stay objects")
    func beforeKind() throws {
        func decode(_ yaml: String) -> [Value]? {
            OCYAMLParser.documents(Array(yaml.utf8), maxDepth: 256, pruning: ObjectDocuments.identityPruning)
        }
        let configMap = "apiVersion: v1\ndata:\n  ca.crt: |\n    -----BEGIN\n    x\nkind: ConfigMap\nmetadata:\n  name: a\n  uid: u\n"
        let one = try #require(decode(configMap)?.first)
        #expect(one.mapping?.keys == ["apiVersion", "kind", "metadata"])
        #expect(one["metadata"].mapping?.keys == ["name"])
        let list = "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    k: v\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: n\nkind: ConfigMapList\nmetadata:\n  resourceVersion: \"\"\n"
        let document = try #require(decode(list)?.first)
        #expect(document["kind"].string == "ConfigMapList")
        #expect(document["items"].array.first?.mapping?.keys == ["apiVersion", "kind", "metadata"])
        #expect(document["items"].array.first?["metadata"]["namespace"].string == "n")
        // Rules that depend on the kind still wait for it: the loader's keep what comes before `kind`.
        #expect(ObjectSlimmer.pruning.kindIndependent == nil && ObjectDocuments.identityPruning.kindIndependent != nil)
    }
}
