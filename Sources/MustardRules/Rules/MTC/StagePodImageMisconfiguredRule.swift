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
        return .findings(groups.sorted { $0.key < $1.key }.map { finding(cluster: $0.key, affected: $0.value, context: context) })
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

    private func finding(cluster: String, affected: [Affected], context: RuleContext) -> Finding {
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
            evidence.append(contentsOf: Self.sample(a.failures.sightings.map(\.evidence), perPath: 3))
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

        let subject = configMap.map { ResourceRef($0.object) }
            ?? ResourceRef(kind: "ConfigMap", namespace: MTC.namespace, name: MTC.clusterConfigMapName)
        var related = affected.map { ResourceRef($0.view.migration.object) }
        if let controller { related.append(ResourceRef(controller.object)) }
        for a in affected { for record in a.view.stagePods { related.append(ResourceRef(record.pod.object)) } }

        let looksDefault = assessment?.looksLikeDefault == true
        let title: String
        if !confirmed {
            title = "Migration waits for stage pods on cluster \(cluster), whose STAGE_IMAGE \(image) does not look like MTC's stage image"
        } else if anyActive {
            title = looksDefault
                ? "Stage pods on cluster \(cluster) cannot pull the stage image \(image)"
                : "Stage pods cannot pull \(image), the STAGE_IMAGE configured on cluster \(cluster)"
        } else {
            title = "STAGE_IMAGE on cluster \(cluster) is still \(image), which stage pods could not pull: the next migration will hang again"
        }
        var explanation = "The migration controller builds stage pods from STAGE_IMAGE in the \(MTC.clusterConfigMapName) ConfigMap of the source cluster (\(cluster)). "
        explanation += confirmed
            ? "Stage pods could not pull \(image), so they stay Pending and the migration waits at StagePodsCreated without ever failing."
            : "The migration waits for its stage pods at StagePodsCreated; pods that cannot pull \(image) stay Pending and the wait never ends."
        if override != nil {
            explanation += " The value comes from the MigrationController override \(MTC.stageImageOverrideField); the operator rewrites the ConfigMap from it, so fix the override, not the ConfigMap."
        }
        if looksDefault {
            explanation += " The image looks like MTC's own default for this version, so the cluster's access to the registry (pull secret, mirror, network) is the more likely fault than the setting."
        }
        if !confirmed {
            explanation += " The dump shows no pull failure itself (this MTC version reports no stage pod progress, or the stage pods were not gathered), so the image is suspected from its configuration: check the stage pods on the source cluster."
        }
        if first.configuredImage == nil {
            explanation += " The source cluster's ConfigMap is not in the dump, so the configured value could not be compared."
        }
        if !anyActive {
            explanation += " No migration is waiting on it now, but the setting is unchanged."
        }

        return Finding(
            key: Self.key(cluster: cluster), severity: anyActive ? (confirmed ? .critical : .error) : .warning,
            title: title, cluster: cluster, subject: subject, related: Array(Set(related)).sorted { $0.display < $1.display },
            namespaces: affected.flatMap { $0.view.plan?.sourceNamespaces ?? [] },
            explanation: explanation, evidence: evidence,
            remediation: remediation(cluster: cluster, affected: affected, override: override, controllerKnown: controller != nil, suggestion: suggestion, badImage: image, looksDefault: looksDefault),
            references: Self.description.references)
    }

    private func remediation(
        cluster: String, affected: [Affected], override: String?, controllerKnown: Bool, suggestion: RightImageSuggestion,
        badImage: String, looksDefault: Bool
    ) -> [RemediationStep] {
        var steps: [RemediationStep] = []
        // 1. Cancel what is waiting on the image, and what is queued behind it (it would start and hang too).
        for a in affected where a.active {
            let m = a.view.migration
            let where_ = a.view.stagePods.isEmpty ? "" : "; on cluster \(cluster) this must list no stage pods afterwards:\n" + MTCCommands.stagePodsLeft(namespaces: a.view.plan?.sourceNamespaces ?? [])
            let step = MTCCommands.cancel(m)
            steps.append(RemediationStep(
                title: "Cancel migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") (it waits at \(m.phase) and never fails by itself); canceling deletes its stage pods",
                cluster: a.view.hostCluster, command: step.command,
                verify: (step.verify ?? "") + (where_.isEmpty ? "" : "\n" + MTCCommands.stagePodsLeft(namespaces: a.view.plan?.sourceNamespaces ?? []))))
            for queued in a.view.postponed {
                steps.append(MTCCommands.cancel(queued).titled(
                    "Cancel postponed migration \(queued.name) too: it starts as soon as \(m.name) ends and would hang on the same image",
                    on: a.view.hostCluster))
            }
        }
        // 2. Restore the image where it is configured.
        let check = MTCCommands.stageImageCheck
        let expect = suggestion.image ?? "anything but \(badImage)"
        if looksDefault {
            steps.append(RemediationStep(
                title: "Make \(badImage) pullable on cluster \(cluster): check the pull secret, the registry mirror (ImageContentSourcePolicy) and network access, then confirm the image the controller will use",
                cluster: cluster, command: "oc -n openshift-config get secret pull-secret -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d | jq -r '.auths | keys[]'\noc get imagecontentsourcepolicy",
                verify: check, expect: expect))
        } else if let override {
            if let right = suggestion.image, suggestion.source == .earlierReading {
                steps.append(RemediationStep(
                    title: "Restore the stage image on cluster \(cluster): set the MigrationController override \(MTC.stageImageOverrideField) (now \(override)) back to \(right), the image the controller used before; the operator re-renders STAGE_IMAGE",
                    cluster: cluster, command: MTCCommands.setStageImageOverride(right), verify: check, expect: expect))
            } else {
                let peer = suggestion.image.map { " (\($0) on cluster \(suggestion.peerCluster ?? "the peer cluster") at the same version)" } ?? ""
                steps.append(RemediationStep(
                    title: "Restore the stage image on cluster \(cluster): remove the MigrationController override \(MTC.stageImageOverrideField) (now \(override)) so the operator renders its default STAGE_IMAGE\(peer); editing the ConfigMap alone is undone by the operator",
                    cluster: cluster, command: MTCCommands.removeStageImageOverride, verify: check, expect: expect))
            }
        } else if controllerKnown {
            steps.append(RemediationStep(
                title: "Restore the stage image on cluster \(cluster): the MigrationController sets no override, so let the operator write migration-cluster-config again from its defaults",
                cluster: cluster, command: MTCCommands.rerenderClusterConfig, verify: check, expect: expect))
        } else {
            steps.append(RemediationStep(
                title: "Restore the stage image on cluster \(cluster): remove the MigrationController override \(MTC.stageImageOverrideField) if it is set (the MigrationController is not in the dump), then check STAGE_IMAGE",
                cluster: cluster,
                command: "oc \(MTCCommands.ns) get migrationcontroller \(MTC.controllerName) -o jsonpath='{.spec.\(MTC.stageImageOverrideField)}{\"\\n\"}'\n" + MTCCommands.removeStageImageOverride,
                verify: check, expect: expect))
        }
        // 3. Retry each plan once, with the flags of its last run.
        var plans = Set<String>()
        for a in affected {
            guard let plan = a.view.migration.planName, plans.insert(plan).inserted else { continue }
            steps.append(MTCCommands.retry(plan: plan, like: a.view.migration).titled(
                "Retry: start a new \(a.view.migration.runKind) migration of plan \(plan) with the same options (stage: \(a.view.migration.stage), quiescePods: \(a.view.migration.quiescePods)); it first removes stale stage pods",
                on: a.view.hostCluster))
        }
        return steps
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
