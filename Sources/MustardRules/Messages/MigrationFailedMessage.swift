import MustardModel

extension MigrationFailedRule {
    /// How a failed-migration diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration
            let firstError = m.errors.first.map { ": \($0)" } ?? ""
            return "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") failed in phase \(d.phase)\(firstError)"
        }

        /// Where the cause lives, as a clause.
        static func place(_ d: Diagnosis) -> String {
            switch d.cause {
            case .stagePods: "its stage pods on the source cluster could not use their volumes"
            case .backup(let role): "the \(role) Velero Backup on the source cluster failed"
            case .restore(let role): "the \(role) Velero Restore on the destination cluster failed"
            case .hooks(let hookPhase): "the \(hookPhase) hook job failed"
            case .controller: "the controller hit an error in phase \(d.phase)"
            }
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "The \(d.view.migration.runKind) migration failed in phase \(d.phase): \(place(d)).",
                "mig-controller records a failure as itinerary Failed with phase Completed, the Failed condition (reason = the phase that failed) and status.errors; the Failed itinerary does not clean up stage pods or scale applications back (1.4+).",
                d.partialVelero ? "The partially failed Velero object is reported separately with its errors." : nil,
                "No later run of the plan has succeeded, so this is the plan's current state.")
        }

        /// Where to look for the cause (PVCs, stage pods, Velero, hook jobs or the controller log), then retry.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let view = d.view, m = view.migration
            let source = view.sourceName, destination = view.destinationName
            var steps: [RemediationStep] = []
            switch d.cause {
            case .stagePods:
                for (ns, name) in d.unboundPVCs {
                    steps.append(RemediationStep(
                        title: "See why PVC \(ns)/\(name) is not bound on the source cluster \(source ?? "?") (storage class, provisioner, a deleted PV)",
                        cluster: source, command: "oc -n \(shellQuote(ns)) describe pvc \(shellQuote(name))",
                        verify: "oc -n \(shellQuote(ns)) get pvc \(shellQuote(name)) -o jsonpath='{.status.phase}{\"\\n\"}'   # Bound"))
                }
                if d.unboundPVCs.isEmpty, !view.planNamespaces.isEmpty {
                    steps.append(RemediationStep(
                        title: "See why the stage pods failed on the source cluster \(source ?? "?")", cluster: source,
                        command: view.planNamespaces.map { "oc -n \(shellQuote($0)) describe pods -l migration.openshift.io/is-stage-pod=true" }.joined(separator: "\n"),
                        verify: nil))
                }
            case .backup:
                if let name = d.veleroName {
                    steps.append(RemediationStep(
                        title: "Read Velero's account of backup \(name) on the source cluster \(source ?? "?")", cluster: source,
                        command: VeleroCommands.describe("backup", name) + "\n" + VeleroCommands.logs("backup", name), verify: nil))
                }
            case .restore:
                if let name = d.veleroName {
                    steps.append(RemediationStep(
                        title: "Read Velero's account of restore \(name) on the destination cluster \(destination ?? "?")", cluster: destination,
                        command: VeleroCommands.describe("restore", name) + "\n" + VeleroCommands.logs("restore", name), verify: nil))
                }
            case .hooks(let hookPhase):
                let hooks = view.plan?.object.body[path: "spec.hooks"].array ?? []
                let namespaces = Set(hooks.filter { ($0["phase"].string ?? "") + "Hooks" == hookPhase || $0["phase"].string == hookPhase }
                    .compactMap { $0["executionNamespace"].string })
                for ns in namespaces.sorted() {
                    steps.append(RemediationStep(
                        title: "Read the \(hookPhase) hook job's logs in namespace \(ns)", cluster: nil,
                        command: "oc -n \(shellQuote(ns)) get jobs --sort-by=.metadata.creationTimestamp\noc -n \(shellQuote(ns)) logs -l job-name --all-containers --prefix --tail=200",
                        verify: nil))
                }
            case .controller:
                steps.append(RemediationStep(
                    title: "Read the migration controller's log about \(m.name) on the host cluster", cluster: view.hostCluster,
                    command: "oc \(MTCCommands.ns) logs deployment/migration-controller -c mtc | grep \(shellQuote(m.name)) | grep -iE 'error|fail'",
                    verify: nil))
            }
            if let plan = m.planName {
                steps.append(MTCCommands.retry(plan: plan, like: m).titled(
                    "Once the cause is fixed, start a new \(m.runKind) migration of plan \(plan) with the same options", on: view.hostCluster))
            }
            return steps
        }
    }
}
