/// A stage pod found in the dump, with the cluster folder it was read from.
public struct StagePodRecord: Sendable {
    public let pod: Pod
    public let cluster: String
    /// Events about this pod from the same cluster.
    public let events: [Event]
}

/// One migration joined with everything the dump says about it: its plan, the clusters on both sides with
/// their MTC configuration, its stage pods and their events, its siblings in the plan, and the controller
/// log lines that mention it. Computed once per analysis; the rules only read it.
public struct MigrationView: Sendable {
    public let migration: MigMigration
    /// The cluster folder holding the MigMigration (MTC's host).
    public let hostCluster: String
    public let plan: MigPlan?
    /// MigCluster names from the plan.
    public let sourceMigCluster: String?
    public let destinationMigCluster: String?
    /// The dump's clusters for each side, when the dump holds them.
    public let sourceCluster: Cluster?
    public let destinationCluster: Cluster?
    public let stagePods: [StagePodRecord]
    /// Stage pods named in pipeline progress lines (`Pod <ns>/<name>: …`), gathered or not.
    public let stagePodNamesFromProgress: [String]
    /// The other migrations of the same plan, oldest first.
    public let siblings: [MigMigration]
    /// Controller and helper log lines that name this migration or its stage pods, in log order.
    public let logLines: [LogLine]

    /// The source cluster's `migration-cluster-config`, which the controller reads when it builds stage pods.
    public var sourceConfigMap: ConfigMap? { sourceCluster?.configMap(MTC.namespace, MTC.clusterConfigMapName) }

    /// The source cluster's MigrationController, whose `spec` the operator renders into that ConfigMap.
    public var sourceController: MigrationController? {
        sourceCluster?.migrationControllers.first { $0.object.metadata.namespace == MTC.namespace }
            ?? sourceCluster?.migrationControllers.first
    }

    /// Migrations of the plan waiting behind this one (Critical `Postponed`).
    public var postponed: [MigMigration] { siblings.filter { $0.isPostponed && !$0.isFinished } }

    /// Builds the view of every MigMigration in the dump, sorted by plan, then creation time, then name.
    public static func all(in snapshot: DumpSnapshot) -> [MigrationView] {
        var views: [MigrationView] = []
        let controllerLines = snapshot.logLines
        // Stage pods by the uid of their migration, found in one pass over the pods rather than one per migration.
        var stagePodsByMigration: [String: [StagePodRecord]] = [:]
        for cluster in snapshot.clusters {
            for pod in cluster.pods where pod.isStagePod {
                guard let uid = pod.migrationUID else { continue }
                let events = cluster.events(for: "Pod", namespace: pod.namespace, name: pod.name)
                stagePodsByMigration[uid, default: []].append(StagePodRecord(pod: pod, cluster: cluster.name, events: events))
            }
        }
        for host in snapshot.clusters {
            for migration in host.migMigrations {
                let stagePods = migration.uid.flatMap { stagePodsByMigration[$0] } ?? []
                views.append(build(migration, host: host, snapshot: snapshot, stagePods: stagePods, logLines: controllerLines))
            }
        }
        return views.sorted {
            ($0.migration.planName ?? "", $0.migration.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $0.migration.name)
                < ($1.migration.planName ?? "", $1.migration.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $1.migration.name)
        }
    }

    private static func build(
        _ migration: MigMigration, host: Cluster, snapshot: DumpSnapshot, stagePods: [StagePodRecord], logLines: [LogLine]
    ) -> MigrationView {
        let plan = migration.planName.flatMap { name in
            host.migPlans.first { $0.name == name } ?? snapshot.clusters.lazy.flatMap(\.migPlans).first { $0.name == name }
        }
        let migClusters = snapshot.clusters.flatMap(\.migClusters)
        func dumpCluster(for migClusterName: String?) -> Cluster? {
            guard let name = migClusterName else { return nil }
            if let direct = snapshot.cluster(named: name) { return direct }
            // The gather names the local cluster `host`, whatever its MigCluster is called.
            if migClusters.first(where: { $0.name == name })?.isHostCluster == true { return snapshot.cluster(named: "host") ?? host }
            return nil
        }
        let sourceName = plan?.sourceCluster?.name
        let destinationName = plan?.destinationCluster?.name

        let progressNames = migration.pipeline.flatMap(\.progress).compactMap(ProgressLine.init).map(\.pod)
        var seenNames = Set<String>()
        let uniqueProgressNames = progressNames.filter { seenNames.insert($0).inserted }

        let siblings = snapshot.clusters.flatMap(\.migMigrations)
            .filter { $0.planName == migration.planName && $0.name != migration.name }
            .sorted { ($0.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $0.name) < ($1.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $1.name) }

        let podNames = Set(stagePods.map(\.pod.name)).union(uniqueProgressNames.map { String($0.split(separator: "/").last ?? "") })
        let keys = [migration.name] + (migration.uid.map { [$0] } ?? []) + podNames.sorted()
        let lines = logLines.filter { line in
            if line.pod.hasPrefix("stage-") { return podNames.contains(line.pod) }
            return keys.contains { line.text.containsBytes($0) }
        }
        return MigrationView(
            migration: migration, hostCluster: host.name, plan: plan, sourceMigCluster: sourceName,
            destinationMigCluster: destinationName, sourceCluster: dumpCluster(for: sourceName),
            destinationCluster: dumpCluster(for: destinationName), stagePods: stagePods,
            stagePodNamesFromProgress: uniqueProgressNames, siblings: siblings, logLines: lines)
    }
}

/// A pipeline progress line about a pod: `Pod <ns>/<name>: Container <c> <message>` (`stagePodReport`, 1.4+).
public struct ProgressLine: Sendable {
    /// `<ns>/<name>`.
    public let pod: String
    public let container: String?
    public let message: String

    public init?(_ line: String) {
        guard line.hasPrefix("Pod "), let colon = line.firstRange(of: ": ") else { return nil }
        pod = String(line[line.index(line.startIndex, offsetBy: 4)..<colon.lowerBound])
        var rest = line[colon.upperBound...]
        if rest.hasPrefix("Container ") {
            rest = rest.dropFirst("Container ".count)
            let name = rest.prefix { $0 != " " }
            container = String(name)
            rest = rest.dropFirst(name.count).drop { $0 == " " }
        } else {
            container = nil
        }
        message = String(rest)
    }
}

/// The first double-quoted string in a message: the image in `Back-off pulling image "<image>"`.
public func quotedImage(in message: String) -> String? {
    guard let open = message.firstIndex(of: "\"") else { return nil }
    let after = message.index(after: open)
    guard let close = message[after...].firstIndex(of: "\"") else { return nil }
    let image = String(message[after..<close])
    return image.isEmpty ? nil : image
}
