import MustardModel

/// A direct volume migration (rsync) did not get its transfer pods running or could not reach the destination.
///
/// The DirectVolumeMigration under `migplans/…/dvm-<d>/dvm-<d>.yml` reports Warn `RsyncClientPodsPending`,
/// `FailedCreatingRsyncPods`, Critical `SourceToDestinationNetworkError`, `status.errors` and `failedPods`; the
/// MigMigration gets Warn `DirectVolumeMigrationFailed`. Pending rsync pods usually come from a project node selector
/// (`openshift.io/node-selector`) carried over to the target namespace that no destination node matches
/// (`docs/mtc.md` §2.9, §4 R8). Rsync pods that cannot pull their image are left to `mtc/transfer-image-misconfigured`.
public struct DirectVolumeMigrationFailedRule: BuiltInRule {
    public static let id = "mtc/direct-volume-migration-failed"

    /// Condition types (mig-controller `pkg/controller/directvolumemigration/validation.go`): `RsyncTransferPodsPending`
    /// (destination transfer pods not Running after 3 minutes, `task.go`) and `PodsNotFoundOnSourceCluster` (the
    /// constant `PVCsNotFoundOnSourceCluster`) too; `RsyncTimedOut` is a reason, of `SourceToDestinationNetworkError`.
    static let signalTypes = [
        "RsyncClientPodsPending", "RsyncTransferPodsPending", "FailedCreatingRsyncPods", "SourceToDestinationNetworkError",
        "PodsNotFoundOnSourceCluster", "Failed",
    ]

