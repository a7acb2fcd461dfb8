import MustardModel
import MustardYAML

/// Drops what no rule reads from the objects that come by the ten thousand, so a multi-gigabyte dump fits in a few
/// hundred megabytes: `managedFields` and `last-applied-configuration` everywhere; for pods, the big annotations
/// (network status, …), every part of the spec but what identifies containers, images, volumes and placement, and
/// the addresses and runtime ids in the status. Conditions, container states, labels and the rest stay whole.
public enum ObjectSlimmer {
    // Lists rather than sets: slimming asks them of every key of every pod, and comparing a key with a handful of
    // short strings is cheaper than hashing it.
    /// What `Pod` reads of the spec: containers' names and images, placement, volumes' claims.
    static let keptPodSpec = ["containers", "initContainers", "nodeName", "volumes"]
    static let keptContainerFields = ["name", "image"]
    /// A pod's status fields no rule reads: addresses, QoS class.
    static let droppedPodStatus = ["podIP", "podIPs", "hostIP", "hostIPs", "qosClass"]
    /// A container status's runtime ids no rule reads.
    static let droppedContainerStatus = ["imageID", "containerID"]

    /// The fields of an Event that anything reads.
    static let keptEventFields: Set<String> = [
        "apiVersion", "kind", "metadata", "type", "reason", "message", "note", "involvedObject", "regarding", "count",
        "series", "firstTimestamp", "lastTimestamp", "eventTime", "source", "reportingComponent",
    ]

    /// Metadata no rule reads, of any object.
    static let droppedMetadata = ["managedFields", "resourceVersion", "selfLink"]
    /// `kubectl apply`'s copy of the object, in its annotations.
    public static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
    /// A pod's annotations kept are OpenShift's (`openshift.io/scc`, MTC's `migration.openshift.io/…`).
    static let keptPodAnnotations = "openshift.io/"

    /// The workloads whose pod template no rule reads.
    static let templatedWorkloads: Set<String> = ["Deployment", "DeploymentConfig", "StatefulSet", "ReplicaSet", "DaemonSet"]

    /// What `slim` drops, told to the YAML parser so it moves past it unread: most of a pod's YAML (environment,
    /// probes, mounts, network annotations) and a workload's template. Only what `slim` drops, and nothing the loader
    /// reads before slimming (`keeping`, `isIdleWorkload`, an event's time): a test decodes every real dump both ways
    /// and compares the slimmed objects. Events keep their metadata, which their time may come from.
    public static let pruning: YAMLPruning = {
        let metadata = droppedMetadata
        let annotations = YAMLPruning.Keys.dropping([lastApplied])
        let anyMetadata = YAMLPruning.Keys.dropping(metadata, inside: [("annotations", annotations)])
        let workload = YAMLPruning.Keys.dropping([], inside: [("metadata", anyMetadata), ("spec", .dropping(["template"]))])
        let containers = YAMLPruning.Keys.eachItem(.keeping(keptContainerFields.sorted()))
        let statuses = YAMLPruning.Keys.eachItem(.dropping(droppedContainerStatus.sorted()))
        let pod = YAMLPruning.Keys.dropping(
            [],
            inside: [
                ("metadata", .dropping(metadata, inside: [("annotations", .keepingContaining(keptPodAnnotations))])),
                ("spec", .keeping(keptPodSpec.sorted(), inside: [("containers", containers), ("initContainers", containers)])),
                ("status", .dropping(droppedPodStatus.sorted(), inside: [("containerStatuses", statuses), ("initContainerStatuses", statuses)])),
            ])
        let event = YAMLPruning.Keys.keeping(keptEventFields.sorted(), inside: [("metadata", .dropping(["managedFields"]))])
        var byKind: [String: YAMLPruning.Keys] = ["Pod": pod, "Event": event]
        for kind in templatedWorkloads { byKind[kind] = workload }
        return YAMLPruning(byKind: byKind, otherKinds: .dropping([], inside: [("metadata", anyMetadata)]))
    }()

