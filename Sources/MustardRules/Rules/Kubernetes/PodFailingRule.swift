import MustardModel

/// Pods failing at gather time: images that cannot be pulled, containers in a crash loop, pods nobody can schedule.
///
/// Only the state at gather time counts. A pod that is Running and Ready now has recovered: its old Warning
/// events are history and are not reported. Stage pods and MTC's own pods are left to the MTC rules, which know
/// what they mean for a migration.
public struct PodFailingRule: BuiltInRule {
    public static let id = "k8s/pod-failing"

    public static let description = RuleDescription(
        id: id,
        name: "Pod failing now",
        category: "k8s",
        severity: .error,
        summary: "A pod cannot pull its image, crash-loops, cannot start its container, cannot mount its volumes, or cannot be scheduled at gather time.",
        rationale: """
            These are the states in which a workload does not run, and the kubelet or the scheduler says why in the \
            pod's status and events. Events alone are not enough: a pod that crash-looped yesterday and is Running and \
            Ready now has recovered, so only the pod's status at gather time decides, and its events are the evidence.
            """,
        references: [
            "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/images/types.go",
        ],
        requirements: DataRequirements(resources: ["pods", "events"]),
        triggeringExamples: ["Tests/Fixtures/k8s-pods-failing", "Tests/Fixtures/mtc-1.7-ordinary-imagepullbackoff", "Tests/Fixtures/k8s-pods-signatures"],
        nonTriggeringExamples: [
            "Tests/Fixtures/k8s-pods-recovered", "Samples/healthy-migration",
            "Tests/RealData/openshift__must-gather-clean/test/files/must-gather-azure.tar.xz",
        ])

    /// Event reasons of volumes that keep a scheduled pod in ContainerCreating.
    static let volumeReasons: Set<String> = ["FailedMount", "FailedAttachVolume", "FailedMapVolume"]

