import MustardModel

/// What the MTC setup rules share: where the setup objects are, why a rule has nothing to check, the commands
/// that check readiness, and a comparison of a configured image with its siblings.
enum MTCSetup {
    /// Why a setup rule has nothing to check: MTC absent altogether (the shared wording), or present without `what`.
    static func nothingToCheck(_ context: RuleContext, missing what: String) -> String {
        context.snapshot.hasMTC ? "no \(what) in the dump" : context.noMigrationsReason
    }

    /// Each object once per dump cluster (the 1.3 gather and the `migplans/` tree can both hold a plan).
    static func unique<T>(_ items: [(cluster: String, item: T)], name: (T) -> String) -> [(cluster: String, item: T)] {
        var seen = Set<String>()
        return items.filter { seen.insert("\($0.cluster)\u{0}\(name($0.item))").inserted }
            .sorted { ($0.cluster, name($0.item)) < ($1.cluster, name($1.item)) }
    }

    static func migClusters(_ snapshot: DumpSnapshot) -> [(cluster: String, item: MigCluster)] {
        unique(snapshot.clusters.flatMap { c in c.migClusters.map { (c.name, $0) } }, name: \.name)
    }

    static func migStorages(_ snapshot: DumpSnapshot) -> [(cluster: String, item: MigStorage)] {
        unique(snapshot.clusters.flatMap { c in c.migStorages.map { (c.name, $0) } }, name: \.name)
    }

    static func migPlans(_ snapshot: DumpSnapshot) -> [(cluster: String, item: MigPlan)] {
        unique(snapshot.clusters.flatMap { c in c.migPlans.map { (c.name, $0) } }, name: \.name)
    }

    /// The dump cluster holding the MigCluster or MigStorage a plan references: the plan's own, else any.
    static func holder<T>(of name: String, near cluster: String, in items: [(cluster: String, item: T)], name itemName: (T) -> String) -> String? {
        items.first { $0.cluster == cluster && itemName($0.item) == name }?.cluster
            ?? items.first { itemName($0.item) == name }?.cluster
    }

    /// Prints the Ready condition's status of an MTC object: `readyExpectation` once fixed.
    static func readyCheck(_ resource: String, _ name: String) -> String {
        "oc -n \(MTC.namespace) get \(resource) \(shellQuote(name)) -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}'"
    }

    /// What `readyCheck` prints once the object is ready.
    static let readyExpectation = "True"

    /// Lists an MTC object's conditions, one a line.
    static func conditionsList(_ resource: String, _ name: String) -> String {
        "oc -n \(MTC.namespace) get \(resource) \(shellQuote(name)) -o jsonpath='{range .status.conditions[*]}{.type}{\"\\t\"}{.category}{\"\\t\"}{.message}{\"\\n\"}{end}'"
    }

    /// `Type (reason): message` for evidence; callers name the category.
    static func describe(_ c: Condition) -> String {
        "\(c.type)\(c.reason.map { " (\($0))" } ?? "")\(c.message.map { ": \($0)" } ?? "")"
    }

    /// The items MTC expands into a condition message as `[a,b,c]`.
    static func items(in message: String?) -> [String] {
        guard let message, let open = message.firstIndex(of: "["), let close = message[open...].firstIndex(of: "]") else { return [] }
        return message[message.index(after: open)..<close].split(separator: ",").map { String($0).withoutOuterSpaces }
            .filter { !$0.isEmpty }
    }
}

/// A configured MTC image compared with its sibling images in the same `migration-cluster-config`: registry,
/// organisation and tag, the way `StageImageAssessment` judges STAGE_IMAGE (whose texts name STAGE_IMAGE only).
struct ConfiguredImageComparison {
    let key: String
    let image: String
    let comparison: String?
    /// Unlike its siblings in registry, organisation or tag, or not one of MTC's repositories for that key.
    let isSuspicious: Bool

    /// MTC's repositories for each key, up- and downstream.
    static let knownRepositories: [String: Set<String>] = [
        MTC.rsyncTransferImageKey: ["rsync-transfer", "openshift-migration-rsync-transfer-rhel8"],
        MTC.registryImageKey: ["registry", "openshift-migration-registry-rhel8", "mig-registry"],
    ]

    init?(key: String, data: [String: String]) {
        guard let value = data[key] else { return nil }
        self.key = key
        image = value
        let me = ImageReference(value)
        let siblings = [MTC.stageImageKey, MTC.registryImageKey, MTC.rsyncTransferImageKey].filter { $0 != key }
            .compactMap { k in data[k].map { (k, ImageReference($0)) } }
        // A sibling that is itself odd (the stage image of the breakfix exercise) is no reference.
        let references = siblings.filter { k, image in
            let known = k == MTC.stageImageKey ? StageImageAssessment.knownRepositories : Self.knownRepositories[k] ?? []
            return known.contains(image.repository)
        }
        var differences: [String] = []
        for (k, s) in references {
            var d: [String] = []
            if s.registry != me.registry { d.append("registry \(me.registry) vs \(s.registry)") }
            if s.organisation != me.organisation { d.append("organisation \(me.organisation) vs \(s.organisation)") }
            if s.tag != me.tag { d.append("tag \(me.tag ?? "none") vs \(s.tag ?? "none")") }
            if !d.isEmpty { differences.append("\(k) (\(d.joined(separator: ", ")))") }
        }
        let known = Self.knownRepositories[key]?.contains(me.repository) ?? true
        var parts: [String] = []
        if !known {
            parts.append("repository \(me.repository) is not one of MTC's \(key) images (\((Self.knownRepositories[key] ?? []).sorted().joined(separator: ", ")))")
        }
        if !differences.isEmpty { parts.append("it differs from \(differences.joined(separator: "; "))") }
        if parts.isEmpty {
            comparison = references.isEmpty ? nil : "\(key) \(value) matches its sibling images in registry, organisation and tag"
        } else {
            comparison = "\(key) \(value): " + parts.joined(separator: "; ")
        }
        isSuspicious = !parts.isEmpty
    }
}

extension String {
    /// Without leading and trailing spaces and newlines (the rules do not import Foundation).
    var withoutOuterSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" }
        return String(String(drop(while: isSpace).reversed()).drop(while: isSpace).reversed())
    }
}
