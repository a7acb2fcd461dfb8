import MustardModel

extension MigStorageNotReadyRule {
    /// How a MigStorage diagnosis is said: the title, the explanation and the remediation steps.
    enum Message {
        static func title(_ d: Diagnosis) -> String {
            let storage = d.storage
            let first = d.blocking.first.map { "\($0.condition.type)\($0.condition.reason.map { " (\($0))" } ?? "")" } ?? "no Ready condition"
            let target = [storage.awsS3Url.map { "endpoint \($0)" }, storage.bucket.map { "bucket \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let plans = d.blockedPlans.isEmpty ? "" : "; plan(s) \(d.blockedPlans.map(\.plan.name).joined(separator: ", ")) blocked"
            return "MigStorage \(storage.name) is not Ready: \(first)\(target.isEmpty ? "" : " (\(target))")\(plans)"
        }

        static func explanation(_ d: Diagnosis) -> String {
            prose(
                "The replication repository \(d.storage.name) fails the controller's validation, so it is not Ready and no plan using it can run.",
                // With a provider answer the signature's cause and fix are added; the generic guess would contradict them.
                !d.providerAnswered && d.failed.contains("BackupStorageProviderTestFailed")
                    ? "The controller could not reach or write the bucket with the configured endpoint and credentials. Check the endpoint (with its scheme), the bucket name and the credentials."
                    : nil,
                d.failed.contains("VolumeSnapshotProviderTestFailed")
                    ? "The volume snapshot provider test failed too: its region and credentials Secret are checked separately." : nil,
                d.schemeMissing ? "The S3 endpoint has no scheme, which MTC needs (http:// for a plain Minio route)." : nil)
        }

        /// The steps: set the endpoint and bucket, put the credentials in the Secret, test again. With a provider answer
        /// only the last stays (the signature's fix, added by SignatureAdvice, says what to change).
        static func remediation(_ d: Diagnosis) -> [RemediationStep] {
            let steps = allSteps(d)
            return !d.providerAnswered || d.schemeMissing ? steps : Array(steps.suffix(1))
        }

        private static func allSteps(_ d: Diagnosis) -> [RemediationStep] {
            let storage = d.storage, holder = d.holder, types = d.failed
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
}
