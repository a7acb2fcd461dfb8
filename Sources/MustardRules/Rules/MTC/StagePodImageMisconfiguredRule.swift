import MustardModel

/// Stage pods cannot pull their image, and that image is the `STAGE_IMAGE` configured on the source cluster.
///
/// The controller builds stage pods from `STAGE_IMAGE` in the source cluster's `migration-cluster-config`,
/// which the operator renders from the MigrationController (`spec.migration_stage_image_fqin` overrides it).
/// An image that cannot be pulled keeps the pods Pending, and the migration waits at `StagePodsCreated`
/// forever: it never fails (`docs/mtc.md` §2.5, §2.6, §4 R1; mig-controller issue #657).
public struct StagePodImageMisconfiguredRule: BuiltInRule {
    public static let id = "mtc/stage-pod-image-misconfigured"

    public static let description = RuleDescription(
        id: id,
        name: "Stage pod image misconfigured",
        category: "mtc",
        severity: .critical,
        summary: "Stage pods cannot pull their image, and it is the STAGE_IMAGE configured for the source cluster.",
        rationale: """
            MTC builds stage pods from STAGE_IMAGE in the source cluster's migration-cluster-config ConfigMap, usually \
            rendered by the operator from the MigrationController's migration_stage_image_fqin. When that image cannot \
            be pulled the stage pods stay in ImagePullBackOff and the migration waits at StagePodsCreated without ever \
            failing, blocking every later migration of the plan. A canceled run leaves the wrong image in place, so \
            the next run hangs the same way.
            """,
        references: [
            "https://github.com/migtools/mig-controller/issues/657",
            "https://github.com/migtools/mtc-breakfix/tree/master/02-Stage-Pods",
            "https://github.com/migtools/mig-operator/blob/master/docs/usage/MigClusterConfiguration.md",
        ],
        requirements: DataRequirements(
            resources: ["migmigrations", "migplans", "migclusters", "migrationcontrollers", ResourceRequirement("configmaps", in: MTC.namespace), "pods", "events", "namespaces"],
            logs: [
                LogRequirement(
                    podPrefixes: ["migration-controller"],
                    patterns: ["Stage Pod", "stagePodImage", "pulling image", "pull image"]),
                LogRequirement(
                    podPrefixes: ["stage-"],
                    patterns: ["trying and failing to pull image", "image can't be pulled", "pulling image"]),
            ]),
        triggeringExamples: [
            "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-canceled-image-still-wrong",
            "Tests/Fixtures/mtc-1.7-stuck-recent", "Tests/Fixtures/mtc-1.4.1-stage-image-stuck",
            "Tests/Fixtures/mtc-1.3-stage-image-stuck", "Tests/Fixtures/mtc-1.7-config-missing",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-canceled-image-restored",
            "Tests/Fixtures/mtc-1.7-ordinary-imagepullbackoff", "Tests/Fixtures/mtc-1.7-stuck-unschedulable",
        ])

