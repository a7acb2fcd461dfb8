import MustardModel

extension VeleroPartialFailureRule {
    /// How a partial-failure diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration, resources = d.resources
            let what = d.parts.map { "\($0.role.map { "\($0) " } ?? "")\($0.kind) \($0.name ?? "?")" }.joined(separator: ", ")
            var title: String
            if d.gvk {
                let named = !resources.isEmpty ? resources.joined(separator: ", ")
                    : !d.planGVKs.isEmpty ? d.planGVKs.map { "\($0.resource)/\($0.version) in \($0.namespace)" }.joined(separator: ", ") : "custom resources"
                title = "Migration \(m.name) of plan \(m.planName ?? "?"): \(named) not migrated: the destination does not serve their API version (GVK incompatibility; \(what) partially failed)"
            } else if d.missingAfterFinal {
                let shown = resources.prefix(5).joined(separator: ", ") + (resources.count > 5 ? " and \(resources.count - 5) more" : "")
                title = "Migration \(m.name) of plan \(m.planName ?? "?") ended SucceededWithWarnings but \(resources.count) object(s) did not arrive on \(d.view.destinationName ?? "the destination"): \(shown) (\(what) partially failed)"
            } else {
                title = "Migration \(m.name) of plan \(m.planName ?? "?"): Velero \(what) partially failed; \(d.timedOut ? "Restic timed out copying volume data" : "some resources were not migrated")"
            }
            return title + (d.hardFailure ? "; the migration failed (MTC 1.3 behaviour)" : "")
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                d.hardFailure
                    ? "MTC 1.3 fails a migration whose Velero Restore ends PartiallyFailed."
                    : "MTC 1.4+ turns a PartiallyFailed Velero Backup or Restore into a Warn condition and ends the migration with warnings, so it looks complete while some resources were not migrated.",
                d.gvk
                    ? "The destination cluster does not serve the API version the source objects use (the server could not find the requested resource), so Velero could not create them. MTC warns about this on the plan (GVKsIncompatible) and does not convert versions: install the matching CRD version on the destination, or migrate those objects by hand."
                    : "Read the Velero errors below (from velero describe and the Velero log) to see which resources failed and why.",
                d.timedOut ? "Velero timed out waiting for Restic (see the Restic finding): the volume copy, not the resources, caused the partial failure." : nil,
                d.missingAfterFinal
                    ? "Not on the destination cluster \(d.view.destinationName ?? "?"): \(d.resources.joined(separator: ", ")). Do not cut over to the destination, and do not scale the source application down, until these objects exist there: fix the cause, then migrate again (Velero restores only what is missing)."
                    : nil)
        }

        /// Read Velero's errors per object; for a GVK incompatibility compare the CRDs and migrate by hand; else migrate again.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let view = d.view, m = view.migration, resources = d.resources
            let destination = view.destinationName
            let source = view.sourceName
            var steps: [RemediationStep] = []
            for part in d.parts {
                guard let name = part.name else { continue }
                let cluster = part.kind == "backup" ? source : destination
                steps.append(RemediationStep(
                    title: "Read Velero's errors for \(part.kind) \(name) on cluster \(cluster ?? "?")", cluster: cluster,
                    command: VeleroCommands.describe(part.kind, name) + "\n" + VeleroCommands.logs(part.kind, name), verify: nil))
            }
            if d.gvk {
                var crds = Set<String>()
                for gvk in d.planGVKs where !resources.contains(where: { $0.hasPrefix(gvk.resource + "/") }) {
                    let crdCheck = "oc get crd \(shellQuote(gvk.resource)) -o jsonpath='{range .spec.versions[*]}{.name}{\" served=\"}{.served}{\"\\n\"}{end}'"
                    if crds.insert(gvk.resource).inserted {
                        steps.append(RemediationStep(
                            title: "CRD \(gvk.resource): the source serves \(gvk.version), the destination (\(destination ?? "?")) does not; install that version on the destination, or migrate the objects in \(gvk.namespace) by hand",
                            cluster: destination, command: crdCheck, verify: "run the same command on the source cluster \(source ?? "") and compare"))
                        steps.append(RemediationStep(
                            title: "List the \(gvk.resource) objects in \(gvk.namespace) on the source cluster \(source ?? "?") to migrate by hand (export, set a served apiVersion, apply on \(destination ?? "the destination"))",
                            cluster: source,
                            command: "oc -n \(shellQuote(gvk.namespace)) get \(shellQuote(gvk.resource)) -o yaml > \(shellQuote("\(gvk.namespace)-\(gvk.resource).yaml"))",
                            verify: nil))
                    }
                }
                for id in resources {
                    let pieces = id.split(separator: "/")
                    guard pieces.count == 3 else { continue }
                    let resource = String(pieces[0]), ns = String(pieces[1]), name = String(pieces[2])
                    let crdCheck = "oc get crd \(shellQuote(resource)) -o jsonpath='{range .spec.versions[*]}{.name}{\" served=\"}{.served}{\"\\n\"}{end}'"
                    if crds.insert(resource).inserted {
                        steps.append(RemediationStep(
                            title: "Compare the versions of CRD \(resource) served on the source (\(source ?? "?")) and the destination (\(destination ?? "?")); install the source's version on the destination if you can",
                            cluster: destination, command: crdCheck, verify: "run the same command on the source cluster \(source ?? "") and compare"))
                    }
                    steps.append(RemediationStep(
                        title: "Or migrate \(resource) \(ns)/\(name) by hand: export it on the source cluster \(source ?? "?"), change apiVersion to a version the destination serves, then apply it on \(destination ?? "the destination")",
                        cluster: source,
                        command: "oc -n \(shellQuote(ns)) get \(shellQuote(resource)) \(shellQuote(name)) -o yaml > \(shellQuote("\(ns)-\(name).yaml"))",
                        verify: "oc -n \(shellQuote(ns)) get \(shellQuote(resource)) \(shellQuote(name))   # on \(destination ?? "the destination"), after oc apply -f \(shellQuote("\(ns)-\(name).yaml"))"))
                }
            }
            if let plan = m.planName, d.hardFailure || !d.gvk {
                steps.append(MTCCommands.retry(plan: plan, like: m).titled(
                    "Once the cause is fixed, migrate again: start a new \(m.runKind) migration of plan \(plan)", on: view.hostCluster))
            }
            return steps
        }
    }
}
