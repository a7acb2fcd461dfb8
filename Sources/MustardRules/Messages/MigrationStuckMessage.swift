import MustardModel

extension MigrationStuckRule {
    /// How a stuck-migration diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let m = d.view.migration
            let step = m.step.map { " (step \($0.index)/\($0.total))" } ?? ""
            let queued = d.view.postponed.isEmpty ? "" : "; \(d.view.postponed.count) migration(s) of the plan queued behind it"
            return "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") stuck at \(d.phase)\(step) for \(d.waited): \(d.cause.summary)\(queued)"
        }

        static func explanation(_ d: Diagnosis) -> String {
            let cause = d.cause
            return prose(
                "Phase \(d.phase) waits for \(d.info.waitsFor). It has not changed for \(d.waited) before the gather, and MTC does not time this wait out. Look at \(d.info.lookAt).",
                d.info.movesData && cause.causedBy.isEmpty && (!cause.found || cause.dataStillMoving)
                    ? "This phase moves data, so a long wait can be normal for large volumes: check progress before canceling." : nil,
                cause.note,
                d.view.postponed.isEmpty ? nil : "Later migrations of the plan stay Postponed until this one completes or is canceled.",
                cause.causedBy.isEmpty ? nil : "The root cause is reported separately with its fix.")
        }

        /// The cause's own steps; unless they replace it or another finding holds the cause, a look at the stage pods
        /// (at StagePodsCreated), cancel and retry.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let view = d.view, m = view.migration, cause = d.cause
            var remediation: [RemediationStep] = cause.remediation
            guard cause.causedBy.isEmpty && !cause.replacesRemediation else { return remediation }
            let namespaces = view.plan?.sourceNamespaces ?? []
            if d.phase == "StagePodsCreated", !namespaces.isEmpty {
                remediation.append(RemediationStep(
                    title: "See why the stage pods do not start, on the source cluster \(view.sourceMigCluster ?? "")",
                    cluster: view.sourceCluster?.name ?? view.sourceMigCluster,
                    command: namespaces.map { "oc -n \(shellQuote($0)) describe pods -l migration.openshift.io/is-stage-pod=true" }.joined(separator: "\n"),
                    verify: nil))
            }
            remediation.append(MTCCommands.cancel(m).titled("Cancel migration \(m.name) once the cause is fixed or to free the plan", on: view.hostCluster))
            if let plan = m.planName {
                remediation.append(MTCCommands.retry(plan: plan, like: m).titled(
                    "Retry: start a new \(m.runKind) migration of plan \(plan) with the same options", on: view.hostCluster))
            }
            return remediation
        }
    }
}
