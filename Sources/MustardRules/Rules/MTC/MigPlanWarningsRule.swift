import MustardModel

/// Plan warnings that change what a migration will do: resources that will not be migrated (`GVKsIncompatible`),
/// source pods that are already unhealthy (`SourcePodsNotHealthy`), and namespace node selectors that can keep
/// rsync pods Pending (`NamespacesHaveNodeSelectors`).
///
/// These are Warn conditions: the plan stays Ready and migrations run, but the outcome is not what the user
/// expects (`docs/mtc.md` §1.3, §2.7, R4, R8).
public struct MigPlanWarningsRule: BuiltInRule {
    public static let id = "mtc/migplan-warnings"

    /// The warnings worth acting on, with the severity each gets.
    static let watched: [String: Severity] = [
        "GVKsIncompatible": .warning, "GVRsIncompatible": .warning, "SourcePodsNotHealthy": .warning,
        "NamespacesHaveNodeSelectors": .warning,
    ]

    public static let description = RuleDescription(
        id: id,
        name: "MigPlan warnings",
        category: "mtc",
        severity: .warning,
        summary: "Before its final migration, a plan warns that some resources will not migrate, that source pods are unhealthy, or that namespace node selectors can block rsync pods.",
        rationale: """
            A plan with warnings stays Ready, so its migrations run and may even succeed, yet: resources whose API \
            version the destination does not serve are skipped (the final restore ends PartiallyFailed), pods that \
            are already failing on the source come up failing on the destination, and node selectors carried by the \
            namespaces can keep the direct volume migration's rsync pods Pending. Each is cheaper to handle before \
            the migration than after it; once a final migration has finished, its outcome is what counts.
            """,
        references: [
            "https://github.com/migtools/mtc-breakfix/tree/master/03-Gvk",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/04-running-the-migration.md",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migplan/validation.go",
        ],
        requirements: DataRequirements(resources: ["migplans"]),
        triggeringExamples: ["Tests/Fixtures/mtc-1.7-plan-warnings"],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-plan-pv-invalid-action",
            "Tests/Fixtures/mtc-1.7-breakfix-misconfigured", "Tests/Fixtures/mtc-1.7-gvk-partial-restore",
        ])

    static func key(cluster: String, plan: String, condition: String) -> FindingKey {
        FindingKey(rule: id, scope: "\(cluster)/\(plan)/\(condition)")
    }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let plans = MTCSetup.migPlans(context.snapshot)
        guard !plans.isEmpty else { return .skipped(MTCSetup.nothingToCheck(context, missing: "MigPlan")) }
        let migrations = context.snapshot.clusters.flatMap(\.migMigrations)
        var findings: [Finding] = []
        var ran: [String] = []
        for (holder, plan) in plans {
            // Once a final migration of the plan has finished, what the warnings predicted is its outcome, which
            // the migration rules report; the warnings are worth acting on before that.
            if migrations.contains(where: { $0.planName == plan.name && $0.isFinished && !$0.isCanceled && !$0.stage }) {
                ran.append(plan.name)
                continue
            }
            for (i, c) in plan.conditions.enumerated() where c.isTrue && Self.watched[c.type] != nil {
                if let f = finding(plan, holder: holder, condition: c, index: i) { findings.append(f) }
            }
        }
        if findings.isEmpty {
            let after = ran.isEmpty ? "" : "; plan(s) \(ran.joined(separator: ", ")) already ran a final migration, whose outcome the migration rules judge"
            return .passed("\(plans.count) MigPlan(s) checked: no incompatible resources, unhealthy source pods or namespace node selectors reported before a migration\(after)")
        }
        return .findings(findings)
    }

    private func finding(_ plan: MigPlan, holder: String, condition c: Condition, index: Int) -> Finding? {
        let name = plan.name
        var evidence = [Evidence("MigPlan \(name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: plan.object,
                                 field: "status.conditions[\(index)]", at: c.lastTransitionTime)]
        let title: String
        let explanation: String
        var severity = Self.watched[c.type] ?? .warning
        var namespaces: [String] = []
        var steps: [RemediationStep] = []
        let source = plan.sourceCluster?.name, destination = plan.destinationCluster?.name
        switch c.type {
        case "GVKsIncompatible", "GVRsIncompatible":
            let incompatible = plan.incompatibleNamespaces
            for (i, ns) in incompatible.enumerated() {
                let kinds = ns.gvks.map { "\($0.kind).\($0.group)/\($0.version)" }
                evidence.append(Evidence(
                    "Namespace \(ns.name) holds resources the destination does not serve: \(kinds.joined(separator: ", "))",
                    object: plan.object, field: "status.incompatibleNamespaces[\(i)]"))
            }
            namespaces = incompatible.map(\.name)
            let listing = incompatible.map { ns in "\(ns.name) (\(ns.gvks.map { "\($0.kind).\($0.group)/\($0.version)" }.joined(separator: ", ")))" }
            title = "Plan \(name) will not migrate resources the destination \(destination ?? "") does not serve: \(listing.isEmpty ? "see status.incompatibleNamespaces" : listing.joined(separator: "; "))"
            explanation = "The destination cluster does not serve these API versions, so Velero cannot restore those objects: the migration skips them and its final restore ends PartiallyFailed (MTC 1.4+: SucceededWithWarnings). Install the same CRD versions on the destination before migrating, or export the objects and recreate them by hand afterwards."
            for ns in incompatible {
                for gvk in ns.gvks {
                    let resource = gvk.group.isEmpty ? gvk.kind : "\(gvk.kind).\(gvk.group)"
                    steps.append(RemediationStep(
                        title: "On the destination \(destination ?? ""), check whether \(gvk.group.isEmpty ? "core" : gvk.group) serves \(gvk.kind) at \(gvk.version); if not, install that CRD version there",
                        cluster: destination,
                        command: "oc api-resources --api-group=\(shellQuote(gvk.group)) -o wide | grep -w \(shellQuote(gvk.kind))",
                        verify: nil))
                    steps.append(RemediationStep(
                        title: "Or save the \(resource) objects of namespace \(ns.name) on the source \(source ?? "") to recreate them by hand after the migration",
                        cluster: source,
                        command: "oc -n \(shellQuote(ns.name)) get \(shellQuote("\(resource)")) -o yaml > \(shellQuote("\(ns.name)-\(gvk.kind).yaml"))",
                        verify: nil))
                }
            }
        case "SourcePodsNotHealthy":
            let unhealthy = plan.unhealthyNamespaces
            var pods: [String] = []
            for (i, ns) in unhealthy.enumerated() {
                let names = ns.workloads.flatMap { $0.resources.isEmpty ? [$0.name] : $0.resources }
                pods += names.map { "\(ns.name)/\($0)" }
                evidence.append(Evidence(
                    "Namespace \(ns.name) has unhealthy pods: \(names.joined(separator: ", "))", object: plan.object,
                    field: "status.namespaces[\(i)]"))
            }
            namespaces = unhealthy.map(\.name)
            title = "Plan \(name): source pods are not healthy before migrating: \(pods.isEmpty ? "see status.namespaces" : pods.joined(separator: ", "))"
            explanation = "MTC found pods in the plan's source namespaces that are not running or not ready. Migrating copies them as they are, so they will fail on the destination too, and a verify step would report them; fix them on the source first, or accept that they stay broken."
            for ns in unhealthy {
                let names = ns.workloads.flatMap(\.resources)
                guard !names.isEmpty else { continue }
                steps.append(RemediationStep(
                    title: "See why the pods of \(ns.name) are unhealthy on the source cluster \(source ?? "")", cluster: source,
                    command: names.map { "oc -n \(shellQuote(ns.name)) describe pod \(shellQuote($0))" }.joined(separator: "\n"),
                    verify: "oc -n \(shellQuote(ns.name)) get pods"))
            }
        case "NamespacesHaveNodeSelectors":
            let listed = MTCSetup.items(in: c.message)
            namespaces = listed.isEmpty ? plan.sourceNamespaces : listed
            let direct = plan.indirectVolumeMigration == false
            if !direct { severity = .info }
            title = "Plan \(name): namespaces \(namespaces.joined(separator: ", ")) have node selectors that \(direct ? "can keep the rsync pods of the volume migration Pending" : "carry over to the destination")"
            explanation = "The namespaces carry an openshift.io/node-selector annotation, which MTC migrates with them. "
                + (direct
                    ? "Direct volume migration runs rsync pods in those namespaces on the destination: if no node there matches the selector, they stay Pending (DVM RsyncClientPodsPending) and the volume copy never starts."
                    : "This plan copies volumes indirectly, so no rsync pods depend on it; check only that destination nodes match, or the migrated workloads will not schedule.")
            for ns in namespaces {
                steps.append(RemediationStep(
                    title: "Compare the node selector of namespace \(ns) with the destination \(destination ?? "")'s node labels; label matching nodes, or change the annotation on the destination namespace after it is created",
                    cluster: destination,
                    command: "oc get namespace \(shellQuote(ns)) -o jsonpath='{.metadata.annotations.openshift\\.io/node-selector}{\"\\n\"}'\noc get nodes --show-labels",
                    verify: nil))
            }
        default:
            return nil
        }
        return Finding(
            key: Self.key(cluster: holder, plan: name, condition: c.type), severity: severity, title: title, cluster: holder,
            subject: ResourceRef(plan.object), namespaces: namespaces, explanation: explanation, evidence: evidence,
            remediation: steps, references: Self.description.references)
    }
}
