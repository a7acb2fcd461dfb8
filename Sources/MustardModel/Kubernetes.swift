/// A container's state as the kubelet reports it.
public struct ContainerStatus: Sendable {
    public let name: String
    public let image: String
    public let ready: Bool
    public let restartCount: Int
    public let waitingReason: String?
    public let waitingMessage: String?
    public let isRunning: Bool
    public let terminatedReason: String?
    /// The previous run's end (`lastState.terminated`): why a crash-looping container died.
    public let lastTerminatedReason: String?
    public let lastExitCode: Int?
    public let lastTerminatedMessage: String?
    public let lastFinishedAt: Timestamp?

    init(_ v: Value) {
        name = v["name"].string ?? ""
        image = v["image"].string ?? ""
        ready = v["ready"].bool ?? false
        restartCount = v["restartCount"].int ?? 0
        waitingReason = v[path: "state.waiting.reason"].string
        waitingMessage = v[path: "state.waiting.message"].string
        isRunning = !v[path: "state.running"].isNull
        terminatedReason = v[path: "state.terminated.reason"].string
        lastTerminatedReason = v[path: "lastState.terminated.reason"].string
        lastExitCode = v[path: "lastState.terminated.exitCode"].int
        lastTerminatedMessage = v[path: "lastState.terminated.message"].string
        lastFinishedAt = v[path: "lastState.terminated.finishedAt"].string.flatMap(Timestamp.init(rfc3339:))
    }

    /// The kubelet cannot pull this container's image (reasons from `pkg/kubelet/images/types.go`).
    public var isImagePullFailure: Bool {
        guard let reason = waitingReason else { return false }
        return Self.imagePullReasons.contains(reason)
    }

    public static let imagePullReasons: Set<String> = [
        "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ImageInspectError", "ErrImageNeverPull",
        "RegistryUnavailable",
    ]
}

/// A Pod, with what the rules read of its spec and status.
///
/// The lists are read from the object when asked rather than held: a large dump has tens of thousands of pods,
/// and a second copy of each one's statuses and conditions cost more memory than re-reading them costs time.
public struct Pod: Sendable {
    public let object: KubeObject
    public let phase: String?

    public init?(_ object: KubeObject) {
        guard object.kind == "Pod" else { return nil }
        self.object = object
        phase = object.body[path: "status.phase"].string
    }

    public var nodeName: String? { object.body[path: "spec.nodeName"].string }
    public var containers: [(name: String, image: String)] {
        object.body[path: "spec.containers"].array.map { ($0["name"].string ?? "", $0["image"].string ?? "") }
    }
    public var containerStatuses: [ContainerStatus] { object.body[path: "status.containerStatuses"].array.map(ContainerStatus.init) }
    public var initContainerStatuses: [ContainerStatus] { object.body[path: "status.initContainerStatuses"].array.map(ContainerStatus.init) }
    public var conditions: [Condition] { Condition.list(object.body[path: "status.conditions"]) }
    public var claimNames: [String] {
        object.body[path: "spec.volumes"].array.compactMap { $0[path: "persistentVolumeClaim.claimName"].string }
    }

    public var name: String { object.metadata.name }
    public var namespace: String { object.metadata.namespace ?? "" }

    /// An MTC stage pod: labelled `migration.openshift.io/is-stage-pod` (1.4+), or, in 1.3, a `stage-` pod
    /// carrying the stage-backup label.
    public var isStagePod: Bool { Self.isStagePod(name: name, label: object.metadata.label) }

    static func isStagePod(name: String, label: (String) -> String?) -> Bool {
        if label("migration.openshift.io/is-stage-pod") == "true" { return true }
        return name.hasPrefix("stage-") && label("migration-included-stage-backup") != nil
    }

    /// A pod MTC made or runs: a stage pod, anything in MTC's namespace, or labelled part of it.
    /// Plain Kubernetes rules leave these to the MTC rules.
    public var ownedByMTC: Bool { Self.ownedByMTC(name: name, namespace: namespace, label: object.metadata.label) }

    /// `ownedByMTC` for a pod not yet wrapped, from its name, namespace and labels (the loader asks while decoding).
    public static func ownedByMTC(name: String, namespace: String?, label: (String) -> String?) -> Bool {
        isStagePod(name: name, label: label) || namespace == MTC.namespace || label("app.kubernetes.io/part-of") == "openshift-migration"
    }

