import MustardModel

/// The most likely reason a migration does not move, from the evidence the dump holds.
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

    init(_ view: MigrationView, snapshot: DumpSnapshot) {
        let m = view.migration
        // A wrong transfer image holds up the rsync and registry phases; the other rule names the cluster.
        var transferImageCauses: [CauseLink] = []
        let clusters = [view.sourceCluster?.name ?? view.sourceMigCluster, view.destinationCluster?.name ?? view.destinationMigCluster].compactMap { $0 }
        if ["CreateRegistries", "WaitForRegistriesReady"].contains(m.phase) || m.conditions.active("RegistriesUnhealthy") != nil {
            transferImageCauses += clusters.map { .ifReported(TransferImageMisconfiguredRule.key(cluster: $0, key: "REGISTRY_IMAGE")) }
        }
        if m.phase.contains("DirectVolumeMigration") {
            transferImageCauses += clusters.map { .ifReported(TransferImageMisconfiguredRule.key(cluster: $0, key: "RSYNC_TRANSFER_IMAGE")) }
        }
        defer { causedBy = Array(Set(causedBy + transferImageCauses)).sorted { $0.key.id < $1.key.id } }
        if MigrationPhaseInfo.destinationStagePhases.contains(m.phase), let destination = DestinationStageImage(view, snapshot: snapshot) {
            found = true
            summary = destination.summary
            evidence = destination.evidence
            remediation = destination.remediation
            replacesRemediation = true
            note = destination.note
            return
        }
        if m.phase.hasPrefix("WaitForDirectVolumeMigration") {
            if DirectVolumeMigrationFailedRule.problem(view, snapshot: snapshot) != nil {
                found = true
                summary = "its direct volume migration (rsync) is failing"
                causedBy = [.confirmed(DirectVolumeMigrationFailedRule.key(cluster: view.hostCluster, migration: m.name))]
                return
            }
            // Rsync pods that cannot pull: RSYNC_TRANSFER_IMAGE, diagnosed by mtc/transfer-image-misconfigured.
            for dvm in view.directVolumeMigrations(in: snapshot) {
                for (i, c) in dvm.conditions.enumerated() where c.isTrue && (c.message.map(StagePodPullFailures.isPullFailureText) ?? false) {
                    found = true
                    summary = "its rsync transfer pods cannot pull \(c.message.flatMap(quotedImage).map { "image \($0)" } ?? "their image") (RSYNC_TRANSFER_IMAGE)"
                    evidence.append(Evidence("DirectVolumeMigration \(dvm.name): \(c.type): \(c.message ?? "")", object: dvm.object, field: "status.conditions[\(i)]", at: c.lastTransitionTime))
                }
            }
            for pull in DirectVolumeMigrationFailedRule.rsyncPullFailures(view.directVolumeMigrations(in: snapshot), snapshot: snapshot) {
                if !found { summary = "its rsync transfer pods cannot pull \(pull.image.map { "image \($0)" } ?? "their image") (RSYNC_TRANSFER_IMAGE)" }
                found = true
                evidence.append(pull.evidence)
            }
            for (i, step) in m.pipeline.enumerated() where step.name == "DirectVolume" && found {
                for (j, text) in step.progress.enumerated() {
                    evidence.append(Evidence("Pipeline step \(step.name) reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]"))
                }
            }
            if found { return }
        }
        let pulls = StagePodPullFailures(view)
        if !pulls.isEmpty {
            found = true
            summary = "stage pods cannot pull \(pulls.images.first.map { "image \($0)" } ?? "their image")"
            evidence = StagePodImageMisconfiguredRule.sample(pulls.sightings.map(\.evidence), perPath: 2)
            if let affected = StagePodImageMisconfiguredRule.Affected(view) {
                causedBy = [.confirmed(StagePodImageMisconfiguredRule.key(cluster: affected.configCluster))]
            }
            return
        }
        for record in view.stagePods {
            let pod = record.pod
            let ref = "\(pod.namespace)/\(pod.name)"
            if let unschedulable = pod.unschedulable {
                found = true
                summary = "stage pod \(ref) cannot be scheduled"
                evidence.append(Evidence(
                    "Stage pod \(ref) is Pending: PodScheduled False, Unschedulable: \(unschedulable.message ?? "")",
                    object: pod.object, field: "status.conditions"))
                for event in record.events where event.reason == "FailedScheduling" {
                    evidence.append(Evidence("Event \(event.type) FailedScheduling on \(ref): \(event.message)", object: event.object, at: event.lastTimestamp))
                }
                return
            }
            let volumeEvents = record.events.filter { ["FailedMount", "FailedAttachVolume"].contains($0.reason) }
            if !volumeEvents.isEmpty {
                found = true
                summary = "stage pod \(ref) cannot mount its volume"
                evidence = volumeEvents.map { Evidence("Event \($0.type) \($0.reason) on \(ref): \($0.message)", object: $0.object, at: $0.lastTimestamp) }
                return
            }
        }
        // Progress lines about stage pods that wait for another reason (volumes, config errors).
        for (i, step) in m.pipeline.enumerated() where !["DirectVolume", "DirectImage"].contains(step.name) {
            for (j, text) in step.progress.enumerated() where text.hasPrefix("Pod ") {
                found = true
                summary = "stage pods are not ready: \(ProgressLine(text)?.message ?? text)"
                evidence.append(Evidence("Pipeline step \(step.name) reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]"))
            }
        }
        if found { return }
        if let suspect = StagePodImageMisconfiguredRule.Affected(view), suspect.suspectOnly {
            found = true
            summary = "its STAGE_IMAGE \(suspect.configuredImage ?? "") on cluster \(suspect.configCluster) looks wrong (no pull failure visible in the dump)"
            causedBy = [.confirmed(StagePodImageMisconfiguredRule.key(cluster: suspect.configCluster))]
            return
        }
        if let wait = MigrationPhaseInfo.veleroWaitPhases[m.phase], let progress = VeleroWaitProgress(view, kind: wait.kind, role: wait.role, snapshot: snapshot) {
            found = true
            dataStillMoving = progress.stillMoving
            summary = progress.summary
            evidence = progress.evidence
            remediation = progress.remediation
            note = progress.note
            return
        }
        let blockers = m.conditions.filter { $0.isTrue && $0.category == "Critical" && $0.type != "Postponed" }
        if !blockers.isEmpty {
            found = true
            summary = "blocked by \(blockers.map(\.type).joined(separator: ", "))"
            evidence = blockers.map { Evidence("Critical condition \($0.type): \($0.message ?? "")", object: m.object, field: "status.conditions") }
            if blockers.contains(where: { $0.type == "PlanNotReady" }), let plan = view.plan {
                causedBy.append(.ifReported(MigPlanNotReadyRule.key(cluster: plan.object.cluster, plan: plan.name)))
            }
            return
        }
        if m.phase == "StagePodsCreated", view.stagePods.isEmpty {
            let namespaces = view.plan?.sourceNamespaces.joined(separator: ", ") ?? "the application namespaces"
            summary = "no cause found in the dump: its stage pods were not gathered (run `oc adm inspect` of \(namespaces) on the source cluster)"
        }
    }
}
