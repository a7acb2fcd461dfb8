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
            findings.append(finding(mc, holder: holder, login: login, context: context))
        }
        // A login error for a cluster whose MigCluster is not in the dump.
        for cluster in loginErrors where !covered.contains(cluster.name) {
            guard let login = cluster.loginError, !migClusters.contains(where: { $0.item.name == cluster.name }) else { continue }
            findings.append(Finding(
                key: Self.key(cluster: cluster.name, name: cluster.name), severity: .error,
                title: "The gather could not log in to cluster \(cluster.name): \(login.text)",
                cluster: cluster.name, subject: ResourceRef(kind: "MigCluster", namespace: MTC.namespace, name: cluster.name),
                explanation: "MTC's must-gather logs in to each remote cluster with the token of its MigCluster. It could not log in to \(cluster.name), so nothing else was gathered from it, and the MigCluster itself is not in the dump.",
                evidence: [Evidence("The gather could not log in to cluster \(cluster.name): \(login.text)", path: login.source.path)],
                remediation: [RemediationStep(
                    title: "Look at MigCluster \(cluster.name) on the host cluster", cluster: nil,
                    command: MTCSetup.conditionsList("migcluster", cluster.name), verify: MTCSetup.readyCheck("migcluster", cluster.name), expect: MTCSetup.readyExpectation)],
                references: Self.description.references))
        }
        if findings.isEmpty {
            return .passed("\(migClusters.count) MigCluster(s) checked: all Ready, no Critical or Error condition, no gather login error")
        }
        return .findings(findings)
    }

    /// What went wrong, grouped by the fix it needs.
    private struct Problems {
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

    private func finding(_ mc: MigCluster, holder: String, login: (text: String, source: SourceRef)?, context: RuleContext) -> Finding {
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
        let plans = Self.affectedPlans(mc.name, context.snapshot)
        for (plan, i, c) in plans {
            evidence.append(Evidence(
                "MigPlan \(plan.name) is blocked: \(MTCSetup.describe(c))", object: plan.object, field: "status.conditions[\(i)]",
                at: c.lastTransitionTime))
        }

        let notReady = !mc.isReady || !blocking.isEmpty
        let severity: Severity = notReady ? .critical : .error
        let cause = blocking.first.map { "\($0.condition.type)\($0.condition.reason.map { " (\($0))" } ?? "")" }
            ?? (mc.isReady ? "the gather could not log in" : "no Ready condition")
        let planText = plans.isEmpty ? "" : "; plan(s) \(plans.map(\.0.name).joined(separator: ", ")) blocked"
        let title = notReady
            ? "MigCluster \(mc.name) is not Ready: \(cause)\(mc.url.map { " (url \($0))" } ?? "")\(planText)"
            : "Cluster \(mc.name) refused the gather's login (\(login?.text ?? "")) although MigCluster \(mc.name) reports Ready"
        var explanation = notReady
            ? "MTC cannot use cluster \(mc.name): the controller validates the URL, the service account Secret, a test connection and the token's privileges, and the first failure removes Ready. "
            : "The gather logs in to \(mc.name) with the token of its MigCluster and was refused, so the token (or the URL) no longer works even though the controller's last check passed; the next reconcile will mark it not Ready. "
        if !plans.isEmpty {
            explanation += "Plans using it are not Ready either, so none of their migrations can run. "
        }
        if login != nil {
            explanation += "Nothing else was gathered from \(mc.name). "
        }
        var problems = Problems(mc, login: login?.text)
        // A known message decides between URL, token and certificate: its signature's fix replaces the guesses.
        let known = Set(SignatureAdvice.hits(in: evidence, subject: "MigCluster", rule: Self.id).map(\.signature.id))
        if known.contains("cluster-unauthorized") {
            problems.url = false
            problems.token = problems.secretMissing
        }
        if known.contains("cluster-x509") { problems.certificate = false }
        if problems.url && !problems.token && known.isEmpty {
            explanation += "Until the URL answers, the token cannot be tested: refresh it too if the cluster was never Ready."
        }
        let made = Finding(
            key: Self.key(cluster: holder, name: mc.name), severity: severity, title: title,
            cluster: holder, subject: ResourceRef(mc.object), related: plans.map { ResourceRef($0.0.object) },
            namespaces: plans.flatMap(\.0.sourceNamespaces),
            explanation: explanation.withoutOuterSpaces, evidence: evidence,
            // With a known message its fix comes first (SignatureAdvice); the generic steps keep only what it does not cover.
            remediation: known.isEmpty
                ? remediation(mc, holder: holder, problems: problems, neverReady: !mc.isReady)
                : (problems.url || problems.token || problems.certificate || problems.registryRoute
                    ? remediation(mc, holder: holder, problems: problems, neverReady: !mc.isReady && !known.contains("cluster-unauthorized")) : []),
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

    private func remediation(_ mc: MigCluster, holder: String, problems: Problems, neverReady: Bool) -> [RemediationStep] {
        let name = shellQuote(mc.name)
        let verify = MTCSetup.readyCheck("migcluster", mc.name)
        var steps: [RemediationStep] = []
        if problems.url {
            steps.append(RemediationStep(
                title: "Read the API URL of cluster \(mc.name) (run there), then set it as spec.url of MigCluster \(mc.name) (now \(mc.url ?? "not set")) on the host",
                cluster: mc.name,
                command: """
                    API_URL=$(oc whoami --show-server)   # on cluster \(mc.name)
                    oc -n \(MTC.namespace) patch migcluster \(name) --type merge -p '{"spec":{"url":"'"$API_URL"'"}}'   # on the host cluster \(holder)
                    """,
                verify: verify, expect: MTCSetup.readyExpectation))
        }
        if problems.token || problems.secretMissing || (problems.url && neverReady) {
            let ref = mc.serviceAccountSecretRef ?? SecretReference.fallback(mc.name)
            let write = problems.secretMissing
                ? "oc -n \(shellQuote(ref.namespace)) create secret generic \(shellQuote(ref.name)) --from-literal=saToken=\"$TOKEN\""
                : "oc -n \(shellQuote(ref.namespace)) set data secret/\(shellQuote(ref.name)) saToken=\"$TOKEN\""
            steps.append(RemediationStep(
                title: "Get a fresh token of service account migration-controller on cluster \(mc.name) (run there; `oc create token` on OpenShift 4.11+, `oc sa get-token` before), then store it under key saToken of Secret \(ref.namespace)/\(ref.name) on the host",
                cluster: mc.name,
                command: """
                    TOKEN=$(oc create token migration-controller -n \(MTC.namespace) --duration=8760h)   # on cluster \(mc.name), OpenShift 4.11+
                    # TOKEN=$(oc sa get-token migration-controller -n \(MTC.namespace))   # on cluster \(mc.name), OpenShift 4.10 and older, 3.x
                    \(write)   # on the host cluster \(holder)
                    """,
                verify: verify, expect: MTCSetup.readyExpectation))
        }
        if problems.certificate {
            steps.append(RemediationStep(
                title: "Trust the API certificate of cluster \(mc.name): put its CA bundle in spec.caBundle of MigCluster \(mc.name) (or set spec.insecure: true on a lab cluster)",
                cluster: mc.name,
                command: """
                    CA_BUNDLE=$(oc config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')   # on cluster \(mc.name)
                    oc -n \(MTC.namespace) patch migcluster \(name) --type merge -p '{"spec":{"caBundle":"'"$CA_BUNDLE"'","insecure":false}}'   # on the host cluster \(holder)
                    """,
                verify: verify, expect: MTCSetup.readyExpectation))
        }
        if problems.registryRoute {
            steps.append(RemediationStep(
                title: "Check the exposed image registry route of cluster \(mc.name) (spec.exposedRegistryPath is \(mc.exposedRegistryPath ?? "not set")) and set it to the route's host",
                cluster: mc.name,
                command: """
                    oc -n openshift-image-registry get route -o jsonpath='{range .items[*]}{.spec.host}{"\\n"}{end}'   # on cluster \(mc.name)
                    oc -n \(MTC.namespace) patch migcluster \(name) --type merge -p '{"spec":{"exposedRegistryPath":"'"$REGISTRY_HOST"'"}}'   # on the host cluster \(holder), REGISTRY_HOST = the host printed above
                    """,
                verify: verify, expect: MTCSetup.readyExpectation))
        }
        if steps.isEmpty {
            steps.append(RemediationStep(
                title: "Read the conditions of MigCluster \(mc.name) and fix what they name", cluster: holder,
                command: MTCSetup.conditionsList("migcluster", mc.name), verify: verify, expect: MTCSetup.readyExpectation))
        }
        return steps
    }
}
