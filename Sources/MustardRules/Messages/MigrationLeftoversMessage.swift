import MustardModel

extension MigrationLeftoversRule {
    /// How a leftovers diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        /// What happened to the run, as a verb phrase.
        static func state(_ d: Diagnosis) -> String { d.failed ? "failed" : "was canceled" }

        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration
            let left = [
                d.quiesced.isEmpty ? nil : "\(d.quiesced.count) application(s) still scaled to 0 (\(d.quiesced.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")))",
                d.stagePods.isEmpty ? nil : "\(d.stagePods.count) stage pod(s) left",
            ].compactMap { $0 }
            return "Plan \(m.planName ?? "?"): migration \(m.name) \(state(d)) and left \(left.joined(separator: " and "))"
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "The latest run of the plan \(state(d)) and nothing has run since.",
                d.failed
                    ? "MTC's Failed itinerary (1.4+) does not delete stage pods or scale the quiesced applications back, so the application is down on the source while the destination has no complete copy."
                    : "Cancel before MTC 1.8 does not scale quiesced applications back.",
                "Scale the workloads to the replica counts MTC saved in \(QuiescableWorkload.preQuiesceAnnotation) and delete leftover stage pods; a new migration quiesces again if asked to.")
        }

        /// Scale each quiesced application back to its saved count, then delete the stage pods left in each namespace.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let source = d.view.sourceName, quiesced = d.quiesced
            var steps: [RemediationStep] = []
            for w in quiesced {
                let ref = "\(w.resource)/\(w.name)"
                steps.append(RemediationStep(
                    title: "Scale \(w.object.kind) \(w.namespace)/\(w.name) back to the \(w.preQuiesceReplicas ?? 1) replica(s) MTC saved, on the source cluster \(source ?? "?")",
                    cluster: source,
                    command: "oc -n \(shellQuote(w.namespace)) scale \(shellQuote(ref)) --replicas=\(w.preQuiesceReplicas ?? 1)\noc -n \(shellQuote(w.namespace)) annotate \(shellQuote(ref)) \(QuiescableWorkload.preQuiesceAnnotation)-",
                    verify: "oc -n \(shellQuote(w.namespace)) get \(shellQuote(ref)) -o jsonpath='{.spec.replicas} {.status.readyReplicas}{\"\\n\"}'"))
            }
            if !d.stagePods.isEmpty {
                let byNamespace = Dictionary(grouping: d.stagePods, by: \.namespace)
                for (ns, pods) in byNamespace.sorted(by: { $0.key < $1.key }) {
                    steps.append(RemediationStep(
                        title: "Delete the stage pods left in \(ns) on the source cluster \(source ?? "?") (they hold the PVCs and have no owner)",
                        cluster: source,
                        command: "oc -n \(shellQuote(ns)) delete pod " + pods.map { shellQuote($0.name) }.joined(separator: " "),
                        verify: "oc -n \(shellQuote(ns)) get pods -l migration.openshift.io/is-stage-pod=true"))
                }
            }
            return steps
        }
    }
}
