import MustardModel

/// After the latest run of a plan failed or was canceled, stage pods are still in the source namespaces or the
/// source applications are still scaled to 0.
///
/// MTC 1.4–1.7 neither delete stage pods nor scale applications back on the Failed itinerary, and Cancel does not
/// unquiesce before 1.8; the saved count stays in `migration.openshift.io/preQuiesceReplicas` (best-practices
/// `05-troubleshooting.md`; `docs/mtc.md` §2.3, §2.4, §4 R12). Quiesced applications are expected while a migration runs,
/// and after a successful final migration the source stays quiesced on purpose (the destination runs the
/// application now), so neither is reported.
public struct MigrationLeftoversRule: BuiltInRule {
    public static let id = "mtc/migration-leftovers"

    public static let description = RuleDescription(
        id: id,
        name: "Migration leftovers",
        category: "mtc",
        severity: .warning,
        summary: "After a failed or canceled migration, stage pods remain or source applications stay scaled to 0.",
        rationale: """
            When a migration fails (1.4+) MTC keeps stage pods for debugging and does not scale the quiesced source \
            applications back; before 1.8 Cancel does not unquiesce either. The application is then down on the \
            source with no successful copy on the destination. The replica count MTC saved is in the annotation \
            migration.openshift.io/preQuiesceReplicas, so the fix is an exact oc scale. Not reported while a \
            migration runs (quiesce is part of it) nor after a successful final migration, which leaves the source \
            quiesced on purpose so only the destination serves. Needs an inspect of the source application \
            namespaces; without it the rule is skipped.
            """,
        references: [
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migmigration/quiesce.go",
        ],
        requirements: DataRequirements(resources: ["migmigrations", "migplans", "migclusters", "pods", "deployments", "deploymentconfigs", "statefulsets", "namespaces"]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-failed-pvc-not-bound"],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-failed-then-succeeded",
            "Tests/Fixtures/mtc-1.7-stuck-unschedulable", "Tests/Fixtures/mtc-1.7-stuck-recent",
        ])

    static func key(cluster: String, migration: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(migration)") }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var findings: [Finding] = []
        var ended: [MigrationView] = []
        var unchecked: [String] = []
        for view in context.migrations {
            let m = view.migration
            guard m.isFinished, m.isFailed || m.isCanceled, view.isLatestRunOfPlan else { continue }
            ended.append(view)
            let namespaces = view.planNamespaces
            let inspected = namespaces.filter { ns in context.snapshot.clusters.contains { $0.namespaces.contains(ns) } }
            if inspected.isEmpty {
                unchecked.append(contentsOf: namespaces)
                continue
            }
            if let d = Self.diagnose(view, namespaces: inspected, snapshot: context.snapshot) { findings.append(finding(d)) }
        }
        if !findings.isEmpty { return .findings(findings) }
        if ended.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: no plan whose latest run failed or was canceled")
        }
        if !unchecked.isEmpty, unchecked.count == ended.flatMap(\.planNamespaces).count {
            return .skipped("the latest run of \(ended.count) plan(s) failed or was canceled, but their source namespaces (\(uniqued(unchecked).joined(separator: ", "))) were not gathered: run `oc adm inspect ns/<namespace>` on the source cluster to check for stage pods and quiesced applications")
        }
        return .passed("\(ended.count) failed or canceled latest run(s) checked: no stage pods left and no application left at 0 replicas in the gathered source namespaces")
    }

    /// What one failed or canceled latest run left behind in its gathered source namespaces.
    struct Diagnosis {
        let view: MigrationView
        /// The gathered source namespaces looked in.
        let namespaces: [String]
        /// Applications at 0 replicas with MTC's saved count, by namespace, kind and name.
        let quiesced: [QuiescableWorkload]
        /// Stage pods still there, by namespace and name.
        let stagePods: [Pod]
        let evidence: [Evidence]
        /// The run failed (else it was canceled).
        var failed: Bool { view.migration.isFailed }
    }

    /// Nil when the namespaces hold neither stage pods nor quiesced applications.
    static func diagnose(_ view: MigrationView, namespaces: [String], snapshot: DumpSnapshot) -> Diagnosis? {
        let m = view.migration
        var stagePods: [Pod] = []
        var quiesced: [QuiescableWorkload] = []
        for cluster in snapshot.clusters {
            stagePods += cluster.pods.filter { $0.isStagePod && namespaces.contains($0.namespace) }
            quiesced += cluster.quiescableWorkloads.filter { $0.isQuiesced && namespaces.contains($0.namespace) }
        }
        guard !stagePods.isEmpty || !quiesced.isEmpty else { return nil }
        stagePods.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        quiesced.sort { ($0.namespace, $0.object.kind, $0.name) < ($1.namespace, $1.object.kind, $1.name) }

        let state = m.isFailed ? "failed" : "was canceled"
        let when = (m.conditions.active("Failed") ?? m.conditions.active("Canceled"))?.lastTransitionTime
        var evidence: [Evidence] = [
            Evidence("The latest run of plan \(m.planName ?? "?"), migration \(m.name), \(state)\(when.map { " at \($0)" } ?? "") (itinerary \(m.itinerary ?? "?"), phase \(m.phase)); no run of the plan is in progress",
                     object: m.object, field: "status.itinerary", at: when),
        ]
        for w in quiesced {
            evidence.append(Evidence(
                "\(w.object.kind) \(w.namespace)/\(w.name) has replicas 0 and \(QuiescableWorkload.preQuiesceAnnotation)=\(w.preQuiesceReplicas ?? 0): MTC quiesced it and did not scale it back",
                object: w.object, field: "spec.replicas"))
        }
        for pod in stagePods {
            let own = pod.migrationUID == m.uid ? "of this migration" : "of an earlier migration (\(pod.migrationUID ?? "unknown"))"
            evidence.append(Evidence("Stage pod \(pod.namespace)/\(pod.name) \(own) is still there (phase \(pod.phase ?? "?"))", object: pod.object, field: "metadata.labels"))
        }

        return Diagnosis(view: view, namespaces: namespaces, quiesced: quiesced, stagePods: stagePods, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        let m = d.view.migration
        var causedBy: [CauseLink] = []
        if d.failed { causedBy.append(.ifReported(MigrationFailedRule.key(cluster: d.view.hostCluster, migration: m.name))) }
        return Finding(
            key: Self.key(cluster: d.view.hostCluster, migration: m.name), severity: .warning, title: Message.title(d),
            cluster: d.view.sourceName, subject: ResourceRef(m.object),
            related: d.quiesced.map { ResourceRef($0.object) } + d.stagePods.map { ResourceRef($0.object) },
            namespaces: d.namespaces, explanation: Message.explanation(d), evidence: d.evidence, causes: causedBy,
            remediation: Message.remediation(d), references: Self.description.references)
    }
}
