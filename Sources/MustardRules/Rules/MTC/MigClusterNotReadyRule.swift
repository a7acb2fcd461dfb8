import MustardModel

/// A MigCluster MTC cannot use: no `Ready` condition, a Critical or Error condition, or a gather that could not
/// log in to it with the MigCluster's token.
///
/// mig-controller validates a remote MigCluster in order: `spec.url`, the service account Secret and its `saToken`
/// key, a test connection, then the token's privileges; the first failure is a Critical condition and `Ready` is
/// removed (`pkg/controller/migcluster/validation.go`). Every plan using the cluster then shows
/// `SourceClusterNotReady` or `DestinationClusterNotReady`, and no migration of those plans runs (`docs/mtc.md` §2.8, R2).
public struct MigClusterNotReadyRule: BuiltInRule {
    public static let id = "mtc/migcluster-not-ready"

    public static let description = RuleDescription(
        id: id,
        name: "MigCluster not ready",
        category: "mtc",
        severity: .critical,
        summary: "A MigCluster is not Ready (bad URL, token, secret or certificate), or the gather could not log in to it.",
        rationale: """
            MTC reaches a remote cluster with the URL and the service account token of its MigCluster. When the URL \
            is wrong, the token stale or unprivileged, the secret missing or the certificate untrusted, the MigCluster \
            loses Ready, every plan using it gets SourceClusterNotReady or DestinationClusterNotReady, and nothing \
            migrates. The must-gather logs in with the same token, so its login_error.txt is the same symptom seen \
            at gather time.
            """,
        references: [
            "https://github.com/migtools/mtc-breakfix/tree/master/01-Misconfiguration",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migcluster/validation.go",
            "https://github.com/redhat-cop/openshift-migration-best-practices/blob/main/05-troubleshooting.md",
        ],
        requirements: DataRequirements(resources: ["migclusters", "migplans", "migmigrations"]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-breakfix-misconfigured", "Tests/Fixtures/mtc-1.7-config-missing",
            "Tests/Fixtures/mtc-1.4.1-source-login-failed", "Tests/Fixtures/mtc-1.6-source-login-failed",
            "Tests/Fixtures/mtc-1.8-source-login-failed",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-plan-pv-invalid-action",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    /// The finding id for a MigCluster held by dump cluster `cluster`; `mtc/migplan-not-ready` links to it.
    static func key(cluster: String, name: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(name)") }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let snapshot = context.snapshot
        let migClusters = MTCSetup.migClusters(snapshot)
        let loginErrors = snapshot.clusters.filter { $0.loginError != nil }
        guard !migClusters.isEmpty || !loginErrors.isEmpty else {
            return .skipped(MTCSetup.nothingToCheck(context, missing: "MigCluster"))
        }
        var findings: [Finding] = []
        var covered = Set<String>()
        for (holder, mc) in migClusters {
            let login = mc.isHostCluster ? nil : snapshot.cluster(named: mc.name)?.loginError
            if login != nil { covered.insert(mc.name) }
            guard !mc.isReady || !mc.conditions.blocking.isEmpty || login != nil else { continue }
            findings.append(finding(Self.diagnose(mc, holder: holder, login: login, snapshot: snapshot), context: context))
        }
        // A login error for a cluster whose MigCluster is not in the dump.
        for cluster in loginErrors where !covered.contains(cluster.name) {
            guard let login = cluster.loginError, !migClusters.contains(where: { $0.item.name == cluster.name }) else { continue }
            findings.append(finding(LoginOnly(cluster: cluster.name, login: login)))
        }
        if findings.isEmpty {
            return .passed("\(migClusters.count) MigCluster(s) checked: all Ready, no Critical or Error condition, no gather login error")
        }
        return .findings(findings)
    }

    /// What went wrong, grouped by the fix it needs.
    struct Problems {
        var url = false
        var token = false
        var secretMissing = false
        var certificate = false
        var registryRoute = false

        init(_ mc: MigCluster, login: String?) {
            let texts = mc.conditions.filter(\.isBlocking).map { "\($0.type) \($0.reason ?? "") \($0.message ?? "")" } + [login ?? ""]
            for c in mc.conditions where c.isBlocking {
                switch c.type {
                case "InvalidURL": url = true
                case "InvalidSaToken", "SaTokenNotPrivileged": token = true
                case "InvalidSaSecretRef": secretMissing = true
                case "InvalidRegistryRoute": registryRoute = true
                default: break
                }
            }
            let text = texts.joined(separator: " ").lowercased()
            if ["x509", "certificate"].contains(where: text.contains) { certificate = true }
            if ["unauthorized", "forbidden", "token"].contains(where: text.contains) { token = true }
            if ["no such host", "dial tcp", "i/o timeout", "connection refused", "no route to host", "timeout"].contains(where: text.contains) {
                url = true
            }
            // A failed connection with no telling message: check both ends of it.
            if mc.conditions.active("TestConnectFailed") != nil && !url && !token && !certificate {
                url = true
                token = true
            }
        }
    }

    /// A login error of the gather for a cluster whose MigCluster is not in the dump.
    struct LoginOnly {
        let cluster: String
        let login: (text: String, source: SourceRef)
    }

    private func finding(_ d: LoginOnly) -> Finding {
        Finding(
            key: Self.key(cluster: d.cluster, name: d.cluster), severity: .error, title: Message.title(d),
            cluster: d.cluster, subject: ResourceRef(kind: "MigCluster", namespace: MTC.namespace, name: d.cluster),
            explanation: Message.explanation(d),
            evidence: [Evidence("The gather could not log in to cluster \(d.cluster): \(d.login.text)", path: d.login.source.path)],
            remediation: Message.remediation(d), references: Self.description.references)
    }

    /// Why one MigCluster cannot be used, and the facts that show it.
    struct Diagnosis {
        let migCluster: MigCluster
        /// The dump cluster holding the MigCluster (the host).
        let holder: String
        /// The gather's failed login to the cluster, if any.
        let login: (text: String, source: SourceRef)?
        /// Its Critical and Error conditions, in order, with their index in `status.conditions`.
        let blocking: [(index: Int, condition: Condition)]
        /// Plans naming the cluster that carry `SourceClusterNotReady` / `DestinationClusterNotReady`.
        let plans: [(MigPlan, Int, Condition)]
        /// What went wrong, after known messages ruled out the guesses they contradict.
        let problems: Problems
        /// Ids of the known messages (signatures) found in the evidence.
        let known: Set<String>
        let evidence: [Evidence]

        /// The controller says not Ready; otherwise only the gather's login failed.
        var notReady: Bool { !migCluster.isReady || !blocking.isEmpty }
    }

    static func diagnose(_ mc: MigCluster, holder: String, login: (text: String, source: SourceRef)?, snapshot: DumpSnapshot) -> Diagnosis {
        let blocking = mc.conditions.blocking
        var evidence: [Evidence] = []
        for (i, c) in blocking {
            evidence.append(Evidence(
                "MigCluster \(mc.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: mc.object,
                field: "status.conditions[\(i)]", at: c.lastTransitionTime))
        }
        if !mc.isReady {
            evidence.append(Evidence("MigCluster \(mc.name) has no Ready condition", object: mc.object, field: "status.conditions"))
        } else if let i = mc.conditions.index(ofActive: "Ready") {
            let since = mc.conditions[i].lastTransitionTime
            evidence.append(Evidence(
                "MigCluster \(mc.name) reports Ready\(since.map { " since \($0)" } ?? ""), from the controller's last check",
                object: mc.object, field: "status.conditions[\(i)]", at: since))
        }
        if let login {
            evidence.append(Evidence("The gather could not log in to cluster \(mc.name): \(login.text)", path: login.source.path))
        }
        if !mc.isHostCluster {
            evidence.append(Evidence("spec.url = \(mc.url ?? "(not set)")", object: mc.object, field: "spec.url"))
            evidence.append(Evidence(
                mc.hasCABundle ? "spec.caBundle is set" : "spec.insecure = \(mc.insecure), no spec.caBundle",
                object: mc.object, field: mc.hasCABundle ? "spec.caBundle" : "spec.insecure"))
            if let ref = mc.serviceAccountSecretRef {
                evidence.append(Evidence(
                    "spec.serviceAccountSecretRef = Secret \(ref.namespace)/\(ref.name) (its saToken key holds the token; the value is not read)",
                    object: mc.object, field: "spec.serviceAccountSecretRef"))
            } else {
                evidence.append(Evidence("spec.serviceAccountSecretRef is not set", object: mc.object, field: "spec.serviceAccountSecretRef"))
            }
        }
        let plans = affectedPlans(mc.name, snapshot)
        for (plan, i, c) in plans {
            evidence.append(Evidence(
                "MigPlan \(plan.name) is blocked: \(MTCSetup.describe(c))", object: plan.object, field: "status.conditions[\(i)]",
                at: c.lastTransitionTime))
        }
        var problems = Problems(mc, login: login?.text)
        // A known message decides between URL, token and certificate: its signature's fix replaces the guesses.
        let known = Set(SignatureAdvice.hits(in: evidence, subject: "MigCluster", rule: id).map(\.signature.id))
        if known.contains("cluster-unauthorized") {
            problems.url = false
            problems.token = problems.secretMissing
        }
        if known.contains("cluster-x509") { problems.certificate = false }
        return Diagnosis(
            migCluster: mc, holder: holder, login: login, blocking: blocking, plans: plans, problems: problems, known: known,
            evidence: evidence)
    }

    private func finding(_ d: Diagnosis, context: RuleContext) -> Finding {
        let made = Finding(
            key: Self.key(cluster: d.holder, name: d.migCluster.name), severity: d.notReady ? .critical : .error, title: Message.title(d),
            cluster: d.holder, subject: ResourceRef(d.migCluster.object), related: d.plans.map { ResourceRef($0.0.object) },
            namespaces: d.plans.flatMap(\.0.sourceNamespaces),
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d),
            references: Self.description.references)
        return SignatureAdvice.annotate(made, context: context)
    }

    /// Plans that name the cluster and carry `SourceClusterNotReady` / `DestinationClusterNotReady`.
    static func affectedPlans(_ name: String, _ snapshot: DumpSnapshot) -> [(MigPlan, Int, Condition)] {
        MTCSetup.migPlans(snapshot).compactMap { _, plan in
            for type in ["SourceClusterNotReady", "DestinationClusterNotReady"] {
                let ref = type == "SourceClusterNotReady" ? plan.sourceCluster : plan.destinationCluster
                if ref?.name == name, let i = plan.conditions.index(ofActive: type) { return (plan, i, plan.conditions[i]) }
            }
            return nil
        }
    }
}
