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
        let findings = plans.filter { !$0.item.conditions.blocking.isEmpty }
            .map { finding(Self.diagnose($0.item, holder: $0.cluster, snapshot: context.snapshot)) }
        if findings.isEmpty {
            return .passed("\(plans.count) MigPlan(s) checked: no Critical or Error condition")
        }
        return .findings(findings)
    }

    /// Why one MigPlan is not Ready, and the facts that show it.
    struct Diagnosis {
        let plan: MigPlan
        /// The dump cluster holding the plan (the host).
        let holder: String
        /// Its Critical and Error conditions, in order, with their index in `status.conditions`.
        let blocking: [(index: Int, condition: Condition)]
        /// Unfinished migrations of the plan refused with `PlanNotReady`, by name.
        let refused: [MigMigration]
        /// The MigCluster and MigStorage findings behind `…ClusterNotReady` and `StorageNotReady`.
        let causes: [CauseLink]
        let evidence: [Evidence]
    }

    static func diagnose(_ plan: MigPlan, holder: String, snapshot: DumpSnapshot) -> Diagnosis {
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
        return Diagnosis(plan: plan, holder: holder, blocking: blocking, refused: blocked, causes: causedBy, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        Finding(
            key: Self.key(cluster: d.holder, plan: d.plan.name), severity: d.refused.isEmpty ? .error : .critical, title: Message.title(d),
            cluster: d.holder, subject: ResourceRef(d.plan.object), related: d.refused.map { ResourceRef($0.object) },
            namespaces: d.plan.sourceNamespaces, explanation: Message.explanation(d), evidence: d.evidence,
            causes: d.causes, remediation: Message.remediation(d),
            references: Self.description.references)
    }
}
