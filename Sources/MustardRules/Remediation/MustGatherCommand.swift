import MustardModel

/// The must-gather command for the kind of dump at hand: MTC's gather image when the dump is MTC's.
enum MustGatherCommand {
    static func forDump(_ snapshot: DumpSnapshot) -> String {
        let paths = snapshot.clusters.compactMap { $0.firstObject?.source.path } + snapshot.logFiles.prefix(1).map(\.path)
        let configs = snapshot.clusters.compactMap { $0.configMap(MTC.namespace, MTC.clusterConfigMapName)?.data }
        // Upstream (Konveyor) installs run upstream images; the gather image follows.
        let upstream = paths.contains { $0.contains("quay-io-konveyor-must-gather") }
            || configs.contains { ($0["REGISTRY_IMAGE"] ?? $0["RSYNC_TRANSFER_IMAGE"] ?? "").hasPrefix("quay.io/konveyor/") }
        if upstream {
            return "oc adm must-gather --image=quay.io/konveyor/must-gather:latest"
        }
        if snapshot.hasMTC {
            let version = configs.compactMap { $0["OPERATOR_VERSION"] }.first
            let tag = version.map { "v" + $0.split(separator: ".").prefix(2).joined(separator: ".") } ?? "v1.8"
            return "oc adm must-gather --image=registry.redhat.io/rhmtc/openshift-migration-must-gather-rhel8:\(tag)"
        }
        return "oc adm must-gather"
    }
}
