/// MTC's API group and namespace (`pkg/apis/migration/v1alpha1/resource.go`).
public enum MTC {
    public static let group = "migration.openshift.io"
    public static let namespace = "openshift-migration"
    public static let clusterConfigMapName = "migration-cluster-config"
    public static let stageImageKey = "STAGE_IMAGE"
    public static let controllerName = "migration-controller"
    /// The MigrationController field that the operator renders into `STAGE_IMAGE`.
    public static let stageImageOverrideField = "migration_stage_image_fqin"
}

/// A reference to another MTC object (`migPlanRef`, `srcMigClusterRef`…).
public struct ObjectReference: Sendable, Hashable {
    public let name: String
    public let namespace: String

    init?(_ v: Value) {
        guard let name = v["name"].string else { return nil }
        self.name = name
        namespace = v["namespace"].string ?? MTC.namespace
    }
}

/// One step of a MigMigration's `status.pipeline` (1.4+).
public struct PipelineStep: Sendable {
    public let name: String
    public let phase: String?
    public let message: String?
    public let progress: [String]
    public let failed: Bool
    public let skipped: Bool
    public let started: Timestamp?
    public let completed: Timestamp?

    init(_ v: Value) {
        name = v["name"].string ?? ""
        phase = v["phase"].string
        message = v["message"].string
        progress = v["progress"].array.compactMap(\.string)
        failed = v["failed"].bool ?? false
        skipped = v["skipped"].bool ?? false
        started = v["started"].string.flatMap(Timestamp.init(rfc3339:))
        completed = v["completed"].string.flatMap(Timestamp.init(rfc3339:))
    }

    /// Started and neither completed, failed nor skipped.
    public var isRunning: Bool { started != nil && completed == nil && !failed && !skipped }
}

/// A MigMigration: one run of a plan.
public struct MigMigration: Sendable {
    public let object: KubeObject
    public let planRef: ObjectReference?
    public let stage: Bool
    public let quiescePods: Bool
    public let canceledRequested: Bool
    public let rollback: Bool
    public let migrateState: Bool
    public let keepAnnotations: Bool?
    public let verify: Bool?
    public let phase: String
    public let itinerary: String?
    public let startTimestamp: Timestamp?
    public let errors: [String]
    public let conditions: [Condition]
    public let pipeline: [PipelineStep]

    public init?(_ object: KubeObject) {
        guard object.kind == "MigMigration" else { return nil }
        self.object = object
        let spec = object.body["spec"], status = object.body["status"]
        planRef = ObjectReference(spec["migPlanRef"])
        stage = spec["stage"].bool ?? false
        quiescePods = spec["quiescePods"].bool ?? false
        canceledRequested = spec["canceled"].bool ?? false
        rollback = spec["rollback"].bool ?? false
        migrateState = spec["migrateState"].bool ?? false
        keepAnnotations = spec["keepAnnotations"].bool
        verify = spec["verify"].bool
        phase = status["phase"].string ?? ""
        itinerary = status["itinerary"].string
        startTimestamp = status["startTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
        errors = status["errors"].array.compactMap(\.string)
        conditions = Condition.list(status["conditions"])
        pipeline = status["pipeline"].array.map(PipelineStep.init)
    }

    public var name: String { object.metadata.name }
    public var uid: String? { object.metadata.uid }

    /// The plan name from `spec.migPlanRef`, else from the controller's label.
    public var planName: String? { planRef?.name ?? object.metadata.label("migration.openshift.io/migplan-name") }

    /// `phase: Completed`: the controller never reconciles it again, whatever the outcome.
    public var isFinished: Bool { phase == "Completed" }

    /// Canceled or being canceled (`canceled()` in mig-controller: the flag, or a Canceling/Canceled condition).
    public var isCanceled: Bool {
        canceledRequested || itinerary == "Cancel" || conditions.active("Canceled") != nil
            || conditions.active("Canceling") != nil
    }

    public var isFailed: Bool { itinerary == "Failed" || conditions.active("Failed") != nil }

    /// Waiting behind an older migration of the same plan (Critical `Postponed`).
    public var isPostponed: Bool { conditions.active("Postponed") != nil }

    /// The `Running` condition: reason = current phase, message `Step: n/total`.
    public var running: Condition? { conditions.active("Running") }

    /// `(n, total)` from the Running condition's `Step: n/total`.
    public var step: (index: Int, total: Int)? {
        guard let message = running?.message, let range = message.firstRange(of: "Step: ") else { return nil }
        let parts = message[range.upperBound...].split(separator: "/")
        guard parts.count >= 2, let n = Int(parts[0]), let total = Int(parts[1].prefix { $0.isNumber }) else { return nil }
        return (n, total)
    }

    /// The pipeline step running now, if any.
    public var runningStep: PipelineStep? { pipeline.last { $0.isRunning } }

    /// The kind of run: `stage`, `final`, `rollback` or `state` — for messages and the retry manifest.
    public var runKind: String {
        if rollback { return "rollback" }
        if migrateState { return "state" }
        return stage ? "stage" : "final"
    }
}

/// A persistent volume entry of a MigPlan.
public struct PlanVolume: Sendable {
    public let name: String
    public let pvcNamespace: String?
    public let pvcName: String?
    public let action: String?
    public let copyMethod: String?
}

/// A MigPlan: what to migrate, from which cluster to which.
public struct MigPlan: Sendable {
    public let object: KubeObject
    public let sourceCluster: ObjectReference?
    public let destinationCluster: ObjectReference?
    public let storage: ObjectReference?
    public let namespaces: [String]
    public let volumes: [PlanVolume]
    public let indirectVolumeMigration: Bool?
    public let conditions: [Condition]

