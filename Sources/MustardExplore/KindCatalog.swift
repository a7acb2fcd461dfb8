/// A kind of resource as a user names it: `pods`, `po`, `Pod`, `mig`, `migmigrations.migration.openshift.io`.
public struct KindInfo: Sendable, Hashable, Codable {
    /// `Pod`, `MigMigration`.
    public let kind: String
    /// The API group, "" for the core group.
    public let group: String
    /// `pods`, `migmigrations`.
    public let plural: String
    public let shortNames: [String]
    public let namespaced: Bool

    public init(kind: String, group: String, plural: String, shortNames: [String] = [], namespaced: Bool = true) {
        self.kind = kind
        self.group = group
        self.plural = plural
        self.shortNames = shortNames
        self.namespaced = namespaced
    }

    /// Every word that names this kind, lower-cased.
    var names: [String] {
        let base = [kind.lowercased(), plural] + shortNames
        return group.isEmpty ? base : base + [plural + "." + group, kind.lowercased() + "." + group]
    }
}

/// The kinds mustard knows by name before reading a dump: Kubernetes' and OpenShift's common ones and MTC's and
/// Velero's custom resources. Kinds found only in a dump (or its CRDs) are added by `KindCatalog(seen:)`.
public struct KindCatalog: Sendable {
    public private(set) var kinds: [KindInfo]

    public static let builtIn: [KindInfo] = [
        KindInfo(kind: "Pod", group: "", plural: "pods", shortNames: ["po"]),
        KindInfo(kind: "Event", group: "", plural: "events", shortNames: ["ev"]),
        KindInfo(kind: "Namespace", group: "", plural: "namespaces", shortNames: ["ns"], namespaced: false),
        KindInfo(kind: "Node", group: "", plural: "nodes", shortNames: ["no"], namespaced: false),
        KindInfo(kind: "Service", group: "", plural: "services", shortNames: ["svc"]),
        KindInfo(kind: "ConfigMap", group: "", plural: "configmaps", shortNames: ["cm"]),
        KindInfo(kind: "Secret", group: "", plural: "secrets"),
        KindInfo(kind: "ServiceAccount", group: "", plural: "serviceaccounts", shortNames: ["sa"]),
        KindInfo(kind: "PersistentVolumeClaim", group: "", plural: "persistentvolumeclaims", shortNames: ["pvc"]),
        KindInfo(kind: "PersistentVolume", group: "", plural: "persistentvolumes", shortNames: ["pv"], namespaced: false),
        KindInfo(kind: "Endpoints", group: "", plural: "endpoints", shortNames: ["ep"]),
        KindInfo(kind: "ReplicationController", group: "", plural: "replicationcontrollers", shortNames: ["rc"]),
        KindInfo(kind: "LimitRange", group: "", plural: "limitranges", shortNames: ["limits"]),
        KindInfo(kind: "ResourceQuota", group: "", plural: "resourcequotas", shortNames: ["quota"]),
        KindInfo(kind: "Deployment", group: "apps", plural: "deployments", shortNames: ["deploy"]),
        KindInfo(kind: "ReplicaSet", group: "apps", plural: "replicasets", shortNames: ["rs"]),
        KindInfo(kind: "StatefulSet", group: "apps", plural: "statefulsets", shortNames: ["sts"]),
        KindInfo(kind: "DaemonSet", group: "apps", plural: "daemonsets", shortNames: ["ds"]),
        KindInfo(kind: "Job", group: "batch", plural: "jobs"),
        KindInfo(kind: "CronJob", group: "batch", plural: "cronjobs", shortNames: ["cj"]),
        KindInfo(kind: "StorageClass", group: "storage.k8s.io", plural: "storageclasses", shortNames: ["sc"], namespaced: false),
        KindInfo(
            kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", plural: "customresourcedefinitions",
            shortNames: ["crd", "crds"], namespaced: false),
        KindInfo(kind: "DeploymentConfig", group: "apps.openshift.io", plural: "deploymentconfigs", shortNames: ["dc"]),
        KindInfo(kind: "Route", group: "route.openshift.io", plural: "routes"),
        KindInfo(kind: "ImageStream", group: "image.openshift.io", plural: "imagestreams", shortNames: ["is"]),
        KindInfo(kind: "ClusterOperator", group: "config.openshift.io", plural: "clusteroperators", shortNames: ["co"], namespaced: false),
        KindInfo(
            kind: "ClusterServiceVersion", group: "operators.coreos.com", plural: "clusterserviceversions", shortNames: ["csv", "csvs"]),
        KindInfo(kind: "Subscription", group: "operators.coreos.com", plural: "subscriptions", shortNames: ["sub", "subs"]),
        // MTC (migration.openshift.io), short names as its CRDs declare them.
        KindInfo(kind: "MigMigration", group: "migration.openshift.io", plural: "migmigrations", shortNames: ["mig", "migration"]),
        KindInfo(kind: "MigPlan", group: "migration.openshift.io", plural: "migplans", shortNames: ["plan"]),
        KindInfo(kind: "MigCluster", group: "migration.openshift.io", plural: "migclusters", shortNames: ["cluster"]),
        KindInfo(kind: "MigStorage", group: "migration.openshift.io", plural: "migstorages", shortNames: ["storage"]),
        KindInfo(kind: "MigHook", group: "migration.openshift.io", plural: "mighooks"),
        KindInfo(kind: "MigAnalytic", group: "migration.openshift.io", plural: "miganalytics"),
        KindInfo(kind: "MigrationController", group: "migration.openshift.io", plural: "migrationcontrollers"),
        KindInfo(kind: "DirectVolumeMigration", group: "migration.openshift.io", plural: "directvolumemigrations", shortNames: ["dvm"]),
        KindInfo(
            kind: "DirectVolumeMigrationProgress", group: "migration.openshift.io", plural: "directvolumemigrationprogresses",
            shortNames: ["dvmp"]),
        KindInfo(kind: "DirectImageMigration", group: "migration.openshift.io", plural: "directimagemigrations", shortNames: ["dim"]),
        KindInfo(
            kind: "DirectImageStreamMigration", group: "migration.openshift.io", plural: "directimagestreammigrations",
            shortNames: ["dism"]),
        // Velero (velero.io).
        KindInfo(kind: "Backup", group: "velero.io", plural: "backups"),
        KindInfo(kind: "Restore", group: "velero.io", plural: "restores"),
        KindInfo(kind: "PodVolumeBackup", group: "velero.io", plural: "podvolumebackups", shortNames: ["pvb"]),
        KindInfo(kind: "PodVolumeRestore", group: "velero.io", plural: "podvolumerestores", shortNames: ["pvr"]),
        KindInfo(kind: "BackupStorageLocation", group: "velero.io", plural: "backupstoragelocations", shortNames: ["bsl"]),
        KindInfo(kind: "VolumeSnapshotLocation", group: "velero.io", plural: "volumesnapshotlocations", shortNames: ["vsl"]),
        KindInfo(kind: "ResticRepository", group: "velero.io", plural: "resticrepositories"),
        KindInfo(kind: "Schedule", group: "velero.io", plural: "schedules"),
    ]

