import MustardModel

/// The dump itself is incomplete: damaged archives, files holding `oc` errors instead of objects, clusters the
/// gather could not log in to, no gather time. Every other rule sees only what is left, so this is said first.
public struct GatherIncompleteRule: BuiltInRule {
    public static let id = "dump/gather-incomplete"

    public static let description = RuleDescription(
        id: id,
        name: "Gather incomplete",
        category: "dump",
        severity: .warning,
        summary: "Parts of the must-gather are missing or unreadable, so the analysis cannot see them.",
        rationale: """
            A truncated upload, a corrupt nested tarball, a `.yaml` file that holds the text of a failed `oc get`, or a \
            cluster the gather could not log in to all leave holes that no rule can see into: a rule that finds nothing \
            there has not shown the cluster healthy. Without a `timestamp` file the gather time, the analysis' "now", \
            is estimated from the newest time in the dump.
            """,
        references: [
            "https://github.com/openshift/oc/blob/master/pkg/cli/admin/mustgather/mustgather.go",
            "https://github.com/migtools/must-gather/blob/master/collection-scripts/gather",
        ],
        requirements: DataRequirements(),
        triggeringExamples: [
            "Tests/Fixtures/oc-error-in-yaml", "Tests/Fixtures/mtc-1.7-config-missing",
            "Tests/RealData/RedHatQE__must-gather-explorer/must_gather_explorer/tests/manifests/must-gather-data/data",
            "Tests/Fixtures/mtc-1.4.1-source-login-failed", "Tests/Fixtures/mtc-1.6-source-login-failed",
            "Tests/Fixtures/mtc-1.8-source-login-failed",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck",
            "Tests/RealData/openshift__must-gather-clean/test/files/must-gather-aws.tar.xz",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        var evidence: [Evidence] = []
        let damaged = snapshot.loadIssues.filter(\.damaged)
        for issue in damaged.prefix(10) { evidence.append(Evidence("Not read: \(issue.message)", path: issue.path)) }
        if damaged.count > 10 { evidence.append(Evidence("… and \(damaged.count - 10) more unreadable files (see the load issues)", path: damaged[10].path)) }
        let unreachable = snapshot.clusters.compactMap { c in c.loginError.map { (c.name, $0) } }
        for (name, login) in unreachable {
            evidence.append(Evidence("The gather could not log in to cluster \(name): \(login.text); nothing else of it is in the dump", path: login.source.path))
        }
        var noTimestamp = true
        if case .timestampFile = snapshot.gatherTimeSource { noTimestamp = false }
        if noTimestamp {
            let estimate = snapshot.gatheredAt.map { "the newest time in the dump, \($0), stands in for the gather time" } ?? "no time at all is stated, so time-based rules are skipped"
            evidence.append(Evidence("No `timestamp` file: \(estimate)", path: snapshot.clusters.first?.firstSource?.path ?? ""))
        }
        guard !evidence.isEmpty else {
            return .passed("no damaged or unreadable file, every gathered cluster logged in, gather time from the timestamp file")
        }
        let holes = !damaged.isEmpty || !unreachable.isEmpty
        var parts: [String] = []
        if !damaged.isEmpty { parts.append("\(damaged.count) unreadable file(s)") }
        if !unreachable.isEmpty { parts.append("no data from cluster(s) \(unreachable.map(\.0).joined(separator: ", "))") }
        if noTimestamp { parts.append("no gather time") }
        var steps: [RemediationStep] = []
        if holes {
            steps.append(RemediationStep(
                title: "Ask for a new must-gather (and, for clusters it could not log in to, fix their MigCluster token first); upload it without re-compressing damaged copies",
                cluster: nil, command: MustGatherCommand.forDump(snapshot), verify: "ls must-gather.local.*/*/must-gather.tar.gz && tar -tzf must-gather.local.*/*/must-gather.tar.gz > /dev/null"))
        }
        return .findings([Finding(
            key: FindingKey(rule: Self.id, scope: "dump"), severity: holes ? .warning : .info,
            title: "The must-gather is incomplete: " + parts.joined(separator: "; "),
            cluster: nil, subject: ResourceRef(kind: "MustGather", namespace: nil, name: "dump"),
            explanation: "Findings below cover only what could be read. " + (holes ? "What is missing cannot be shown healthy or broken: treat rules that passed with that in mind." : "Times are measured against an estimated gather time."),
            evidence: evidence, remediation: steps, references: Self.description.references)])
    }
}
