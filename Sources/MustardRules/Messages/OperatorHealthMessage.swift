import MustardModel

extension OperatorHealthRule {
    /// How an MTC pod or version diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func text(_ problem: PodProblem) -> String {
            switch problem {
            case .waiting(let container, let reason): "container \(container) \(reason)"
            case .notReady(let container): "container \(container) not ready"
            case .phase(let phase, let unschedulable): "phase \(phase ?? "unknown")\(unschedulable ? ", unschedulable" : "")"
            case .restarted(let container, let count): "container \(container) restarted \(count) times"
            }
        }

        static func title(_ d: PodDiagnosis) -> String {
            "MTC pod \(d.pod.name) on cluster \(d.cluster) is unhealthy now: \(d.problems.map(text).joined(separator: ", ")) (it \(d.role))"
        }

        static func explanation(_ d: PodDiagnosis) -> String {
            let name = d.pod.name
            let consequence = name.hasPrefix("velero")
                ? "backups and restores on cluster \(d.cluster) hang or fail until it runs again."
                : name.hasPrefix("restic") || name.hasPrefix("node-agent")
                    ? "volumes of pods on its node cannot be copied by file system copy."
                    : name.hasPrefix("migration-controller")
                        ? "no migration progresses."
                        : "the part of MTC it serves is unavailable."
            return prose(
                "This pod \(d.role). At gather time it is \(d.problems.map(text).joined(separator: ", ")), so \(consequence)",
                d.pullImages.isEmpty ? nil : "Its image cannot be pulled: check the image name and the cluster's access to the registry.",
                d.crashing ? "Its previous log says why it exits." : nil)
        }

        /// Read why it exits (and, for Velero, its storage location), check the image pulls, describe it, then replace it.
        static func remediation(_ d: PodDiagnosis) -> [RemediationStep] {
            let pod = d.pod, cluster = d.cluster
            let containers = pod.containerStatuses.filter { $0.waitingReason != nil || !$0.ready }.map(\.name)
            let ns = "-n \(MTC.namespace)"
            var steps: [RemediationStep] = []
            if d.crashing {
                steps.append(RemediationStep(
                    title: "Read why \(pod.name) exits (previous container log) on cluster \(cluster)", cluster: cluster,
                    command: (containers.isEmpty ? [pod.containers.first?.name ?? ""] : containers)
                        .map { "oc \(ns) logs \(shellQuote(pod.name)) -c \(shellQuote($0)) --previous --tail=100" }.joined(separator: "\n"),
                    verify: nil))
                if pod.name.hasPrefix("velero") {
                    steps.append(RemediationStep(
                        title: "Velero most often exits on its storage location or cloud credentials; check them on cluster \(cluster)",
                        cluster: cluster,
                        command: "oc \(ns) get backupstoragelocations.velero.io -o custom-columns=NAME:.metadata.name,PHASE:.status.phase,BUCKET:.spec.objectStorage.bucket\noc \(ns) get secret cloud-credentials -o jsonpath='{.data}' | jq -r 'keys[]'",
                        verify: nil))
                }
            }
            if !d.pullImages.isEmpty {
                steps.append(RemediationStep(
                    title: "Check that cluster \(cluster) can pull \(Array(Set(d.pullImages)).sorted().joined(separator: ", ")): the image name, the pull secret and any registry mirror",
                    cluster: cluster,
                    command: "oc \(ns) get pod \(shellQuote(pod.name)) -o jsonpath='{range .spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}'\noc -n openshift-config get secret pull-secret -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d | jq -r '.auths | keys[]'",
                    verify: nil))
            }
            steps.append(RemediationStep(
                title: "See the pod's state and events on cluster \(cluster)", cluster: cluster,
                command: "oc \(ns) describe pod \(shellQuote(pod.name))", verify: nil))
            let selector = ["app.kubernetes.io/name", "deploy", "name", "app", "component"]
                .lazy.compactMap { key in pod.object.metadata.label(key).map { "\(key)=\($0)" } }.first
            steps.append(RemediationStep(
                title: "Once the cause is fixed, delete the pod so its controller starts a fresh one", cluster: cluster,
                command: "oc \(ns) delete pod \(shellQuote(pod.name))",
                verify: selector.map { "oc \(ns) get pods -l \(shellQuote($0))" } ?? "oc \(ns) get pods",
                expect: "the new pod Running, READY n/n"))
            return steps
        }

        static func title(_ d: VersionDiagnosis) -> String {
            guard d.versions.count > 1 else {
                return "MTC version problem: \(Set(d.conditions.map { "\($0.type) on MigCluster \($0.migCluster.name)" }).sorted().joined(separator: ", "))"
            }
            let listing = d.versions.keys.sorted().map { "\($0) on \((d.versions[$0] ?? []).sorted().joined(separator: ", "))" }
            return "MTC versions differ between clusters: \(listing.joined(separator: "; "))"
        }

        static func explanation(_ d: VersionDiagnosis) -> String {
            "MTC must run the same version on the host and on every remote cluster: the controller, Velero plugins and stage or rsync images of one version expect the others to match, and the controller reports OperatorVersionMismatch when they do not. Upgrade the older cluster(s) to the newest version."
        }

        /// On each cluster named, check the installed operator and upgrade it to the newest version seen.
        static func remediation(_ d: VersionDiagnosis) -> [RemediationStep] {
            let clustersNamed = Array(Set(d.conditions.map(\.migCluster.name) + d.versions.values.flatMap { $0 })).sorted()
            let newest = d.versions.keys.max { VersionOrder.less($0, $1) }
            return clustersNamed.map { name in
                RemediationStep(
                    title: "On cluster \(name), check the installed MTC operator and upgrade it to \(newest ?? "the version the other clusters run") (Operator Hub subscription on OpenShift 4, the operator manifest on 3.x)",
                    cluster: name,
                    command: "oc -n \(MTC.namespace) get csv -o custom-columns=NAME:.metadata.name,VERSION:.spec.version,PHASE:.status.phase\noc -n \(MTC.namespace) get subscription -o custom-columns=NAME:.metadata.name,CHANNEL:.spec.channel,APPROVAL:.spec.installPlanApproval",
                    verify: "oc -n \(MTC.namespace) get configmap \(MTC.clusterConfigMapName) -o jsonpath='{.data.\(MTC.operatorVersionKey)}{\"\\n\"}'")
            }
        }
    }
}
