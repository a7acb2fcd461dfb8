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
            findings.append(finding(view, p, context: context))
        }
        if findings.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked, \(withDVM) with a DirectVolumeMigration: no rsync pod, creation, network or DVM failure (image pull back-off is left to the transfer image rule)")
        }
        return .findings(findings)
    }

    private func finding(_ view: MigrationView, _ p: Problem, context: RuleContext) -> Finding {
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
        let clusters = [view.destinationCluster].compactMap { $0 } + context.snapshot.clusters.filter { $0.name != view.destinationCluster?.name }
        for ns in targets {
            if let found = clusters.lazy.compactMap({ $0.namespaceObjects.first { $0.name == ns && $0.nodeSelector != nil } }).first {
                selectors.append((found, found.nodeSelector ?? ""))
                evidence.append(Evidence("Namespace \(ns) carries openshift.io/node-selector=\"\(found.nodeSelector ?? "")\": rsync pods in it only run on nodes with that label", object: found.object, field: "metadata.annotations"))
            }
        }
        if let plan = view.plan, let i = plan.conditions.firstIndex(where: { $0.type == "NamespacesHaveNodeSelectors" && $0.isTrue }) {
            evidence.append(Evidence("Plan \(plan.name) warns NamespacesHaveNodeSelectors: \(plan.conditions[i].message ?? "")", object: plan.object, field: "status.conditions[\(i)]"))
        }

        let destination = view.destinationName
        var steps: [RemediationStep] = []
        if !m.isFinished, !m.isCanceled {
            steps.append(MTCCommands.cancel(m).titled("Cancel migration \(m.name): it waits for the rsync pods and will not recover by itself", on: view.hostCluster))
        }
        if pending {
            for s in selectors {
                steps.append(RemediationStep(
                    title: "Let pods in \(s.ns.name) run on the destination cluster \(destination ?? "?"): set its project node selector (now \"\(s.selector)\", carried over from the source) to one the destination nodes match, or empty",
                    cluster: destination,
                    command: "oc annotate namespace \(shellQuote(s.ns.name)) openshift.io/node-selector='' --overwrite",
                    verify: "oc get namespace \(shellQuote(s.ns.name)) -o jsonpath='{.metadata.annotations.openshift\\.io/node-selector}{\"\\n\"}'\noc get nodes -l \(shellQuote(s.selector.isEmpty ? "node-role.kubernetes.io/worker" : s.selector))"))
            }
            let pods = p.dvms.flatMap(\.pendingPods)
            if selectors.isEmpty || !pods.isEmpty {
                steps.append(RemediationStep(
                    title: "See why the rsync pods stay Pending on the destination cluster \(destination ?? "?") (scheduling events, quotas, node selectors)",
                    cluster: destination,
                    command: pods.isEmpty
                        ? targets.map { "oc -n \(shellQuote($0)) get events --field-selector reason=FailedScheduling" }.joined(separator: "\n")
                        : pods.map { "oc -n \(shellQuote($0.namespace)) describe pod \(shellQuote($0.name))" }.joined(separator: "\n"),
                    verify: nil))
            }
        }
        if network {
            steps.append(RemediationStep(
                title: "Check the rsync route on the destination cluster \(destination ?? "?") and that the source cluster \(view.sourceName ?? "?") can reach it (egress firewall, proxy, router)",
                cluster: destination,
                command: targets.map { "oc -n \(shellQuote($0)) get routes,services,pods -o wide" }.joined(separator: "\n"), verify: nil))
        }
        for dvm in p.dvms {
            steps.append(RemediationStep(
                title: "Read the DirectVolumeMigration \(dvm.name) status in full (conditions, errors, pod lists)", cluster: view.hostCluster,
                command: "oc \(MTCCommands.ns) get directvolumemigration \(shellQuote(dvm.name)) -o yaml", verify: nil))
        }
        if let plan = m.planName {
            steps.append(MTCCommands.retry(plan: plan, like: m).titled("Once fixed, start a new \(m.runKind) migration of plan \(plan)", on: view.hostCluster))
        }

        let what = network ? "the source cannot reach the destination's rsync route"
            : pending ? "its rsync pods stay Pending\(selectors.isEmpty ? "" : " (project node selector \(selectors.map { "\($0.ns.name): \"\($0.selector)\"" }.joined(separator: ", ")) carried over)")"
            : p.signals.contains { $0.condition.type == "FailedCreatingRsyncPods" } ? "its rsync pods could not be created"
            : "the DirectVolumeMigration failed"
        var title = "Direct volume migration of \(m.name)\(m.planName.map { " (plan \($0))" } ?? ""): \(what)"
        // Impact: a final migration that "succeeded" although rsync did not copy the PVCs left them empty.
        let lost = m.succeeded && !m.stage && !m.migrateState && !m.rollback
        let claimed = uniqued(p.dvms.flatMap { $0.object.body[path: "spec.persistentVolumeClaims"].array.compactMap { c in
            c["name"].string.map { "\(c["namespace"].string ?? "?")/\($0)" } } })
        // The DVM names each rsync pod's PVC (`pvcRef`): those of pods that did not succeed are what did not arrive;
        // the PVCs of `successfulPods` did (mig-controller pkg/controller/migmigration/dvm.go getDVMPodProgress).
        let unfinished = uniqued(p.dvms.flatMap { $0.failedPods + $0.pendingPods + $0.runningPods }.compactMap { r in r.pvc.map { "\(r.namespace)/\($0)" } })
        let pvcs = unfinished.isEmpty ? claimed : unfinished
        let arrived = unfinished.isEmpty ? [] : uniqued(p.dvms.flatMap(\.successfulPods).compactMap { r in r.pvc.map { "\(r.namespace)/\($0)" } })
        if lost {
            title = "Migration \(m.name)\(m.planName.map { " of plan \($0)" } ?? "") ended \(m.conditions.active("SucceededWithWarnings") != nil ? "SucceededWithWarnings" : "Succeeded") but rsync did not copy \(pvcs.isEmpty ? "its PVCs" : "PVC(s) \(pvcs.joined(separator: ", "))") to \(view.destinationName ?? "the destination"): \(what)"
        }
        var explanation = "MTC copies the plan's PVCs with rsync pods on the destination cluster, fed from the source through a route. "
        if pending {
            explanation += "Pending rsync pods never start, so the DirectVolumeMigration waits and the migration ends with DirectVolumeMigrationFailed. "
            if !selectors.isEmpty {
                explanation += "Migrated namespaces keep the source's openshift.io/node-selector annotation; when no destination node carries that label, every pod in the namespace, rsync pods included, stays Pending. Set the annotation on the target namespaces to a selector the destination nodes match (or empty), then migrate again. "
            }
        }
        if network { explanation += "SourceToDestinationNetworkError: rsync on the source could not connect to the destination route (no route to host or timeout). " }
        if lost {
            explanation += "The migration reports success, but the volume data of \(pvcs.isEmpty ? "its PVCs" : pvcs.joined(separator: ", ")) was not copied to the destination cluster \(view.destinationName ?? "?")\(arrived.isEmpty ? "" : " (\(arrived.joined(separator: ", ")) arrived)"). Do not cut over to the destination, and do not scale the source application down or delete its data, until the volumes are copied again and checked. "
        }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name), severity: .error, title: title,
            cluster: view.hostCluster, subject: ResourceRef(m.object),
            related: p.dvms.map { ResourceRef($0.object) } + selectors.map { ResourceRef($0.ns.object) },
            namespaces: view.planNamespaces + targets, explanation: explanation, evidence: evidence, remediation: steps,
            references: Self.description.references)
    }
}
