import MustardModel

/// A MigStorage (replication repository) MTC cannot use: no `Ready`, or a Critical condition from its validation.
///
/// mig-controller checks the provider, the credentials Secret and its keys, the settings, then tests the bucket
/// (`BackupStorageProviderTestFailed`) and the snapshot provider (`VolumeSnapshotProviderTestFailed`), all Critical
/// (`pkg/controller/migstorage/validation.go`). Plans using the storage get `StorageNotReady` (`docs/mtc.md` §2.8, R3).
public struct MigStorageNotReadyRule: BuiltInRule {
    public static let id = "mtc/migstorage-not-ready"

    public static let description = RuleDescription(
        id: id,
        name: "MigStorage not ready",
        category: "mtc",
        severity: .critical,
        summary: "The replication repository (MigStorage) is not Ready: endpoint, bucket or credentials fail the controller's test.",
        rationale: """
            Every indirect migration writes Velero backups and the image registry into the MigStorage bucket. A wrong \
            S3 endpoint (often a missing http:// or https:// scheme), a bucket that does not exist or credentials \
            that are wrong make the controller's provider test fail: the MigStorage loses Ready, every plan using it \
            gets StorageNotReady, and no migration of those plans can run.
            """,
        references: [
            "https://github.com/migtools/mtc-breakfix/tree/master/01-Misconfiguration",
            "https://github.com/migtools/mig-controller/blob/master/pkg/controller/migstorage/validation.go",
        ],
        requirements: DataRequirements(resources: ["migstorages", "migplans", "migmigrations"]),
        triggeringExamples: [
            "Tests/Fixtures/mtc-1.7-breakfix-misconfigured", "Tests/Fixtures/mtc-1.7-storage-creds-invalid",
            "Tests/Fixtures/mtc-1.4.1-storage-keys-rotated", "Tests/Fixtures/mtc-1.6-storage-keys-rotated",
            "Tests/Fixtures/mtc-1.8-storage-keys-rotated",
        ],
        nonTriggeringExamples: [
            "Samples/healthy-migration", "Samples/stage-image-stuck", "Tests/Fixtures/mtc-1.7-plan-pv-invalid-action",
            "Tests/Fixtures/mtc-1.4.1-completed-near-misses", "Tests/Fixtures/mtc-1.6-completed-near-misses",
            "Tests/Fixtures/mtc-1.8-completed-near-misses",
        ])

    /// The finding id for a MigStorage held by dump cluster `cluster`; `mtc/migplan-not-ready` links to it.
    static func key(cluster: String, name: String) -> FindingKey { FindingKey(rule: id, scope: "\(cluster)/\(name)") }

    public init() {}

    public func evaluate(_ context: RuleContext) -> RuleVerdict {
        let storages = MTCSetup.migStorages(context.snapshot)
        guard !storages.isEmpty else { return .skipped(MTCSetup.nothingToCheck(context, missing: "MigStorage")) }
        let findings = storages.filter { !$0.item.isReady || !$0.item.conditions.blocking.isEmpty }
            .map { finding($0.item, holder: $0.cluster, context: context) }
        if findings.isEmpty {
            return .passed("\(storages.count) MigStorage(s) checked: all Ready, no Critical condition")
        }
        return .findings(findings)
    }

