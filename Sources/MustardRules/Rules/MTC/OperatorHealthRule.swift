import MustardModel

/// MTC's own pods in `openshift-migration` not running now (crash loop, image pull failure, not ready, Pending),
/// restarting repeatedly, or MTC installed at different versions on the clusters of a migration.
///
/// Judged at gather time: a pod that is Running and Ready with no recent restart is healthy whatever its old
/// events say (`docs/mtc.md` §2.6, §2.8 `OperatorVersionMismatch`).
public struct OperatorHealthRule: BuiltInRule {
    public static let id = "mtc/operator-health"

    /// MTC components, by pod name prefix, and what each does for a migration.
    static let components: [(prefix: String, role: String)] = [
        ("migration-controller", "runs every migration"),
        ("migration-operator", "renders MTC's configuration and deployments"),
        ("velero", "runs the backups and restores"),
        ("restic", "copies volume data on its node"),
        // MTC 1.8 (Velero 1.10+) renamed the restic daemonset node-agent.
        ("node-agent", "copies volume data on its node"),
        ("migration-ui", "serves the MTC console"),
        ("registry-", "serves images during indirect image migration"),
        ("migration-registry-", "serves images during indirect image migration"),
    ]
    /// A pod restarting this often, the last time within `recentSeconds` of the gather, is crash-looping.
    static let restartThreshold = 3
    static let recentSeconds = 3600.0

