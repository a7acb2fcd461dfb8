import MustardModel

/// A Velero Backup or Restore of a migration partially failed: some resources were not migrated.
///
/// From 1.4 mig-controller turns a `PartiallyFailed` Backup or Restore into a Warn condition
/// (`VeleroInitialBackupPartiallyFailed`, `VeleroStageBackupPartiallyFailed`, `VeleroStageRestorePartiallyFailed`,
/// `VeleroFinalRestorePartiallyFailed`) and the migration ends `SucceededWithWarnings`; 1.3 failed the migration
/// (`Failed` reason `FinalRestoreCreated`, an error naming the Restore). The errors themselves are only in Velero's
/// describe output and log, which MTC's gather copies under `migplans/` (`docs/mtc.md` §1.3, §2.2, §4 R4).
public struct VeleroPartialFailureRule: BuiltInRule {
    public static let id = "mtc/velero-partial-failure"

    static let conditionTypes: [(type: String, kind: String, role: String)] = [
        ("VeleroInitialBackupPartiallyFailed", "backup", "initial"),
        ("VeleroStageBackupPartiallyFailed", "backup", "stage"),
        ("VeleroStageRestorePartiallyFailed", "restore", "stage"),
        ("VeleroFinalRestorePartiallyFailed", "restore", "final"),
    ]