    /// The UID of the MigMigration that created this stage pod (`migmigration` label).
    public var migrationUID: String? { object.metadata.label("migmigration") }

    /// The scheduler could not place the pod (`PodScheduled` False, reason `Unschedulable`).
    public var unschedulable: Condition? {
        conditions.first { $0.type == "PodScheduled" && $0.status == "False" && $0.reason == "Unschedulable" }
    }
}

/// A Kubernetes Event (`core/events.yaml` items).
public struct Event: Sendable {
    public let object: KubeObject
    public let type: String
    public let reason: String
    public let message: String
    public let involvedKind: String
    public let involvedName: String
    public let involvedNamespace: String?
    public let involvedUID: String?
    public let count: Int
    public let firstTimestamp: Timestamp?
    public let lastTimestamp: Timestamp?
    public let sourceComponent: String?

    public init?(_ object: KubeObject) {
        guard object.kind == "Event" else { return nil }
        self.object = object
        let b = object.body
        (type, reason, message) = Self.texts(b)
        let involved = Self.involved(b)
        involvedKind = involved["kind"].string ?? ""
        involvedName = involved["name"].string ?? ""
        involvedNamespace = involved["namespace"].string
        involvedUID = involved["uid"].string
        count = b["count"].int ?? b[path: "series.count"].int ?? 1
        let eventTime = b["eventTime"].string.flatMap(Timestamp.init(rfc3339:))
        firstTimestamp = b["firstTimestamp"].string.flatMap(Timestamp.init(rfc3339:)) ?? eventTime
        lastTimestamp = Self.lastSeen(b)
        sourceComponent = b[path: "source.component"].string ?? b["reportingComponent"].string
    }

    /// An event's type, reason and message (`note` in `events.k8s.io/v1`).
    public static func texts(_ b: Value) -> (type: String, reason: String, message: String) {
        (b["type"].string ?? "", b["reason"].string ?? "", b["message"].string ?? b["note"].string ?? "")
    }

    /// The object an event is about: `involvedObject`, or `regarding` in `events.k8s.io/v1`.
    public static func involved(_ b: Value) -> Value {
        let involved = b["involvedObject"]
        return involved.isNull ? b["regarding"] : involved
    }

    /// When an event was last seen: `lastTimestamp`, a series' last observation, or `eventTime`.
    public static func lastSeen(_ b: Value) -> Timestamp? {
        b["lastTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
            ?? b[path: "series.lastObservedTime"].string.flatMap(Timestamp.init(rfc3339:))
            ?? b["eventTime"].string.flatMap(Timestamp.init(rfc3339:))
    }

    /// Reasons of the kubelet's and scheduler's `Normal` events that every pod start produces.
    public static let routineReasons: Set<String> = [
        "Scheduled", "Pulling", "Pulled", "Created", "Started", "Killing", "AddedInterface", "SuccessfulAttachVolume",
    ]

    /// A `Normal` event every pod start produces: no rule reads it for a pod MTC has nothing to do with.
    public static func isRoutine(type: String?, reason: String?) -> Bool {
        type == "Normal" && reason.map(routineReasons.contains) == true
    }

    /// The kubelet's image-pull failure events (`pkg/kubelet/images/image_manager.go`): matched on the
    /// message prefixes, since `BackOff` is also the crash-loop reason.
    public var isImagePullFailure: Bool {
        message.hasPrefix("Failed to pull image") || message.hasPrefix("Back-off pulling image")
            || message == "Error: ErrImagePull" || message == "Error: ImagePullBackOff"
            || reason == "InspectFailed" || reason == "ErrImageNeverPull"
    }
}

/// A ConfigMap's data.
public struct ConfigMap: Sendable {
    public let object: KubeObject
    public let data: [String: String]

    public init?(_ object: KubeObject) {
        guard object.kind == "ConfigMap" else { return nil }
        self.object = object
        data = object.body["data"].stringMap
    }
}

/// A Namespace (`namespaces/<ns>/<ns>.yaml`).
public struct Namespace: Sendable {
    public let object: KubeObject
    public let phase: String?

    public init?(_ object: KubeObject) {
        guard object.kind == "Namespace" else { return nil }
        self.object = object
        phase = object.body[path: "status.phase"].string
    }

    public var name: String { object.metadata.name }
    /// `openshift.io/node-selector`: carried over by migration, it can keep rsync and stage pods Pending.
    public var nodeSelector: String? { object.metadata.annotation("openshift.io/node-selector") }
}
