import Foundation
import MustardModel
import MustardRules

/// Rewrites a report so it can go into a public ticket (`--redact`): IPv4 and IPv6 addresses, host names and
/// domains (cluster URLs, routes, node names, private registries), e-mail addresses and anything that looks like a
/// token become placeholders; with `names`, the names of the customer's workloads too (namespaces, pods, plans,
/// migrations, clusters). The mapping is consistent — the same value always gives the same placeholder, numbered
/// in order of first appearance in the report — so the report stays readable; `mapping` holds it for the
/// engineer (`--redaction-map`), never for the report.
///
/// It transforms the `AnalysisReport`, so every renderer gets it for free. Kept as they are: well-known public
/// registries and documentation hosts, the reserved example domains, MTC's and the platform's own names, rule ids,
/// object kinds, fields in objects, times and line numbers. One `Redactor` may redact several reports (a batch):
/// the mapping then holds across them.
public final class Redactor: @unchecked Sendable {
    public let names: Bool
    /// original → placeholder.
    public private(set) var mapping: [String: String] = [:]
    private var counters: [String: Int] = [:]
    /// Customer names found in the reports → the placeholder prefix for their kind (`ns`, `pod`, `plan`…).
    private var knownNames: [String: String] = [:]
    private var nameRegex: NSRegularExpression?

    public init(names: Bool = false) { self.names = names }