    public static let description = RuleDescription(
        id: id,
        name: "Velero backup or restore partially failed",
        category: "mtc",
        severity: .warning,
        summary: "A migration's Velero Backup or Restore ended PartiallyFailed: some resources were not migrated.",
        rationale: """
            MTC 1.4+ reports a PartiallyFailed Velero Backup or Restore only as a Warn condition, and the migration \
            ends "Completed with warnings", so objects can be missing on the destination while the migration looks \
            done. MTC 1.3 failed the migration instead. The errors are in the velero describe output and log that \
            the gather copies under migplans/. The common case is a GVK incompatibility: the destination does not \
            serve the API version of a custom resource, Velero gets "the server could not find the requested \
            resource", and the plan carries GVKsIncompatible. A restore that completed with warnings only is \
            normal (Velero warns about objects that already exist) and is not reported.
            """,
        references: [
            "https://github.com/migtools/mtc-breakfix/tree/master/03-Gvk",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/04-running-the-migration.md",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migmigration/restore.go",
        ],
        requirements: DataRequirements(
            resources: ["migmigrations", "migplans", "migclusters", "backups", "restores", "migrationcontrollers"],
            logs: [LogRequirement(migplanFilePrefixes: VeleroTextReport.filePrefixes, patterns: VeleroTextReport.patterns)]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-gvk-partial-restore", "Tests/Fixtures/mtc-1.3-gvk-failed",
            "Tests/Fixtures/mtc-1.7-restic-timeout", "Tests/Fixtures/mtc-1.7-restore-webhook-denied",
            "Tests/Fixtures/mtc-1.4.1-restic-host-path", "Tests/Fixtures/mtc-1.6-restic-host-path", "Tests/Fixtures/mtc-1.8-restic-host-path",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Tests/Fixtures/mtc-1.7-restore-warnings-only",
            "Tests/Fixtures/mtc-1.7-restic-verify-errors", "Tests/Fixtures/mtc-1.7-failed-pvc-not-bound",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    static func key(cluster: String, migration: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(migration)") }

    public init() {}

    /// One partially failed Velero object of a migration, with what the dump says about it.
    struct Partial {
        let kind: String  // backup | restore
        let role: String?
        let name: String?
        let condition: (type: String, index: Int)?
        let backup: VeleroBackup?
        let restore: VeleroRestore?
        let text: VeleroTextReport?
    }

    /// The partially failed Backups and Restores of a migration: Warn conditions (1.4+), errors naming a
    /// partially failed Restore (1.3), and Velero objects of the migration in phase PartiallyFailed.
    static func partials(_ view: MigrationView, context: RuleContext) -> [Partial] {
        let m = view.migration
        let velero = view.velero(in: context.snapshot)
        let lines = view.migplanLines(in: context.snapshot)
        var found: [Partial] = []
        var names = Set<String>()
        func add(kind: String, role: String?, name: String?, condition: (String, Int)?) {
            if let name, !names.insert(name).inserted { return }
            let backup = kind == "backup" ? velero.backups.first { $0.name == name } : nil
            let restore = kind == "restore" ? velero.restores.first { $0.name == name } : nil
            found.append(Partial(
                kind: kind, role: role ?? backup?.role ?? restore?.role, name: name, condition: condition.map { (type: $0.0, index: $0.1) },
                backup: backup, restore: restore, text: name.map { VeleroTextReport(lines: lines, object: $0) }))
        }
        for (type, kind, role) in conditionTypes {
            guard let i = m.conditionIndex(type) else { continue }
            add(kind: kind, role: role, name: m.conditions[i].message.flatMap(veleroObjectName), condition: (type, i))
        }
        for error in m.errors where error.contains("partially failed") {
            let kind = error.lowercased().contains("backup") ? "backup" : "restore"
            add(kind: kind, role: nil, name: veleroObjectName(in: error), condition: nil)
        }
        for b in velero.backups where b.phase == "PartiallyFailed" { add(kind: "backup", role: b.role, name: b.name, condition: nil) }
        for r in velero.restores where r.phase == "PartiallyFailed" { add(kind: "restore", role: r.role, name: r.name, condition: nil) }
        return found
    }

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        guard !context.migrations.isEmpty else { return .skipped(context.noMigrationsReason) }
        var latestPerPlan: [String: (MigrationView, [Partial])] = [:]
        for view in context.migrations {
            let parts = context.veleroPartials(view)
            guard !parts.isEmpty else { continue }
            // History: a later run of the plan that succeeded without warnings means the objects made it.
            if view.laterSiblings.contains(where: { $0.conditions.active("Succeeded") != nil && !$0.isCanceled && !$0.isFailed }) { continue }
            latestPerPlan[view.migration.planName ?? view.migration.name] = (view, parts)
        }
        if latestPerPlan.isEmpty {
            return .passed("\(context.migrations.count) migration(s) checked: no Velero Backup or Restore partially failed in a current run")
        }
        return .findings(latestPerPlan.sorted { $0.key < $1.key }.map { finding(Self.diagnose($0.value.0, $0.value.1, context: context)) })
    }

    /// A migration's partially failed Velero objects, what the dump says caused them, and the facts that show it.
    struct Diagnosis {
        let view: MigrationView
        let parts: [Partial]
        /// MTC 1.3 failed the migration instead of warning.
        let hardFailure: Bool
        /// The plan's true GVKsIncompatible condition, with its index.
        let planIncompatible: (plan: MigPlan, index: Int)?
        /// Resources (`resource/namespace/name`) Velero's text reports as failed.
        let resources: [String]
        /// The plan's incompatible GVKs: `kind` holds the plural resource name (`gvk.go` FromGVR).
        let planGVKs: [(namespace: String, resource: String, version: String)]
        /// Velero timed out waiting for Restic in this migration's logs.
        let timedOut: Bool
        /// A pod volume copy of the migration failed.
        let resticFailed: Bool
        /// The destination does not serve the API version of some objects.
        let gvk: Bool
        /// A final migration "succeeded" while its final Restore could not create objects.
        let missingAfterFinal: Bool
        let evidence: [Evidence]
    }

    static func diagnose(_ view: MigrationView, _ parts: [Partial], context: RuleContext) -> Diagnosis {
        let m = view.migration
        let hardFailure = m.isFailed
        let planIncompatible = view.plan.flatMap { plan in plan.conditions.firstIndex { $0.type == "GVKsIncompatible" && $0.isTrue }.map { (plan: plan, index: $0) } }
        let resources = uniqued(parts.flatMap { $0.text?.failedResources ?? [] })
        // The plan's incompatible GVKs: `kind` holds the plural resource name (`gvk.go` FromGVR).
        let planGVKs: [(namespace: String, resource: String, version: String)] = (view.plan?.object.body[path: "status.incompatibleNamespaces"].array ?? []).flatMap { ns in
            ns["gvks"].array.map { g in
                (ns["name"].string ?? "?", [g["kind"].string ?? "?", g["group"].string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "."), g["version"].string ?? "?")
            }
        }
        let timedOut = view.migplanLines(in: context.snapshot).contains { $0.text.containsBytes(ResticProblemsRule.timeoutPattern) }
        // A failed pod volume copy partially fails its Backup or Restore: the restic finding holds the cause.
        let velero = view.velero(in: context.snapshot)
        let resticFailed = (velero.podVolumeBackups + velero.podVolumeRestores).contains { $0.phase == "Failed" }
        let gvk = parts.contains { $0.text?.mentionsMissingResource == true } || planIncompatible != nil

        var evidence: [Evidence] = []
        for part in parts {
            let label = "\(part.role.map { "\($0.capitalizedFirst) " } ?? "")\(part.kind == "backup" ? "Backup" : "Restore") \(part.name ?? "?")"
            if let c = part.condition {
                evidence.append(Evidence("Condition \(c.type) (Warn): \(m.conditions[c.index].message ?? "")", object: m.object, field: "status.conditions[\(c.index)]", at: m.conditions[c.index].lastTransitionTime))
            }
            if let name = part.name, let i = m.errors.firstIndex(where: { $0.contains(name) }) {
                evidence.append(Evidence("Migration error: \(m.errors[i])", object: m.object, field: "status.errors[\(i)]"))
            }
            if let r = part.restore {
                evidence.append(Evidence("\(label) is \(r.phase ?? "?") with \(r.errors) error(s) and \(r.warnings) warning(s)", object: r.object, field: "status"))
            } else if let b = part.backup {
                evidence.append(Evidence("\(label) is \(b.phase ?? "?") with \(b.errors) error(s) and \(b.warnings) warning(s)", object: b.object, field: "status"))
            }
            for item in (part.text?.errors ?? []).prefix(5) {
                evidence.append(Evidence("Velero \(part.kind) error (\(item.line.pod)): \(item.text)", log: item.line))
            }
        }
        if let i = m.conditionIndex("SucceededWithWarnings") {
            evidence.append(Evidence("Migration ended SucceededWithWarnings: \(m.conditions[i].message ?? "")", object: m.object, field: "status.conditions[\(i)]"))
        }
        if let (plan, i) = planIncompatible {
            let gvks = plan.object.body[path: "status.incompatibleNamespaces"].array.flatMap { ns in
                ns["gvks"].array.map { "\(ns["name"].string ?? "?"): \($0["kind"].string ?? "?").\($0["group"].string ?? "")/\($0["version"].string ?? "")" }
            }
            evidence.append(Evidence(
                "Plan \(plan.name) has GVKsIncompatible: \(plan.conditions[i].message ?? "")\(gvks.isEmpty ? "" : " (\(gvks.joined(separator: ", ")))")",
                object: plan.object, field: "status.conditions[\(i)]"))
        }

        // Impact: a final migration that "succeeded" while its final Restore could not create objects left them out of
        // the destination: not a warning to read later, a reason not to cut over.
        let missingAfterFinal = !gvk && !hardFailure && m.succeeded && !m.stage && !resources.isEmpty
            && parts.contains { $0.kind == "restore" && $0.role == "final" }
        return Diagnosis(
            view: view, parts: parts, hardFailure: hardFailure, planIncompatible: planIncompatible, resources: resources, planGVKs: planGVKs,
            timedOut: timedOut, resticFailed: resticFailed, gvk: gvk, missingAfterFinal: missingAfterFinal, evidence: evidence)
    }

    private func finding(_ d: Diagnosis) -> Finding {
        let view = d.view, m = view.migration
        var related = d.parts.compactMap { $0.restore.map { ResourceRef($0.object) } ?? $0.backup.map { ResourceRef($0.object) } }
        if let plan = view.plan { related.append(ResourceRef(plan.object)) }
        return Finding(
            key: Self.key(cluster: view.hostCluster, migration: m.name),
            severity: d.hardFailure || d.missingAfterFinal ? .error : .warning, title: Message.title(d), cluster: view.hostCluster,
            subject: ResourceRef(m.object), related: Array(Set(related)).sorted { $0.display < $1.display },
            namespaces: view.planNamespaces, explanation: Message.explanation(d), evidence: d.evidence,
            causes: (d.timedOut || d.resticFailed ? [.ifReported(ResticProblemsRule.key(cluster: view.hostCluster, migration: m.name))] : [])
                // The plan's own GVKsIncompatible warning (mtc/migplan-warnings), when that rule reports it.
                + (d.planIncompatible.map { [.ifReported(MigPlanWarningsRule.key(cluster: $0.plan.object.cluster, plan: $0.plan.name, condition: "GVKsIncompatible"))] } ?? []),
            remediation: Message.remediation(d),
            references: Self.description.references)
    }
}
