import MustardModel

/// Ready-to-paste `oc` commands for MTC fixes, built from real names and quoted for the shell.
enum MTCCommands {
    static let ns = "-n \(MTC.namespace)"

    /// Sets `spec.canceled: true` (what the UI's Cancel does, `docs/mtc.md` §2.4).
    static func cancel(_ migration: MigMigration) -> RemediationStep {
        RemediationStep(
            title: "", cluster: nil,
            command: "oc \(ns) patch migmigration \(shellQuote(migration.name)) --type merge -p '{\"spec\":{\"canceled\":true}}'",
            verify: "oc \(ns) wait migmigration/\(shellQuote(migration.name)) --for=condition=Canceled --timeout=15m")
    }

    /// Lists stage pods left in the plan's source namespaces (1.4+ label).
    static func stagePodsLeft(namespaces: [String]) -> String {
        namespaces.map { "oc -n \(shellQuote($0)) get pods -l migration.openshift.io/is-stage-pod=true" }
            .joined(separator: "\n")
    }

    /// Prints the STAGE_IMAGE the controller will use next.
    static let stageImageCheck =
        "oc \(ns) get configmap \(MTC.clusterConfigMapName) -o jsonpath='{.data.STAGE_IMAGE}{\"\\n\"}'"

    /// Removes the MigrationController override so the operator renders its default stage image.
    static let removeStageImageOverride =
        "oc \(ns) patch migrationcontroller \(MTC.controllerName) --type json -p '[{\"op\":\"remove\",\"path\":\"/spec/\(MTC.stageImageOverrideField)\"}]'"

    /// Sets the MigrationController override to an explicit image.
    static func setStageImageOverride(_ image: String) -> String {
        let patch = "{\"spec\":{\"\(MTC.stageImageOverrideField)\":\(jsonString(image))}}"
        return "oc \(ns) patch migrationcontroller \(MTC.controllerName) --type merge -p \(shellQuote(patch))"
    }

    /// Deletes the rendered ConfigMap so the operator writes it again from its own settings.
    static let rerenderClusterConfig = "oc \(ns) delete configmap \(MTC.clusterConfigMapName)"

    /// Prints one field of the MigrationController's spec (empty when it is not set).
    static func controllerSetting(_ field: String) -> String {
        "oc \(ns) get migrationcontroller \(MTC.controllerName) -o jsonpath='{.spec.\(field)}{\"\\n\"}'"
    }

    /// Creates a new MigMigration of the same plan with the same flags (`docs/mtc.md` §8 skeleton).
    static func retry(plan: String, like migration: MigMigration) -> RemediationStep {
        var spec = [
            "  migPlanRef:", "    name: \(plan)", "    namespace: \(MTC.namespace)",
            "  stage: \(migration.stage)", "  quiescePods: \(migration.quiescePods)",
        ]
        if migration.migrateState { spec.append("  migrateState: true") }
        if let keep = migration.keepAnnotations { spec.append("  keepAnnotations: \(keep)") }
        if let verify = migration.verify { spec.append("  verify: \(verify)") }
        let generateName = String("\(plan)-retry-".prefix(57))
        let manifest = [
            "apiVersion: migration.openshift.io/v1alpha1", "kind: MigMigration", "metadata:",
            "  generateName: \(generateName)", "  namespace: \(MTC.namespace)", "spec:",
        ] + spec
        return RemediationStep(
            title: "", cluster: nil,
            command: "oc create -f - <<'EOF'\n" + manifest.joined(separator: "\n") + "\nEOF",
            verify: planMigrations(plan))
    }

    /// Lists the plan's migrations with their itinerary and phase.
    static func planMigrations(_ plan: String) -> String {
        "oc \(ns) get migmigration -l migration.openshift.io/migplan-name=\(shellQuote(plan)) -o custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp,ITINERARY:.status.itinerary,PHASE:.status.phase"
    }
}

extension RemediationStep {
    /// The same step with its title and cluster filled in.
    func titled(_ title: String, on cluster: String?) -> RemediationStep {
        RemediationStep(title: title, cluster: cluster, command: command, verify: verify, expect: expect)
    }
}