    /// The mapping as a JSON object (original → placeholder), keys sorted: for `--redaction-map`.
    public func mappingJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(mapping), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return Neutralizer.json(text) + "\n"
    }

    /// The report with every string it carries redacted; findings keep their rules, severities, order and links.
    /// mustard's own words (rule ids, formats, layouts, the missing-data advice and a public gather image) stay.
    public func redact(_ report: AnalysisReport) -> AnalysisReport {
        if names { learnNames(report) }
        return report.mappingTexts(
            ReportTextMapping(text: text, command: command, inputPath: inputPath, ours: { $0 }, oursCommand: { $0 }))
    }

    // MARK: - Text

    /// One string of the report, redacted.
    public func text(_ s: String) -> String {
        var out = SecretScrubber.scrub(s)
        out = replace(out, Self.email) { m, ns in
            let value = ns.substring(with: m.range)
            if Self.isPlaceholder(value) { return nil }
            return self.placeholder(value.lowercased(), kind: "user") { "user-\($0)@example.com" }
        }
        out = replace(out, Self.host) { m, ns in
            let value = ns.substring(with: m.range)
            guard Self.isHost(value) else { return nil }
            return self.placeholder(value.lowercased(), kind: "host") { "host-\($0).example" }
        }
        out = replace(out, Self.ipv6) { m, ns in
            let value = ns.substring(with: m.range)
            guard Self.isIPv6(value) else { return nil }
            return self.placeholder(value.lowercased(), kind: "ipv6") { "fd00::x\($0)" }
        }
        out = replace(out, Self.ipv4) { m, ns in
            let value = ns.substring(with: m.range)
            if value == "0.0.0.0" || value.hasPrefix("127.") || value == "255.255.255.255" { return nil }
            return self.placeholder(value, kind: "ipv4") { "10.0.0.x\($0)" }
        }
        // Node names without a domain, where the text says they are nodes.
        out = replace(out, Self.nodeContext) { m, ns in
            var value = ns.substring(with: m.range(at: 2))
            var suffix = ""
            for ext in [".yaml", ".yml", ".json"] where value.hasSuffix(ext) {
                value = String(value.dropLast(ext.count))
                suffix = ext
            }
            if Self.isPlaceholder(value) { return nil }
            return ns.substring(with: m.range(at: 1)) + self.placeholder(value, kind: "node") { "node-\($0)" } + suffix
        }
        if names, let nameRegex {
            out = replace(out, nameRegex) { m, ns in
                let value = ns.substring(with: m.range)
                guard let prefix = self.knownNames[value] else { return nil }
                return self.placeholder(value, kind: prefix) { "\(prefix)-\($0)" }
            }
        } else if names {
            // The names' pattern did not compile (too many names for the engine): each name replaced as it is, the
            // longest first, so no customer name is left because the fast way failed.
            for (value, prefix) in knownNames.sorted(by: { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key })
            where out.contains(value) {
                out = out.replacing(value, with: placeholder(value, kind: prefix) { "\(prefix)-\($0)" })
            }
        }
        return out
    }

    /// A remediation command: redacted like any text, and still valid shell — every placeholder is made of
    /// characters a shell takes as they are, and a scrubbed secret becomes `REDACTED`, not `<redacted>` (a
    /// redirection outside quotes).
    public func command(_ s: String) -> String {
        text(s).replacing(SecretScrubber.placeholder, with: "REDACTED")
    }

    private func placeholder(_ key: String, kind: String, make: (Int) -> String) -> String {
        if let known = mapping[key] { return known }
        let n = counters[kind, default: 0] + 1
        counters[kind] = n
        let value = make(n)
        mapping[key] = value
        return value
    }

    private func replace(_ s: String, _ regex: NSRegularExpression?, _ with: (NSTextCheckingResult, NSString) -> String?) -> String {
        guard let regex else { return s }
        let ns = s as NSString
        let matches = regex.matches(in: s, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return s }
        var out = ""
        var last = 0
        for m in matches {
            guard let replacement = with(m, ns) else { continue }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last)) + replacement
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }

    // MARK: - Patterns

    /// nil when the pattern does not compile: the constant ones are checked by a test (`RedactionTests`), and a
    /// pattern built from learned names that fails leaves those names to the plain replacement below.
    static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    /// Every constant pattern, for the test that they all compile.
    public static var constantPatternsCompile: Bool {
        [email, host, ipv4, ipv6, nodeContext, placeholderPattern, pathNamespace, pathPod, pathPlan, pathMigration, pathCluster]
            .allSatisfy { $0 != nil }
    }

    private static let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    nonisolated(unsafe) static let email = regex(#"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:"# + label + #"\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"#)
    /// A dotted name ending in a letters-only label, not part of a longer dotted word (`must-gather.local.5108`)
    /// but possibly followed by a file extension (`nodes/worker-0.acme.com.yaml`).
    nonisolated(unsafe) static let host = regex(
        #"(?<![A-Za-z0-9.-])(?:"# + label + #"\.)+[A-Za-z]{2,24}(?=$|[^A-Za-z0-9.-]|\.(?![A-Za-z0-9*])|\.(?:yaml|yml|json|log|txt)(?![A-Za-z0-9]))"#)
    nonisolated(unsafe) static let ipv4 = regex(
        #"(?<![0-9A-Za-z.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9]|\.[0-9])"#)
    nonisolated(unsafe) static let ipv6 = regex(#"(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])"#)
    nonisolated(unsafe) static let nodeContext = regex(
        #"((?:Successfully assigned \S+ to |\bnode(?:Name)?"?[=:]\s*"?|\bnodes?/|\bon node ))([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])"#)

    /// Top-level domains a host name must end in: generic, common country codes, and private-network suffixes.
    /// A list rather than "any word", so that `status.phase`, `configmaps.yaml` or `items[2].data` stay.
    static let tlds: Set<String> = [
        "com", "net", "org", "edu", "gov", "mil", "int", "io", "info", "biz", "co", "me", "us", "uk", "de", "fr", "nl", "be", "ch",
        "at", "se", "no", "dk", "fi", "es", "pt", "ie", "it", "pl", "cz", "ru", "cn", "jp", "kr", "in", "au", "nz", "ca", "br", "mx",
        "za", "sg", "hk", "tw", "eu", "ai", "cloud", "tech", "online", "site", "xyz", "aws", "local", "localdomain", "internal",
        "intranet", "lan", "corp", "home", "private", "priv", "svc",
    ]

    /// Public hosts kept as they are (and their subdomains): registries anyone can pull from, documentation and
    /// API group domains, and the reserved example domains (RFC 2606) placeholders use.
    static let publicDomains = [
        "quay.io", "registry.redhat.io", "registry.access.redhat.com", "registry.connect.redhat.com", "docker.io", "gcr.io",
        "ghcr.io", "registry.k8s.io", "k8s.io", "kubernetes.io", "mcr.microsoft.com", "public.ecr.aws", "redhat.com",
        "openshift.io", "openshift.com", "konveyor.io", "velero.io", "github.com", "githubusercontent.com",
        "example", "example.com", "example.org", "example.net", "test", "invalid", "localhost",
        // Folders of `oc adm must-gather` and `oc adm inspect`, not hosts.
        "must-gather.local", "inspect.local",
    ]

    static func isHost(_ value: String) -> Bool {
        let lower = value.lowercased()
        guard let tld = lower.split(separator: ".").last, tlds.contains(String(tld)) || tld == "example" else { return false }
        return !publicDomains.contains { lower == $0 || lower.hasSuffix("." + $0) }
    }

    static func isIPv6(_ value: String) -> Bool {
        let compressions = value.components(separatedBy: "::").count - 1
        guard compressions <= 1 else { return false }
        let groups = value.split(separator: ":", omittingEmptySubsequences: true)
        if compressions == 0 { return groups.count == 8 }
        if value == "::1" || value == "::" { return false }
        return !groups.isEmpty && groups.count <= 7
    }

    nonisolated(unsafe) static let placeholderPattern = regex(
        #"^(?:host-\d+\.example|user-\d+@example\.com|10\.0\.0\.x\d+|fd00::x\d+|node-\d+)$"#)

    static func isPlaceholder(_ value: String) -> Bool {
        placeholderPattern?.firstMatch(in: value, range: NSRange(location: 0, length: (value as NSString).length)) != nil
    }

    // MARK: - Names (`--redact=names`)

    /// Names of MTC and the platform, kept even where they look like a customer's.
    static let keptNames: Set<String> = [
        "openshift-migration", "migration-controller", "migration-cluster-config", "host", "default", "velero", "restic",
        "migration-ui", "migration-log-reader", "migration-operator", "openshift-config", "openshift-adp",
    ]

    /// Kinds MTC's users name (or that take their names from those), and the placeholder prefix for each.
    static let mtcKinds: [String: String] = [
        "MigPlan": "plan", "MigMigration": "migration", "MigCluster": "cluster", "MigStorage": "storage", "MigHook": "hook",
        "MigAnalytic": "analytic", "DirectVolumeMigration": "dvm", "DirectVolumeMigrationProgress": "dvmp", "Backup": "backup",
        "Restore": "restore", "PodVolumeBackup": "pvb", "PodVolumeRestore": "pvr",
    ]

    static let workloadKinds: [String: String] = [
        "Pod": "pod", "PersistentVolumeClaim": "pvc", "Deployment": "deployment", "DeploymentConfig": "dc", "StatefulSet": "statefulset",
        "ReplicaSet": "replicaset", "ReplicationController": "rc", "DaemonSet": "daemonset", "Job": "job", "CronJob": "cronjob",
        "Service": "service", "Route": "route", "ConfigMap": "configmap", "Secret": "secret", "ServiceAccount": "sa",
    ]

    static func isCustomerNamespace(_ ns: String) -> Bool {
        !(ns == "default" || ns.hasPrefix("openshift") || ns.hasPrefix("kube-") || keptNames.contains(ns))
    }

    static func isGatherName(_ name: String) -> Bool {
        name.hasPrefix("inspect.local") || name.hasPrefix("must-gather.local") || name == "must-gather"
    }

    /// The dump's own path as reports and batch summaries show it. With names it is `dump-N` with its archive
    /// extension: customers name their uploads after themselves, and the folders above it are the engineer's own.
    public func inputPath(_ path: String) -> String {
        guard names else { return text(path) }
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let suffix = [".tar.gz", ".tgz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar", ".zip"].first { base.lowercased().hasSuffix($0) } ?? ""
        return placeholder(path, kind: "dump") { "dump-\($0)\(suffix)" }
    }

    private func learn(_ name: String, _ prefix: String) {
        guard !name.isEmpty, !Self.keptNames.contains(name), !Self.isGatherName(name), knownNames[name] == nil else { return }
        knownNames[name] = prefix
    }

    private func learnNamespace(_ ns: String?) {
        if let ns, Self.isCustomerNamespace(ns) { learn(ns, "ns") }
    }

    private func learn(_ r: ResourceRef) {
        if r.kind == "Namespace" { return learnNamespace(r.name) }
        learnNamespace(r.namespace)
        if let prefix = Self.mtcKinds[r.kind] { return learn(r.name, prefix) }
        if let ns = r.namespace, Self.isCustomerNamespace(ns) { learn(r.name, Self.workloadKinds[r.kind] ?? r.kind.lowercased()) }
    }

    nonisolated(unsafe) static let pathNamespace = regex(#"(?:^|/)namespaces/([a-z0-9][a-z0-9-]*)/"#)
    nonisolated(unsafe) static let pathPod = regex(#"(?:^|/)namespaces/([a-z0-9][a-z0-9-]*)/pods/([a-z0-9][a-z0-9.-]*)/"#)
    nonisolated(unsafe) static let pathPlan = regex(#"(?:^|/)migplan-([a-z0-9][a-z0-9.-]*[a-z0-9])/"#)
    nonisolated(unsafe) static let pathMigration = regex(#"(?:^|/)migmigration-([a-z0-9][a-z0-9.-]*[a-z0-9])/"#)
    nonisolated(unsafe) static let pathCluster = regex(#"(?:^|/)clusters/([A-Za-z0-9][A-Za-z0-9.-]*)/"#)

    /// Collects the customer's names the report identifies: the objects findings are about, timelines' plans,
    /// migrations and namespaces, clusters, and names in paths (`namespaces/NS/`, `pods/NAME/`, `migplan-NAME/`)
    /// and texts (`NS/NAME` in a customer namespace, taken for a pod).
    private func learnNames(_ report: AnalysisReport) {
        for c in report.input.clusters { learn(c, "cluster") }
        var texts: [String] = [report.input.path] + report.loadIssues.flatMap { [$0.path, $0.message] }
        for f in report.findings + report.suppressed.map(\.finding) {
            learn(f.subject)
            f.related.forEach(learn)
            f.namespaces.forEach(learnNamespace)
            if let c = f.cluster { learn(c, "cluster") }
            texts += [f.title, f.explanation] + f.evidence.flatMap { [$0.statement, $0.path] }
            texts += f.remediation.flatMap { [$0.title, $0.command, $0.verify ?? "", $0.expect ?? ""] }
        }
        for t in report.timelines {
            learn(t.migration, "migration")
            if let plan = t.plan { learn(plan, "plan") }
            t.namespaces.forEach(learnNamespace)
            learn(t.cluster, "cluster")
            texts += t.entries.flatMap { [$0.text, $0.path ?? ""] }
        }
        texts += report.outcomes.compactMap(\.reason)
        func each(_ regex: NSRegularExpression?, _ s: String, _ body: ([String]) -> Void) {
            guard let regex else { return }
            let ns = s as NSString
            for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
                body((1..<m.numberOfRanges).map { ns.substring(with: m.range(at: $0)) })
            }
        }
        for s in texts {
            each(Self.pathNamespace, s) { learnNamespace($0[0]) }
            each(Self.pathPod, s) { if Self.isCustomerNamespace($0[0]) { learn($0[1], "pod") } }
            each(Self.pathPlan, s) { learn($0[0], "plan") }
            each(Self.pathMigration, s) { learn($0[0], "migration") }
            each(Self.pathCluster, s) { learn($0[0], "cluster") }
        }
        let namespaces = knownNames.filter { $0.value == "ns" }.keys.sorted()
        if !namespaces.isEmpty {
            let slashName = Self.regex(
                "(?<![A-Za-z0-9-])(?:" + namespaces.map(NSRegularExpression.escapedPattern).joined(separator: "|")
                    + ")/([a-z0-9][a-z0-9.-]*)(?![/A-Za-z0-9.-])")
            // A name cut after its generateName (`stage-app-1-x9z-`) is learnt without the dash, so the prefix goes too.
            for s in texts {
                each(slashName, s) { m in
                    var name = Substring(m[0])
                    while name.last == "-" || name.last == "." { name = name.dropLast() }
                    // `namespaces/NS/NS.yaml` is a file, not an object.
                    if [".yaml", ".yml", ".json", ".log", ".txt"].contains(where: name.hasSuffix) { return }
                    learn(String(name), "pod")
                }
            }
        }
        // Longest first, with MTC's own names in the alternation too, so `migration-controller` is never cut into
        // a customer's `migration` and `plan-x-retry` keeps its plan name whole.
        let all = Set(knownNames.keys).union(Self.keptNames).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        nameRegex = Self.regex("(?<![A-Za-z0-9])(?:" + all.map(NSRegularExpression.escapedPattern).joined(separator: "|") + ")(?![A-Za-z0-9])")
    }
}
