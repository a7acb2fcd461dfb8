import MustardArchive

/// The must-gather layouts mustard recognises (`docs/mtc.md` §3, `oc adm inspect`).
public enum Layout: String, Sendable, CaseIterable, Comparable {
    /// MTC's gather 1.4.3+: `must-gather/clusters/<cluster>/namespaces/...`.
    case mtcClusters = "mtc-gather"
    /// MTC's gather 1.3 to 1.4.2: `must-gather/<cluster>/namespaces/...`.
    case mtcLegacy = "mtc-gather-legacy"
    /// MTC's `must-gather/migplans/migplan-<plan>/...` tree (1.4+).
    case mtcMigplans = "mtc-migplans"
    /// `oc adm inspect` output or the default must-gather: `namespaces/<ns>/...`, `cluster-scoped-resources/...`.
    case inspect = "oc-adm-inspect"

    public static func < (l: Layout, r: Layout) -> Bool { l.rawValue < r.rawValue }
}

/// What one file of the dump is, decided from its path alone.
public enum FileRole: Equatable, Sendable {
    /// YAML holding objects; `resource` is the plural the path promises (`pods`), nil when the path does not say.
    case objects(resource: String?)
    /// `pods/<pod>/<pod>.yaml`: a second copy of a pod that `core/pods.yaml` already lists.
    case podCopy(namespace: String)
    /// A container log: `logs/<pod>/current.log` (MTC) or `pods/<pod>/<container>/<container>/logs/current.log`.
    case log(namespace: String, pod: String, container: String?, previous: Bool)
    /// A text file of MTC's `migplans/` tree: Velero describe output and logs (`restore-describe-<r>.txt`,
    /// `backup-<b>.log`, `pvb-describe-<p>.txt`, PodVolumeBackup node logs).
    case migplanText(file: String)
    /// `login_error.txt`: the gather could not log in to the cluster.
    case loginError
    case ignored

    var isLog: Bool { if case .log = self { true } else { false } }
}

/// Where a file sits: which layout, which cluster, which role.
public struct Location: Equatable, Sendable {
    public let layout: Layout
    public let cluster: String
    /// A namespace the path is about (`namespaces/<ns>/...`), to know what was inspected.
    public let namespace: String?
    public let role: FileRole

    /// The cluster MTC's `migplans/` tree belongs to: the gather builds it from the host's MigPlans (§3.2).
    public static let migplansCluster = "host"

    /// Finds the layout anchor in a path below any wrapper folders and nested archives.
    public static func locate(_ path: EntryPath) -> Location? {
        let c = path.allComponents
        guard !c.isEmpty else { return nil }
        // MTC 1.4.3+: the last `clusters/<name>/` wins, so wrappers named `clusters` do not confuse it.
        if let i = c.indices.last(where: { c[$0] == "clusters" && $0 + 2 < c.count }) {
            let cluster = String(c[i + 1])
            let rest = Array(c[(i + 2)...])
            if rest == ["login_error.txt"] {
                return Location(layout: .mtcClusters, cluster: cluster, namespace: nil, role: .loginError)
            }
            if rest.first == "namespaces" || rest.first == "cluster-scoped-resources" {
                return Location(layout: .mtcClusters, cluster: cluster, namespace: namespace(rest), role: role(rest))
            }
        }
        if let i = c.firstIndex(of: "migplans"), i + 2 < c.count, c[i + 1].hasPrefix("migplan-") {
            let leaf = c[c.count - 1]
            let isYAML = leaf.hasSuffix(".yml") || leaf.hasSuffix(".yaml")
            let isText = leaf.hasSuffix(".txt") || leaf.hasSuffix(".log")
            let role: FileRole = isYAML ? .objects(resource: nil) : isText ? .migplanText(file: String(leaf)) : .ignored
            return Location(layout: .mtcMigplans, cluster: migplansCluster, namespace: nil, role: role)
        }
        // MTC 1.3-1.4.2 write a failed login at `must-gather/<cluster>/login_error.txt` (migtools/must-gather
        // release-1.4.0 `collection-scripts/gather`), with nothing else for that cluster.
        if c.count >= 3, c[c.count - 1] == "login_error.txt", c[c.count - 3] == "must-gather", !c[c.count - 2].contains("sha256") {
            return Location(layout: .mtcLegacy, cluster: String(c[c.count - 2]), namespace: nil, role: .loginError)
        }
        guard let i = c.firstIndex(where: { ($0 == "namespaces" || $0 == "cluster-scoped-resources") }), i + 1 < c.count else {
            return nil
        }
        let rest = Array(c[i...])
        // MTC 1.3-1.4.2: `must-gather/<cluster>/namespaces`; an image folder (`…-sha256-…`) is oc's, not a cluster.
        if i >= 2, c[i - 2] == "must-gather", !c[i - 1].contains("sha256") {
            return Location(layout: .mtcLegacy, cluster: String(c[i - 1]), namespace: namespace(rest), role: role(rest))
        }
        let cluster = i == 0 ? "default" : String(c[0])
        return Location(layout: .inspect, cluster: cluster, namespace: namespace(rest), role: role(rest))
    }

