/// Views of MTC's setup objects as the health rules read them: MigCluster and MigStorage readiness and settings,
/// MigPlan validation results, and the restart history of pods (`docs/mtc.md` §2.7–§2.9).

extension MTC {
    /// The `migration-cluster-config` keys of the other two images the controller runs (`docs/mtc.md` §2.6).
    public static let rsyncTransferImageKey = "RSYNC_TRANSFER_IMAGE"
    public static let registryImageKey = "REGISTRY_IMAGE"
    public static let operatorVersionKey = "OPERATOR_VERSION"
    /// MigrationController fields the operator renders into those keys (mig-operator `defaults/main.yml`).
    public static let rsyncTransferImageOverrideField = "rsync_transfer_image_fqin"
    public static let registryImageOverrideField = "migration_registry_image_fqin"
}

/// A reference to a Secret by name (its values are never read).
public struct SecretReference: Sendable, Hashable {
    public let name: String
    public let namespace: String

    public init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }

    init?(_ v: Value) {
        guard let name = v["name"].string, !name.isEmpty else { return nil }
        self.name = name
        namespace = v["namespace"].string ?? MTC.namespace
    }
}

extension Condition {
    /// Critical or Error: blocks Ready (`pkg/apis/migration/v1alpha1/condition.go`).
    public var isBlocking: Bool { isTrue && (category == "Critical" || category == "Error") }
    public var isWarning: Bool { isTrue && category == "Warn" }
}

extension Array where Element == Condition {
    /// True Critical and Error conditions, with their index in `status.conditions`.
    public var blocking: [(index: Int, condition: Condition)] {
        enumerated().filter { $0.element.isBlocking }.map { ($0.offset, $0.element) }
    }

    /// The index of the True condition of that type.
    public func index(ofActive type: String) -> Int? { firstIndex { $0.type == type && $0.isTrue } }
}

extension MigCluster {
    public var isReady: Bool { conditions.active("Ready") != nil }
    public var insecure: Bool { object.body[path: "spec.insecure"].bool ?? false }
    public var hasCABundle: Bool { !(object.body[path: "spec.caBundle"].string ?? "").isEmpty }
    /// `spec.serviceAccountSecretRef`: the Secret whose `saToken` key holds the token MTC uses on that cluster.
    public var serviceAccountSecretRef: SecretReference? { SecretReference(object.body[path: "spec.serviceAccountSecretRef"]) }
    public var exposedRegistryPath: String? { object.body[path: "spec.exposedRegistryPath"].string }
    /// `status.operatorVersion`, when the controller could read it.
    public var operatorVersion: String? { object.body[path: "status.operatorVersion"].string }
}

extension MigStorage {
    public var name: String { object.metadata.name }
    public var isReady: Bool { conditions.active("Ready") != nil }
    public var backupStorageProvider: String? { object.body[path: "spec.backupStorageProvider"].string }
    public var volumeSnapshotProvider: String? { object.body[path: "spec.volumeSnapshotProvider"].string }
    /// `spec.backupStorageConfig` as written.
    public var backupStorageConfig: Value { object.body[path: "spec.backupStorageConfig"] }
    /// The bucket or container, whatever the provider calls it.
    public var bucket: String? {
        let c = backupStorageConfig
        return c["awsBucketName"].string ?? c["gcpBucket"].string ?? c["azureStorageContainer"].string
    }
    public var awsS3Url: String? { backupStorageConfig["awsS3Url"].string }
    public var insecure: Bool { backupStorageConfig["insecure"].bool ?? false }
    public var backupCredsSecretRef: SecretReference? { SecretReference(backupStorageConfig["credsSecretRef"]) }
    public var snapshotCredsSecretRef: SecretReference? {
        SecretReference(object.body[path: "spec.volumeSnapshotConfig.credsSecretRef"])
    }
}

