import MustardModel

/// The most likely reason a migration does not move, from the evidence the dump holds: the first of an ordered list of
/// probes, strongest evidence first, that finds one. Links to a wrong transfer image are added in any case, for the
/// phases such an image holds up (the transfer image rule reports it when it sees it).
struct LikelyCause {
    var summary = "no cause found in the dump"
    var evidence: [Evidence] = []
    var causedBy: [CauseLink] = []
    var found = false
    /// The cause is a Velero/Restic copy still in progress: worth a look, not proof of a fault.
    var dataStillMoving = false
    /// Steps specific to the cause, placed before (or instead of) the generic cancel-and-retry.
    var remediation: [RemediationStep] = []
    var replacesRemediation = false
    var note: String?

    /// What a probe looks at.
    struct Probe: Sendable {
        let name: String
        let find: @Sendable (MigrationView, RuleContext) -> LikelyCause?
    }

    /// The probes in the order they are tried. Each answers only when its evidence is in the dump.
    static let probes: [Probe] = [
        Probe(name: "destination stage image", find: destinationStageImage),
        Probe(name: "direct volume migration", find: directVolumeMigration),
        Probe(name: "stage pod image pulls", find: stagePodPulls),
        Probe(name: "stage pod scheduling and volumes", find: stagePodStart),
        Probe(name: "controller log: abnormal events", find: controllerLogEvents),
        Probe(name: "stage pod progress lines", find: stagePodProgress),
        Probe(name: "suspect STAGE_IMAGE", find: suspectStageImage),
        Probe(name: "Velero or restic restarted during the wait", find: componentRestarts),
        Probe(name: "Velero progress", find: veleroProgress),
        Probe(name: "critical conditions", find: criticalConditions),
    ]

    init(summary: String = "no cause found in the dump") { self.summary = summary }

    init(_ view: MigrationView, context: RuleContext) {
        self = Self.probes.lazy.compactMap { $0.find(view, context) }.first ?? Self.nothingFound(view)
        causedBy = Array(Set(causedBy + Self.transferImageLinks(view))).sorted { $0.key.id < $1.key.id }
    }

    /// A wrong transfer image holds up the registry and rsync phases; the other rule names the cluster.
    static func transferImageLinks(_ view: MigrationView) -> [CauseLink] {
        let m = view.migration
        var links: [CauseLink] = []
        let clusters = [view.sourceCluster?.name ?? view.sourceMigCluster, view.destinationCluster?.name ?? view.destinationMigCluster].compactMap { $0 }
        if ["CreateRegistries", "WaitForRegistriesReady"].contains(m.phase) || m.conditions.active("RegistriesUnhealthy") != nil {
            links += clusters.map { .ifReported(TransferImageMisconfiguredRule.key(cluster: $0, key: "REGISTRY_IMAGE")) }
        }
        if m.phase.contains("DirectVolumeMigration") {
            links += clusters.map { .ifReported(TransferImageMisconfiguredRule.key(cluster: $0, key: "RSYNC_TRANSFER_IMAGE")) }
        }
        return links
    }

    // MARK: - Probes

    static func destinationStageImage(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        guard MigrationPhaseInfo.destinationStagePhases.contains(view.migration.phase),
              let destination = DestinationStageImage(view, snapshot: context.snapshot) else { return nil }
        var cause = LikelyCause(summary: destination.summary)
        cause.found = true
        cause.evidence = destination.evidence
        cause.remediation = destination.remediation
        cause.replacesRemediation = true
        cause.note = destination.note
        return cause
    }

