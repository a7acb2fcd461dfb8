import MustardModel

/// Drops what no rule reads from the objects that come by the ten thousand, so a multi-gigabyte dump fits in a few
/// hundred megabytes: `managedFields` and `last-applied-configuration` everywhere; for pods, the big annotations
/// (network status, …), every part of the spec but what identifies containers, images, volumes and placement, and
/// the addresses and runtime ids in the status. Conditions, container states, labels and the rest stay whole.
public enum ObjectSlimmer {
    /// What `Pod` reads of the spec: containers' names and images, placement, volumes' claims.
    static let keptPodSpec: Set<String> = ["containers", "initContainers", "nodeName", "volumes"]
    static let keptContainerFields: Set<String> = ["name", "image"]
    /// A pod's status fields no rule reads: addresses, QoS class.
    static let droppedPodStatus: Set<String> = ["podIP", "podIPs", "hostIP", "hostIPs", "qosClass"]
    /// A container status's runtime ids no rule reads.
    static let droppedContainerStatus: Set<String> = ["imageID", "containerID"]

    /// The fields of an Event that anything reads.
    static let keptEventFields: Set<String> = [
        "apiVersion", "kind", "metadata", "type", "reason", "message", "note", "involvedObject", "regarding", "count",
        "series", "firstTimestamp", "lastTimestamp", "eventTime", "source", "reportingComponent",
    ]

    static func slim(_ body: Value) -> Value {
        guard case .mapping(var object) = body else { return body }
        if object["kind"]?.string == "Event" {
            var event = object.filter { keptEventFields.contains($0.key) }
            event["metadata"] = .mapping(object["metadata"]?.mapping?.filter { ["name", "namespace"].contains($0.key) } ?? Fields())
            return .mapping(event)
        }
        // Workloads: rules read their replica counts and MTC's annotations, not the pod template.
        if let kind = object["kind"]?.string, ["Deployment", "DeploymentConfig", "StatefulSet", "ReplicaSet", "DaemonSet"].contains(kind),
            case .mapping(var spec)? = object["spec"] {
            spec["template"] = nil
            object["spec"] = .mapping(spec)
        }
        let isPod = object["kind"]?.string == "Pod"
        if case .mapping(var metadata)? = object["metadata"] {
            metadata["managedFields"] = nil
            metadata["resourceVersion"] = nil
            metadata["selfLink"] = nil
            if case .mapping(var annotations)? = metadata["annotations"] {
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
                if isPod { annotations = annotations.filter { $0.key.contains("openshift.io/") } }
                metadata["annotations"] = .mapping(annotations)
            }
            object["metadata"] = .mapping(metadata)
        }
        if isPod, case .mapping(let spec)? = object["spec"] {
            var kept = spec.filter { keptPodSpec.contains($0.key) }
            for key in ["containers", "initContainers"] {
                if case .sequence(let containers)? = kept[key] {
                    kept[key] = .sequence(containers.map { c in
                        guard case .mapping(let fields) = c else { return c }
                        return .mapping(fields.filter { keptContainerFields.contains($0.key) })
                    })
                }
            }
            if case .sequence(let volumes)? = kept["volumes"] {
                kept["volumes"] = .sequence(volumes.filter { !$0["persistentVolumeClaim"].isNull })
            }
            object["spec"] = .mapping(kept)
        }
        if isPod, case .mapping(let status)? = object["status"] {
            var kept = status.filter { !droppedPodStatus.contains($0.key) }
            for key in ["containerStatuses", "initContainerStatuses"] {
                if case .sequence(let statuses)? = kept[key] {
                    kept[key] = .sequence(statuses.map { s in
                        guard case .mapping(let fields) = s else { return s }
                        return .mapping(fields.filter { !droppedContainerStatus.contains($0.key) })
                    })
                }
            }
            object["status"] = .mapping(kept)
        }
        return .mapping(object)
    }

    /// A pod no rule has anything to say about: Running or Succeeded, every container ready and never restarted,
    /// nothing of MTC's on it. Thousands of these make up most of a large dump.
    static func isUnremarkable(_ pod: Value) -> Bool {
        let metadata = pod["metadata"]
        if metadata["namespace"].string == MTC.namespace { return false }
        let labels = metadata["labels"].mapping ?? Fields()
        if labels.keys.contains(where: { $0.hasPrefix("migration") || $0.contains("migration.openshift.io") })
            || labels["app.kubernetes.io/part-of"]?.string == "openshift-migration" {
            return false
        }
        if (metadata["annotations"].mapping?.keys ?? []).contains(where: { $0.hasPrefix("migration.openshift.io/") }) { return false }
        if !metadata["deletionTimestamp"].isNull { return false }
        let status = pod["status"]
        switch status["phase"].string {
        case "Succeeded":
            return true
        case "Running":
            let statuses = status["containerStatuses"].array + status["initContainerStatuses"].array
            return !statuses.isEmpty && status["containerStatuses"].array.allSatisfy { $0["ready"].bool == true }
                && statuses.allSatisfy { ($0["restartCount"].int ?? 0) == 0 && $0[path: "state.waiting"].isNull }
        default:
            return false
        }
    }

    /// What identifies a pod and its state, without the rest.
    static func skeleton(of pod: Value) -> Value {
        let metadata = pod["metadata"]
        var kept = Fields()
        for key in ["name", "namespace", "uid", "labels", "creationTimestamp", "ownerReferences", "generateName"] where !metadata[key].isNull {
            kept[key] = metadata[key]
        }
        var status: Fields = ["phase": pod[path: "status.phase"]]
        if !pod[path: "status.startTime"].isNull { status["startTime"] = pod[path: "status.startTime"] }
        return .mapping([
            "apiVersion": pod["apiVersion"], "kind": pod["kind"], "metadata": .mapping(kept),
            "spec": .mapping(pod[path: "spec.nodeName"].isNull ? [:] : ["nodeName": pod[path: "spec.nodeName"]]),
            "status": .mapping(status),
        ])
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
