import MustardModel

/// Every sign in the dump that a migration's stage pods cannot pull their image, with the image each names.
///
/// Shared by `mtc/stage-pod-image-misconfigured` (which blames the configuration) and `mtc/migration-stuck`
/// (which names the cause of a wait). Sources, strongest first (`docs/mtc.md` §4 R1): pipeline progress lines,
/// stage pod container statuses, kubelet events on stage pods, controller log lines, helper pod logs.
struct StagePodPullFailures {
    struct Sighting {
        let image: String?
        let pod: String?
        let evidence: Evidence
    }

    let sightings: [Sighting]

    /// Images the stage pods failed to pull, most cited first.
    var images: [String] {
        var counts: [String: Int] = [:]
        for s in sightings { if let image = s.image { counts[image, default: 0] += 1 } }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    var isEmpty: Bool { sightings.isEmpty }

    /// The stage pods named in the sightings, `ns/name`, sorted.
    var pods: [String] { Array(Set(sightings.compactMap(\.pod))).sorted() }

    /// Markers of an image pull failure in free text (progress messages, log fields).
    static func isPullFailureText(_ text: String) -> Bool {
        ["Back-off pulling image", "Failed to pull image", "ErrImagePull", "ImagePullBackOff",
         "trying and failing to pull image", "image can't be pulled", "InvalidImageName"]
            .contains { text.contains($0) }
    }

    init(_ view: MigrationView) {
        var found: [Sighting] = []
        let m = view.migration
        // Rsync and image-migration steps report their own pods; only stage pods count here.
        for (stepIndex, step) in m.pipeline.enumerated() where !["DirectVolume", "DirectImage"].contains(step.name) {
            for (i, text) in step.progress.enumerated() where Self.isPullFailureText(text) {
                let line = ProgressLine(text)
                found.append(Sighting(
                    image: quotedImage(in: text), pod: line?.pod,
                    evidence: Evidence(
                        "Pipeline step \(step.name) reports: \(text)", object: m.object,
                        field: "status.pipeline[\(stepIndex)].progress[\(i)]", at: step.started)))
            }
        }
        for record in view.stagePods {
            let pod = record.pod
            let ref = "\(pod.namespace)/\(pod.name)"
            for (i, status) in pod.containerStatuses.enumerated() where status.isImagePullFailure {
                let image = status.image.isEmpty ? pod.containers.first { $0.name == status.name }?.image : status.image
                found.append(Sighting(
                    image: image, pod: ref,
                    evidence: Evidence(
                        "Stage pod \(ref) (phase \(pod.phase ?? "unknown")): container \(status.name) is waiting with \(status.waitingReason ?? "?")\(status.waitingMessage.map { ": \($0)" } ?? "")",
                        object: pod.object, field: "status.containerStatuses[\(i)].state.waiting")))
            }
            for event in record.events where event.isImagePullFailure {
                let seen = event.count > 1 ? " (\(event.count) times\(event.firstTimestamp.map { " since \($0)" } ?? ""))" : ""
                found.append(Sighting(
                    image: quotedImage(in: event.message), pod: ref,
                    evidence: Evidence(
                        "Event \(event.type) \(event.reason) on \(ref): \(event.message)\(seen)", object: event.object,
                        at: event.lastTimestamp)))
            }
        }
        for line in view.logLines {
            if let message = line.fields["eventMessage"], Self.isPullFailureText(message) {
                let pod = line.fields["Pod"] ?? line.fields["pod"]
                found.append(Sighting(
                    image: quotedImage(in: message), pod: pod,
                    evidence: Evidence("Controller: abnormal event for stage pod \(pod ?? "?"): \(message)", log: line)))
            } else if let message = line.fields["containerWaitingMessage"], Self.isPullFailureText(message) {
                let pod = line.fields["pod"] ?? line.fields["Pod"]
                found.append(Sighting(
                    image: quotedImage(in: message), pod: pod,
                    evidence: Evidence("Controller: stage pod \(pod ?? "?") container \(line.fields["container"] ?? "?") is waiting: \(message)", log: line)))
            } else if line.pod.hasPrefix("stage-"), Self.isPullFailureText(line.text) {
                found.append(Sighting(
                    image: nil, pod: "\(line.namespace)/\(line.pod)",
                    evidence: Evidence("Log of stage pod \(line.namespace)/\(line.pod): \(line.text)", log: line)))
            }
        }
        sightings = found
    }
}

/// What the controller logged about the stage image it read (`Got Stage Pod image from ConfigMap`).
struct StageImageLogReadings {
    /// `(image, line)` in log order.
    let readings: [(image: String, line: LogLine)]

    init(_ lines: [LogLine]) {
        readings = lines.compactMap { line in line.fields["stagePodImage"].map { ($0, line) } }
    }
}