    /// Rsync failing (the DVM rule's own detection), or rsync pods that cannot pull RSYNC_TRANSFER_IMAGE.
    static func directVolumeMigration(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let m = view.migration
        guard m.phase.hasPrefix("WaitForDirectVolumeMigration") else { return nil }
        let snapshot = context.snapshot
        if context.rsyncProblem(view) != nil {
            var cause = LikelyCause(summary: "its direct volume migration (rsync) is failing")
            cause.found = true
            cause.causedBy = [.confirmed(DirectVolumeMigrationFailedRule.key(cluster: view.hostCluster, migration: m.name))]
            return cause
        }
        var cause = LikelyCause()
        for dvm in view.directVolumeMigrations(in: snapshot) {
            for (i, c) in dvm.conditions.enumerated() where c.isTrue && (c.message.map(StagePodPullFailures.isPullFailureText) ?? false) {
                cause.found = true
                cause.summary = "its rsync transfer pods cannot pull \(c.message.flatMap(quotedImage).map { "image \($0)" } ?? "their image") (RSYNC_TRANSFER_IMAGE)"
                cause.evidence.append(Evidence("DirectVolumeMigration \(dvm.name): \(c.type): \(c.message ?? "")", object: dvm.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime))
            }
        }
        for pull in DirectVolumeMigrationFailedRule.rsyncPullFailures(view.directVolumeMigrations(in: snapshot), snapshot: snapshot) {
            if !cause.found { cause.summary = "its rsync transfer pods cannot pull \(pull.image.map { "image \($0)" } ?? "their image") (RSYNC_TRANSFER_IMAGE)" }
            cause.found = true
            cause.evidence.append(pull.evidence)
        }
        guard cause.found else { return nil }
        for (i, step) in m.pipeline.enumerated() where step.name == "DirectVolume" {
            for (j, text) in step.progress.enumerated() {
                cause.evidence.append(Evidence("Pipeline step \(step.name) reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]"))
            }
        }
        return cause
    }

    /// Stage pods that cannot pull their image (the stage image rule's own detection names the cluster).
    static func stagePodPulls(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let pulls = StagePodPullFailures(view)
        guard !pulls.isEmpty else { return nil }
        var cause = LikelyCause(summary: "stage pods cannot pull \(pulls.images.first.map { "image \($0)" } ?? "their image")")
        cause.found = true
        cause.evidence = StagePodImageMisconfiguredRule.sample(pulls.sightings.map(\.evidence), perPath: 2)
        if let affected = context.stageImageProblem(view) {
            cause.causedBy = [.confirmed(StagePodImageMisconfiguredRule.key(cluster: affected.configCluster))]
        }
        return cause
    }

    /// The first stage pod that cannot be scheduled or cannot mount its volume.
    static func stagePodStart(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        for record in view.stagePods {
            let pod = record.pod
            let ref = "\(pod.namespace)/\(pod.name)"
            if let unschedulable = pod.unschedulable {
                var cause = LikelyCause(summary: "stage pod \(ref) cannot be scheduled")
                cause.found = true
                cause.evidence.append(Evidence(
                    "Stage pod \(ref) is Pending: PodScheduled False, Unschedulable: \(unschedulable.message ?? "")",
                    object: pod.object, field: "status.conditions"))
                for event in record.events where event.reason == "FailedScheduling" {
                    cause.evidence.append(Evidence("Event \(event.type) FailedScheduling on \(ref): \(event.message)", object: event.object, at: event.lastTimestamp))
                }
                return cause
            }
            let volumeEvents = record.events.filter { ["FailedMount", "FailedAttachVolume"].contains($0.reason) }
            if !volumeEvents.isEmpty {
                var cause = LikelyCause(summary: "stage pod \(ref) cannot mount its volume")
                cause.found = true
                cause.evidence = volumeEvents.map { Evidence("Event \($0.type) \($0.reason) on \(ref): \($0.message)", object: $0.object, at: $0.lastTimestamp) }
                return cause
            }
        }
        return nil
    }

