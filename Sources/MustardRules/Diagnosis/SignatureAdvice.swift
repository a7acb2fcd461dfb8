import MustardModel
import MustardSignatures

/// Turns the messages a finding quotes into causes and specific fixes, through the signature catalog
/// (`Sources/MustardSignatures/signatures.yaml`, docs/signatures.md).
///
/// Every rule's findings pass through here (`RuleEngine.run`): the evidence statements are the messages the rule
/// quotes — conditions, Velero status, events, container statuses, log lines — each with the file and field it came
/// from, which says its origin. A finding whose quotes match a signature gets the cause in its explanation and the
/// signature's fix, filled with names from the dump, before its own steps; a rule that already chose signature steps
/// itself (`SignatureAdvice.marker` in its explanation) is left alone.
enum SignatureAdvice {
    /// The catalog rules consult.
    static var catalog: SignatureCatalog { SignatureCatalog.builtIn }

    /// Written into an explanation that names a signature: `(signature \`id\`)`.
    static func marker(_ id: String) -> String { "(signature `\(id)`)" }

    /// A signature found in a finding's evidence, with the evidence that matched and the values it captured.
    struct Hit {
        let signature: Signature
        let captures: [String: String]
        let evidence: Evidence
    }

    /// Where a piece of evidence was quoted from, from the field and file it names.
    static func origin(of e: Evidence) -> MessageOrigin? {
        let field = e.field ?? ""
        func has(_ text: String, _ needle: String) -> Bool { text.containsLikeFoundation(needle) }
        if e.statement.hasPrefix("Event ") || has(e.statement, "abnormal event") || e.path.hasSuffix("events.yaml") { return .event }
        if e.line != nil { return .log }
        if has(field, "containerStatuses") || has(field, "state.waiting") || has(field, "lastState") { return .status }
        if has(field, "conditions") || has(field, "status.errors") || has(field, "progress") { return .condition }
        if has(e.path, "velero.io") { return .veleroStatus }
        return nil
    }

    /// Rules whose own detection already names the cause of some messages: signatures with these id prefixes would
    /// only repeat it less precisely (a wrong STAGE_IMAGE on quay.io answers "unauthorized", not a missing pull secret).
    static let settled: [String: [String]] = [
        StagePodImageMisconfiguredRule.id: ["image-"],
        TransferImageMisconfiguredRule.id: ["image-"],
    ]

    /// Rules whose own steps for some signatures are more precise than the catalog's: the cause is named, their steps
    /// stay (the restic rule raises restic_timeout from its current value on the cluster that ran the copy).
    static let ownSteps: [String: [String]] = [
        ResticProblemsRule.id: ["restic-timeout"],
    ]

    /// The signatures the evidence matches, each once (its first evidence), in catalog order. The gather's own
    /// login error (`login_error.txt`) speaks only about the MigCluster whose token the gather used.
    /// `cache`: the run's, so a statement several findings quote (rule files copied with other thresholds, each
    /// quoting the same condition of the same pod) is searched once.
    static func hits(in evidence: [Evidence], subject: String? = nil, rule: String = "", cache: DetectionCache? = nil) -> [Hit] {
        var found: [String: Hit] = [:]
        let skipped = settled[rule] ?? []
        for e in evidence where subject == "MigCluster" || !e.path.hasSuffix("login_error.txt") {
            guard catalog.mayMatch(e.statement) else { continue }
            let origin = origin(of: e)
            let search = { catalog.matches(e.statement, origin: origin, subject: subject) }
            let matches = cache.map { $0.value("signatures", "\(origin?.rawValue ?? "-")\u{0}\(subject ?? "-")\u{0}\(e.statement)", search) } ?? search()
            for m in matches
            where found[m.signature.id] == nil && !skipped.contains(where: { m.signature.id.hasPrefix($0) }) {
                found[m.signature.id] = Hit(signature: m.signature, captures: m.captures, evidence: e)
            }
        }
        return catalog.signatures.compactMap { found[$0.id] }
    }