    /// The built-in kinds, plus the kinds a dump holds (from its CRDs and objects) that are not among them.
    public init(seen: [KindInfo] = []) {
        var kinds = Self.builtIn
        for info in seen where !kinds.contains(where: { $0.kind == info.kind && $0.group == info.group }) { kinds.append(info) }
        self.kinds = kinds
    }

    /// The kind a word names, by kind, plural, short name or `plural.group`, case-insensitively.
    public func resolve(_ word: String) -> KindInfo? {
        let lowered = word.lowercased()
        // A kind the dump defines wins over a built-in short name only when it is named exactly.
        return kinds.first { $0.names.contains(lowered) }
    }

    /// Names close to a mistyped word, nearest first (at most three).
    public func suggestions(for word: String) -> [String] {
        let lowered = word.lowercased()
        let scored = kinds.flatMap { info in ([info.plural] + info.shortNames + [info.kind.lowercased()]).map { (info.plural, $0) } }
            .map { (plural, name) in (plural, name.hasPrefix(lowered) && lowered.count >= 3 ? 0 : EditDistance.between(lowered, name)) }
            .filter { $0.1 <= max(2, lowered.count / 3) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        var out: [String] = []
        for (plural, _) in scored where !out.contains(plural) { out.append(plural) }
        return Array(out.prefix(3))
    }

    /// A plural for a kind no catalog names: `Foo` → `foos`, `Policy` → `policies`, `Class` → `classes`.
    public static func guessedPlural(of kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) { return lower.dropLast() + "ies" }
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("ch") || lower.hasSuffix("sh") { return lower + "es" }
        return lower + "s"
    }
}

/// Levenshtein distance over characters, for "did you mean" (names are short).
public enum EditDistance {
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }

    /// Up to three of `candidates` nearest to `word` (a prefix counts as near), nearest first.
    public static func nearest(_ word: String, among candidates: [String]) -> [String] {
        let lowered = word.lowercased()
        return
            candidates
            .map { ($0, $0.lowercased().hasPrefix(lowered) && lowered.count >= 3 ? 0 : between(lowered, $0.lowercased())) }
            .filter { $0.1 <= max(2, lowered.count / 3) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(3).map(\.0)
    }
}
