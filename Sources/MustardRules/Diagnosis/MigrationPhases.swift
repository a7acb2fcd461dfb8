/// What each MigMigration phase waits for and where to look when it does not move (`docs/mtc.md` §2.3, §4).
struct MigrationPhaseInfo {
    let waitsFor: String
    let lookAt: String
    /// Moves data: hours can be normal, so a long wait alone is weaker evidence.
    let movesData: Bool

    static func of(_ phase: String) -> MigrationPhaseInfo {
        catalog[phase] ?? MigrationPhaseInfo(
            waitsFor: "the controller to finish phase \(phase)",
            lookAt: "the migration-controller log on the host cluster and the MigMigration's conditions", movesData: false)
    }

    static let catalog: [String: MigrationPhaseInfo] = [
        "StagePodsCreated": .init(
            waitsFor: "every stage pod on the source cluster to start running",
            lookAt: "stage pods (label migration.openshift.io/is-stage-pod=true) in the source namespaces, their events, and STAGE_IMAGE",
            movesData: false),
        "WaitForStaleStagePodsTerminated": .init(
            waitsFor: "stage pods of earlier runs to terminate",
            lookAt: "leftover stage pods stuck Terminating in the source namespaces (finalizers, unreachable nodes)", movesData: false),
        "EnsureStagePodsTerminated": .init(
            waitsFor: "this run's stage pods to terminate", lookAt: "stage pods stuck Terminating", movesData: false),
        "WaitForVeleroReady": .init(
            waitsFor: "the Velero pod to be ready on both clusters", lookAt: "velero pods in openshift-migration", movesData: false),
        "WaitForResticReady": .init(
            waitsFor: "the Restic daemonset pods to be ready", lookAt: "restic pods in openshift-migration", movesData: false),
        "WaitForRegistriesReady": .init(
            waitsFor: "the migration registries to be ready", lookAt: "registry pods in openshift-migration and REGISTRY_IMAGE", movesData: false),
        "EnsureSrcQuiesced": .init(
            waitsFor: "the source application pods to scale down", lookAt: "application pods still running in the source namespaces", movesData: false),
        "EnsureQuiesced": .init(
            waitsFor: "the source application pods to scale down", lookAt: "application pods still running in the source namespaces", movesData: false),
        "InitialBackupCreated": .init(
            waitsFor: "the initial Velero Backup on the source cluster to complete",
            lookAt: "the Backup's phase and the velero log on the source cluster", movesData: true),
        "StageBackupCreated": .init(
            waitsFor: "the stage Velero Backup (Restic copies of the volumes) to complete",
            lookAt: "the stage Backup, its PodVolumeBackups and the restic pod logs on the source cluster", movesData: true),
        "EnsureStageBackupReplicated": .init(
            waitsFor: "the stage Backup to appear on the destination cluster through the replication repository",
            lookAt: "the MigStorage and both clusters' BackupStorageLocations", movesData: false),
        "EnsureInitialBackupReplicated": .init(
            waitsFor: "the initial Backup to appear on the destination cluster through the replication repository",
            lookAt: "the MigStorage and both clusters' BackupStorageLocations", movesData: false),
        "StageRestoreCreated": .init(
            waitsFor: "the stage Velero Restore on the destination cluster to complete",
            lookAt: "the stage Restore, its PodVolumeRestores, destination stage pods and the destination STAGE_IMAGE (Restore annotation migration.openshift.io/stage-pod-image)",
            movesData: true),
        "FinalRestoreCreated": .init(
            waitsFor: "the final Velero Restore on the destination cluster to complete",
            lookAt: "the final Restore and the velero log on the destination cluster", movesData: true),
        "WaitForDirectVolumeMigrationToComplete": .init(
            waitsFor: "the DirectVolumeMigration (rsync) to finish",
            lookAt: "the DVM's conditions and pending rsync pods on both clusters, and RSYNC_TRANSFER_IMAGE", movesData: true),
        "WaitForDirectImageMigrationToComplete": .init(
            waitsFor: "the DirectImageMigration to finish", lookAt: "the DIM and DISM objects under migplans/", movesData: true),
        "WaitForRefresh": .init(
            waitsFor: "the plan's refresh to finish", lookAt: "the MigPlan's conditions", movesData: false),
        "EnsureStagePodsDeleted": .init(
            waitsFor: "this run's stage pods to be deleted on both clusters",
            lookAt: "stage pods (label migration.openshift.io/is-stage-pod=true) stuck Terminating, their finalizers and nodes", movesData: false),
        "EnsureAnnotationsDeleted": .init(
            waitsFor: "the migration's annotations and labels to be removed from PVs, PVCs, pods and namespaces",
            lookAt: "the migration-controller log on the host cluster for API errors", movesData: false),
        "EnsureInitialBackup": .init(
            waitsFor: "the initial Velero Backup to be created on the source cluster",
            lookAt: "the velero pod on the source cluster and its BackupStorageLocation", movesData: false),
        "EnsureStageBackup": .init(
            waitsFor: "the stage Velero Backup to be created on the source cluster",
            lookAt: "the velero pod on the source cluster and its BackupStorageLocation", movesData: false),
        "EnsureStageRestore": .init(
            waitsFor: "the stage Velero Restore to be created on the destination cluster",
            lookAt: "the velero pod on the destination cluster, and the stage Backup being visible there", movesData: false),
        "EnsureFinalRestore": .init(
            waitsFor: "the final Velero Restore to be created on the destination cluster",
            lookAt: "the velero pod on the destination cluster, and the initial Backup being visible there", movesData: false),
        "EnsureCloudSecretPropagated": .init(
            waitsFor: "the replication repository credentials to reach the Velero and Restic pods",
            lookAt: "the cloud-credentials secret and the velero and restic pods in openshift-migration on both clusters", movesData: false),
        "RestartRestic": .init(
            waitsFor: "the Restic pods to restart so they see the stage pods' volumes", lookAt: "restic pods in openshift-migration on the source cluster", movesData: false),
        "ResticRestarted": .init(
            waitsFor: "the Restic pods to come back after their restart (1.3)", lookAt: "restic pods in openshift-migration on the source cluster", movesData: false),
        "QuiesceApplications": .init(
            waitsFor: "the source workloads to be scaled to 0", lookAt: "Deployments, DeploymentConfigs and StatefulSets in the source namespaces", movesData: false),
        "QuiesceSourceApplications": .init(
            waitsFor: "the source workloads to be scaled to 0", lookAt: "Deployments, DeploymentConfigs and StatefulSets in the source namespaces", movesData: false),
        "UnQuiesceDestApplications": .init(
            waitsFor: "the migrated workloads to be scaled back up on the destination", lookAt: "workloads and pods in the destination namespaces", movesData: false),
        "PreBackupHooks": .init(waitsFor: "the PreBackup hook job to finish", lookAt: "the hook job and its pod logs in the hook's execution namespace", movesData: false),
        "PostBackupHooks": .init(waitsFor: "the PostBackup hook job to finish", lookAt: "the hook job and its pod logs in the hook's execution namespace", movesData: false),
        "PreRestoreHooks": .init(waitsFor: "the PreRestore hook job to finish", lookAt: "the hook job and its pod logs in the hook's execution namespace", movesData: false),
        "PostRestoreHooks": .init(waitsFor: "the PostRestore hook job to finish", lookAt: "the hook job and its pod logs in the hook's execution namespace", movesData: false),
        "CreateDirectVolumeMigrationStage": .init(
            waitsFor: "the DirectVolumeMigration to be created", lookAt: "the DVM under migplans/ and the controller log", movesData: false),
        "CreateDirectVolumeMigrationFinal": .init(
            waitsFor: "the DirectVolumeMigration to be created", lookAt: "the DVM under migplans/ and the controller log", movesData: false),
        "SwapPVCReferences": .init(
            waitsFor: "workloads to be pointed at the converted PVCs (storage class conversion)", lookAt: "workloads in the plan's namespaces", movesData: false),
        "Verification": .init(
            waitsFor: "the migrated pods on the destination to become healthy", lookAt: "pods in the destination namespaces and the MigMigration's status.namespaces", movesData: false),
        "Canceling": .init(
            waitsFor: "the cancel to start cleaning up", lookAt: "the migration-controller log on the host cluster", movesData: false),
        "DeleteBackups": .init(
            waitsFor: "the migration's Velero Backups to be deleted (DeleteBackupRequests)", lookAt: "deletebackuprequests and the velero log on the source cluster", movesData: false),
        "DeleteRestores": .init(
            waitsFor: "the migration's Velero Restores to be deleted", lookAt: "restores on the destination cluster", movesData: false),
    ]

    /// The stage-restore phase, where the destination cluster's STAGE_IMAGE matters (`docs/mtc.md` §4 R1, destination variant).
    static let destinationStagePhases: Set<String> = ["StageRestoreCreated", "EnsureStageRestore"]
    /// Phases that wait for a Velero Backup or Restore of this migration to finish.
    static let veleroWaitPhases: [String: (kind: String, role: String)] = [
        "InitialBackupCreated": ("backup", "initial"), "StageBackupCreated": ("backup", "stage"),
        "StageRestoreCreated": ("restore", "stage"), "FinalRestoreCreated": ("restore", "final"),
    ]
}