    /// Each part is rebuilt only when it holds something to drop: the YAML parser already left out most of it
    /// (`pruning`), and rebuilding every healthy pod's parts anyway was a tenth of what rule files reading pods cost.
    static func slim(_ body: Value) -> Value {
        guard case .mapping(var object) = body else { return body }
        let kind = object["kind"]?.string
        if kind == "Event" {
            var event = object.keys.allSatisfy(keptEventFields.contains) ? object : object.filter { keptEventFields.contains($0.key) }
            event["metadata"] = .mapping(object["metadata"]?.mapping?.filter { ["name", "namespace"].contains($0.key) } ?? Fields())
            return .mapping(event)
        }
        // Workloads: rules read their replica counts and MTC's annotations, not the pod template.
        if let kind, templatedWorkloads.contains(kind), case .mapping(var spec)? = object["spec"], spec["template"] != nil {
            spec["template"] = nil
            object["spec"] = .mapping(spec)
        }
        let isPod = kind == "Pod"
        if case .mapping(let metadata)? = object["metadata"], let slimmed = slimmedMetadata(metadata, isPod: isPod) {
            object["metadata"] = .mapping(slimmed)
        }
        if isPod, case .mapping(let spec)? = object["spec"], let slimmed = slimmedPodSpec(spec) {
            object["spec"] = .mapping(slimmed)
        }
        if isPod, case .mapping(let status)? = object["status"], let slimmed = slimmedPodStatus(status) {
            object["status"] = .mapping(slimmed)
        }
        return .mapping(object)
    }

    /// Metadata without what no rule reads; nil when it holds none of it.
    private static func slimmedMetadata(_ metadata: Fields, isPod: Bool) -> Fields? {
        var metadata = metadata
        var changed = false
        for key in droppedMetadata where metadata[key] != nil {
            metadata[key] = nil
            changed = true
        }
        if case .mapping(var annotations)? = metadata["annotations"] {
            let dropsSome = annotations[lastApplied] != nil || (isPod && !annotations.keys.allSatisfy { $0.containsBytes(keptPodAnnotations) })
            if dropsSome {
                annotations[lastApplied] = nil
                if isPod { annotations = annotations.filter { $0.key.containsBytes(keptPodAnnotations) } }
                metadata["annotations"] = .mapping(annotations)
                changed = true
            }
        }
        return changed ? metadata : nil
    }

    /// A pod's spec with only what identifies containers, images, claims and placement; nil when that is all it holds.
    private static func slimmedPodSpec(_ spec: Fields) -> Fields? {
        let isClaim = { (volume: Value) in !volume["persistentVolumeClaim"].isNull }
        let dropsVolumes = !(items(spec["volumes"])?.allSatisfy(isClaim) ?? true)
        let filtered = filtered(spec, keeping: keptPodSpec.contains, lists: ["containers", "initContainers"], keepingInItems: keptContainerFields.contains)
        guard var kept = filtered ?? (dropsVolumes ? spec : nil) else { return nil }
        if let volumes = items(kept["volumes"]) { kept["volumes"] = .sequence(volumes.filter(isClaim)) }
        return kept
    }

    /// A pod's status without addresses and runtime ids; nil when it holds none.
    private static func slimmedPodStatus(_ status: Fields) -> Fields? {
        filtered(
            status, keeping: { !droppedPodStatus.contains($0) }, lists: ["containerStatuses", "initContainerStatuses"],
            keepingInItems: { !droppedContainerStatus.contains($0) })
    }

