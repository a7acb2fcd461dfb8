import MustardModel

extension MigPlanNotReadyRule {
    /// How a MigPlan diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let refused = d.refused.isEmpty ? "" : "; migration \(d.refused.map(\.name).joined(separator: ", ")) refused with PlanNotReady"
            return "MigPlan \(d.plan.name) is not Ready: \(d.blocking.map(\.condition.type).joined(separator: ", "))\(refused)"
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "The plan controller found \(d.blocking.count) blocking condition(s), so the plan has no Ready condition and MTC refuses to run its migrations.",
                d.causes.isEmpty ? nil : "The MigCluster or MigStorage it uses is not Ready: that is the root cause, reported separately with its fix.",
                d.refused.isEmpty ? nil : "\(d.refused.count) migration(s) of the plan wait with PlanNotReady.")
        }

        /// A step per blocking condition (fix the cluster or storage first, choose PV actions, create namespaces), then
        /// what to do with each refused migration.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let plan = d.plan, holder = d.holder, blocking = d.blocking.map(\.condition), blocked = d.refused
            let name = shellQuote(plan.name)
            let verify = MTCSetup.readyCheck("migplan", plan.name)
            var steps: [RemediationStep] = []
            for c in blocking {
                switch c.type {
                case "SourceClusterNotReady", "DestinationClusterNotReady", "StorageNotReady":
                    let (resource, target) = c.type == "StorageNotReady"
                        ? ("migstorage", plan.storage?.name ?? "")
                        : ("migcluster", (c.type == "SourceClusterNotReady" ? plan.sourceCluster : plan.destinationCluster)?.name ?? "")
                    steps.append(RemediationStep(
                        title: "Fix \(resource == "migstorage" ? "MigStorage" : "MigCluster") \(target) first (its own finding has the fix), then make the plan validate again",
                        cluster: holder,
                        command: MTCSetup.readyCheck(resource, target) + "\noc -n \(MTC.namespace) patch migplan \(name) --type merge -p '{\"spec\":{\"refresh\":true}}'",
                        verify: verify, expect: MTCSetup.readyExpectation))
                case "PvInvalidAction", "PvNoCopyMethodSelection", "PvInvalidCopyMethod":
                    let listed = Set(MTCSetup.items(in: c.message))
                    let volumes = plan.volumeChoices.filter { listed.isEmpty || listed.contains($0.name) }
                    var ops: [String] = []
                    var choices: [String] = []
                    for v in volumes {
                        let action = v.actions.contains("copy") ? "copy" : v.actions.first ?? "skip"
                        ops.append("{\"op\":\"add\",\"path\":\"/spec/persistentVolumes/\(v.index)/selection/action\",\"value\":\"\(action)\"}")
                        var choice = "\(v.name) → \(action)"
                        if action == "copy", let method = v.copyMethods.contains("filesystem") ? "filesystem" : v.copyMethods.first {
                            ops.append("{\"op\":\"add\",\"path\":\"/spec/persistentVolumes/\(v.index)/selection/copyMethod\",\"value\":\"\(method)\"}")
                            choice += " (\(method))"
                        }
                        choices.append(choice + " of supported [\(v.actions.joined(separator: ","))]")
                    }
                    guard !ops.isEmpty else { continue }
                    steps.append(RemediationStep(
                        title: "Choose a supported action for the PVs the plan rejects (\(c.type)): \(choices.joined(separator: "; ")); change copy to move or skip if that is what you want",
                        cluster: holder,
                        command: "oc -n \(MTC.namespace) patch migplan \(name) --type json -p \(shellQuote("[" + ops.joined(separator: ",") + "]"))",
                        verify: verify, expect: MTCSetup.readyExpectation))
                case "NamespaceNotFoundOnSourceCluster", "NamespaceNotFoundOnDestinationCluster":
                    let source = c.type == "NamespaceNotFoundOnSourceCluster"
                    let cluster = (source ? plan.sourceCluster : plan.destinationCluster)?.name
                    let namespaces = MTCSetup.items(in: c.message)
                    steps.append(RemediationStep(
                        title: "Namespace(s) \(namespaces.joined(separator: ", ")) are missing on the \(source ? "source" : "destination") cluster \(cluster ?? ""): create them there, or remove them from the plan's spec.namespaces",
                        cluster: cluster,
                        command: namespaces.map { "oc get namespace \(shellQuote($0))" }.joined(separator: "\n")
                            + "\noc -n \(MTC.namespace) get migplan \(name) -o jsonpath='{.spec.namespaces}{\"\\n\"}'   # on the host cluster \(holder)",
                        verify: verify, expect: MTCSetup.readyExpectation))
                default:
                    steps.append(RemediationStep(
                        title: "Fix what condition \(c.type) of plan \(plan.name) names: \(c.message ?? "")", cluster: holder,
                        command: MTCSetup.conditionsList("migplan", plan.name), verify: verify, expect: MTCSetup.readyExpectation))
                }
            }
            for m in blocked {
                steps.append(RemediationStep(
                    title: "Migration \(m.name) waits with PlanNotReady: once the plan is Ready it should start; if it stays refused, delete it and start a new one",
                    cluster: holder, command: MTCCommands.planMigrations(plan.name),
                    verify: "oc -n \(MTC.namespace) get migmigration \(shellQuote(m.name)) -o jsonpath='{.status.phase}{\"\\n\"}'"))
            }
            return steps
        }
    }
}
