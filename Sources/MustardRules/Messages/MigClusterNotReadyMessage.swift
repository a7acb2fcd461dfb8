import MustardModel

extension MigClusterNotReadyRule {
    /// How a MigCluster diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let mc = d.migCluster
            guard d.notReady else {
                return "Cluster \(mc.name) refused the gather's login (\(d.login?.text ?? "")) although MigCluster \(mc.name) reports Ready"
            }
            let cause = d.blocking.first.map { "\($0.condition.type)\($0.condition.reason.map { " (\($0))" } ?? "")" }
                ?? (mc.isReady ? "the gather could not log in" : "no Ready condition")
            let plans = d.plans.isEmpty ? "" : "; plan(s) \(d.plans.map(\.0.name).joined(separator: ", ")) blocked"
            return "MigCluster \(mc.name) is not Ready: \(cause)\(mc.url.map { " (url \($0))" } ?? "")\(plans)"
        }

        static func explanation(_ d: Diagnosis) -> String {
            let name = d.migCluster.name
            return prose(
                d.notReady
                    ? "MTC cannot use cluster \(name): the controller validates the URL, the service account Secret, a test connection and the token's privileges, and the first failure removes Ready."
                    : "The gather logs in to \(name) with the token of its MigCluster and was refused, so the token (or the URL) no longer works even though the controller's last check passed; the next reconcile will mark it not Ready.",
                d.plans.isEmpty ? nil : "Plans using it are not Ready either, so none of their migrations can run.",
                d.login == nil ? nil : "Nothing else was gathered from \(name).",
                d.problems.url && !d.problems.token && d.known.isEmpty
                    ? "Until the URL answers, the token cannot be tested: refresh it too if the cluster was never Ready." : nil)
        }

        /// With a known message its fix comes first (SignatureAdvice); the generic steps keep only what it does not cover.
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let mc = d.migCluster, problems = d.problems
            if d.known.isEmpty { return steps(mc, holder: d.holder, problems: problems, neverReady: !mc.isReady) }
            guard problems.url || problems.token || problems.certificate || problems.registryRoute else { return [] }
            return steps(mc, holder: d.holder, problems: problems, neverReady: !mc.isReady && !d.known.contains("cluster-unauthorized"))
        }

        static func title(_ d: LoginOnly) -> String { "The gather could not log in to cluster \(d.cluster): \(d.login.text)" }

        static func explanation(_ d: LoginOnly) -> String {
            "MTC's must-gather logs in to each remote cluster with the token of its MigCluster. It could not log in to \(d.cluster), so nothing else was gathered from it, and the MigCluster itself is not in the dump."
        }

        static func remediation(_ d: LoginOnly) -> [RemediationStep] {
            [RemediationStep(
                title: "Look at MigCluster \(d.cluster) on the host cluster", cluster: nil,
                command: MTCSetup.conditionsList("migcluster", d.cluster), verify: MTCSetup.readyCheck("migcluster", d.cluster),
                expect: MTCSetup.readyExpectation)]
        }

        private static func steps(_ mc: MigCluster, holder: String, problems: Problems, neverReady: Bool) -> [RemediationStep] {
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
}
