import MustardModel

/// A migration waiting at StageRestoreCreated because the destination's stage pods cannot pull their image: the
/// destination cluster's STAGE_IMAGE, which the controller stores in the stage Restore's annotation
/// `migration.openshift.io/stage-pod-image` for the Velero pod-restore plugin (`docs/mtc.md` §2.6, §4 R1 destination variant).
struct DestinationStageImage {
    let summary: String
    let evidence: [Evidence]
    let remediation: [RemediationStep]
    let note: String?

    init?(_ view: MigrationView, snapshot: DumpSnapshot) {
        let m = view.migration
        let velero = view.velero(in: snapshot)
        let restore = velero.restores.last { $0.role == "stage" } ?? velero.restores.last
        let destination = view.destinationCluster
        let destinationName = view.destinationName ?? restore?.object.cluster ?? "the destination cluster"
        let configMap = destination?.configMap(MTC.namespace, MTC.clusterConfigMapName)
        let configured = configMap?.data[MTC.stageImageKey]

        var evidence: [Evidence] = []
        var failing: [String] = []
        if let i = m.pipeline.firstIndex(where: { $0.name == "StageRestore" }) {
            for (j, text) in m.pipeline[i].progress.enumerated() where StagePodPullFailures.isPullFailureText(text) {
                evidence.append(Evidence("Pipeline step StageRestore reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]", at: m.pipeline[i].started))
                if let image = quotedImage(in: text) { failing.append(image) }
            }
        }
        for record in view.stagePods where record.cluster == destination?.name || record.pod.object.cluster == destination?.name {
            for (i, status) in record.pod.containerStatuses.enumerated() where status.isImagePullFailure {
                evidence.append(Evidence("Destination stage pod \(record.pod.namespace)/\(record.pod.name): container \(status.name) is waiting with \(status.waitingReason ?? "?")\(status.waitingMessage.map { ": \($0)" } ?? "")", object: record.pod.object, field: "status.containerStatuses[\(i)].state.waiting"))
                failing.append(status.image)
            }
        }
        let annotated = restore?.stagePodImage
        let assessment = configMap.map { StageImageAssessment(data: $0.data) }
        let suspicious = assessment?.isSuspicious == true
            || annotated.map { !StageImageAssessment.knownRepositories.contains(ImageReference($0).repository) } == true
        guard !failing.isEmpty || suspicious else { return nil }
        let image = failing.first ?? annotated ?? configured ?? "?"

        if let restore {
            evidence.insert(Evidence(
                "Stage Restore \(restore.name) is \(restore.phase ?? "?") (\(restore.itemsRestored.map { "\($0)" } ?? "?") of \(restore.totalItems.map { "\($0)" } ?? "?") items) and tells the Velero plugin to run destination stage pods with \(Velero.stagePodImageAnnotation)=\(annotated ?? "none")",
                object: restore.object, field: "metadata.annotations"), at: 0)
        }
        if let configMap {
            evidence.append(Evidence("ConfigMap \(MTC.namespace)/\(MTC.clusterConfigMapName) on the destination cluster \(configMap.object.cluster) sets STAGE_IMAGE=\(configured ?? "?")", object: configMap.object, field: "data.STAGE_IMAGE"))
            if let comparison = assessment?.comparison { evidence.append(Evidence(comparison, object: configMap.object, field: "data")) }
        }
        let controller = destination?.migrationControllers.first
        if let controller, let override = controller.stageImageOverride {
            evidence.append(Evidence("MigrationController on the destination cluster overrides \(MTC.stageImageOverrideField)=\(override)", object: controller.object, field: "spec.\(MTC.stageImageOverrideField)"))
        }
        for pvr in velero.podVolumeRestores where pvr.phase == "InProgress" || pvr.phase == "New" || pvr.phase == nil {
            evidence.append(Evidence("PodVolumeRestore \(pvr.name) for pod \(pvr.podNamespace ?? "?")/\(pvr.podName ?? "?") is \(pvr.phase ?? "New") with \(pvr.progressText): Restic waits for the stage pod to start", object: pvr.object, field: "status"))
        }
        if let config = view.sourceConfigMap, let source = config.data[MTC.stageImageKey], source != image {
            evidence.append(Evidence("The source cluster's STAGE_IMAGE is \(source): the source stage pods ran, only the destination's image is wrong", object: config.object, field: "data.STAGE_IMAGE"))
        }
        self.evidence = evidence
        summary = failing.isEmpty
            ? "destination cluster \(destinationName) has STAGE_IMAGE \(image), which does not look like MTC's stage image (stage Restore annotation \(Velero.stagePodImageAnnotation))"
            : "destination stage pods cannot pull \(image), the STAGE_IMAGE of destination cluster \(destinationName)"
        note = "The stage Restore runs stage pods on the destination with the destination cluster's STAGE_IMAGE (Restore annotation \(Velero.stagePodImageAnnotation)); while they cannot start, the PodVolumeRestores wait until the Restic timeout and the Restore then ends PartiallyFailed."

        var steps: [RemediationStep] = [
            MTCCommands.cancel(m).titled("Cancel migration \(m.name): it waits at \(m.phase) on stage pods that cannot start", on: view.hostCluster)
        ]
        let check = MTCCommands.stageImageCheck
        let expect = "anything but \(image)"
        if controller?.stageImageOverride != nil {
            steps.append(RemediationStep(
                title: "Restore the stage image on the destination cluster \(destinationName): remove the MigrationController override \(MTC.stageImageOverrideField) so the operator renders its default STAGE_IMAGE",
                cluster: destinationName, command: MTCCommands.removeStageImageOverride, verify: check, expect: expect))
        } else {
            steps.append(RemediationStep(
                title: "Restore the stage image on the destination cluster \(destinationName): check the MigrationController override, then let the operator write \(MTC.clusterConfigMapName) again",
                cluster: destinationName,
                command: MTCCommands.controllerSetting(MTC.stageImageOverrideField) + "\n" + MTCCommands.rerenderClusterConfig,
                verify: check, expect: expect))
        }
        if let plan = m.planName {
            steps.append(MTCCommands.retry(plan: plan, like: m).titled("Retry: start a new \(m.runKind) migration of plan \(plan) with the same options", on: view.hostCluster))
        }
        remediation = steps
    }
}

