import MustardModel

/// MTC objects point at others the dump does not hold: a migration's plan, a plan's clusters or storage, a cluster
/// whose folder is absent. The rules cannot check what is not there, and say so here.
public struct MissingReferencesRule: BuiltInRule {
    public static let id = "dump/missing-references"

    public static let description = RuleDescription(
        id: id,
        name: "Referenced objects missing from the dump",
        category: "dump",
        severity: .warning,
        summary: "A MigMigration, MigPlan or MigCluster refers to objects or clusters the dump does not contain.",
        rationale: """
            MTC's gather collects per cluster and builds the migplans tree from the host only; a cluster that was not \
            gathered, or a plan deleted before the gather, leaves references dangling. Rules that need the other end \
            (the source cluster's stage image, the plan's volumes) cannot run on it, and an engineer should know \
            which data to ask for.
            """,
        references: ["https://github.com/migtools/must-gather/blob/master/collection-scripts/gather"],
        requirements: DataRequirements(resources: ["migmigrations", "migplans", "migclusters", "migstorages"]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-references-missing"],
        nonTriggeringExamples: ["Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-config-missing"])

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        guard snapshot.hasMTC else { return .skipped(context.noMigrationsReason) }
        var findings: [Finding] = []
        let plans = snapshot.clusters.flatMap(\.migPlans)
        let migClusters = snapshot.clusters.flatMap(\.migClusters)
        let storages = snapshot.clusters.flatMap(\.migStorages)
        // Migrations whose plan is absent.
        for view in context.migrations where view.plan == nil {
            let m = view.migration
            findings.append(finding(
                key: "\(view.hostCluster)/\(m.name)", title: "MigMigration \(m.name) refers to plan \(m.planName ?? "(none)"), which is not in the dump",
                subject: m.object, evidence: [Evidence("spec.migPlanRef names \(m.planName ?? "nothing")", object: m.object, field: "spec.migPlanRef")],
                explanation: "Without the plan, its clusters, namespaces and volumes are unknown: the source cluster's configuration cannot be tied to this migration.",
                cluster: view.hostCluster, snapshot: snapshot))
        }
        for plan in plans.sorted(by: { $0.name < $1.name }) {
            var evidence: [Evidence] = []
            var missing: [String] = []
            for (role, ref) in [("source cluster", plan.sourceCluster), ("destination cluster", plan.destinationCluster)] {
                guard let ref else { continue }
                let migCluster = migClusters.first { $0.name == ref.name }
                if migCluster == nil {
                    missing.append("MigCluster \(ref.name)")
                    evidence.append(Evidence("The plan's \(role) MigCluster \(ref.name) is not in the dump", object: plan.object, field: role == "source cluster" ? "spec.srcMigClusterRef" : "spec.destMigClusterRef"))
                }
                // The cluster's own data: a folder of that name (or `host` for the host cluster); a failed login is
                // reported by dump/gather-incomplete.
                let folder = migCluster?.isHostCluster == true ? (snapshot.cluster(named: ref.name) ?? snapshot.cluster(named: "host")) : snapshot.cluster(named: ref.name)
                if folder == nil {
                    missing.append("data of cluster \(ref.name)")
                    evidence.append(Evidence(
                        "The dump has no folder for the plan's \(role) \(ref.name): its MTC configuration, pods and logs were not gathered",
                        object: plan.object, field: role == "source cluster" ? "spec.srcMigClusterRef" : "spec.destMigClusterRef"))
                }
            }
            if let ref = plan.storage, !storages.contains(where: { $0.object.metadata.name == ref.name }) {
                missing.append("MigStorage \(ref.name)")
                evidence.append(Evidence("The plan's MigStorage \(ref.name) is not in the dump", object: plan.object, field: "spec.migStorageRef"))
            }
            guard !evidence.isEmpty else { continue }
            findings.append(finding(
                key: "\(plan.object.cluster)/\(plan.name)", title: "Plan \(plan.name) refers to what the dump does not hold: " + missing.joined(separator: ", "),
                subject: plan.object, evidence: evidence,
                explanation: "Rules that need these objects could not check them; ask for a must-gather that includes them (MTC's gather collects every MigCluster it can log in to).",
                cluster: plan.object.cluster, snapshot: snapshot, namespaces: plan.sourceNamespaces))
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) and \(plans.count) plan(s): every referenced plan, MigCluster, MigStorage and cluster is in the dump")
        }
        return .findings(findings)
    }

    private func finding(
        key: String, title: String, subject: KubeObject, evidence: [Evidence], explanation: String, cluster: String,
        snapshot: DumpSnapshot, namespaces: [String] = []
    ) -> Finding {
        Finding(
            key: FindingKey(rule: Self.id, scope: "\(key)"), severity: .warning, title: title, cluster: cluster,
            subject: ResourceRef(subject), namespaces: namespaces, explanation: explanation, evidence: evidence,
            remediation: [RemediationStep(
                title: "Gather again from the host cluster, with every MigCluster reachable", cluster: cluster,
                command: MustGatherCommand.forDump(snapshot), verify: nil)],
            references: Self.description.references)
    }
}
