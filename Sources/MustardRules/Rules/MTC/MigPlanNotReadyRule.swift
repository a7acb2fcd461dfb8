import MustardModel

/// A MigPlan with Critical or Error conditions: it is not Ready, so its migrations are refused with `PlanNotReady`.
///
/// The plan controller validates the cluster and storage references and their readiness, the namespaces on both
/// clusters, the PV selections and conflicts with other plans; any Critical or Error condition removes `Ready`
/// (`pkg/controller/migplan/validation.go`, `docs/mtc.md` §2.7, R10).
public struct MigPlanNotReadyRule: BuiltInRule {
    public static let id = "mtc/migplan-not-ready"

    public static let description = RuleDescription(
        id: id,
        name: "MigPlan not ready",
        category: "mtc",
        severity: .error,
        summary: "A migration plan has Critical or Error conditions, so it is not Ready and its migrations cannot run.",
        rationale: """
            A MigMigration runs only when its plan is Ready; otherwise it gets the Critical condition PlanNotReady and \
            waits. Plan conditions name the reason: a cluster or the storage not Ready, namespaces missing on a \
            cluster, PVs without a valid action or copy method, a conflict with another plan. Fixing the plan (or the \
            MigCluster or MigStorage it points at) is what unblocks the migration.
            """,
        references: [
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migplan/validation.go",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
        ],
        requirements: DataRequirements(resources: ["migplans", "migmigrations", "migclusters", "migstorages"]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-breakfix-misconfigured", "Tests/Fixtures/mtc-1.7-plan-pv-invalid-action",
            "Tests/Fixtures/mtc-1.7-storage-creds-invalid",
        ],
        nonTriggeringExamples: ["Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-plan-warnings"])

    static func key(cluster: String, plan: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(plan)") }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let plans = MTCSetup.migPlans(context.snapshot)
        guard !plans.isEmpty else { return .skipped(MTCSetup.nothingToCheck(context, missing: "MigPlan")) }
        let findings = plans.filter { !$0.item.conditions.blocking.isEmpty }.map { finding($0.item, holder: $0.cluster, context: context) }
        if findings.isEmpty {
            return .passed("\(plans.count) MigPlan(s) checked: no Critical or Error condition")
        }
        return .findings(findings)
    }

    private func finding(_ plan: MigPlan, holder: String, context: RuleContext) -> Finding {
        let snapshot = context.snapshot
        let blocking = plan.conditions.blocking
        let blocked = snapshot.clusters.flatMap(\.migMigrations)
            .filter { $0.planName == plan.name && !$0.isFinished && $0.conditions.active("PlanNotReady") != nil }
            .sorted { $0.name < $1.name }
        var evidence: [Evidence] = blocking.map { i, c in
            Evidence("MigPlan \(plan.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: plan.object,
                     field: "status.conditions[\(i)]", at: c.lastTransitionTime)
        }
        if !plan.isReady {
            evidence.append(Evidence("MigPlan \(plan.name) has no Ready condition", object: plan.object, field: "status.conditions"))
        }
        for m in blocked {
            let i = m.conditions.index(ofActive: "PlanNotReady") ?? 0
            evidence.append(Evidence(
                "Migration \(m.name) is refused: \(MTCSetup.describe(m.conditions[i]))", object: m.object, field: "status.conditions[\(i)]",
                at: m.conditions[i].lastTransitionTime))
        }

        // Root causes reported by the MigCluster and MigStorage rules.
        var causedBy: [CauseLink] = []
        let clusters = MTCSetup.migClusters(snapshot), storages = MTCSetup.migStorages(snapshot)
        for (type, ref) in [("SourceClusterNotReady", plan.sourceCluster), ("DestinationClusterNotReady", plan.destinationCluster)] {
            guard plan.conditions.active(type) != nil, let name = ref?.name,
                let at = MTCSetup.holder(of: name, near: holder, in: clusters, name: \.name)
            else { continue }
            causedBy.append(.ifReported(MigClusterNotReadyRule.key(cluster: at, name: name)))
        }
        if plan.conditions.active("StorageNotReady") != nil, let name = plan.storage?.name,
            let at = MTCSetup.holder(of: name, near: holder, in: storages, name: \.name) {
            causedBy.append(.ifReported(MigStorageNotReadyRule.key(cluster: at, name: name)))
        }

        let types = blocking.map(\.condition.type)
        let blockedText = blocked.isEmpty ? "" : "; migration \(blocked.map(\.name).joined(separator: ", ")) refused with PlanNotReady"
        let title = "MigPlan \(plan.name) is not Ready: \(types.joined(separator: ", "))\(blockedText)"
        var explanation = "The plan controller found \(blocking.count) blocking condition(s), so the plan has no Ready condition and MTC refuses to run its migrations. "
        if !causedBy.isEmpty { explanation += "The MigCluster or MigStorage it uses is not Ready: that is the root cause, reported separately with its fix. " }
        if !blocked.isEmpty { explanation += "\(blocked.count) migration(s) of the plan wait with PlanNotReady. " }

        return Finding(
            key: Self.key(cluster: holder, plan: plan.name), severity: blocked.isEmpty ? .error : .critical, title: title,
            cluster: holder, subject: ResourceRef(plan.object), related: blocked.map { ResourceRef($0.object) },
            namespaces: plan.sourceNamespaces, explanation: explanation.withoutOuterSpaces, evidence: evidence,
            causes: causedBy, remediation: remediation(plan, holder: holder, blocking: blocking.map(\.condition), blocked: blocked),
            references: Self.description.references)
    }

    private func remediation(_ plan: MigPlan, holder: String, blocking: [Condition], blocked: [MigMigration]) -> [RemediationStep] {
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
