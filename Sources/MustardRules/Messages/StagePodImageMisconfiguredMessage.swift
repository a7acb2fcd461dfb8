import MustardModel

extension StagePodImageMisconfiguredRule {
    /// How a stage image diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let cluster = d.cluster, image = d.image
            if !d.confirmed {
                return "Migration waits for stage pods on cluster \(cluster), whose STAGE_IMAGE \(image) does not look like MTC's stage image"
            }
            if d.anyActive {
                return d.looksDefault
                    ? "Stage pods on cluster \(cluster) cannot pull the stage image \(image)"
                    : "Stage pods cannot pull \(image), the STAGE_IMAGE configured on cluster \(cluster)"
            }
            return "STAGE_IMAGE on cluster \(cluster) is still \(image), which stage pods could not pull: the next migration will hang again"
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "The migration controller builds stage pods from STAGE_IMAGE in the \(MTC.clusterConfigMapName) ConfigMap of the source cluster (\(d.cluster)).",
                d.confirmed
                    ? "Stage pods could not pull \(d.image), so they stay Pending and the migration waits at StagePodsCreated without ever failing."
                    : "The migration waits for its stage pods at StagePodsCreated; pods that cannot pull \(d.image) stay Pending and the wait never ends.",
                d.override == nil
                    ? nil
                    : "The value comes from the MigrationController override \(MTC.stageImageOverrideField); the operator rewrites the ConfigMap from it, so fix the override, not the ConfigMap.",
                d.looksDefault
                    ? "The image looks like MTC's own default for this version, so the cluster's access to the registry (pull secret, mirror, network) is the more likely fault than the setting."
                    : nil,
                d.confirmed
                    ? nil
                    : "The dump shows no pull failure itself (this MTC version reports no stage pod progress, or the stage pods were not gathered), so the image is suspected from its configuration: check the stage pods on the source cluster.",
                d.affected[0].configuredImage == nil
                    ? "The source cluster's ConfigMap is not in the dump, so the configured value could not be compared." : nil,
                d.anyActive ? nil : "No migration is waiting on it now, but the setting is unchanged.")
        }

        /// Cancel what waits on the image (and what is queued behind it), restore the image where it is configured, retry.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let cluster = d.cluster, affected = d.affected, override = d.override, controllerKnown = d.controller != nil
            let suggestion = d.suggestion, badImage = d.image, looksDefault = d.looksDefault
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
                    command: MTCCommands.controllerSetting(MTC.stageImageOverrideField) + "\n" + MTCCommands.removeStageImageOverride,
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
    }
}