    /// The finding id for a cluster's stage image configuration; `mtc/migration-stuck` links to it.
    static func key(cluster: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)") }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var groups: [String: [Affected]] = [:]
        for view in context.migrations {
            guard let affected = context.stageImageProblem(view) else { continue }
            groups[affected.configCluster, default: []].append(affected)
        }
        if groups.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: no current stage pod image pull failure of the configured STAGE_IMAGE")
        }
        return .findings(groups.sorted { $0.key < $1.key }.map { finding(Self.diagnose(cluster: $0.key, affected: $0.value, context: context)) })
    }

    /// A migration whose stage pods failed to pull the image its source cluster is (or may be) configured with.
    struct Affected {
        let view: MigrationView
        let failures: StagePodPullFailures
        let configCluster: String
        /// The STAGE_IMAGE in the dump, nil when the source cluster's ConfigMap was not gathered.
        let configuredImage: String?
        let failingImage: String?
        /// Still running: stuck now, not canceled, failed or finished.
        let active: Bool
        /// No pull failure is visible; the migration waits for stage pods and STAGE_IMAGE looks wrong.
        let suspectOnly: Bool

        init?(_ view: MigrationView) {
            let m = view.migration
            let failures = StagePodPullFailures(view)
            let active = !m.isFinished && !m.isCanceled && !m.isFailed
            let configured = view.sourceConfigMap?.data[MTC.stageImageKey]
            if failures.isEmpty {
                // No pull failure visible (1.3 reports no progress; stage pods are rarely gathered), but the
                // migration waits for stage pods and the configured image does not look like MTC's.
                guard active, m.phase == "StagePodsCreated", let data = view.sourceConfigMap?.data,
                    StageImageAssessment(data: data).isSuspicious
                else { return nil }
                suspectOnly = true
            } else {
                // A later successful run of the plan means the problem is history.
                if !active, view.siblings.contains(where: { later in
                    (later.object.metadata.creationTimestamp ?? .init(secondsSince1970: 0)) > (m.object.metadata.creationTimestamp ?? .init(secondsSince1970: 0))
                        && later.conditions.active("Succeeded") != nil && !later.isCanceled
                }) { return nil }
                // The configuration changed since the pods were built: not a configuration problem (any more).
                if let configured, !failures.images.isEmpty, !failures.images.contains(configured) { return nil }
                suspectOnly = false
            }
            self.view = view
            self.failures = failures
            configCluster = view.sourceCluster?.name ?? view.sourceMigCluster
                ?? view.stagePods.first?.cluster ?? "unknown"
            configuredImage = configured
            failingImage = failures.images.first ?? configured
            self.active = active
        }
    }

    /// A cluster's STAGE_IMAGE that stage pods of its migrations cannot pull, and the facts that show it.
    struct Diagnosis {
        /// The cluster whose configuration builds the stage pods (the migrations' source).
        let cluster: String
        /// The migrations held up, by source cluster; the first names the ConfigMap and MigrationController.
        let affected: [Affected]
        /// The failing image, else the configured one.
        let image: String
        /// A migration still waits on the image.
        let anyActive: Bool
        /// A pull failure is seen (else the image is only suspected from its configuration).
        let confirmed: Bool
        /// The source cluster's MigrationController, when gathered.
        let controller: MigrationController?
        /// Its `migration_stage_image_fqin` override.
        let override: String?
        /// The image looks like MTC's own default for this version.
        let looksDefault: Bool
        let suggestion: RightImageSuggestion
        let evidence: [Evidence]
    }

    static func diagnose(cluster: String, affected: [Affected], context: RuleContext) -> Diagnosis {
        let first = affected[0]
        let view = first.view
        let image = affected.compactMap(\.failingImage).first ?? "the configured stage image"
        let anyActive = affected.contains(where: \.active)
        let confirmed = affected.contains { !$0.suspectOnly }
        let configMap = view.sourceConfigMap
        let controller = view.sourceController
        let override = controller?.stageImageOverride
        let assessment = configMap.map { StageImageAssessment(data: $0.data) }
        let suggestion = RightImageSuggestion(failing: image, views: affected.map(\.view), context: context)

        var evidence: [Evidence] = []
        if let configMap {
            evidence.append(Evidence(
                "ConfigMap \(MTC.namespace)/\(MTC.clusterConfigMapName) on cluster \(cluster) sets STAGE_IMAGE=\(first.configuredImage ?? "?")",
                object: configMap.object, field: "data.STAGE_IMAGE"))
            if let assessment, let comparison = assessment.comparison {
                evidence.append(Evidence(comparison, object: configMap.object, field: "data"))
            }
        } else if let login = view.sourceCluster?.loginError ?? context.snapshot.cluster(named: cluster)?.loginError {
            evidence.append(Evidence(
                "The gather could not log in to cluster \(cluster) (\(login.text)): its STAGE_IMAGE could not be checked",
                path: login.source.path))
        }
        if let controller {
            if let override {
                evidence.append(Evidence(
                    "MigrationController \(MTC.controllerName) on cluster \(cluster) overrides \(MTC.stageImageOverrideField)=\(override); the operator renders it into STAGE_IMAGE",
                    object: controller.object, field: "spec.\(MTC.stageImageOverrideField)"))
            } else {
                evidence.append(Evidence(
                    "MigrationController \(MTC.controllerName) on cluster \(cluster) has no \(MTC.stageImageOverrideField) override: STAGE_IMAGE was set in the ConfigMap directly or by the operator's own defaults",
                    object: controller.object, field: "spec"))
            }
        }
        for a in affected {
            evidence.append(contentsOf: sample(a.failures.sightings.map(\.evidence), perPath: 3))
            let m = a.view.migration
            if !a.active {
                let state = m.isCanceled ? "was canceled" : m.isFailed ? "failed" : "finished"
                let when = m.conditions.active("Canceled")?.lastTransitionTime ?? m.conditions.active("Failed")?.lastTransitionTime
                evidence.append(Evidence(
                    "Migration \(m.name) \(state)\(when.map { " at \($0)" } ?? ""); the image is still configured, so the next run will hang the same way",
                    object: m.object, field: "status.itinerary", at: when))
            }
        }
        evidence.append(contentsOf: suggestion.evidence)
        return Diagnosis(
            cluster: cluster, affected: affected, image: image, anyActive: anyActive, confirmed: confirmed, controller: controller,
            override: override, looksDefault: assessment?.looksLikeDefault == true, suggestion: suggestion, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        let view = d.affected[0].view
        let subject = view.sourceConfigMap.map { ResourceRef($0.object) }
            ?? ResourceRef(kind: "ConfigMap", namespace: MTC.namespace, name: MTC.clusterConfigMapName)
        var related = d.affected.map { ResourceRef($0.view.migration.object) }
        if let controller = d.controller { related.append(ResourceRef(controller.object)) }
        for a in d.affected { for record in a.view.stagePods { related.append(ResourceRef(record.pod.object)) } }
        return Finding(
            key: Self.key(cluster: d.cluster), severity: d.anyActive ? (d.confirmed ? .critical : .error) : .warning,
            title: Message.title(d), cluster: d.cluster, subject: subject, related: Array(Set(related)).sorted { $0.display < $1.display },
            namespaces: d.affected.flatMap { $0.view.plan?.sourceNamespaces ?? [] },
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d),
            references: Self.description.references)
    }

    /// At most `perPath` pieces of evidence from each file, so one chatty log does not bury the rest.
    static func sample(_ evidence: [Evidence], perPath: Int) -> [Evidence] {
        var counts: [String: Int] = [:]
        var seen = Set<String>()
        return evidence.filter { e in
            guard seen.insert(e.statement + e.path).inserted else { return false }
            counts[e.path, default: 0] += 1
            return counts[e.path, default: 0] <= perPath
        }
    }
}