    public static let description = RuleDescription(
        id: id,
        name: "Direct volume migration failed",
        category: "mtc",
        severity: .error,
        summary: "A DirectVolumeMigration's rsync pods stay Pending, cannot be created, fail, or cannot reach the destination.",
        rationale: """
            Direct volume migration copies PVCs with rsync pods on the destination fed from the source through a \
            route. Namespace annotations are migrated, so a source project node selector \
            (openshift.io/node-selector) that no destination node matches keeps the rsync pods Pending: the DVM \
            reports RsyncClientPodsPending and the migration waits, then ends with DirectVolumeMigrationFailed. \
            SourceToDestinationNetworkError means the source cannot reach the destination's rsync route. A wrong \
            RSYNC_TRANSFER_IMAGE shows as image pull back-off and is diagnosed by mtc/transfer-image-misconfigured.
            """,
        references: [
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/go-cli-templates/dvm-display-failure-list.template",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/directvolumemigration/validation.go",
        ],
        requirements: DataRequirements(resources: ["migmigrations", "migplans", "migclusters", "namespaces"]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-dvm-rsync-pending",
            "Tests/Fixtures/mtc-1.8-dvm-rsync-failed-warnings",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-dvm-rsync-image-backoff",
            "Tests/Fixtures/mtc-1.7-stuck-unschedulable",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    static func key(cluster: String, migration: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(migration)") }

    public init() {}

    /// The DVM problems of a migration, or nil when there are none or they are only image pulls.
    struct Problem {
        let dvms: [DirectVolumeMigration]
        let signals: [(dvm: DirectVolumeMigration, condition: Condition, index: Int)]
        let migrationCondition: Int?
    }

    static func problem(_ view: MigrationView, snapshot: DumpSnapshot) -> Problem? {
        let m = view.migration
        let dvms = view.directVolumeMigrations(in: snapshot)
        var signals: [(DirectVolumeMigration, Condition, Int)] = []
        for dvm in dvms {
            for (i, c) in dvm.conditions.enumerated() where c.isTrue && signalTypes.contains(c.type) { signals.append((dvm, c, i)) }
        }
        let migrationCondition = m.conditionIndex("DirectVolumeMigrationFailed")
        let errors = dvms.flatMap(\.errors)
        guard !signals.isEmpty || migrationCondition != nil || !errors.isEmpty || dvms.contains(where: { !$0.failedPods.isEmpty }) else { return nil }
        // Image pull back-off is the transfer image rule's finding, not this one.
        let texts = signals.compactMap { $0.1.message } + errors + m.pipeline.flatMap(\.progress)
        let pulls = texts.contains(where: StagePodPullFailures.isPullFailureText) || !rsyncPullFailures(dvms, snapshot: snapshot).isEmpty
        let pullOnly = pulls && !signals.contains { $0.1.type == "SourceToDestinationNetworkError" || $0.1.type == "FailedCreatingRsyncPods" }
        if pullOnly { return nil }
        return Problem(dvms: dvms, signals: signals.map { (dvm: $0.0, condition: $0.1, index: $0.2) }, migrationCondition: migrationCondition)
    }

    /// Rsync pods named by the DVMs that the dump shows failing to pull their image (container status or events).
    static func rsyncPullFailures(_ dvms: [DirectVolumeMigration], snapshot: DumpSnapshot) -> [(image: String?, evidence: Evidence)] {
        let refs = Set(dvms.flatMap { $0.pendingPods + $0.failedPods + $0.runningPods }.map { "\($0.namespace)/\($0.name)" })
        guard !refs.isEmpty else { return [] }
        var found: [(String?, Evidence)] = []
        for cluster in snapshot.clusters {
            for pod in cluster.pods where refs.contains("\(pod.namespace)/\(pod.name)") {
                for (i, status) in pod.containerStatuses.enumerated() where status.isImagePullFailure {
                    found.append((status.image, Evidence(
                        "Rsync pod \(pod.namespace)/\(pod.name): container \(status.name) is waiting with \(status.waitingReason ?? "?")\(status.waitingMessage.map { ": \($0)" } ?? "")",
                        object: pod.object, field: "status.containerStatuses[\(i)].state.waiting")))
                }
            }
        }
        return found.map { (image: $0.0, evidence: $0.1) }
    }

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var findings: [Finding] = []
        var withDVM = 0
        for view in context.migrations {
            if !view.directVolumeMigrations(in: context.snapshot).isEmpty { withDVM += 1 }
            guard !view.migration.isCanceled, view.supersededBySuccess == nil, let p = context.rsyncProblem(view) else { continue }
            findings.append(finding(Self.diagnose(view, p, snapshot: context.snapshot)))
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked, \(withDVM) with a DirectVolumeMigration: no rsync pod, creation, network or DVM failure (image pull back-off is left to the transfer image rule)")
        }
        return .findings(findings)
    }

    /// What a migration's direct volume migration ran into, and the facts that show it.
    struct Diagnosis {
        let view: MigrationView
        let problem: Problem
        /// Rsync pods stay Pending (condition or pod list).
        let pending: Bool
        /// The source cannot reach the destination's rsync route.
        let network: Bool
        /// The namespaces the rsync pods run in on the destination.
        let targets: [String]
        /// Target namespaces carrying a project node selector, with it.
        let selectors: [(ns: Namespace, selector: String)]
        /// A final migration ended Succeeded(WithWarnings) although rsync did not copy the PVCs.
        let lost: Bool
        /// The PVCs (`ns/name`) that did not arrive: those of rsync pods that did not succeed, else all the DVMs claim.
        let pvcs: [String]
        /// The PVCs whose rsync pods succeeded, when some did not.
        let arrived: [String]
        let evidence: [Evidence]
    }

    static func diagnose(_ view: MigrationView, _ p: Problem, snapshot: DumpSnapshot) -> Diagnosis {
        let m = view.migration
        var evidence: [Evidence] = []
        if let i = p.migrationCondition {
            evidence.append(Evidence("Condition DirectVolumeMigrationFailed (Warn): \(m.conditions[i].message ?? "")", object: m.object, field: "status.conditions[\(i)]", at: m.conditions[i].lastTransitionTime))
        }
        for s in p.signals {
            evidence.append(Evidence(
                "DirectVolumeMigration \(s.dvm.name) (phase \(s.dvm.phase ?? "?")): \(s.condition.type) (\(s.condition.category ?? "?"), reason \(s.condition.reason ?? "?")): \(s.condition.message ?? "")",
                object: s.dvm.object, field: "status.conditions[\(s.index)]", at: s.condition.lastTransitionTime))
        }
        for dvm in p.dvms {
            for (i, e) in dvm.errors.enumerated() { evidence.append(Evidence("DirectVolumeMigration \(dvm.name) error: \(e)", object: dvm.object, field: "status.errors[\(i)]")) }
            if !dvm.pendingPods.isEmpty {
                evidence.append(Evidence("Pending rsync pods: \(dvm.pendingPods.map(\.display).joined(separator: ", "))", object: dvm.object, field: "status.pendingPods"))
            }
            if !dvm.failedPods.isEmpty {
                evidence.append(Evidence("Failed rsync pods: \(dvm.failedPods.map(\.display).joined(separator: ", "))", object: dvm.object, field: "status.failedPods"))
            }
        }
        let pending = p.signals.contains { ["RsyncClientPodsPending", "RsyncTransferPodsPending"].contains($0.condition.type) }
            || p.dvms.contains { !$0.pendingPods.isEmpty }
        let network = p.signals.contains { $0.condition.type == "SourceToDestinationNetworkError" }
        // Node selectors carried over to the target namespaces.
        let targets = uniqued(p.dvms.flatMap(\.targetNamespaces) + (p.dvms.isEmpty ? view.planNamespaces : []))
        var selectors: [(ns: Namespace, selector: String)] = []
        let clusters = [view.destinationCluster].compactMap { $0 } + snapshot.clusters.filter { $0.name != view.destinationCluster?.name }
        for ns in targets {
            if let found = clusters.lazy.compactMap({ $0.namespaceObjects.first { $0.name == ns && $0.nodeSelector != nil } }).first {
                selectors.append((found, found.nodeSelector ?? ""))
                evidence.append(Evidence("Namespace \(ns) carries openshift.io/node-selector=\"\(found.nodeSelector ?? "")\": rsync pods in it only run on nodes with that label", object: found.object, field: "metadata.annotations"))
            }
        }
        if let plan = view.plan, let i = plan.conditions.firstIndex(where: { $0.type == "NamespacesHaveNodeSelectors" && $0.isTrue }) {
            evidence.append(Evidence("Plan \(plan.name) warns NamespacesHaveNodeSelectors: \(plan.conditions[i].message ?? "")", object: plan.object, field: "status.conditions[\(i)]"))
        }

        // Impact: a final migration that "succeeded" although rsync did not copy the PVCs left them empty.
        let lost = m.succeeded && !m.stage && !m.migrateState && !m.rollback
        let claimed = uniqued(p.dvms.flatMap { $0.object.body[path: "spec.persistentVolumeClaims"].array.compactMap { c in
            c["name"].string.map { "\(c["namespace"].string ?? "?")/\($0)" } } })
        // The DVM names each rsync pod's PVC (`pvcRef`): those of pods that did not succeed are what did not arrive;
        // the PVCs of `successfulPods` did (mig-controller pkg/controller/migmigration/dvm.go getDVMPodProgress).
        let unfinished = uniqued(p.dvms.flatMap { $0.failedPods + $0.pendingPods + $0.runningPods }.compactMap { r in r.pvc.map { "\(r.namespace)/\($0)" } })
        let pvcs = unfinished.isEmpty ? claimed : unfinished
        let arrived = unfinished.isEmpty ? [] : uniqued(p.dvms.flatMap(\.successfulPods).compactMap { r in r.pvc.map { "\(r.namespace)/\($0)" } })
        return Diagnosis(
            view: view, problem: p, pending: pending, network: network, targets: targets, selectors: selectors, lost: lost,
            pvcs: pvcs, arrived: arrived, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        Finding(
            key: Self.key(cluster: d.view.hostCluster, migration: d.view.migration.name), severity: .error, title: Message.title(d),
            cluster: d.view.hostCluster, subject: ResourceRef(d.view.migration.object),
            related: d.problem.dvms.map { ResourceRef($0.object) } + d.selectors.map { ResourceRef($0.ns.object) },
            namespaces: d.view.planNamespaces + d.targets, explanation: Message.explanation(d), evidence: d.evidence,
            remediation: Message.remediation(d), references: Self.description.references)
    }
}