    /// mig-controller's own log when the pods it waits on were not gathered: `Found abnormal event for Stage Pod` (and
    /// for the Restic, Velero and registry pods and hook jobs it also waits on) with the event's `eventReason` and
    /// `eventMessage` (mig-controller `pkg/event/event.go` `LogAbnormalEventsForResource`, `pkg/controller/migmigration/
    /// stage.go`, `pod.go`, `hooks.go`, `validation.go`), or `Pending Stage Pod container is waiting with message.`
    /// Only lines of this migration (its name in `migMigration`) count; any reason, the latest line of each.
    static func controllerLogEvents(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let name = view.migration.name
        var latest: [String: LogLine] = [:]
        var order: [String] = []
        for line in view.logLines where line.fields["migMigration"].map({ $0 == name }) ?? false {
            let msg = line.fields["msg"] ?? ""
            let key: String
            if msg.hasPrefix("Found abnormal event for"), let reason = line.fields["eventReason"] {
                key = "\(msg)|\(line.fields["Pod"] ?? line.fields["Job"] ?? "")|\(reason)"
            } else if msg.hasPrefix("Pending Stage Pod container is waiting"), let waiting = line.fields["containerWaitingMessage"], !waiting.isEmpty,
                      !StagePodPullFailures.isPullFailureText(waiting) {
                key = "\(msg)|\(line.fields["pod"] ?? "")"
            } else {
                continue
            }
            if latest[key] == nil { order.append(key) }
            latest[key] = line
        }
        guard !order.isEmpty else { return nil }
        var cause = LikelyCause()
        cause.found = true
        for key in order {
            guard let line = latest[key] else { continue }
            let msg = line.fields["msg"] ?? ""
            if let reason = line.fields["eventReason"] {
                let what = msg.dropFirst("Found abnormal event for ".count).lowercased()
                let pod = line.fields["Pod"] ?? line.fields["Job"] ?? "?"
                let message = line.fields["eventMessage"] ?? ""
                if cause.evidence.isEmpty {
                    let meaning = ["FailedScheduling": "cannot be scheduled", "FailedMount": "cannot mount its volume",
                                   "FailedAttachVolume": "cannot attach its volume", "FailedCreate": "cannot be created"][reason]
                    cause.summary = "the controller log says \(what) \(pod) \(meaning ?? "has event \(reason)"): \(message)"
                }
                let since = line.fields["eventFirstTimestamp"].map { " (first seen \($0))" } ?? ""
                cause.evidence.append(Evidence("Controller: abnormal event \(reason) for \(what) \(pod): \(message)\(since)", log: line))
            } else {
                let pod = line.fields["pod"] ?? "?"
                let waiting = line.fields["containerWaitingMessage"] ?? ""
                if cause.evidence.isEmpty { cause.summary = "the controller log says stage pod \(pod) is waiting: \(waiting)" }
                cause.evidence.append(Evidence("Controller: stage pod \(pod) container \(line.fields["container"] ?? "?") is waiting: \(waiting)", log: line))
            }
        }
        return cause
    }

    /// Progress lines about stage pods that wait for another reason (volumes, config errors).
    static func stagePodProgress(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let m = view.migration
        var cause = LikelyCause()
        for (i, step) in m.pipeline.enumerated() where !["DirectVolume", "DirectImage"].contains(step.name) {
            for (j, text) in step.progress.enumerated() where text.hasPrefix("Pod ") {
                cause.found = true
                cause.summary = "stage pods are not ready: \(ProgressLine(text)?.message ?? text)"
                cause.evidence.append(Evidence("Pipeline step \(step.name) reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]"))
            }
        }
        return cause.found ? cause : nil
    }

    /// A STAGE_IMAGE that looks wrong although no pull failure is in the dump.
    static func suspectStageImage(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        guard let suspect = context.stageImageProblem(view), suspect.suspectOnly else { return nil }
        var cause = LikelyCause(summary: "its STAGE_IMAGE \(suspect.configuredImage ?? "") on cluster \(suspect.configCluster) looks wrong (no pull failure visible in the dump)")
        cause.found = true
        cause.causedBy = [.confirmed(StagePodImageMisconfiguredRule.key(cluster: suspect.configCluster))]
        return cause
    }

