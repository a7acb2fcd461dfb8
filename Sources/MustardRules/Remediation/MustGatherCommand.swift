import MustardModel

/// The must-gather command for the kind of dump at hand: MTC's gather image when the dump is MTC's, or was meant
/// to be (its layout or its image folder shows it even when the damage left no MTC object readable).
public enum MustGatherCommand {
    /// What to ask for again when the dump is damaged or incomplete.
    public static func forDump(_ snapshot: DumpSnapshot) -> String {
        let isMTC = snapshot.hasMTC || snapshot.hasMTCGatherLayout || paths(snapshot).contains(where: isMTCImageFolder)
        return isMTC || isUpstream(snapshot) ? mtc(snapshot) : "oc adm must-gather"
    }

    /// MTC's own gather, at the MTC version the dump shows (`v1.8` when it shows none).
    public static func mtc(_ snapshot: DumpSnapshot) -> String {
        if isUpstream(snapshot) { return upstreamMTC }
        return mtcImageCommand + (mtcVersionTag(snapshot) ?? defaultTag)
    }

    /// MTC's gather at the newest version, for a dump that shows no MTC version at all.
    public static var mtcDefault: String { mtcImageCommand + defaultTag }

    private static let mtcImageCommand = "oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:"
    private static let defaultTag = "v1.8"

    /// `v1.7`-style tag of the MTC version the dump shows: the operator's OPERATOR_VERSION, else the tag of an image
    /// MTC's namespace runs (`…-rhel8:v1.7.9`); nil when the dump shows none.
    public static func mtcVersionTag(_ snapshot: DumpSnapshot) -> String? {
        let configured = snapshot.clusters.lazy.compactMap { $0.configMap(MTC.namespace, MTC.clusterConfigMapName)?.data[MTC.operatorVersionKey] }.first
        let fromImages = snapshot.clusters.lazy.flatMap { $0.pods.filter { $0.namespace == MTC.namespace } }
            .flatMap { $0.containers.map(\.image) }.compactMap(versionTag(image:)).first
        return configured.flatMap { minor("v" + $0.drop { $0 == "v" }) } ?? fromImages
    }

    static let upstreamMTC = "oc adm must-gather --image=quay.io/konveyor/must-gather:latest"

    /// Upstream (Konveyor) installs run upstream images; the gather image follows.
    private static func isUpstream(_ snapshot: DumpSnapshot) -> Bool {
        let configs = snapshot.clusters.compactMap { $0.configMap(MTC.namespace, MTC.clusterConfigMapName)?.data }
        return paths(snapshot).contains { $0.contains("quay-io-konveyor-must-gather") }
            || configs.contains { ($0["REGISTRY_IMAGE"] ?? $0["RSYNC_TRANSFER_IMAGE"] ?? "").hasPrefix("quay.io/konveyor/") }
    }

    private static func paths(_ snapshot: DumpSnapshot) -> [String] {
        snapshot.clusters.compactMap { $0.firstSource?.path } + snapshot.logFiles.prefix(1).map(\.path)
            + snapshot.loadIssues.prefix(20).map(\.path)
    }

    /// `oc adm must-gather` names its output folder after the image: MTC's gather image leaves its name there.
    private static func isMTCImageFolder(_ path: String) -> Bool {
        path.contains("openshift-migration-must-gather") || path.contains("konveyor-must-gather")
    }

    /// `v1.7` from an image tag such as `v1.7.9` or `release-1.7.13`; nil for digests and other tags.
    static func versionTag(image: String) -> String? {
        guard let colon = image.lastIndex(of: ":"), !image[..<colon].hasSuffix("@sha256") else { return nil }
        var tag = Substring(image[image.index(after: colon)...])
        if tag.hasPrefix("release-") { tag = tag.dropFirst("release-".count) } else if tag.hasPrefix("v") { tag = tag.dropFirst() } else { return nil }
        return minor("v" + tag)
    }

    /// `v1.7` from `v1.7.9`; nil unless it starts with two numbers.
    private static func minor(_ version: String) -> String? {
        let parts = version.dropFirst().split(separator: ".")
        guard parts.count >= 2, parts.prefix(2).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        return "v" + parts.prefix(2).joined(separator: ".")
    }
}