    /// Values the templates may use, from the finding's subject and related objects and the snapshot.
    static func bindings(for finding: Finding, context: RuleContext) -> [String: String] {
        var values: [String: String] = [:]
        let snapshot = context.snapshot
        values["cluster"] = finding.cluster
        values["host"] = snapshot.clusters.first { !$0.migMigrations.isEmpty || !$0.migClusters.isEmpty }?.name ?? finding.cluster
        let subject = finding.subject
        if let ns = subject.namespace { values["namespace"] = ns }
        switch subject.kind {
        case "Pod": values["pod"] = subject.name
        case "MigStorage": values["migstorage"] = subject.name
        case "MigCluster": values["migcluster"] = subject.name
        case "MigPlan": values["plan"] = subject.name
        case "MigMigration": values["migration"] = subject.name
        default: break
        }
        for r in finding.related {
            switch r.kind {
            case "MigPlan": values["plan"] = values["plan"] ?? r.name
            case "MigStorage": values["migstorage"] = values["migstorage"] ?? r.name
            case "Pod": values["pod"] = values["pod"] ?? r.name; if values["namespace"] == nil || values["namespace"] == MTC.namespace { values["namespace"] = r.namespace }
            default: break
            }
        }
        let storages = snapshot.clusters.flatMap(\.migStorages)
        let clusters = snapshot.clusters.flatMap(\.migClusters)
        // A migration or plan names its storage and clusters through the plan.
        if values["plan"] == nil, subject.kind == "MigMigration", let view = context.migrations.first(where: { $0.migration.name == subject.name }) {
            values["plan"] = view.migration.planName
            if let ns = view.plan?.sourceNamespaces.first, values["namespace"] == nil || values["namespace"] == MTC.namespace { values["namespace"] = ns }
        }
        if let planName = values["plan"], let plan = snapshot.clusters.flatMap(\.migPlans).first(where: { $0.name == planName }) {
            if values["migstorage"] == nil { values["migstorage"] = plan.storage?.name }
            if values["migcluster"] == nil {
                // The remote side: the plan's cluster that is not the host.
                let remote = [plan.sourceCluster, plan.destinationCluster].compactMap { $0 }
                    .first { ref in clusters.first { $0.name == ref.name }?.isHostCluster == false }
                values["migcluster"] = remote?.name
            }
        }
        if let name = values["migstorage"], let storage = storages.first(where: { $0.name == name }), let ref = storage.backupCredsSecretRef, subject.kind != "MigCluster" {
            values["secret_namespace"] = ref.namespace
            values["secret_name"] = ref.name
        }
        if let name = values["migcluster"], let cluster = clusters.first(where: { $0.name == name }) {
            values["remote"] = snapshot.cluster(named: name)?.name ?? name
            if values["secret_name"] == nil || subject.kind == "MigCluster", let ref = cluster.serviceAccountSecretRef {
                values["secret_namespace"] = ref.namespace
                values["secret_name"] = ref.name
            }
        }
        return values
    }

