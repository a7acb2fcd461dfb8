import MustardModel

/// Compares STAGE_IMAGE with its sibling images in the same ConfigMap (registry, organisation, tag).
struct StageImageAssessment {
    /// MTC's stage image repositories: the restic restore helper (1.2.5–1.7) and rsync-transfer (1.8), up- and downstream.
    static let knownRepositories: Set<String> = [
        "velero-restic-restore-helper", "rsync-transfer", "openshift-migration-velero-restic-restore-helper-rhel8",
        "openshift-migration-rsync-transfer-rhel8",
    ]
    static let siblingKeys = ["REGISTRY_IMAGE", "RSYNC_TRANSFER_IMAGE"]

    let comparison: String?
    let looksLikeDefault: Bool
    /// Not an MTC stage image repository, or unlike its siblings in registry, organisation or tag.
    let isSuspicious: Bool

    init(data: [String: String]) {
        guard let stage = data[MTC.stageImageKey].map(ImageReference.init) else {
            comparison = nil
            looksLikeDefault = false
            isSuspicious = false
            return
        }
        let siblings = Self.siblingKeys.compactMap { key in data[key].map { (key, ImageReference($0)) } }
        var differences: [String] = []
        for (key, sibling) in siblings {
            var d: [String] = []
            if sibling.registry != stage.registry { d.append("registry \(stage.registry) vs \(sibling.registry)") }
            if sibling.organisation != stage.organisation { d.append("organisation \(stage.organisation) vs \(sibling.organisation)") }
            if sibling.tag != stage.tag { d.append("tag \(stage.tag ?? "none") vs \(sibling.tag ?? "none")") }
            if !d.isEmpty { differences.append("\(key) (\(d.joined(separator: ", ")))") }
        }
        let knownRepo = Self.knownRepositories.contains(stage.repository)
        var parts: [String] = []
        if !knownRepo { parts.append("repository \(stage.repository) is not one of MTC's stage images (\(Self.knownRepositories.sorted().joined(separator: ", ")))") }
        if !differences.isEmpty { parts.append("STAGE_IMAGE differs from \(differences.joined(separator: "; "))") }
        if siblings.isEmpty {
            comparison = knownRepo ? nil : "STAGE_IMAGE \(stage): " + parts.joined(separator: "; ")
        } else if parts.isEmpty {
            comparison = "STAGE_IMAGE \(stage) matches its sibling images in registry, organisation and tag"
        } else {
            comparison = "STAGE_IMAGE \(stage): " + parts.joined(separator: "; ")
        }
        looksLikeDefault = knownRepo && differences.isEmpty && !siblings.isEmpty
        isSuspicious = !knownRepo || !differences.isEmpty
    }
}

/// The stage image that should be configured, when the dump shows it.
struct RightImageSuggestion {
    enum Source { case peerCluster, earlierReading }

    let image: String?
    let source: Source?
    let peerCluster: String?
    let evidence: [Evidence]

    init(failing: String, views: [MigrationView], context: RuleContext) {
        var evidence: [Evidence] = []
        var found: (image: String, source: Source, peer: String?)?
        // The other side of the plan, at the same MTC version, usually holds the operator's default.
        for view in views {
            guard let own = view.sourceConfigMap?.data, let peer = view.destinationCluster?.configMap(MTC.namespace, MTC.clusterConfigMapName),
                let peerImage = peer.data[MTC.stageImageKey], peerImage != failing
            else { continue }
            let sameVersion = own["REGISTRY_IMAGE"] != nil && own["REGISTRY_IMAGE"] == peer.data["REGISTRY_IMAGE"]
            guard sameVersion else { continue }
            evidence.append(Evidence(
                "Cluster \(peer.object.cluster), at the same MTC version (same REGISTRY_IMAGE), uses STAGE_IMAGE=\(peerImage)",
                object: peer.object, field: "data.STAGE_IMAGE"))
            found = (peerImage, .peerCluster, peer.object.cluster)
            break
        }
        // What the controller read before the bad value arrived.
        if found == nil {
            for view in views {
                if let earlier = StageImageLogReadings(view.logLines).readings.last(where: { $0.image != failing }) {
                    evidence.append(Evidence("The controller earlier built stage pods from \(earlier.image)", log: earlier.line))
                    found = (earlier.image, .earlierReading, nil)
                    break
                }
            }
        }
        image = found?.image
        source = found?.source
        peerCluster = found?.peer
        self.evidence = evidence
    }
}