    /// `fields` with the keys `keeping` allows, and in each mapping of the sequences under `lists` the keys
    /// `keepingInItems` allows; nil when that drops nothing.
    private static func filtered(
        _ fields: Fields, keeping: (String) -> Bool, lists: [String], keepingInItems: (String) -> Bool
    ) -> Fields? {
        func isKept(_ item: Value) -> Bool { item.mapping?.keys.allSatisfy(keepingInItems) ?? true }
        if fields.keys.allSatisfy(keeping), lists.allSatisfy({ items(fields[$0])?.allSatisfy(isKept) ?? true }) { return nil }
        var kept = fields.filter { keeping($0.key) }
        for key in lists {
            guard let list = items(kept[key]) else { continue }
            kept[key] = .sequence(list.map { item in
                guard case .mapping(let inner) = item else { return item }
                return .mapping(inner.filter { keepingInItems($0.key) })
            })
        }
        return kept
    }

    private static func items(_ value: Value?) -> [Value]? {
        if case .sequence(let items)? = value { return items }
        return nil
    }

    /// What the loader keeps of a pod.
    enum PodKeeping: Equatable {
        /// The whole pod (slimmed): it fails now, is MTC's, or is on its way.
        case whole
        /// Counted only, its events dropped: healthy, never restarted, nothing of MTC's. Thousands of these make
        /// up most of a large dump.
        case quiet
        /// Named only, its events kept: healthy now but restarted before. Its warnings are history the pod rule
        /// counts ("had Warning events earlier but are healthy now"); no rule reads such a pod's own fields.
        case recovered
    }

    /// A Deployment, DeploymentConfig or StatefulSet no rule reads: not scaled to 0 with the replica count MTC saves
    /// when it quiesces (`QuiescableWorkload`), and not MTC's own. A cluster holds thousands.
    static func isIdleWorkload(_ body: Value) -> Bool {
        guard let kind = body["kind"].string, QuiescableWorkload.kinds.contains(kind) else { return false }
        let metadata = body["metadata"]
        if metadata["namespace"].string == MTC.namespace { return false }
        if (metadata["labels"].mapping?.keys ?? []).contains(where: { $0.containsBytes("migration") }) { return false }
        return body[path: "spec.replicas"].int != 0 || metadata["annotations"][QuiescableWorkload.preQuiesceAnnotation].isNull
    }

    /// Running or Succeeded with every container ready and none waiting, nothing of MTC's on it: a count (or a
    /// name) is enough (`HealthyPods`). Restarts decide whether its events still matter.
    static func keeping(_ pod: Value) -> PodKeeping {
        let metadata = pod["metadata"]
        if metadata["namespace"].string == MTC.namespace { return .whole }
        let labels = metadata["labels"].mapping ?? Fields()
        if labels.keys.contains(where: { $0.hasPrefix("migration") || $0.containsBytes("migration.openshift.io") })
            || labels["app.kubernetes.io/part-of"]?.string == "openshift-migration" {
            return .whole
        }
        if (metadata["annotations"].mapping?.keys ?? []).contains(where: { $0.hasPrefix("migration.openshift.io/") }) { return .whole }
        if !metadata["deletionTimestamp"].isNull { return .whole }
        let status = pod["status"]
        switch status["phase"].string {
        case "Succeeded":
            return .quiet
        case "Running":
            let statuses = status["containerStatuses"].array + status["initContainerStatuses"].array
            guard !statuses.isEmpty, status["containerStatuses"].array.allSatisfy({ $0["ready"].bool == true }),
                statuses.allSatisfy({ $0[path: "state.waiting"].isNull })
            else { return .whole }
            return statuses.allSatisfy { ($0["restartCount"].int ?? 0) == 0 } ? .quiet : .recovered
        default:
            return .whole
        }
    }

    /// Secret values never enter the model, so no report can print them; the key names stay.
    public static func withoutSecretValues(_ body: Value) -> Value {
        guard body["kind"].string == "Secret", case .mapping(var m) = body else { return body }
        for field in ["data", "stringData"] {
            if let values = m[field]?.mapping { m[field] = .mapping(values.mapValues { _ in .scalar("<redacted>") }) }
        }
        return .mapping(m)
    }
}
