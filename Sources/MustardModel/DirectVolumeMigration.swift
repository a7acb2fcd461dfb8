/// A pod a DirectVolumeMigration reports on (`status.pendingPods[]`, `failedPods[]`…).
public struct DVMPodRef: Sendable, Hashable {
    public let name: String
    public let namespace: String
    public let pvc: String?

    init(_ v: Value) {
        name = v["name"].string ?? ""
        namespace = v["namespace"].string ?? ""
        pvc = v[path: "pvcRef.name"].string
    }

    public var display: String { "\(namespace)/\(name)\(pvc.map { " (PVC \($0))" } ?? "")" }
}

/// A DirectVolumeMigration (`migplans/…/dvm-<d>/dvm-<d>.yml`): MTC's rsync copy of the plan's PVCs.
public struct DirectVolumeMigration: Sendable {
    public let object: KubeObject
    public let phase: String?
    public let itinerary: String?
    public let errors: [String]
    public let conditions: [Condition]
    public let pendingPods: [DVMPodRef]
    public let failedPods: [DVMPodRef]
    public let runningPods: [DVMPodRef]
    public let successfulPods: [DVMPodRef]
    /// `targetNamespace` (else the source namespace) of every PVC it copies.
    public let targetNamespaces: [String]
    public let sourceCluster: String?
    public let destinationCluster: String?

    public init?(_ object: KubeObject) {
        guard object.kind == "DirectVolumeMigration" else { return nil }
        self.object = object
        let spec = object.body["spec"], status = object.body["status"]
        phase = status["phase"].string
        itinerary = status["itinerary"].string
        errors = status["errors"].array.compactMap(\.string)
        conditions = Condition.list(status["conditions"])
        pendingPods = status["pendingPods"].array.map(DVMPodRef.init)
        failedPods = status["failedPods"].array.map(DVMPodRef.init)
        runningPods = status["runningPods"].array.map(DVMPodRef.init)
        successfulPods = status["successfulPods"].array.map(DVMPodRef.init)
        var seen = Set<String>()
        targetNamespaces = spec["persistentVolumeClaims"].array.compactMap { $0["targetNamespace"].string ?? $0["namespace"].string }
            .filter { seen.insert($0).inserted }
        sourceCluster = spec[path: "srcMigClusterRef.name"].string
        destinationCluster = spec[path: "destMigClusterRef.name"].string
    }

    public var name: String { object.metadata.name }
    public var migrationUID: String? { object.metadata.label("migmigration") }
}

/// A workload MTC may have quiesced: Deployment, DeploymentConfig or StatefulSet.
public struct QuiescableWorkload: Sendable {
    public let object: KubeObject
    public let replicas: Int?
    /// `migration.openshift.io/preQuiesceReplicas`: the count MTC saved before scaling to 0.
    public let preQuiesceReplicas: Int?

    public static let kinds: Set<String> = ["Deployment", "DeploymentConfig", "StatefulSet"]
    public static let preQuiesceAnnotation = "migration.openshift.io/preQuiesceReplicas"

    public init?(_ object: KubeObject) {
        guard Self.kinds.contains(object.kind) else { return nil }
        self.object = object
        replicas = object.body[path: "spec.replicas"].int
        preQuiesceReplicas = object.metadata.annotation(Self.preQuiesceAnnotation).flatMap { Int($0) }
    }

    public var name: String { object.metadata.name }
    public var namespace: String { object.metadata.namespace ?? "" }
    /// Scaled to 0 by MTC and not scaled back.
    public var isQuiesced: Bool { replicas == 0 && (preQuiesceReplicas ?? 0) > 0 }
    /// The `oc` resource name: `deployment`, `deploymentconfig`, `statefulset`.
    public var resource: String { object.kind.lowercased() }
}

extension Cluster {
    public var directVolumeMigrations: [DirectVolumeMigration] { objects(ofKinds: "DirectVolumeMigration").compactMap(DirectVolumeMigration.init) }
    public var quiescableWorkloads: [QuiescableWorkload] {
        objects(ofKinds: "Deployment", "DeploymentConfig", "StatefulSet").compactMap(QuiescableWorkload.init)
    }
}

extension MigrationView {
    /// This migration's DirectVolumeMigrations (label `migmigration`, else owner reference), by name.
    public func directVolumeMigrations(in snapshot: DumpSnapshot) -> [DirectVolumeMigration] {
        snapshot.clusters.flatMap(\.directVolumeMigrations).filter { dvm in
            if let uid = migration.uid, dvm.migrationUID == uid { return true }
            return dvm.object.metadata.ownerReferences.contains { $0.kind == "MigMigration" && $0.name == migration.name }
        }.sorted { $0.name < $1.name }
    }
}