    private static func namespace(_ rest: [Substring]) -> String? {
        rest.first == "namespaces" && rest.count > 1 ? String(rest[1]) : nil
    }

    /// The role of a path relative to the anchor (`namespaces/...` or `cluster-scoped-resources/...`).
    private static func role(_ rest: [Substring]) -> FileRole {
        guard let leaf = rest.last else { return .ignored }
        let isYAML = leaf.hasSuffix(".yaml") || leaf.hasSuffix(".yml")
        if rest.first == "cluster-scoped-resources" {
            // cluster-scoped-resources/<group>/<plural>.yaml (list) or …/<group>/<plural>/<name>.yaml (one object)
            guard isYAML, rest.count >= 3 else { return .ignored }
            let plural = rest.count == 3 ? stem(leaf) : String(rest[2])
            return .objects(resource: plural.split(separator: ".").first.map(String.init))
        }
        guard rest.count >= 3 else { return .ignored }
        let ns = String(rest[1])
        let below = Array(rest[2...])
        switch below.count {
        case 1:  // namespaces/<ns>/<ns>.yaml
            return isYAML && stem(leaf) == ns ? .objects(resource: "namespaces") : .ignored
        case 2:  // namespaces/<ns>/<group>/<plural>.yaml
            return isYAML ? .objects(resource: stem(leaf)) : .ignored
        default:
            break
        }
        let isLog = leaf == "current.log" || leaf == "previous.log"
        let previous = leaf == "previous.log"
        switch below[0] {
        case "pods":
            if below.count == 3, isYAML { return .podCopy(namespace: ns) }  // pods/<pod>/<pod>.yaml
            // pods/<pod>/<container>/<container>/logs/current.log
            if isLog, below.count == 6, below[4] == "logs" {
                return .log(namespace: ns, pod: String(below[1]), container: String(below[2]), previous: previous)
            }
            return .ignored
        case "crs":  // crs/<plural>.<group>/<name>.yaml (MTC, one object a file)
            guard isYAML, below.count == 3 else { return .ignored }
            return .objects(resource: below[1].split(separator: ".").first.map(String.init))
        case "logs":  // logs/<pod>/current.log (MTC: all containers concatenated)
            if isLog, below.count == 3 { return .log(namespace: ns, pod: String(below[1]), container: nil, previous: previous) }
            return .ignored
        default:
            // namespaces/<ns>/<group>/<plural>/<name>.yaml (newer inspect writes some kinds one a file)
            if isYAML, below.count == 3 { return .objects(resource: String(below[1])) }
            return .ignored
        }
    }

    private static func stem(_ leaf: Substring) -> String {
        if leaf.hasSuffix(".yaml") { return String(leaf.dropLast(5)) }
        if leaf.hasSuffix(".yml") { return String(leaf.dropLast(4)) }
        return String(leaf)
    }
}