    /// Waiting reasons that mean the container cannot start (besides image pulls and crash loops).
    static let startFailures: Set<String> = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError", "InvalidImageName"]

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let podCount = context.snapshot.clusters.reduce(0) { $0 + $1.pods.count + $1.healthyPods.count }
        guard podCount > 0 else { return .skipped("no pods in the dump") }
        var findings: [(finding: Finding, owner: OwnerReference?, signature: String)] = []
        var recovered = 0
        for cluster in context.snapshot.clusters {
            for pod in cluster.pods where !pod.ownedByMTC {
                let events = cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name)
                if let found = finding(pod, cluster: cluster.name, events: events) {
                    findings.append((found.finding, pod.object.metadata.ownerReferences.first, found.signature))
                } else if events.contains(where: { $0.type == "Warning" }) {
                    recovered += 1
                }
            }
            for pod in cluster.healthyPods.recovered
            where cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name).contains(where: { $0.type == "Warning" }) {
                recovered += 1
            }
        }
        if findings.isEmpty {
            let history = recovered > 0 ? "; \(recovered) had Warning events earlier but are healthy now (history, not reported)" : ""
            return .passed("\(podCount) pod(s) checked: none failing at gather time\(history)")
        }
        return .findings(Self.groupedByOwner(findings))
    }

    /// Pods of one workload failing the same way make one finding: a large dump should not bury its root causes
    /// under hundreds of replicas saying the same thing. A pod alone keeps its own finding.
    static func groupedByOwner(_ findings: [(finding: Finding, owner: OwnerReference?, signature: String)]) -> [Finding] {
        var groups: [String: [(finding: Finding, owner: OwnerReference?, signature: String)]] = [:]
        var order: [String] = []
        for item in findings {
            let key = item.owner.map { "\(item.finding.cluster ?? "")/\(item.finding.subject.namespace ?? "")/\($0.kind)/\($0.name)/\(item.signature)" }
                ?? item.finding.id
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        return order.compactMap { key -> Finding? in
            guard let items = groups[key], let first = items.first else { return nil }
            guard items.count > 1, let owner = first.owner else { return first.finding }
            let f = first.finding
            let names = items.map(\.finding.subject.name)
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
            return Finding(
                key: FindingKey(rule: id, scope: "\(f.cluster ?? "")/\(f.subject.namespace ?? "")/\(owner.kind)/\(owner.name)"), severity: f.severity,
                title: "\(items.count) pods of \(owner.kind) \(f.subject.namespace.map { "\($0)/" } ?? "")\(owner.name) fail now the same way: \(first.signature)",
                cluster: f.cluster, subject: ResourceRef(kind: owner.kind, namespace: f.subject.namespace, name: owner.name),
                related: items.map(\.finding.subject), namespaces: f.namespaces,
                explanation: "Pods \(shown) fail alike; the evidence shows the first of them. " + f.explanation,
                evidence: f.evidence, remediation: f.remediation, references: f.references)
        }
    }

    /// Stage, rsync and hook pods carry MTC's part-of label; MTC's own pods live in its namespace.
    /// The finding for one pod, and a signature of its problems (kinds, not counts) to group replicas by.
    private func finding(_ pod: Pod, cluster: String, events: [Event]) -> (finding: Finding, signature: String)? {
        guard pod.phase != "Succeeded", pod.phase != "Failed" else { return nil }
        let ref = "\(pod.namespace)/\(pod.name)"
        var problems: [(summary: String, evidence: Evidence, kind: Problem)] = []
        let statuses = pod.initContainerStatuses.map { ($0, "status.initContainerStatuses") } + pod.containerStatuses.map { ($0, "status.containerStatuses") }
        var indexes: [String: Int] = [:]
        for (status, field) in statuses {
            let i = indexes[field, default: 0]
            indexes[field] = i + 1
            guard let reason = status.waitingReason else { continue }
            let at = "\(field)[\(i)].state.waiting"
            if status.isImagePullFailure {
                problems.append(("container \(status.name) cannot pull \(status.image)", Evidence(
                    "Container \(status.name) is waiting with \(reason)\(status.waitingMessage.map { ": \($0)" } ?? "")", object: pod.object, field: at), .imagePull(status.image)))
            } else if reason == "CrashLoopBackOff" {
                let last = status.lastTerminatedReason.map { "; last run ended \($0)\(status.lastExitCode.map { " (exit code \($0))" } ?? "")\(status.lastFinishedAt.map { " at \($0)" } ?? "")\(status.lastTerminatedMessage.map { ": \($0)" } ?? "")" } ?? ""
                problems.append(("container \(status.name) is crash-looping (\(status.restartCount) restarts)", Evidence(
                    "Container \(status.name) is in CrashLoopBackOff after \(status.restartCount) restarts\(last)", object: pod.object, field: at), .crashLoop(status.name)))
            } else if Self.startFailures.contains(reason) {
                problems.append(("container \(status.name) cannot start: \(reason)", Evidence(
                    "Container \(status.name) is waiting with \(reason)\(status.waitingMessage.map { ": \($0)" } ?? "")", object: pod.object, field: at), .cannotStart))
            }
        }
        if pod.phase == "Pending", let unschedulable = pod.unschedulable {
            problems.append(("it cannot be scheduled", Evidence(
                "Pending: PodScheduled False, Unschedulable: \(unschedulable.message ?? "")", object: pod.object, field: "status.conditions"), .unschedulable))
        }
        // Scheduled but its containers are still being created because a volume will not attach or mount.
        if pod.phase == "Pending", problems.isEmpty, statuses.contains(where: { $0.0.waitingReason == "ContainerCreating" }),
           let volume = events.filter({ Self.volumeReasons.contains($0.reason) }).max(by: { ($0.lastTimestamp?.secondsSince1970 ?? 0) < ($1.lastTimestamp?.secondsSince1970 ?? 0) }) {
            problems.append(("its volumes cannot be attached or mounted (\(volume.reason))", Evidence(
                "Containers waiting with ContainerCreating; event \(volume.type) \(volume.reason): \(volume.message)", object: volume.object,
                at: volume.lastTimestamp), .volume))
        }
        guard !problems.isEmpty else { return nil }

        var evidence = problems.map(\.evidence)
        let relevant = events.filter { $0.type == "Warning" || $0.isImagePullFailure }
            .sorted { ($0.lastTimestamp?.secondsSince1970 ?? 0) > ($1.lastTimestamp?.secondsSince1970 ?? 0) }
        for event in relevant.prefix(4) {
            let repeats = event.count > 1 ? " (×\(event.count)\(event.firstTimestamp.map { " since \($0)" } ?? ""))" : ""
            evidence.append(Evidence("Event \(event.type) \(event.reason): \(event.message)\(repeats)", object: event.object, at: event.lastTimestamp))
        }
        let ns = shellQuote(pod.namespace), name = shellQuote(pod.name)
        var steps = [RemediationStep(
            title: "Read the pod's state and events", cluster: cluster, command: "oc -n \(ns) describe pod \(name)",
            verify: nil)]
        for problem in problems {
            switch problem.kind {
            case .imagePull(let image):
                steps.append(RemediationStep(
                    title: "Check that \(image) exists and that the pod may pull it (pull secret of its service account, registry reachable, mirror)",
                    cluster: cluster,
                    command: "oc -n \(ns) get pod \(name) -o jsonpath='{.spec.serviceAccountName}{\"\\n\"}{.spec.imagePullSecrets}{\"\\n\"}'\noc image info \(shellQuote(image))",
                    verify: "oc -n \(ns) get pod \(name) -o jsonpath='{.status.containerStatuses[*].state}{\"\\n\"}'"))
            case .crashLoop(let container):
                steps.append(RemediationStep(
                    title: "Read why container \(container) exits, from its previous run's log",
                    cluster: cluster, command: "oc -n \(ns) logs \(name) -c \(shellQuote(container)) --previous", verify: nil))
            case .unschedulable:
                steps.append(RemediationStep(
                    title: "Compare the pod's requests, node selector and tolerations with the nodes' capacity, labels and taints",
                    cluster: cluster,
                    command: "oc -n \(ns) get pod \(name) -o jsonpath='{.spec.nodeSelector}{\"\\n\"}{.spec.tolerations}{\"\\n\"}{.spec.containers[*].resources}{\"\\n\"}'\noc describe nodes | grep -E '^Name:|Taints:|Allocated resources' -A 6",
                    verify: "oc -n \(ns) get pod \(name) -o wide"))
            case .cannotStart:
                break
            case .volume:
                steps.append(RemediationStep(
                    title: "Read the pod's volume claims and their events",
                    cluster: cluster, command: "oc -n \(ns) get pvc\noc -n \(ns) get events --field-selector involvedObject.name=\(name)",
                    verify: "oc -n \(ns) get pod \(name) -o wide"))
            }
        }
        let owner = pod.object.metadata.ownerReferences.first.map { " (\($0.kind) \($0.name))" } ?? ""
        let signature = problems.map(\.kind.label).joined(separator: ", ")
        return (Finding(
            key: FindingKey(rule: Self.id, scope: "\(cluster)/\(ref)"), severity: .error,
            title: "Pod \(ref)\(owner) fails now: " + problems.map(\.summary).joined(separator: "; "),
            cluster: cluster, subject: ResourceRef(pod.object), namespaces: [pod.namespace],
            explanation: "At gather time the pod is \(pod.phase ?? "in an unknown phase") and " + problems.map(\.summary).joined(separator: ", and ") + ". Its events say why; the commands below read the rest on the live cluster.",
            evidence: evidence, remediation: steps, references: Self.description.references), signature)
    }

    private enum Problem {
        case imagePull(String)
        case crashLoop(String)
        case cannotStart
        case unschedulable
        case volume

        var label: String {
            switch self {
            case .imagePull(let image): return "cannot pull \(image)"
            case .crashLoop(let container): return "container \(container) crash-looping"
            case .cannotStart: return "container cannot start"
            case .unschedulable: return "cannot be scheduled"
            case .volume: return "volumes cannot be mounted"
            }
        }
    }
}
