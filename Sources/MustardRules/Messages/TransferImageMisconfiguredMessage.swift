import MustardModel

extension TransferImageMisconfiguredRule {
    /// How a transfer or registry image diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        /// The pods built from the key's image.
        static func pods(_ d: Diagnosis) -> String { d.isRsync ? "rsync transfer pods" : "migration registry pods" }

        static func title(_ d: Diagnosis) -> String {
            let what = pods(d), key = d.key, cluster = d.cluster
            let capitalized = what.prefix(1).uppercased() + what.dropFirst()
            if d.suspectOnly {
                return "\(capitalized) are stuck and \(key) on cluster \(cluster) (\(d.configured ?? "?")) does not look like MTC's image"
            }
            if d.current { return "\(capitalized) cannot pull \(d.image), the \(key) configured on cluster \(cluster)" }
            return "\(key) on cluster \(cluster) is still \(d.image), which \(what) could not pull: the next migration will fail the same way"
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "MTC builds its \(pods(d)) from \(d.key) in the \(MTC.clusterConfigMapName) ConfigMap of cluster \(d.cluster).",
                d.isRsync
                    ? "Rsync pods that cannot pull it stay Pending, the DirectVolumeMigration reports RsyncClientPodsPending and no volume data moves."
                    : "Registry pods that cannot pull it never become ready, so image migration waits (RegistriesUnhealthy) or fails at WaitForRegistriesReady.",
                d.override == nil
                    ? nil
                    : "The value comes from the MigrationController override \(d.overrideField); the operator rewrites the ConfigMap from it, so fix the override, not the ConfigMap.",
                d.suspectOnly ? "No pull error is visible in the dump (the pods were not gathered), so the image is suspected from its configuration." : nil,
                d.configured == nil ? "The cluster's ConfigMap is not in the dump, so the configured value could not be compared." : nil)
        }

        /// Cancel what waits, fix the override or let the operator re-render the ConfigMap, then retry each plan once.
        static func remediation(_ d: Diagnosis, snapshot: DumpSnapshot) -> [RemediationStep] {
            let key = d.key, cluster = d.cluster, image = d.image, override = d.override, overrideField = d.overrideField
            let suggestion = d.suggestion, what = pods(d)
            let active = d.migrations.filter { !$0.isFinished && !$0.isCanceled }
            var steps: [RemediationStep] = []
            for m in active {
                let host = snapshot.clusters.first { $0.migMigrations.contains { $0.name == m.name } }?.name
                steps.append(MTCCommands.cancel(m).titled(
                    "Cancel migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") so its \(what) are removed", on: host))
            }
            let check = "oc -n \(MTC.namespace) get configmap \(MTC.clusterConfigMapName) -o jsonpath='{.data.\(key)}{\"\\n\"}'"
            let expect = suggestion ?? "anything but \(image)"
            if let override {
                if let right = suggestion {
                    let patch = "{\"spec\":{\"\(overrideField)\":\(jsonString(right))}}"
                    steps.append(RemediationStep(
                        title: "On cluster \(cluster), set the MigrationController override \(overrideField) (now \(override)) to \(right), or remove it to get the operator's default; the operator re-renders \(key)",
                        cluster: cluster, command: "oc -n \(MTC.namespace) patch migrationcontroller \(MTC.controllerName) --type merge -p \(shellQuote(patch))",
                        verify: check, expect: expect))
                } else {
                    steps.append(RemediationStep(
                        title: "On cluster \(cluster), remove the MigrationController override \(overrideField) (now \(override)) so the operator renders its default \(key)",
                        cluster: cluster,
                        command: "oc -n \(MTC.namespace) patch migrationcontroller \(MTC.controllerName) --type json -p '[{\"op\":\"remove\",\"path\":\"/spec/\(overrideField)\"}]'",
                        verify: check, expect: expect))
                }
            } else {
                steps.append(RemediationStep(
                    title: "On cluster \(cluster), \(!d.controllerKnown ? "check for a MigrationController override \(overrideField) (the MigrationController is not in the dump) and remove it, then " : "")let the operator write \(MTC.clusterConfigMapName) again from its defaults",
                    cluster: cluster,
                    command: (!d.controllerKnown ? MTCCommands.controllerSetting(overrideField) + "\n" : "")
                        + MTCCommands.rerenderClusterConfig,
                    verify: check, expect: expect))
            }
            var plans = Set<String>()
            for m in d.migrations {
                guard let plan = m.planName, plans.insert(plan).inserted else { continue }
                let host = snapshot.clusters.first { $0.migMigrations.contains { $0.name == m.name } }?.name
                steps.append(MTCCommands.retry(plan: plan, like: m).titled(
                    "Retry: start a new \(m.runKind) migration of plan \(plan) with the same options once \(key) is fixed", on: host))
            }
            return steps
        }
    }
}