    private func finding(_ storage: MigStorage, holder: String, context: RuleContext) -> Finding {
        let blocking = storage.conditions.blocking
        let config = storage.backupStorageConfig
        var evidence: [Evidence] = blocking.map { i, c in
            Evidence("MigStorage \(storage.name): \(c.category ?? "") condition \(MTCSetup.describe(c))", object: storage.object,
                     field: "status.conditions[\(i)]", at: c.lastTransitionTime)
        }
        if !storage.isReady {
            evidence.append(Evidence("MigStorage \(storage.name) has no Ready condition", object: storage.object, field: "status.conditions"))
        }
        evidence.append(Evidence(
            "spec.backupStorageProvider = \(storage.backupStorageProvider ?? "(not set)"), spec.volumeSnapshotProvider = \(storage.volumeSnapshotProvider ?? "(not set)")",
            object: storage.object, field: "spec.backupStorageProvider"))
        for key in ["awsBucketName", "gcpBucket", "azureStorageContainer", "awsRegion", "awsS3Url", "awsS3ForcePathStyle", "insecure"] {
            guard let value = config[key].string else { continue }
            evidence.append(Evidence("spec.backupStorageConfig.\(key) = \(value)", object: storage.object, field: "spec.backupStorageConfig.\(key)"))
        }
        let schemeMissing = storage.awsS3Url.map { !$0.hasPrefix("http://") && !$0.hasPrefix("https://") } ?? false
        if schemeMissing {
            evidence.append(Evidence(
                "spec.backupStorageConfig.awsS3Url \(storage.awsS3Url ?? "") has no http:// or https:// scheme",
                object: storage.object, field: "spec.backupStorageConfig.awsS3Url"))
        }
        for (field, ref) in [("spec.backupStorageConfig.credsSecretRef", storage.backupCredsSecretRef), ("spec.volumeSnapshotConfig.credsSecretRef", storage.snapshotCredsSecretRef)] {
            evidence.append(Evidence(
                ref.map { "\(field) = Secret \($0.namespace)/\($0.name) (values not read)" } ?? "\(field) is not set",
                object: storage.object, field: field))
        }
        let plans = MTCSetup.migPlans(context.snapshot).compactMap { _, plan -> (MigPlan, Int)? in
            guard plan.storage?.name == storage.name, let i = plan.conditions.index(ofActive: "StorageNotReady") else { return nil }
            return (plan, i)
        }
        for (plan, i) in plans {
            evidence.append(Evidence(
                "MigPlan \(plan.name) is blocked: \(MTCSetup.describe(plan.conditions[i]))", object: plan.object,
                field: "status.conditions[\(i)]"))
        }

        let types = Set(blocking.map(\.condition.type))
        let first = blocking.first.map { "\($0.condition.type)\($0.condition.reason.map { " (\($0))" } ?? "")" } ?? "no Ready condition"
        let target = [storage.awsS3Url.map { "endpoint \($0)" }, storage.bucket.map { "bucket \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let planText = plans.isEmpty ? "" : "; plan(s) \(plans.map(\.0.name).joined(separator: ", ")) blocked"
        let title = "MigStorage \(storage.name) is not Ready: \(first)\(target.isEmpty ? "" : " (\(target))")\(planText)"
        var explanation = "The replication repository \(storage.name) fails the controller's validation, so it is not Ready and no plan using it can run. "
        // A known provider message names the one thing to change (rotated keys: the Secret, and nothing else).
        // Only an answer of the provider (s3-…) settles it; an unreachable endpoint leaves bucket and keys untested.
        let known = SignatureAdvice.hits(in: evidence, subject: "MigStorage", rule: Self.id).filter { $0.signature.id.hasPrefix("s3-") }
        if !known.isEmpty {
            // The signature's cause and fix are added below; the generic guesses would contradict them.
        } else if types.contains("BackupStorageProviderTestFailed") {
            explanation += "The controller could not reach or write the bucket with the configured endpoint and credentials. Check the endpoint (with its scheme), the bucket name and the credentials. "
        }
        if types.contains("VolumeSnapshotProviderTestFailed") {
            explanation += "The volume snapshot provider test failed too: its region and credentials Secret are checked separately. "
        }
        if schemeMissing { explanation += "The S3 endpoint has no scheme, which MTC needs (http:// for a plain Minio route). " }

        let steps = remediation(storage, holder: holder, types: types)
        let made = Finding(
            key: Self.key(cluster: holder, name: storage.name), severity: .critical, title: title,
            cluster: holder, subject: ResourceRef(storage.object), related: plans.map { ResourceRef($0.0.object) },
            namespaces: plans.flatMap(\.0.sourceNamespaces),
            explanation: explanation.withoutOuterSpaces, evidence: evidence,
            // With a known message, only the final "test again" step of the generic ones stays.
            remediation: known.isEmpty || schemeMissing ? steps : Array(steps.suffix(1)),
            references: Self.description.references)
        return SignatureAdvice.annotate(made, context: context)
    }

    private func remediation(_ storage: MigStorage, holder: String, types: Set<String>) -> [RemediationStep] {
        let name = shellQuote(storage.name)
        let verify = MTCSetup.readyCheck("migstorage", storage.name)
        let provider = storage.backupStorageProvider ?? "aws"
        var steps: [RemediationStep] = []
        let endpointTrouble = types.contains("BackupStorageProviderTestFailed") || types.contains("InvalidBackupStorageSettings")
            || types.isEmpty
        if endpointTrouble, provider == "aws" {
            steps.append(RemediationStep(
                title: "Set the S3 endpoint of MigStorage \(storage.name) with its scheme (now \(storage.awsS3Url ?? "not set")) and an existing bucket (now \(storage.bucket ?? "not set"))",
                cluster: holder,
                command: """
                    S3_URL='<S3 endpoint with http:// or https://>'   # e.g. the Minio route, http://minio-minio.apps.example.com
                    BUCKET='<existing bucket name>'
                    oc -n \(MTC.namespace) patch migstorage \(name) --type merge -p '{"spec":{"backupStorageConfig":{"awsS3Url":"'"$S3_URL"'","awsBucketName":"'"$BUCKET"'"}}}'
                    """,
                verify: verify, expect: MTCSetup.readyExpectation))
        } else if endpointTrouble {
            steps.append(RemediationStep(
                title: "Check the \(provider) settings of MigStorage \(storage.name) (bucket or container \(storage.bucket ?? "not set")) against the storage account",
                cluster: holder, command: "oc -n \(MTC.namespace) get migstorage \(name) -o jsonpath='{.spec.backupStorageConfig}{\"\\n\"}'",
                verify: verify, expect: MTCSetup.readyExpectation))
        }
        let credentialTrouble = endpointTrouble || types.contains { $0.hasSuffix("CredsSecretRef") || $0 == "VolumeSnapshotProviderTestFailed" || $0 == "InvalidVolumeSnapshotSettings" }
        if credentialTrouble {
            var refs: [SecretReference] = []
            for ref in [storage.backupCredsSecretRef, storage.snapshotCredsSecretRef].compactMap({ $0 }) where !refs.contains(ref) { refs.append(ref) }
            let keys: String
            switch provider {
            case "gcp": keys = "gcp-credentials=\"$GCP_CREDENTIALS_FILE_CONTENT\""
            case "azure": keys = "azure-credentials=\"$AZURE_CREDENTIALS_FILE_CONTENT\""
            default: keys = "aws-access-key-id=\"$AWS_ACCESS_KEY_ID\" aws-secret-access-key=\"$AWS_SECRET_ACCESS_KEY\""
            }
            let missing = types.contains { $0.hasSuffix("CredsSecretRef") }
            let commands = refs.isEmpty
                ? ["oc -n openshift-config create secret generic \(shellQuote("\(storage.name)-creds")) --from-literal=\(keys.replacing("\" ", with: "\" --from-literal="))"]
                : refs.map { ref in
                    missing
                        ? "oc -n \(shellQuote(ref.namespace)) create secret generic \(shellQuote(ref.name)) --from-literal=\(keys.replacing("\" ", with: "\" --from-literal="))"
                        : "oc -n \(shellQuote(ref.namespace)) set data secret/\(shellQuote(ref.name)) \(keys)"
                }
            steps.append(RemediationStep(
                title: "Put the real \(provider) credentials of the bucket in the MigStorage's Secret\(refs.isEmpty ? "" : " \(refs.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", "))") (keys \(provider == "aws" ? "aws-access-key-id, aws-secret-access-key" : provider == "gcp" ? "gcp-credentials" : "azure-credentials"); export the values in your shell first)",
                cluster: holder, command: commands.joined(separator: "\n"), verify: verify, expect: MTCSetup.readyExpectation))
        }
        steps.append(RemediationStep(
            title: "Make the controller test MigStorage \(storage.name) again now", cluster: holder,
            command: "oc -n \(MTC.namespace) patch migstorage \(name) --type merge -p '{\"spec\":{\"refresh\":true}}'",
            verify: verify, expect: MTCSetup.readyExpectation))
        return steps
    }
}
