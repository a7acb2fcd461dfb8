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
            .map { finding(Self.diagnose($0.item, holder: $0.cluster, snapshot: context.snapshot), context: context) }
        if findings.isEmpty {
            return .passed("\(storages.count) MigStorage(s) checked: all Ready, no Critical condition")
        }
        return .findings(findings)
    }

    /// What is wrong with one MigStorage, and the facts that show it.
    struct Diagnosis {
        let storage: MigStorage
        /// The dump cluster holding the MigStorage (the host).
        let holder: String
        /// Its Critical conditions, in order, with their index in `status.conditions`.
        let blocking: [(index: Int, condition: Condition)]
        /// `spec.backupStorageConfig.awsS3Url` is set without `http://` or `https://`.
        let schemeMissing: Bool
        /// Plans using the storage that carry `StorageNotReady`, with that condition's index.
        let blockedPlans: [(plan: MigPlan, condition: Int)]
        let evidence: [Evidence]
        /// A provider message (an `s3-…` signature) in the evidence names the one thing to change; only an answer of
        /// the provider settles it, an unreachable endpoint leaves bucket and keys untested.
        let providerAnswered: Bool

        /// The types of the failed checks.
        var failed: Set<String> { Set(blocking.map(\.condition.type)) }
    }

    static func diagnose(_ storage: MigStorage, holder: String, snapshot: DumpSnapshot) -> Diagnosis {
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
        let plans = MTCSetup.migPlans(snapshot).compactMap { _, plan -> (plan: MigPlan, condition: Int)? in
            guard plan.storage?.name == storage.name, let i = plan.conditions.index(ofActive: "StorageNotReady") else { return nil }
            return (plan, i)
        }
        for (plan, i) in plans {
            evidence.append(Evidence(
                "MigPlan \(plan.name) is blocked: \(MTCSetup.describe(plan.conditions[i]))", object: plan.object,
                field: "status.conditions[\(i)]"))
        }
        let known = SignatureAdvice.hits(in: evidence, subject: "MigStorage", rule: id).contains { $0.signature.id.hasPrefix("s3-") }
        return Diagnosis(
            storage: storage, holder: holder, blocking: blocking, schemeMissing: schemeMissing, blockedPlans: plans,
            evidence: evidence, providerAnswered: known)
    }

    private func finding(_ d: Diagnosis, context: RuleContext) -> Finding {
        let made = Finding(
            key: Self.key(cluster: d.holder, name: d.storage.name), severity: .critical, title: Message.title(d),
            cluster: d.holder, subject: ResourceRef(d.storage.object), related: d.blockedPlans.map { ResourceRef($0.plan.object) },
            namespaces: d.blockedPlans.flatMap(\.plan.sourceNamespaces),
            explanation: Message.explanation(d), evidence: d.evidence, remediation: Message.remediation(d),
            references: Self.description.references)
        return SignatureAdvice.annotate(made, context: context)
    }
}