/// A namespace of a plan holding resources whose API version the destination does not serve.
public struct IncompatibleNamespace: Sendable {
    public let name: String
    /// `group/version kind`; `kind` holds the lower-case plural resource name (`gvk.go` `FromGVR`).
    public let gvks: [(group: String, version: String, kind: String)]
}

/// A namespace with unhealthy resources, as MTC records them (`status.namespaces` of plans and migrations).
public struct UnhealthyNamespace: Sendable {
    public let name: String
    public let workloads: [(name: String, resources: [String])]
}

extension MigPlan {
    public var isReady: Bool { conditions.active("Ready") != nil }
    public var isClosed: Bool { object.body[path: "spec.closed"].bool ?? false }

    public var incompatibleNamespaces: [IncompatibleNamespace] {
        object.body[path: "status.incompatibleNamespaces"].array.map { ns in
            IncompatibleNamespace(
                name: ns["name"].string ?? "",
                gvks: ns["gvks"].array.map { ($0["group"].string ?? "", $0["version"].string ?? "", $0["kind"].string ?? "") })
        }
    }

    public var unhealthyNamespaces: [UnhealthyNamespace] {
        object.body[path: "status.namespaces"].array.map { ns in
            UnhealthyNamespace(
                name: ns["name"].string ?? "",
                workloads: ns["workloads"].array.map { ($0["name"].string ?? "", $0["resources"].array.compactMap(\.string)) })
        }
    }

    /// The PV entries with their index in `spec.persistentVolumes`, supported actions and copy methods.
    public var volumeChoices: [(index: Int, name: String, actions: [String], copyMethods: [String], action: String?, copyMethod: String?)] {
        object.body[path: "spec.persistentVolumes"].array.enumerated().map { i, pv in
            (i, pv["name"].string ?? "", pv[path: "supported.actions"].array.compactMap(\.string),
             pv[path: "supported.copyMethods"].array.compactMap(\.string), pv[path: "selection.action"].string,
             pv[path: "selection.copyMethod"].string)
        }
    }
}

// DirectVolumeMigration lives in DirectVolumeMigration.swift (one type for every rule): its `pendingPods`
// are `DVMPodRef`s (`.display` gives `namespace/name (PVC …)`).

/// A container's restart history, from `status.containerStatuses[].lastState.terminated`.
public struct ContainerRestart: Sendable {
    public let container: String
    public let index: Int
    public let restartCount: Int
    public let lastReason: String?
    public let lastExitCode: Int?
    public let lastFinishedAt: Timestamp?

    /// Every container of the pod that restarted at least once.
    public static func of(_ pod: Pod) -> [ContainerRestart] {
        pod.object.body[path: "status.containerStatuses"].array.enumerated().compactMap { i, s in
            let count = s["restartCount"].int ?? 0
            guard count > 0 else { return nil }
            let terminated = s[path: "lastState.terminated"]
            return ContainerRestart(
                container: s["name"].string ?? "", index: i, restartCount: count, lastReason: terminated["reason"].string,
                lastExitCode: terminated["exitCode"].int,
                lastFinishedAt: terminated["finishedAt"].string.flatMap(Timestamp.init(rfc3339:)))
        }
    }
}

extension Pod {
    /// Being deleted (`metadata.deletionTimestamp`): its state says nothing about the workload any more.
    public var isTerminating: Bool { !object.body[path: "metadata.deletionTimestamp"].isNull }

    /// Running with every container ready.
    public var isRunningAndReady: Bool {
        phase == "Running" && !containerStatuses.isEmpty && containerStatuses.allSatisfy(\.ready)
    }
}

extension Cluster {
    /// The `migration-cluster-config` ConfigMap of this cluster's MTC namespace.
    public var migrationClusterConfig: ConfigMap? { configMap(MTC.namespace, MTC.clusterConfigMapName) }

    /// The MigrationController of this cluster's MTC namespace.
    public var migrationController: MigrationController? {
        migrationControllers.first { $0.object.metadata.namespace == MTC.namespace } ?? migrationControllers.first
    }
}