/// A migration waiting for its own Velero Backup or Restore: what Velero and Restic report about it.
struct VeleroWaitProgress {
    let summary: String
    let evidence: [Evidence]
    let remediation: [RemediationStep]
    let stillMoving: Bool
    let note: String?

    init?(_ view: MigrationView, kind: String, role: String, snapshot: DumpSnapshot) {
        let m = view.migration
        let velero = view.velero(in: snapshot)
        var evidence: [Evidence] = []
        var name: String?
        var phase: String?
        var cluster: String?
        if kind == "backup", let b = velero.backups.last(where: { $0.role == role }) {
            name = b.name
            phase = b.phase
            cluster = b.object.cluster
            evidence.append(Evidence("\(role.capitalizedFirst) Backup \(b.name) is \(b.phase ?? "New") (\(b.itemsBackedUp.map { "\($0)" } ?? "?") of \(b.totalItems.map { "\($0)" } ?? "?") items backed up\(b.startTimestamp.map { ", started \($0)" } ?? ""))", object: b.object, field: "status"))
        } else if kind == "restore", let r = velero.restores.last(where: { $0.role == role }) {
            name = r.name
            phase = r.phase
            cluster = r.object.cluster
            evidence.append(Evidence("\(role.capitalizedFirst) Restore \(r.name) is \(r.phase ?? "New") (\(r.itemsRestored.map { "\($0)" } ?? "?") of \(r.totalItems.map { "\($0)" } ?? "?") items restored)", object: r.object, field: "status"))
        }
        let transfers = (kind == "backup" ? velero.podVolumeBackups : velero.podVolumeRestores).filter { $0.parentName == name }
        let moving = transfers.filter { $0.phase == "InProgress" || $0.phase == "New" || $0.phase == nil }
        for t in transfers {
            evidence.append(Evidence(
                "Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) (pod \(t.podNamespace ?? "?")/\(t.podName ?? "?"), volume \(t.volume ?? "?"), node \(t.node ?? "?")) is \(t.phase ?? "New"): \(t.progressText)\(t.startTimestamp.map { ", started \($0)" } ?? "")",
                object: t.object, field: "status"))
        }
        if let i = m.pipeline.lastIndex(where: \.isRunning) {
            for (j, text) in m.pipeline[i].progress.enumerated() where text.hasPrefix("PodVolume") || text.hasPrefix("Backup ") || text.hasPrefix("Restore ") {
                evidence.append(Evidence("Pipeline step \(m.pipeline[i].name) reports: \(text)", object: m.object, field: "status.pipeline[\(i)].progress[\(j)]", at: m.pipeline[i].started))
            }
        }
        guard name != nil, phase == nil || phase == "New" || phase == "InProgress" else { return nil }
        let controller = cluster.flatMap { snapshot.cluster(named: $0) }?.migrationControllers.first
        let timeout = controller?.spec["restic_timeout"].string
        // restic_timeout only bounds pod volume copies: a Backup or Restore without any is not waiting on it.
        if let controller, let timeout, !transfers.isEmpty {
            evidence.append(Evidence("MigrationController on cluster \(controller.object.cluster) sets restic_timeout=\(timeout): Velero gives up on pod volume copies after that", object: controller.object, field: "spec.restic_timeout"))
        }
        self.evidence = evidence
        stillMoving = !moving.isEmpty
        let label = "\(role) Velero \(kind == "backup" ? "Backup" : "Restore") \(name ?? "?")"
        if let t = moving.first {
            summary = "\(label) is still \(phase ?? "New"): Restic Pod\(t.direction == "Backup" ? "VolumeBackup" : "VolumeRestore") \(t.name) of \(t.podNamespace ?? "?")/\(t.podName ?? "?") is \(t.phase ?? "New") (\(t.progressText))"
        } else {
            summary = "\(label) is still \(phase ?? "New") on cluster \(cluster ?? "?")"
        }
        note = moving.isEmpty ? nil
            : "Restic copies the volumes inside the \(kind); a large volume can take hours, and Velero stops waiting after restic_timeout\(timeout.map { " (\($0) here)" } ?? ""), ending the \(kind) PartiallyFailed. Progress that does not change between two looks, or a restic pod restart on the node, means the copy is stuck."
        var steps: [RemediationStep] = []
        for t in moving {
            let kindName = t.direction == "Backup" ? "podvolumebackup" : "podvolumerestore"
            let nodeCluster = cluster.flatMap { snapshot.cluster(named: $0) }
            let resticPod = VeleroCommands.fileSystemBackupPod(on: t.node, in: nodeCluster)
            steps.append(RemediationStep(
                title: "Watch whether \(t.name) still moves (run twice a few minutes apart) and read the \(VeleroCommands.fileSystemBackupName(in: nodeCluster)) log on node \(t.node ?? "?"), on cluster \(t.object.cluster)",
                cluster: t.object.cluster,
                command: "oc \(MTCCommands.ns) get \(kindName) \(shellQuote(t.name)) -o jsonpath='{.status.phase} {.status.progress.bytesDone}/{.status.progress.totalBytes}{\"\\n\"}'\n"
                    + (resticPod.map { "oc \(MTCCommands.ns) logs \(shellQuote($0.name)) --tail=100" } ?? VeleroCommands.listFileSystemBackupPods(in: nodeCluster)),
                verify: nil))
        }
        if !moving.isEmpty, let cluster {
            steps.append(RemediationStep(
                title: "If the volumes are large, give Restic more time on cluster \(cluster) before the next run (restic_timeout\(timeout.map { ", now \($0)" } ?? ""))",
                cluster: cluster, command: VeleroCommands.raiseResticTimeout(ResticProblemsRule.proposedTimeout(timeout)), verify: VeleroCommands.resticTimeoutCheck))
        }
        remediation = steps
    }
}
