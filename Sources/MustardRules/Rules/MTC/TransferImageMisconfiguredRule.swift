import MustardModel

/// Rsync transfer pods or migration registry pods cannot pull their image, and that image is the
/// `RSYNC_TRANSFER_IMAGE` or `REGISTRY_IMAGE` configured in a cluster's `migration-cluster-config`.
///
/// The R1 pattern for the two other images MTC runs (`docs/mtc.md` §2.6, §2.9, R8, R11): the controller builds rsync
/// pods (direct volume migration) and registry deployments (indirect image migration) from those keys, which the
/// operator renders from the MigrationController (`rsync_transfer_image_fqin`, `migration_registry_image_fqin`).
/// A wrong value keeps the pods in ImagePullBackOff: the DVM reports `RsyncClientPodsPending`, the migration
/// reports `RegistriesUnhealthy` or fails at `WaitForRegistriesReady`.
public struct TransferImageMisconfiguredRule: BuiltInRule {
    public static let id = "mtc/transfer-image-misconfigured"

    public static let description = RuleDescription(
        id: id,
        name: "Rsync transfer or registry image misconfigured",
        category: "mtc",
        severity: .critical,
        summary: "Rsync transfer or migration registry pods cannot pull their image, the RSYNC_TRANSFER_IMAGE or REGISTRY_IMAGE configured on that cluster.",
        rationale: """
            Direct volume migration copies data with rsync pods built from RSYNC_TRANSFER_IMAGE; indirect image \
            migration runs a temporary registry built from REGISTRY_IMAGE. Both come from the cluster's \
            migration-cluster-config, rendered by the operator from MigrationController overrides. A wrong image \
            keeps those pods in ImagePullBackOff: volume transfers never start (RsyncClientPodsPending) and image \
            migration waits or fails (RegistriesUnhealthy, WaitForRegistriesReady). Editing the ConfigMap alone is \
            undone by the operator; the override has to be fixed.
            """,
        references: [
            "https://github.com/migtools/mig-operator/blob/master/roles/migrationcontroller/defaults/main.yml",
            "https://github.com/migtools/mig-operator/blob/master/docs/usage/MigClusterConfiguration.md",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/directvolumemigration/rsync.go",
        ],
        requirements: DataRequirements(
            resources: [ResourceRequirement("configmaps", in: MTC.namespace), "migrationcontrollers", "pods", "events", "migmigrations", "migplans", "directvolumemigrations"]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-rsync-image-wrong", "Tests/Fixtures/mtc-1.7-registry-image-wrong"],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-healthy-old-backoff",
            "Tests/Fixtures/mtc-1.7-velero-crashloop",
        ])

    /// The finding id for a key on a cluster; `mtc/operator-health` links registry pod failures to it.
    static func key(cluster: String, key: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(key)") }

    public init() {}

    /// One sign that pods of a key's image fail to pull.
    struct Sighting {
        let key: String
        let image: String?
        /// The dump cluster the sign was read from (for pods: where the pod is).
        let cluster: String
        let evidence: Evidence
        /// The migration it holds up, when known.
        let migration: MigMigration?
        /// True when the failure is going on at gather time.
        let current: Bool
    }

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        let configs = snapshot.clusters.compactMap { c in c.migrationClusterConfig.map { (cluster: c, config: $0) } }
        guard !configs.isEmpty || snapshot.clusters.contains(where: { !$0.migMigrations.isEmpty }) else {
            return .skipped(MTCSetup.nothingToCheck(context, missing: "\(MTC.clusterConfigMapName) ConfigMap or MigMigration"))
        }
        let sightings = Self.sightings(snapshot)
        var findings: [Finding] = []
        for key in [MTC.rsyncTransferImageKey, MTC.registryImageKey] {
            let mine = sightings.filter { $0.key == key }
            guard !mine.isEmpty else { continue }
            let failing = Set(mine.compactMap(\.image))
            // Which cluster's configuration the failing pods use: the one configured with the failing image;
            // without an image in the evidence, the one whose value looks unlike its siblings.
            var targets = configs.filter { failing.contains($0.config.data[key] ?? "\u{0}") }.map(\.cluster.name)
            var suspectOnly = false
            if targets.isEmpty, failing.isEmpty {
                targets = configs.filter { ConfiguredImageComparison(key: key, data: $0.config.data)?.isSuspicious == true }.map(\.cluster.name)
                suspectOnly = true
            }
            if targets.isEmpty, !failing.isEmpty {
                // The failing image is configured nowhere in the dump: only blame a cluster whose config was not gathered.
                targets = Array(Set(mine.map(\.cluster))).filter { name in !configs.contains { $0.cluster.name == name } }.sorted()
            }
            for target in targets.sorted() {
                let related = mine.filter { s in
                    s.image == nil || configs.first { $0.cluster.name == target }?.config.data[key] == s.image
                        || !configs.contains { $0.cluster.name == target }
                }
                guard !related.isEmpty, let d = Self.diagnose(key: key, cluster: target, sightings: related, suspectOnly: suspectOnly, context: context)
                else { continue }
                findings.append(finding(d, snapshot: snapshot))
            }
        }
        if findings.isEmpty {
            return .passed("\(configs.count) cluster configuration(s) checked: no rsync transfer or registry pod fails to pull the configured \(MTC.rsyncTransferImageKey) or \(MTC.registryImageKey)")
        }
        return .findings(findings)
    }