    /// A template filled: `{{name}}` becomes the value shell-quoted in commands, plain in prose; a missing value stays
    /// a placeholder (`'<name>'` in commands).
    static func fill(_ template: String, _ values: [String: String], shell: Bool) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                rest = after
                out += "{{"
                continue
            }
            let name = String(after[..<close.lowerBound])
            if let value = values[name], !value.isEmpty {
                out += shell ? shellQuote(value) : value
            } else {
                out += shell ? "'<\(name)>'" : "<\(name)>"
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// The object a piece of evidence was read from (`items[n]` of its file), looked up only for evidence that matched.
    static func object(of e: Evidence, in snapshot: DumpSnapshot) -> KubeObject? {
        guard e.line == nil else { return nil }
        var index: Int?
        if let field = e.field, field.hasPrefix("items["), let close = field.firstIndex(of: "]") {
            index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close])
        }
        for cluster in snapshot.clusters {
            for bucket in cluster.objectsByKind.values {
                // The list index first: a cheap test that rules out nearly every object before the long paths are compared.
                if let o = bucket.first(where: { $0.source.listIndex == index && $0.source.path == e.path }) { return o }
            }
        }
        return nil
    }

    /// Values that hold for one hit: the pod and namespace it is about, and the cluster where the message was written
    /// (a pod's, an event's, a Velero object's or a log's cluster) — where the work ran and the fix runs. Conditions of
    /// MTC's own resources keep the finding's cluster (the host).
    static func hitValues(_ hit: Hit, context: RuleContext, view: MigrationView?) -> [String: String] {
        var values: [String: String] = [:]
        let e = hit.evidence
        // Velero names what it could not restore or back up: `error restoring <resource>/<namespace>/<name>: …`
        // (vmware-tanzu/velero pkg/restore/restore.go, pkg/backup/backup.go).
        for marker in ["error restoring ", "error backing up "] {
            guard let at = e.statement.range(of: marker) else { continue }
            let id = e.statement[at.upperBound...].prefix { $0 != ":" && $0 != " " }.split(separator: "/")
            if id.count == 3 {
                values["resource"] = String(id[0])
                values["namespace"] = String(id[1])
                values["name"] = String(id[2])
            }
            break
        }
        if let o = object(of: e, in: context.snapshot) {
            switch o.kind {
            case "Pod":
                values["pod"] = o.metadata.name
                values["namespace"] = o.metadata.namespace
                values["cluster"] = o.cluster
            case "Event":
                if let event = Event(o), event.involvedKind == "Pod" {
                    values["pod"] = event.involvedName
                    values["namespace"] = event.involvedNamespace ?? o.metadata.namespace
                }
                values["cluster"] = o.cluster
            default:
                if o.group == Velero.group { values["cluster"] = o.cluster }
            }
        } else if e.line != nil {
            // The controller quotes the pod it waits on: `… for stage pod <ns>/<name>: …`.
            if let at = e.statement.range(of: " pod ") {
                let id = e.statement[at.upperBound...].prefix { $0 != " " }.split(separator: "/")
                if id.count == 2, id[1].hasSuffix(":") {
                    values["namespace"] = String(id[0])
                    values["pod"] = String(id[1].dropLast())
                }
            }
            if let view, e.statement.hasPrefix("Controller: "), e.statement.contains("stage pod") {
                // Stage pods run on the source (on the destination in the phases that start destination stage pods).
                let destination = MigrationPhaseInfo.destinationStagePhases.contains(view.migration.phase)
                values["cluster"] = destination ? view.destinationName : view.sourceName
            } else if let range = e.path.range(of: "/clusters/") {
                values["cluster"] = String(e.path[range.upperBound...].prefix { $0 != "/" })
            } else if let view, e.path.contains("/migmigration-") {
                // migplans/ text files: a Backup ran on the source, a Restore on the destination.
                let name = e.path.split(separator: "/").last.map(String.init) ?? ""
                values["cluster"] = name.hasPrefix("backup") || name.hasPrefix("pvb") ? view.sourceName : view.destinationName
            }
        }
        // An `oc adm inspect` folder is named after the gather, not the cluster: a migration's pods there run on its
        // source, or on its destination in the phases that start destination stage pods.
        if let cluster = values["cluster"], cluster.hasPrefix("inspect.local."), let view {
            let destination = MigrationPhaseInfo.destinationStagePhases.contains(view.migration.phase)
            values["cluster"] = (destination ? view.destinationName : view.sourceName) ?? cluster
        }
        return values.compactMapValues { $0 }
    }

    /// The remediation steps of a hit, filled.
    static func steps(_ hit: Hit, _ values: [String: String]) -> [RemediationStep] {
        let all = values.merging(hit.captures) { _, captured in captured }
        return hit.signature.fix.map { step in
            let cluster = fill(step.cluster, all, shell: false)
            return RemediationStep(
                title: fill(step.title, all, shell: false), cluster: cluster.hasPrefix("<") ? nil : cluster,
                command: fill(step.command, all, shell: true), verify: step.verify.isEmpty ? nil : fill(step.verify, all, shell: true),
                expect: step.expect.isEmpty ? nil : step.expect)
        }
    }

    /// The sentences an explanation gains from the hits.
    static func explanation(_ hits: [Hit], _ values: [String: String]) -> String {
        hits.map { hit in
            let all = values.merging(hit.captures) { _, captured in captured }
            let source = hit.signature.sources.map { "\($0.repo) \($0.file)" }.joined(separator: "; ")
            var text = "Cause from the message \(marker(hit.signature.id)): \(fill(hit.signature.title, all, shell: false)). \(fill(hit.signature.cause, all, shell: false))"
            if !text.hasSuffix(".") && !text.hasSuffix(".)") { text += "." }
            text += " (Text as in \(source).)"
            if !hit.signature.decide.isEmpty { text += " What would decide: \(hit.signature.decide)" }
            return text
        }.joined(separator: " ")
    }

    /// The finding with its causes named and the signatures' fixes first; unchanged when nothing matches or the rule
    /// already applied a signature itself.
    static func annotate(_ finding: Finding, context: RuleContext) -> Finding {
        // The dump's own findings are about the gather; a finding with a confirmed cause leaves the advice to it.
        guard !finding.explanation.containsLikeFoundation("(signature `"), !finding.rule.hasPrefix("dump/"), finding.confirmedCauses.isEmpty else { return finding }
        let hits = hits(in: finding.evidence, subject: finding.subject.kind, rule: finding.rule, cache: context.detections).prefix(6)
        guard !hits.isEmpty else { return finding }
        let values = bindings(for: finding, context: context)
        let view = finding.subject.kind == "MigMigration" ? context.migrations.first { $0.migration.name == finding.subject.name } : nil
        var steps: [RemediationStep] = []
        var sentences: [String] = []
        for hit in hits {
            let own = values.merging(hitValues(hit, context: context, view: view)) { _, specific in specific }
            let keepOwn = (ownSteps[finding.rule] ?? []).contains { hit.signature.id.hasPrefix($0) }
            for step in keepOwn ? [] : self.steps(hit, own) where !steps.contains(step) { steps.append(step) }
            sentences.append(explanation([hit], own))
        }
        for step in finding.remediation where !steps.contains(step) { steps.append(step) }
        return finding.with(explanation: finding.explanation + " " + sentences.joined(separator: " "), remediation: steps)
    }
}