    public static let description = RuleDescription(
        id: id,
        name: "MTC operator and component health",
        category: "mtc",
        severity: .error,
        summary: "MTC's controller, operator, Velero, Restic or registry pods are not running now, keep restarting, or the clusters run different MTC versions.",
        rationale: """
            Every migration depends on the migration controller on the host and on Velero and Restic on both \
            clusters; a crash-looping Velero makes backups and restores hang or fail, a missing Restic pod leaves a \
            node's volumes uncopied. MTC also requires the same version on every cluster of a migration. Only the \
            state at gather time counts: old Warning events of a pod that is Running and Ready now are history.
            """,
        references: [
            "https://github.com/migtools/mig-operator/blob/master/docs/usage/MigClusterConfiguration.md",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migcluster/migcluster_controller.go",
        ],
        requirements: DataRequirements(resources: ["pods", "events", ResourceRequirement("configmaps", in: MTC.namespace), "migclusters", "migrationcontrollers"]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-velero-crashloop", "Tests/Fixtures/mtc-1.7-registry-image-wrong"],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-healthy-old-backoff",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses", "Tests/Fixtures/mtc-1.4.1-velero-restarted-midrun",
            "Tests/Fixtures/mtc-1.6-velero-restarted-midrun", "Tests/Fixtures/mtc-1.8-velero-restarted-midrun",
        ])

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        var checked = 0
        var findings: [Finding] = []
        for cluster in snapshot.clusters {
            for pod in cluster.pods where pod.namespace == MTC.namespace && !pod.isTerminating {
                guard let component = Self.components.first(where: { pod.name.hasPrefix($0.prefix) }) else { continue }
                checked += 1
                if let f = podFinding(pod, role: component.role, cluster: cluster, context: context) { findings.append(f) }
            }
        }
        let version = versionFinding(snapshot)
        if let version { findings.append(version) }
        guard checked > 0 || version != nil || snapshot.clusters.contains(where: { $0.migrationClusterConfig != nil }) else {
            return .skipped(MTCSetup.nothingToCheck(context, missing: "pod of namespace \(MTC.namespace)"))
        }
        if findings.isEmpty {
            return .passed("\(checked) MTC pod(s) on \(snapshot.clusters.count) cluster(s) checked: all Running and Ready without recent restarts; one MTC version")
        }
        return .findings(findings)
    }

    // MARK: - Pods

    private func podFinding(_ pod: Pod, role: String, cluster: Cluster, context: RuleContext) -> Finding? {
        let now = context.now
        var problems: [String] = []
        var evidence: [Evidence] = []
        var pullImages: [String] = []
        var crashing = false
        for (i, s) in pod.containerStatuses.enumerated() {
            if let reason = s.waitingReason {
                problems.append("container \(s.name) \(reason)")
                if s.isImagePullFailure { pullImages.append(s.image) }
                if reason == "CrashLoopBackOff" { crashing = true }
                evidence.append(Evidence(
                    "Pod \(pod.name): container \(s.name) is waiting with \(reason)\(s.waitingMessage.map { ": \($0)" } ?? "") (restarts: \(s.restartCount))",
                    object: pod.object, field: "status.containerStatuses[\(i)].state.waiting"))
            } else if pod.phase == "Running", !s.ready {
                problems.append("container \(s.name) not ready")
                evidence.append(Evidence("Pod \(pod.name): container \(s.name) is running but not ready", object: pod.object,
                                         field: "status.containerStatuses[\(i)].ready"))
            }
        }
        if pod.phase != "Running" && pod.phase != "Succeeded" && problems.isEmpty {
            let unschedulable = pod.unschedulable
            problems.append("phase \(pod.phase ?? "unknown")\(unschedulable != nil ? ", unschedulable" : "")")
            evidence.append(Evidence(
                "Pod \(pod.name) is in phase \(pod.phase ?? "unknown")\(unschedulable.map { ": \($0.message ?? "Unschedulable")" } ?? "")",
                object: pod.object, field: "status.phase"))
        }
        for r in ContainerRestart.of(pod) {
            let recent = now.flatMap { n in r.lastFinishedAt.map { n.seconds(since: $0) <= Self.recentSeconds } } ?? false
            guard r.restartCount >= Self.restartThreshold, recent || crashing else { continue }
            if problems.isEmpty { problems.append("container \(r.container) restarted \(r.restartCount) times") }
            crashing = true
            evidence.append(Evidence(
                "Pod \(pod.name): container \(r.container) restarted \(r.restartCount) times; last exit \(r.lastReason ?? "?")\(r.lastExitCode.map { " (exit code \($0))" } ?? "")\(r.lastFinishedAt.map { " at \($0)" } ?? "")",
                object: pod.object, field: "status.containerStatuses[\(r.index)].lastState.terminated", at: r.lastFinishedAt))
        }
        guard !problems.isEmpty else { return nil }
        // Events of the pod that are still current (their last sighting within the recent window).
        let events = cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name).filter { e in
            e.type == "Warning" && (now.flatMap { n in e.lastTimestamp.map { n.seconds(since: $0) <= Self.recentSeconds } } ?? true)
        }
        for e in events.prefix(4) {
            evidence.append(Evidence(
                "Event \(e.type) \(e.reason) on \(pod.name): \(e.message)\(e.count > 1 ? " (\(e.count) times)" : "")", object: e.object,
                at: e.lastTimestamp))
        }

        let isRegistry = pod.name.hasPrefix("registry-") || pod.name.hasPrefix("migration-registry-")
        var causedBy: [CauseLink] = []
        if isRegistry, !pullImages.isEmpty {
            causedBy.append(.ifReported(TransferImageMisconfiguredRule.key(cluster: cluster.name, key: MTC.registryImageKey)))
        }
        let title = "MTC pod \(pod.name) on cluster \(cluster.name) is unhealthy now: \(problems.joined(separator: ", ")) (it \(role))"
        var explanation = "This pod \(role). At gather time it is \(problems.joined(separator: ", ")), so "
        explanation += pod.name.hasPrefix("velero")
            ? "backups and restores on cluster \(cluster.name) hang or fail until it runs again."
            : pod.name.hasPrefix("restic") || pod.name.hasPrefix("node-agent")
                ? "volumes of pods on its node cannot be copied by file system copy."
                : pod.name.hasPrefix("migration-controller")
                    ? "no migration progresses."
                    : "the part of MTC it serves is unavailable."
        if !pullImages.isEmpty { explanation += " Its image cannot be pulled: check the image name and the cluster's access to the registry." }
        if crashing { explanation += " Its previous log says why it exits." }

        let containers = pod.containerStatuses.filter { $0.waitingReason != nil || !$0.ready }.map(\.name)
        let ns = "-n \(MTC.namespace)"
        var steps: [RemediationStep] = []
        if crashing {
            steps.append(RemediationStep(
                title: "Read why \(pod.name) exits (previous container log) on cluster \(cluster.name)", cluster: cluster.name,
                command: (containers.isEmpty ? [pod.containers.first?.name ?? ""] : containers)
                    .map { "oc \(ns) logs \(shellQuote(pod.name)) -c \(shellQuote($0)) --previous --tail=100" }.joined(separator: "\n"),
                verify: nil))
            if pod.name.hasPrefix("velero") {
                steps.append(RemediationStep(
                    title: "Velero most often exits on its storage location or cloud credentials; check them on cluster \(cluster.name)",
                    cluster: cluster.name,
                    command: "oc \(ns) get backupstoragelocations.velero.io -o custom-columns=NAME:.metadata.name,PHASE:.status.phase,BUCKET:.spec.objectStorage.bucket\noc \(ns) get secret cloud-credentials -o jsonpath='{.data}' | jq -r 'keys[]'",
                    verify: nil))
            }
        }
        if !pullImages.isEmpty {
            steps.append(RemediationStep(
                title: "Check that cluster \(cluster.name) can pull \(Array(Set(pullImages)).sorted().joined(separator: ", ")): the image name, the pull secret and any registry mirror",
                cluster: cluster.name,
                command: "oc \(ns) get pod \(shellQuote(pod.name)) -o jsonpath='{range .spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}'\noc -n openshift-config get secret pull-secret -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d | jq -r '.auths | keys[]'",
                verify: nil))
        }
        steps.append(RemediationStep(
            title: "See the pod's state and events on cluster \(cluster.name)", cluster: cluster.name,
            command: "oc \(ns) describe pod \(shellQuote(pod.name))", verify: nil))
        let selector = ["app.kubernetes.io/name", "deploy", "name", "app", "component"]
            .lazy.compactMap { key in pod.object.metadata.label(key).map { "\(key)=\($0)" } }.first
        steps.append(RemediationStep(
            title: "Once the cause is fixed, delete the pod so its controller starts a fresh one", cluster: cluster.name,
            command: "oc \(ns) delete pod \(shellQuote(pod.name))",
            verify: selector.map { "oc \(ns) get pods -l \(shellQuote($0))" } ?? "oc \(ns) get pods",
            expect: "the new pod Running, READY n/n"))

        return Finding(
            key: FindingKey(rule: Self.id, scope: "\(cluster.name)/\(pod.name)"), severity: .error, title: title, cluster: cluster.name,
            subject: ResourceRef(pod.object), explanation: explanation, evidence: evidence, causes: causedBy,
            remediation: steps, references: Self.description.references)
    }

    // MARK: - Versions

    private func versionFinding(_ snapshot: DumpSnapshot) -> Finding? {
        var evidence: [Evidence] = []
        var versions: [String: [String]] = [:]
        for cluster in snapshot.clusters {
            guard let config = cluster.migrationClusterConfig, let v = config.data[MTC.operatorVersionKey] else { continue }
            versions[v, default: []].append(cluster.name)
            evidence.append(Evidence(
                "Cluster \(cluster.name): \(MTC.clusterConfigMapName) says \(MTC.operatorVersionKey)=\(v)", object: config.object,
                field: "data.\(MTC.operatorVersionKey)"))
        }
        var conditions: [(String, MigCluster)] = []
        for (_, mc) in MTCSetup.migClusters(snapshot) {
            for (i, c) in mc.conditions.enumerated() where c.isTrue && ["OperatorVersionMismatch", "ClusterOperatorVersionNotFound"].contains(c.type) {
                conditions.append((c.type, mc))
                evidence.append(Evidence(
                    "MigCluster \(mc.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: mc.object,
                    field: "status.conditions[\(i)]", at: c.lastTransitionTime))
            }
            if let v = mc.operatorVersion, !conditions.isEmpty, conditions.last?.1.name == mc.name {
                evidence.append(Evidence("MigCluster \(mc.name): status.operatorVersion = \(v)", object: mc.object, field: "status.operatorVersion"))
            }
        }
        guard versions.count > 1 || !conditions.isEmpty else { return nil }
        let listing = versions.keys.sorted().map { "\($0) on \((versions[$0] ?? []).sorted().joined(separator: ", "))" }
        let clustersNamed = Array(Set(conditions.map(\.1.name) + versions.values.flatMap { $0 })).sorted()
        let title = versions.count > 1
            ? "MTC versions differ between clusters: \(listing.joined(separator: "; "))"
            : "MTC version problem: \(Set(conditions.map { "\($0.0) on MigCluster \($0.1.name)" }).sorted().joined(separator: ", "))"
        let newest = versions.keys.max { VersionOrder.less($0, $1) }
        let steps = clustersNamed.map { name in
            RemediationStep(
                title: "On cluster \(name), check the installed MTC operator and upgrade it to \(newest ?? "the version the other clusters run") (Operator Hub subscription on OpenShift 4, the operator manifest on 3.x)",
                cluster: name,
                command: "oc -n \(MTC.namespace) get csv -o custom-columns=NAME:.metadata.name,VERSION:.spec.version,PHASE:.status.phase\noc -n \(MTC.namespace) get subscription -o custom-columns=NAME:.metadata.name,CHANNEL:.spec.channel,APPROVAL:.spec.installPlanApproval",
                verify: "oc -n \(MTC.namespace) get configmap \(MTC.clusterConfigMapName) -o jsonpath='{.data.\(MTC.operatorVersionKey)}{\"\\n\"}'")
        }
        return Finding(
            key: FindingKey(rule: Self.id, scope: "operator-version"), severity: .error, title: title, cluster: nil,
            subject: ResourceRef(kind: "ConfigMap", namespace: MTC.namespace, name: MTC.clusterConfigMapName),
            related: conditions.map { ResourceRef($0.1.object) },
            explanation: "MTC must run the same version on the host and on every remote cluster: the controller, Velero plugins and stage or rsync images of one version expect the others to match, and the controller reports OperatorVersionMismatch when they do not. Upgrade the older cluster(s) to the newest version.",
            evidence: evidence, remediation: steps, references: Self.description.references)
    }
}
