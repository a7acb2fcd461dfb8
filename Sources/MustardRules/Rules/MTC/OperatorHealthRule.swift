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
                if let d = Self.diagnose(pod, role: component.role, cluster: cluster, now: context.now) { findings.append(finding(d)) }
            }
        }
        let version = Self.diagnoseVersions(snapshot)
        if let version { findings.append(finding(version)) }
        guard checked > 0 || version != nil || snapshot.clusters.contains(where: { $0.migrationClusterConfig != nil }) else {
            return .skipped(MTCSetup.nothingToCheck(context, missing: "pod of namespace \(MTC.namespace)"))
        }
        if findings.isEmpty {
            return .passed("\(checked) MTC pod(s) on \(snapshot.clusters.count) cluster(s) checked: all Running and Ready without recent restarts; one MTC version")
        }
        return .findings(findings)
    }

    // MARK: - Pods

    /// What is wrong with an MTC pod at gather time.
    enum PodProblem: Equatable {
        /// A container waits (CrashLoopBackOff, ImagePullBackOff, …).
        case waiting(container: String, reason: String)
        case notReady(container: String)
        /// The pod is not Running (nor Succeeded); nil phase when the status has none.
        case phase(String?, unschedulable: Bool)
        case restarted(container: String, count: Int)
    }

    /// An unhealthy MTC pod: its problems and the facts that show them.
    struct PodDiagnosis {
        let pod: Pod
        /// What the component does for a migration.
        let role: String
        let cluster: String
        let problems: [PodProblem]
        /// Images its containers fail to pull.
        let pullImages: [String]
        /// A container crash-loops or restarted often and recently.
        let crashing: Bool
        let evidence: [Evidence]
    }

    /// Nil when the pod is healthy now.
    static func diagnose(_ pod: Pod, role: String, cluster: Cluster, now: Timestamp?) -> PodDiagnosis? {
        var problems: [PodProblem] = []
        var evidence: [Evidence] = []
        var pullImages: [String] = []
        var crashing = false
        for (i, s) in pod.containerStatuses.enumerated() {
            if let reason = s.waitingReason {
                problems.append(.waiting(container: s.name, reason: reason))
                if s.isImagePullFailure { pullImages.append(s.image) }
                if reason == "CrashLoopBackOff" { crashing = true }
                evidence.append(Evidence(
                    "Pod \(pod.name): container \(s.name) is waiting with \(reason)\(s.waitingMessage.map { ": \($0)" } ?? "") (restarts: \(s.restartCount))",
                    object: pod.object, field: "status.containerStatuses[\(i)].state.waiting"))
            } else if pod.phase == "Running", !s.ready {
                problems.append(.notReady(container: s.name))
                evidence.append(Evidence("Pod \(pod.name): container \(s.name) is running but not ready", object: pod.object,
                                         field: "status.containerStatuses[\(i)].ready"))
            }
        }
        if pod.phase != "Running" && pod.phase != "Succeeded" && problems.isEmpty {
            let unschedulable = pod.unschedulable
            problems.append(.phase(pod.phase, unschedulable: unschedulable != nil))
            evidence.append(Evidence(
                "Pod \(pod.name) is in phase \(pod.phase ?? "unknown")\(unschedulable.map { ": \($0.message ?? "Unschedulable")" } ?? "")",
                object: pod.object, field: "status.phase"))
        }
        for r in ContainerRestart.of(pod) {
            let recent = now.flatMap { n in r.lastFinishedAt.map { n.seconds(since: $0) <= recentSeconds } } ?? false
            guard r.restartCount >= restartThreshold, recent || crashing else { continue }
            if problems.isEmpty { problems.append(.restarted(container: r.container, count: r.restartCount)) }
            crashing = true
            evidence.append(Evidence(
                "Pod \(pod.name): container \(r.container) restarted \(r.restartCount) times; last exit \(r.lastReason ?? "?")\(r.lastExitCode.map { " (exit code \($0))" } ?? "")\(r.lastFinishedAt.map { " at \($0)" } ?? "")",
                object: pod.object, field: "status.containerStatuses[\(r.index)].lastState.terminated", at: r.lastFinishedAt))
        }
        guard !problems.isEmpty else { return nil }
        // Events of the pod that are still current (their last sighting within the recent window).
        let events = cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name).filter { e in
            e.type == "Warning" && (now.flatMap { n in e.lastTimestamp.map { n.seconds(since: $0) <= recentSeconds } } ?? true)
        }
        for e in events.prefix(4) {
            evidence.append(Evidence(
                "Event \(e.type) \(e.reason) on \(pod.name): \(e.message)\(e.count > 1 ? " (\(e.count) times)" : "")", object: e.object,
                at: e.lastTimestamp))
        }
        return PodDiagnosis(
            pod: pod, role: role, cluster: cluster.name, problems: problems, pullImages: pullImages, crashing: crashing, evidence: evidence)
    }

    private func finding(_ d: PodDiagnosis) -> Finding {
        let isRegistry = d.pod.name.hasPrefix("registry-") || d.pod.name.hasPrefix("migration-registry-")
        var causedBy: [CauseLink] = []
        if isRegistry, !d.pullImages.isEmpty {
            causedBy.append(.ifReported(TransferImageMisconfiguredRule.key(cluster: d.cluster, key: MTC.registryImageKey)))
        }
        return Finding(
            key: FindingKey(rule: Self.id, scope: "\(d.cluster)/\(d.pod.name)"), severity: .error, title: Message.title(d), cluster: d.cluster,
            subject: ResourceRef(d.pod.object), explanation: Message.explanation(d), evidence: d.evidence, causes: causedBy,
            remediation: Message.remediation(d), references: Self.description.references)
    }

    // MARK: - Versions

    /// MTC versions that differ between clusters, or a MigCluster's version condition.
    struct VersionDiagnosis {
        /// Each `mtc_operator_version` in the dump and the clusters that run it.
        let versions: [String: [String]]
        /// `OperatorVersionMismatch` / `ClusterOperatorVersionNotFound` conditions and their MigCluster.
        let conditions: [(type: String, migCluster: MigCluster)]
        let evidence: [Evidence]
    }

    static func diagnoseVersions(_ snapshot: DumpSnapshot) -> VersionDiagnosis? {
        var evidence: [Evidence] = []
        var versions: [String: [String]] = [:]
        for cluster in snapshot.clusters {
            guard let config = cluster.migrationClusterConfig, let v = config.data[MTC.operatorVersionKey] else { continue }
            versions[v, default: []].append(cluster.name)
            evidence.append(Evidence(
                "Cluster \(cluster.name): \(MTC.clusterConfigMapName) says \(MTC.operatorVersionKey)=\(v)", object: config.object,
                field: "data.\(MTC.operatorVersionKey)"))
        }
        var conditions: [(type: String, migCluster: MigCluster)] = []
        for (_, mc) in MTCSetup.migClusters(snapshot) {
            for (i, c) in mc.conditions.enumerated() where c.isTrue && ["OperatorVersionMismatch", "ClusterOperatorVersionNotFound"].contains(c.type) {
                conditions.append((c.type, mc))
                evidence.append(Evidence(
                    "MigCluster \(mc.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: mc.object,
                    field: "status.conditions[\(i)]", at: c.lastTransitionTime))
            }
            if let v = mc.operatorVersion, !conditions.isEmpty, conditions.last?.migCluster.name == mc.name {
                evidence.append(Evidence("MigCluster \(mc.name): status.operatorVersion = \(v)", object: mc.object, field: "status.operatorVersion"))
            }
        }
        guard versions.count > 1 || !conditions.isEmpty else { return nil }
        return VersionDiagnosis(versions: versions, conditions: conditions, evidence: evidence)
    }

    private func finding(_ d: VersionDiagnosis) -> Finding {
        Finding(
            key: FindingKey(rule: Self.id, scope: "operator-version"), severity: .error, title: Message.title(d), cluster: nil,
            subject: ResourceRef(kind: "ConfigMap", namespace: MTC.namespace, name: MTC.clusterConfigMapName),
            related: d.conditions.map { ResourceRef($0.migCluster.object) },
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d),
            references: Self.description.references)
    }
}