    public init?(_ object: KubeObject) {
        guard object.kind == "MigPlan" else { return nil }
        self.object = object
        let spec = object.body["spec"]
        sourceCluster = ObjectReference(spec["srcMigClusterRef"])
        destinationCluster = ObjectReference(spec["destMigClusterRef"])
        storage = ObjectReference(spec["migStorageRef"])
        namespaces = spec["namespaces"].array.compactMap(\.string)
        volumes = spec["persistentVolumes"].array.map {
            PlanVolume(
                name: $0["name"].string ?? "", pvcNamespace: $0[path: "pvc.namespace"].string,
                pvcName: $0[path: "pvc.name"].string, action: $0[path: "selection.action"].string,
                copyMethod: $0[path: "selection.copyMethod"].string)
        }
        indirectVolumeMigration = spec["indirectVolumeMigration"].bool
        conditions = Condition.list(object.body[path: "status.conditions"])
    }

    public var name: String { object.metadata.name }

    /// Source namespaces (`src:dest` entries give their source half).
    public var sourceNamespaces: [String] { namespaces.map { String($0.split(separator: ":").first ?? Substring($0)) } }
}

/// A MigCluster: a cluster MTC talks to.
public struct MigCluster: Sendable {
    public let object: KubeObject
    public let isHostCluster: Bool
    public let url: String?
    public let conditions: [Condition]

    public init?(_ object: KubeObject) {
        guard object.kind == "MigCluster" else { return nil }
        self.object = object
        isHostCluster = object.body[path: "spec.isHostCluster"].bool ?? false
        url = object.body[path: "spec.url"].string
        conditions = Condition.list(object.body[path: "status.conditions"])
    }

    public var name: String { object.metadata.name }
}

/// A MigStorage: the replication repository.
public struct MigStorage: Sendable {
    public let object: KubeObject
    public let conditions: [Condition]

    public init?(_ object: KubeObject) {
        guard object.kind == "MigStorage" else { return nil }
        self.object = object
        conditions = Condition.list(object.body[path: "status.conditions"])
    }
}

/// The MigrationController: the operator's input; its `spec` keys override the operator's defaults.
public struct MigrationController: Sendable {
    public let object: KubeObject
    public let spec: Value

    public init?(_ object: KubeObject) {
        guard object.kind == "MigrationController" else { return nil }
        self.object = object
        spec = object.body["spec"]
    }

    /// `spec.migration_stage_image_fqin`, which the operator renders into `STAGE_IMAGE`.
    public var stageImageOverride: String? { spec[MTC.stageImageOverrideField].string }
}
