import MustardModel

extension DirectVolumeMigrationFailedRule {
    /// How a direct volume migration diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        /// What went wrong, as a clause.
        static func what(_ d: Diagnosis) -> String {
            if d.network { return "the source cannot reach the destination's rsync route" }
            if d.pending {
                let selectors = d.selectors.map { "\($0.ns.name): \"\($0.selector)\"" }.joined(separator: ", ")
                return "its rsync pods stay Pending\(d.selectors.isEmpty ? "" : " (project node selector \(selectors) carried over)")"
            }
            if d.problem.signals.contains(where: { $0.condition.type == "FailedCreatingRsyncPods" }) { return "its rsync pods could not be created" }
            return "the DirectVolumeMigration failed"
        }

        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration
            guard d.lost else { return "Direct volume migration of \(m.name)\(m.planName.map { " (plan \($0))" } ?? ""): \(what(d))" }
            let ended = m.conditions.active("SucceededWithWarnings") != nil ? "SucceededWithWarnings" : "Succeeded"
            let pvcs = d.pvcs.isEmpty ? "its PVCs" : "PVC(s) \(d.pvcs.joined(separator: ", "))"
            return "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") ended \(ended) but rsync did not copy \(pvcs) to \(d.view.destinationName ?? "the destination"): \(what(d))"
        }

        static func explanation(_ d: Diagnosis) -> String {
            let arrived = d.arrived.isEmpty ? "" : " (\(d.arrived.joined(separator: ", ")) arrived)"
            return prose(
                "MTC copies the plan's PVCs with rsync pods on the destination cluster, fed from the source through a route.",
                d.pending ? "Pending rsync pods never start, so the DirectVolumeMigration waits and the migration ends with DirectVolumeMigrationFailed." : nil,
                d.pending && !d.selectors.isEmpty
                    ? "Migrated namespaces keep the source's openshift.io/node-selector annotation; when no destination node carries that label, every pod in the namespace, rsync pods included, stays Pending. Set the annotation on the target namespaces to a selector the destination nodes match (or empty), then migrate again."
                    : nil,
                d.network ? "SourceToDestinationNetworkError: rsync on the source could not connect to the destination route (no route to host or timeout)." : nil,
                d.lost
                    ? "The migration reports success, but the volume data of \(d.pvcs.isEmpty ? "its PVCs" : d.pvcs.joined(separator: ", ")) was not copied to the destination cluster \(d.view.destinationName ?? "?")\(arrived). Do not cut over to the destination, and do not scale the source application down or delete its data, until the volumes are copied again and checked."
                    : nil)
        }

        /// Cancel what still waits, free the Pending pods (node selectors, scheduling), check the route, read the DVMs, retry.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let view = d.view, m = view.migration, p = d.problem, selectors = d.selectors, targets = d.targets
            let destination = view.destinationName
            var steps: [RemediationStep] = []
            if !m.isFinished, !m.isCanceled {
                steps.append(MTCCommands.cancel(m).titled("Cancel migration \(m.name): it waits for the rsync pods and will not recover by itself", on: view.hostCluster))
            }
            if d.pending {
                for s in selectors {
                    steps.append(RemediationStep(
                        title: "Let pods in \(s.ns.name) run on the destination cluster \(destination ?? "?"): set its project node selector (now \"\(s.selector)\", carried over from the source) to one the destination nodes match, or empty",
                        cluster: destination,
                        command: "oc annotate namespace \(shellQuote(s.ns.name)) openshift.io/node-selector='' --overwrite",
                        verify: "oc get namespace \(shellQuote(s.ns.name)) -o jsonpath='{.metadata.annotations.openshift\\.io/node-selector}{\"\\n\"}'\noc get nodes -l \(shellQuote(s.selector.isEmpty ? "node-role.kubernetes.io/worker" : s.selector))"))
                }
                let pods = p.dvms.flatMap(\.pendingPods)
                if selectors.isEmpty || !pods.isEmpty {
                    steps.append(RemediationStep(
                        title: "See why the rsync pods stay Pending on the destination cluster \(destination ?? "?") (scheduling events, quotas, node selectors)",
                        cluster: destination,
                        command: pods.isEmpty
                            ? targets.map { "oc -n \(shellQuote($0)) get events --field-selector reason=FailedScheduling" }.joined(separator: "\n")
                            : pods.map { "oc -n \(shellQuote($0.namespace)) describe pod \(shellQuote($0.name))" }.joined(separator: "\n"),
                        verify: nil))
                }
            }
            if d.network {
                steps.append(RemediationStep(
                    title: "Check the rsync route on the destination cluster \(destination ?? "?") and that the source cluster \(view.sourceName ?? "?") can reach it (egress firewall, proxy, router)",
                    cluster: destination,
                    command: targets.map { "oc -n \(shellQuote($0)) get routes,services,pods -o wide" }.joined(separator: "\n"), verify: nil))
            }
            for dvm in p.dvms {
                steps.append(RemediationStep(
                    title: "Read the DirectVolumeMigration \(dvm.name) status in full (conditions, errors, pod lists)", cluster: view.hostCluster,
                    command: "oc \(MTCCommands.ns) get directvolumemigration \(shellQuote(dvm.name)) -o yaml", verify: nil))
            }
            if let plan = m.planName {
                steps.append(MTCCommands.retry(plan: plan, like: m).titled("Once fixed, start a new \(m.runKind) migration of plan \(plan)", on: view.hostCluster))
            }
            return steps
        }
    }
}