    // MARK: - Evidence

    static func isRsyncPod(_ pod: Pod) -> Bool {
        let meta = pod.object.metadata
        return meta.label("app") == "directvolumemigration-rsync-transfer"
            || (pod.name.hasPrefix("rsync-") && meta.label("app.kubernetes.io/part-of") == "openshift-migration")
    }

    static func isRegistryPod(_ pod: Pod) -> Bool {
        guard pod.namespace == MTC.namespace else { return false }
        let meta = pod.object.metadata
        return meta.label("migration.openshift.io/migration-registry") != nil || meta.label("migration-registry") != nil
            || pod.name.hasPrefix("migration-registry-") || pod.name.hasPrefix("registry-")
    }

    static func sightings(_ snapshot: DumpSnapshot) -> [Sighting] {
        var found: [Sighting] = []
        let migrations = snapshot.clusters.flatMap(\.migMigrations)
        func migration(uid: String?) -> MigMigration? { uid.flatMap { u in migrations.first { $0.uid == u } } }
        for cluster in snapshot.clusters {
            for pod in cluster.pods where !pod.isTerminating {
                let key: String
                if isRsyncPod(pod) { key = MTC.rsyncTransferImageKey } else if isRegistryPod(pod) { key = MTC.registryImageKey } else { continue }
                let owner = migration(uid: pod.object.metadata.label("migmigration"))
                for (i, s) in pod.containerStatuses.enumerated() where s.isImagePullFailure {
                    let image = s.image.isEmpty ? pod.containers.first { $0.name == s.name }?.image : s.image
                    found.append(Sighting(
                        key: key, image: image, cluster: cluster.name,
                        evidence: Evidence(
                            "\(key == MTC.rsyncTransferImageKey ? "Rsync transfer" : "Registry") pod \(pod.namespace)/\(pod.name) on cluster \(cluster.name): container \(s.name) is waiting with \(s.waitingReason ?? "?")\(s.waitingMessage.map { ": \($0)" } ?? "")",
                            object: pod.object, field: "status.containerStatuses[\(i)].state.waiting"),
                        migration: owner, current: true))
                }
                for e in cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name) where e.isImagePullFailure && e.type == "Warning" {
                    found.append(Sighting(
                        key: key, image: quotedImage(in: e.message), cluster: cluster.name,
                        evidence: Evidence("Event \(e.type) \(e.reason) on \(pod.namespace)/\(pod.name): \(e.message)\(e.count > 1 ? " (\(e.count) times)" : "")",
                                           object: e.object, at: e.lastTimestamp),
                        migration: owner, current: true))
                }
            }
            for dvm in cluster.directVolumeMigrations {
                let owner = migration(uid: dvm.migrationUID)
                let active = dvm.phase != "Completed" && !(owner?.isFinished ?? false)
                for (i, c) in dvm.conditions.enumerated() where c.isTrue {
                    let pull = StagePodPullFailures.isPullFailureText(c.message ?? "")
                    guard pull || c.type == "RsyncClientPodsPending" || c.type == "RsyncTransferPodsPending" else { continue }
                    found.append(Sighting(
                        key: MTC.rsyncTransferImageKey, image: pull ? quotedImage(in: c.message ?? "") : nil, cluster: cluster.name,
                        evidence: Evidence(
                            "DirectVolumeMigration \(dvm.name) (phase \(dvm.phase ?? "?")): \(MTCSetup.describe(c))\(dvm.pendingPods.isEmpty ? "" : "; pending pods: \(dvm.pendingPods.map(\.display).joined(separator: ", "))")",
                            object: dvm.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime),
                        migration: owner, current: active))
                }
                for (i, e) in dvm.errors.enumerated() where StagePodPullFailures.isPullFailureText(e) {
                    found.append(Sighting(
                        key: MTC.rsyncTransferImageKey, image: quotedImage(in: e), cluster: cluster.name,
                        evidence: Evidence("DirectVolumeMigration \(dvm.name) error: \(e)", object: dvm.object, field: "status.errors[\(i)]"),
                        migration: owner, current: active))
                }
            }
            for m in cluster.migMigrations {
                let active = !m.isFinished && !m.isCanceled
                if let i = m.conditions.index(ofActive: "RegistriesUnhealthy") {
                    let c = m.conditions[i]
                    found.append(Sighting(
                        key: MTC.registryImageKey, image: quotedImage(in: c.message ?? ""), cluster: cluster.name,
                        evidence: Evidence("Migration \(m.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: m.object,
                                           field: "status.conditions[\(i)]", at: c.lastTransitionTime),
                        migration: m, current: active))
                }
                let failedAtRegistries = m.conditions.active("Failed")?.reason == "WaitForRegistriesReady" || m.phase == "WaitForRegistriesReady"
                for (i, e) in m.errors.enumerated() where failedAtRegistries && StagePodPullFailures.isPullFailureText(e) {
                    found.append(Sighting(
                        key: MTC.registryImageKey, image: quotedImage(in: e), cluster: cluster.name,
                        evidence: Evidence("Migration \(m.name) failed at WaitForRegistriesReady: \(e)", object: m.object, field: "status.errors[\(i)]"),
                        migration: m, current: active))
                }
                for (si, step) in m.pipeline.enumerated() {
                    for (pi, text) in step.progress.enumerated() where StagePodPullFailures.isPullFailureText(text) {
                        let lower = text.lowercased()
                        let key: String
                        if lower.contains("rsync") { key = MTC.rsyncTransferImageKey } else if lower.contains("registry") { key = MTC.registryImageKey } else { continue }
                        found.append(Sighting(
                            key: key, image: quotedImage(in: text), cluster: cluster.name,
                            evidence: Evidence("Pipeline step \(step.name) of migration \(m.name) reports: \(text)", object: m.object,
                                               field: "status.pipeline[\(si)].progress[\(pi)]", at: step.started),
                            migration: m, current: active))
                    }
                }
            }
        }
        return found
    }

    // MARK: - Finding

    /// A cluster's RSYNC_TRANSFER_IMAGE or REGISTRY_IMAGE that its pods cannot pull, and the facts that show it.
    struct Diagnosis {
        /// `RSYNC_TRANSFER_IMAGE` or `REGISTRY_IMAGE`.
        let key: String
        let cluster: String
        /// The failing image, else the configured one.
        let image: String
        /// The value in the cluster's ConfigMap, nil when it was not gathered or does not set the key.
        let configured: String?
        /// The MigrationController field that overrides the key.
        let overrideField: String
        let override: String?
        /// The cluster's MigrationController is in the dump.
        let controllerKnown: Bool
        /// The same key on a cluster at the same MTC version, when it differs and looks right.
        let suggestion: String?
        /// A failure is going on at gather time.
        let current: Bool
        /// No pull failure is seen: the image is suspected from its configuration.
        let suspectOnly: Bool
        /// The migrations held up, by name.
        let migrations: [MigMigration]
        let evidence: [Evidence]

        var isRsync: Bool { key == MTC.rsyncTransferImageKey }
    }

    /// Nil when the failures are history (a later run succeeded, or the configuration changed since) or, for a suspicion,
    /// when the configured value does not look wrong.
    static func diagnose(key: String, cluster: String, sightings: [Sighting], suspectOnly: Bool, context: RuleContext) -> Diagnosis? {
        let snapshot = context.snapshot
        let dumpCluster = snapshot.cluster(named: cluster)
        let config = dumpCluster?.migrationClusterConfig
        let controller = dumpCluster?.migrationController
        let overrideField = key == MTC.rsyncTransferImageKey ? MTC.rsyncTransferImageOverrideField : MTC.registryImageOverrideField
        let override = controller?.spec[overrideField].string
        let configured = config?.data[key]
        let image = sightings.compactMap(\.image).first ?? configured ?? "the configured image"
        let comparison = config.flatMap { ConfiguredImageComparison(key: key, data: $0.data) }

        // History: nothing current, and a later run of the same plan succeeded.
        let current = sightings.contains(where: \.current)
        let migrations = Dictionary(sightings.compactMap(\.migration).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            .values.sorted { $0.name < $1.name }
        if !current {
            let all = snapshot.clusters.flatMap(\.migMigrations)
            let superseded = migrations.allSatisfy { m in
                all.contains { later in
                    later.planName == m.planName && later.name != m.name && later.conditions.active("Succeeded") != nil && !later.isCanceled
                        && (later.object.metadata.creationTimestamp ?? Timestamp(secondsSince1970: 0)) > (m.object.metadata.creationTimestamp ?? Timestamp(secondsSince1970: 0))
                }
            }
            if !migrations.isEmpty && superseded { return nil }
            if configured != nil, configured != image, !suspectOnly { return nil }  // configuration changed since
        }
        if suspectOnly && comparison?.isSuspicious != true { return nil }

        var evidence: [Evidence] = []
        if let config {
            evidence.append(Evidence(
                "ConfigMap \(MTC.namespace)/\(MTC.clusterConfigMapName) on cluster \(cluster) sets \(key)=\(configured ?? "(not set)")",
                object: config.object, field: "data.\(key)"))
            if let text = comparison?.comparison { evidence.append(Evidence(text, object: config.object, field: "data")) }
        } else if let login = dumpCluster?.loginError {
            evidence.append(Evidence("The gather could not log in to cluster \(cluster) (\(login.text)): its \(key) could not be checked", path: login.source.path))
        }
        if let controller {
            evidence.append(override.map {
                Evidence("MigrationController \(MTC.controllerName) on cluster \(cluster) overrides \(overrideField)=\($0); the operator renders it into \(key)",
                         object: controller.object, field: "spec.\(overrideField)")
            } ?? Evidence("MigrationController \(MTC.controllerName) on cluster \(cluster) sets no \(overrideField) override", object: controller.object, field: "spec"))
        }
        evidence.append(contentsOf: StagePodImageMisconfiguredRule.sample(sightings.map(\.evidence), perPath: 3))
        // The other cluster, when it runs the same MTC version with a different value, shows the right one.
        var suggestion: String?
        if let configured {
            for other in snapshot.clusters where other.name != cluster {
                guard let peer = other.migrationClusterConfig, let value = peer.data[key], value != configured,
                    peer.data[MTC.operatorVersionKey] == config?.data[MTC.operatorVersionKey],
                    ConfiguredImageComparison(key: key, data: peer.data)?.isSuspicious != true
                else { continue }
                suggestion = value
                evidence.append(Evidence("Cluster \(other.name), at the same MTC version, uses \(key)=\(value)", object: peer.object, field: "data.\(key)"))
                break
            }
        }
        return Diagnosis(
            key: key, cluster: cluster, image: image, configured: configured, overrideField: overrideField, override: override,
            controllerKnown: controller != nil, suggestion: suggestion, current: current, suspectOnly: suspectOnly, migrations: migrations,
            evidence: evidence)
    }

    private func finding(_ d: Diagnosis, snapshot: DumpSnapshot) -> Finding {
        let dumpCluster = snapshot.cluster(named: d.cluster)
        var related = d.migrations.map { ResourceRef($0.object) }
        if let controller = dumpCluster?.migrationController { related.append(ResourceRef(controller.object)) }
        return Finding(
            key: Self.key(cluster: d.cluster, key: d.key), severity: d.current ? (d.suspectOnly ? .error : .critical) : .warning,
            title: Message.title(d), cluster: d.cluster,
            subject: dumpCluster?.migrationClusterConfig.map { ResourceRef($0.object) }
                ?? ResourceRef(kind: "ConfigMap", namespace: MTC.namespace, name: MTC.clusterConfigMapName),
            related: Array(Set(related)).sorted { $0.display < $1.display },
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d, snapshot: snapshot),
            references: Self.description.references)
    }
}
