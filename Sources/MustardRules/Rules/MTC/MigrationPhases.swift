/// What each MigMigration phase waits for and where to look when it does not move (`mtc.md` §2.3, §4).
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
    ]
}