    /// A Velero, restic or node-agent pod (MTC 1.8 runs `node-agent` where 1.7 ran `restic`) of the cluster running
    /// the Backup or Restore the migration waits on, whose container last terminated after that Backup or Restore
    /// started: a Velero server that restarts does not resume the Backups and Restores it was running (they stay
    /// InProgress; Velero 1.12+ marks them Failed, vmware-tanzu/velero `pkg/cmd/server/server.go`), and a restic
    /// process that dies takes its pod volume copies with it. The pod may be Running again at gather time: the time of
    /// its last termination ties it to this wait. Restarts before the wait began are history.
    static func componentRestarts(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let m = view.migration
        guard let wait = MigrationPhaseInfo.veleroWaitPhases[m.phase] else { return nil }
        let velero = view.velero(in: context.snapshot)
        let object: (name: String, phase: String?, start: Timestamp?, kube: KubeObject)?
        if wait.kind == "backup", let b = velero.backups.last(where: { $0.role == wait.role }) {
            object = (b.name, b.phase, b.startTimestamp, b.object)
        } else if wait.kind == "restore", let r = velero.restores.last(where: { $0.role == wait.role }) {
            object = (r.name, r.phase, r.object.body[path: "status.startTimestamp"].string.flatMap(Timestamp.init(rfc3339:)), r.object)
        } else {
            object = nil
        }
        guard let object, object.phase == nil || object.phase == "New" || object.phase == "InProgress",
              let since = object.start ?? m.startTimestamp,
              let cluster = context.snapshot.cluster(named: object.kube.cluster) else { return nil }
        let kind = wait.kind == "backup" ? "Backup" : "Restore"
        var cause = LikelyCause()
        var first = ""
        for pod in cluster.pods where pod.namespace == MTC.namespace
            && ["velero-", "restic-", "node-agent-"].contains(where: { pod.name.hasPrefix($0) }) {
            for r in ContainerRestart.of(pod) {
                guard let at = r.lastFinishedAt, at.secondsSince1970 >= since.secondsSince1970 else { continue }
                let component = pod.name.hasPrefix("velero-") ? "Velero" : pod.name.hasPrefix("node-agent-") ? "node-agent" : "restic"
                let why = [r.lastReason, r.lastExitCode.map { "exit \($0)" }].compactMap { $0 }.joined(separator: ", ")
                if !cause.found {
                    cause.found = true
                    first = component
                    cause.summary = "\(component) pod \(pod.name) on cluster \(cluster.name) restarted at \(at)\(why.isEmpty ? "" : " (\(why))") while \(wait.role) \(kind) \(object.name) was \(object.phase ?? "New"): "
                        + (component == "Velero" ? "Velero does not resume a \(kind) it was running, so it stays \(object.phase ?? "New")" : "the pod volume copies on its node were cut off")
                }
                cause.evidence.append(Evidence(
                    "\(component) pod \(pod.namespace)/\(pod.name) on cluster \(cluster.name): container \(r.container) restarted \(r.restartCount) time(s), last terminated \(r.lastReason ?? "?")\(r.lastExitCode.map { " (exit code \($0))" } ?? "") at \(at), after the \(kind) started at \(since)",
                    object: pod.object, field: "status.containerStatuses[\(r.index)].lastState.terminated", at: at))
            }
        }
        guard cause.found else { return nil }
        cause.evidence.insert(Evidence(
            "\(wait.role.capitalizedFirst) \(kind) \(object.name) on cluster \(cluster.name) is \(object.phase ?? "New") since \(since)",
            object: object.kube, field: "status.phase"), at: 0)
        // Only the Velero server owns the Backup or Restore; a restic or node-agent restart loses its pod volume copies.
        cause.note = first == "Velero"
            ? "Velero does not pick a \(kind) up again after its server restarts: the migration waits for a \(kind) that will never finish. Cancel it and migrate again once the restart's cause is fixed."
            : "A \(first) pod that restarts drops the pod volume copies it was running on its node: the \(kind) waits for copies that will not finish. Cancel the migration and migrate again once the restart's cause is fixed."
        return cause
    }

    /// A phase that waits on a Velero Backup or Restore: its progress says whether data still moves.
    static func veleroProgress(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        guard let wait = MigrationPhaseInfo.veleroWaitPhases[view.migration.phase],
              let progress = VeleroWaitProgress(view, kind: wait.kind, role: wait.role, snapshot: context.snapshot) else { return nil }
        var cause = LikelyCause(summary: progress.summary)
        cause.found = true
        cause.dataStillMoving = progress.stillMoving
        cause.evidence = progress.evidence
        cause.remediation = progress.remediation
        cause.note = progress.note
        return cause
    }

    /// Critical conditions that block the migration (PlanNotReady and the like).
    static func criticalConditions(_ view: MigrationView, _ context: RuleContext) -> LikelyCause? {
        let m = view.migration
        let blockers = m.conditions.filter { $0.isTrue && $0.category == "Critical" && $0.type != "Postponed" }
        guard !blockers.isEmpty else { return nil }
        var cause = LikelyCause(summary: "blocked by \(blockers.map(\.type).joined(separator: ", "))")
        cause.found = true
        cause.evidence = blockers.map { Evidence("Critical condition \($0.type): \($0.message ?? "")", object: m.object, field: "status.conditions") }
        if blockers.contains(where: { $0.type == "PlanNotReady" }), let plan = view.plan {
            cause.causedBy.append(.ifReported(MigPlanNotReadyRule.key(cluster: plan.object.cluster, plan: plan.name)))
        }
        return cause
    }

    /// No probe answered: say what evidence is missing when that is the reason.
    static func nothingFound(_ view: MigrationView) -> LikelyCause {
        let m = view.migration
        guard m.phase == "StagePodsCreated", view.stagePods.isEmpty else { return LikelyCause() }
        let namespaces = view.plan?.sourceNamespaces.joined(separator: ", ") ?? "the application namespaces"
        return LikelyCause(summary: "no cause found in the dump: its stage pods were not gathered (run `oc adm inspect` of \(namespaces) on the source cluster)")
    }
}
