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
            if let f = finding(view, namespaces: inspected, context: context) { findings.append(f) }
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

    private func finding(_ view: MigrationView, namespaces: [String], context: RuleContext) -> Finding? {
        let m = view.migration
        var stagePods: [Pod] = []
        var quiesced: [QuiescableWorkload] = []
        for cluster in context.snapshot.clusters {
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

        let source = view.sourceName
        var steps: [RemediationStep] = []
        for w in quiesced {
            let ref = "\(w.resource)/\(w.name)"
            steps.append(RemediationStep(
                title: "Scale \(w.object.kind) \(w.namespace)/\(w.name) back to the \(w.preQuiesceReplicas ?? 1) replica(s) MTC saved, on the source cluster \(source ?? "?")",
                cluster: source,
                command: "oc -n \(shellQuote(w.namespace)) scale \(shellQuote(ref)) --replicas=\(w.preQuiesceReplicas ?? 1)\noc -n \(shellQuote(w.namespace)) annotate \(shellQuote(ref)) \(QuiescableWorkload.preQuiesceAnnotation)-",
                verify: "oc -n \(shellQuote(w.namespace)) get \(shellQuote(ref)) -o jsonpath='{.spec.replicas} {.status.readyReplicas}{\"\\n\"}'"))
        }
        if !stagePods.isEmpty {
            let byNamespace = Dictionary(grouping: stagePods, by: \.namespace)
            for ns in byNamespace.keys.sorted() {
                steps.append(RemediationStep(
                    title: "Delete the stage pods left in \(ns) on the source cluster \(source ?? "?") (they hold the PVCs and have no owner)",
                    cluster: source,
                    command: "oc -n \(shellQuote(ns)) delete pod " + byNamespace[ns]!.map { shellQuote($0.name) }.joined(separator: " "),
                    verify: "oc -n \(shellQuote(ns)) get pods -l migration.openshift.io/is-stage-pod=true"))
            }
        }
        var parts: [String] = []
        if !quiesced.isEmpty { parts.append("\(quiesced.count) application(s) still scaled to 0 (\(quiesced.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")))") }
        if !stagePods.isEmpty { parts.append("\(stagePods.count) stage pod(s) left") }
        let title = "Plan \(m.planName ?? "?"): migration \(m.name) \(state) and left \(parts.joined(separator: " and "))"
        var explanation = "The latest run of the plan \(state) and nothing has run since. "
        explanation += m.isFailed
            ? "MTC's Failed itinerary (1.4+) does not delete stage pods or scale the quiesced applications back, so the application is down on the source while the destination has no complete copy. "
            : "Cancel before MTC 1.8 does not scale quiesced applications back. "
        explanation += "Scale the workloads to the replica counts MTC saved in \(QuiescableWorkload.preQuiesceAnnotation) and delete leftover stage pods; a new migration quiesces again if asked to."
        var causedBy: [CauseLink] = []
        if m.isFailed { causedBy.append(.ifReported(MigrationFailedRule.key(cluster: view.hostCluster, migration: m.name))) }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name), severity: .warning, title: title,
            cluster: source, subject: ResourceRef(m.object),
            related: quiesced.map { ResourceRef($0.object) } + stagePods.map { ResourceRef($0.object) },
            namespaces: namespaces, explanation: explanation, evidence: evidence, causes: causedBy, remediation: steps,
            references: Self.description.references)
    }
}
