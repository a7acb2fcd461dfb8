/// Velero's API group, as MTC uses it (`openshift-migration` holds every Backup, Restore and pod volume object).
public enum Velero {
    public static let group = "velero.io"
    /// Annotation on MTC's stage Restore: the destination cluster's STAGE_IMAGE (`docs/mtc.md` §2.6).
    public static let stagePodImageAnnotation = "migration.openshift.io/stage-pod-image"
}

/// A Velero Backup (`crs/backups.velero.io/<name>.yaml`), created by MTC on the source cluster.
public struct VeleroBackup: Sendable {
    public let object: KubeObject
    public let phase: String?
    public let errors: Int
    public let warnings: Int
    public let failureReason: String?
    public let itemsBackedUp: Int?
    public let totalItems: Int?
    public let startTimestamp: Timestamp?
    public let completionTimestamp: Timestamp?

    public init?(_ object: KubeObject) {
        guard object.kind == "Backup", object.group == Velero.group else { return nil }
        self.object = object
        let status = object.body["status"]
        phase = status["phase"].string
        errors = status["errors"].int ?? 0
        warnings = status["warnings"].int ?? 0
        failureReason = status["failureReason"].string.flatMap { $0.isEmpty ? nil : $0 }
        itemsBackedUp = status[path: "progress.itemsBackedUp"].int
        totalItems = status[path: "progress.totalItems"].int
        startTimestamp = status["startTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
        completionTimestamp = status["completionTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
    }

    public var name: String { object.metadata.name }
    /// The UID of the MigMigration that created it (`migmigration` label).
    public var migrationUID: String? { object.metadata.label("migmigration") }
    /// `initial` or `stage`, from MTC's correlation labels.
    public var role: String? {
        let meta = object.metadata
        if meta.label("migration-initial-backup") != nil { return "initial" }
        if meta.label("migration-stage-backup") != nil { return "stage" }
        return nil
    }
}

/// A Velero Restore (`crs/restores.velero.io/<name>.yaml`), created by MTC on the destination cluster.
public struct VeleroRestore: Sendable {
    public let object: KubeObject
    public let phase: String?
    public let errors: Int
    public let warnings: Int
    public let failureReason: String?
    public let backupName: String?
    public let itemsRestored: Int?
    public let totalItems: Int?
    /// PodVolumeRestores that failed (`status.podVolumeRestoreErrors`, openshift/velero).
    public let podVolumeRestoreErrors: [String]
    /// PodVolumeRestores whose restic verification failed (`podVolumeRestoreVerifyErrors`; the docs spell it
    /// `podVolumeRestoreResticErrors`).
    public let podVolumeRestoreVerifyErrors: [String]

    public init?(_ object: KubeObject) {
        guard object.kind == "Restore", object.group == Velero.group else { return nil }
        self.object = object
        let status = object.body["status"]
        phase = status["phase"].string
        errors = status["errors"].int ?? 0
        warnings = status["warnings"].int ?? 0
        failureReason = status["failureReason"].string.flatMap { $0.isEmpty ? nil : $0 }
        backupName = object.body[path: "spec.backupName"].string
        itemsRestored = status[path: "progress.itemsRestored"].int
        totalItems = status[path: "progress.totalItems"].int
        podVolumeRestoreErrors = status["podVolumeRestoreErrors"].array.compactMap { $0["name"].string }
        podVolumeRestoreVerifyErrors = (status["podVolumeRestoreVerifyErrors"].array + status["podVolumeRestoreResticErrors"].array)
            .compactMap { $0["name"].string }
    }

    public var name: String { object.metadata.name }
    public var migrationUID: String? { object.metadata.label("migmigration") }
    /// `stage` or `final`, from MTC's correlation labels.
    public var role: String? {
        let meta = object.metadata
        if meta.label("migration-stage-restore") != nil { return "stage" }
        if meta.label("migration-final-restore") != nil { return "final" }
        return nil
    }
    /// The destination STAGE_IMAGE the controller stored for the Velero pod-restore plugin.
    public var stagePodImage: String? { object.metadata.annotation(Velero.stagePodImageAnnotation) }
}

/// A PodVolumeBackup or PodVolumeRestore: Restic's copy of one pod volume.
public struct PodVolumeTransfer: Sendable {
    public let object: KubeObject
    /// `Backup` for a PodVolumeBackup, `Restore` for a PodVolumeRestore.
    public let direction: String
    public let phase: String?
    public let message: String?
    public let node: String?
    public let podNamespace: String?
    public let podName: String?
    public let volume: String?
    public let bytesDone: Int?
    public let totalBytes: Int?
    public let startTimestamp: Timestamp?
    public let completionTimestamp: Timestamp?

    public init?(_ object: KubeObject) {
        guard object.group == Velero.group, object.kind == "PodVolumeBackup" || object.kind == "PodVolumeRestore" else { return nil }
        self.object = object
        direction = object.kind == "PodVolumeBackup" ? "Backup" : "Restore"
        let spec = object.body["spec"], status = object.body["status"]
        phase = status["phase"].string
        message = status["message"].string.flatMap { $0.isEmpty ? nil : $0 }
        node = spec["node"].string
        podNamespace = spec[path: "pod.namespace"].string
        podName = spec[path: "pod.name"].string
        volume = spec["volume"].string
        bytesDone = status[path: "progress.bytesDone"].int
        totalBytes = status[path: "progress.totalBytes"].int
        startTimestamp = status["startTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
        completionTimestamp = status["completionTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
    }

    public var name: String { object.metadata.name }
    /// The Backup or Restore it belongs to (`velero.io/backup-name` / `velero.io/restore-name`, else the owner).
    public var parentName: String? {
        object.metadata.label(direction == "Backup" ? "velero.io/backup-name" : "velero.io/restore-name")
            ?? object.metadata.ownerReferences.first { $0.kind == direction }?.name
    }

    /// `412 MB of 1.2 GB` when the progress is known.
    public var progressText: String {
        guard let total = totalBytes, total > 0 else { return "no progress reported" }
        return "\(byteText(bytesDone ?? 0)) of \(byteText(total))"
    }
}

/// Bytes as `412 MB`, decimal units as Velero's describe prints them.
public func byteText(_ bytes: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let tenths = Int(saturating: (value * 10).rounded())
    return tenths % 10 == 0 || value >= 100 ? "\(Int(saturating: value.rounded())) \(units[unit])" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
}

extension Cluster {
    public var veleroBackups: [VeleroBackup] { objects(ofKinds: "Backup").compactMap(VeleroBackup.init) }
    public var veleroRestores: [VeleroRestore] { objects(ofKinds: "Restore").compactMap(VeleroRestore.init) }
    public var podVolumeTransfers: [PodVolumeTransfer] {
        objects(ofKinds: "PodVolumeBackup", "PodVolumeRestore").compactMap(PodVolumeTransfer.init)
    }
}

/// Velero objects of one migration, wherever the dump holds them (source Backups, destination Restores).
public struct MigrationVeleroObjects: Sendable {
    public let backups: [VeleroBackup]
    public let restores: [VeleroRestore]
    public let podVolumeBackups: [PodVolumeTransfer]
    public let podVolumeRestores: [PodVolumeTransfer]

    public init(_ migration: MigMigration, in snapshot: DumpSnapshot) {
        let uid = migration.uid
        func mine(_ labels: [String: String]) -> Bool {
            if let uid, let label = labels["migmigration"] { return label == uid }
            return labels["migration.openshift.io/migmigration-name"] == migration.name
        }
        var b: [VeleroBackup] = [], r: [VeleroRestore] = [], t: [PodVolumeTransfer] = []
        for cluster in snapshot.clusters {
            b += cluster.veleroBackups.filter { mine($0.object.metadata.labels) }
            r += cluster.veleroRestores.filter { mine($0.object.metadata.labels) }
            t += cluster.podVolumeTransfers
        }
        // Velero's backup sync copies a Backup and its PodVolumeBackups into every cluster that shares the storage
        // location: one object, counted once, kept from the cluster that ran it (not MTC's host, where the copy lands).
        let host = migration.object.cluster
        func once<T>(_ items: [T], _ object: (T) -> KubeObject) -> [T] {
            var kept: [String: Int] = [:]
            var out: [T] = []
            for item in items {
                let o = object(item)
                let key = o.kind + "/" + o.metadata.name
                if let i = kept[key] {
                    if object(out[i]).cluster == host && o.cluster != host { out[i] = item }
                } else {
                    kept[key] = out.count
                    out.append(item)
                }
            }
            return out
        }
        b = once(b, \.object)
        t = once(t, \.object)
        let backupNames = Set(b.map(\.name)), restoreNames = Set(r.map(\.name))
        backups = b.sorted { ($0.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $0.name) < ($1.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $1.name) }
        restores = r.sorted { ($0.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $0.name) < ($1.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $1.name) }
        podVolumeBackups = t.filter { $0.direction == "Backup" && $0.parentName.map(backupNames.contains) == true }.sorted { $0.name < $1.name }
        podVolumeRestores = t.filter { $0.direction == "Restore" && $0.parentName.map(restoreNames.contains) == true }.sorted { $0.name < $1.name }
    }
}

extension MigrationView {
    /// The Velero Backups, Restores and pod volume copies of this migration.
    public func velero(in snapshot: DumpSnapshot) -> MigrationVeleroObjects { MigrationVeleroObjects(migration, in: snapshot) }

    /// Lines kept from this migration's text files in MTC's `migplans/` tree (Velero describe output and logs).
    public func migplanLines(in snapshot: DumpSnapshot) -> [LogLine] {
        let folder = "/migmigration-\(migration.name)/"
        return snapshot.logLines.filter { $0.source.path.containsBytes(folder) }
    }

    /// The later migrations of the same plan (created after this one), oldest first.
    public var laterSiblings: [MigMigration] {
        let mine = migration.object.metadata.creationTimestamp?.secondsSince1970 ?? 0
        return siblings.filter { ($0.object.metadata.creationTimestamp?.secondsSince1970 ?? 0, $0.name) > (mine, migration.name) }
    }

    /// A later migration of the plan that succeeded (with or without warnings) and was not canceled: this run is history.
    public var supersededBySuccess: MigMigration? {
        laterSiblings.last { $0.isFinished && !$0.isCanceled && !$0.isFailed && $0.succeeded }
    }

    /// The latest migration of the plan that has started (not merely Postponed in the queue).
    public var isLatestRunOfPlan: Bool {
        !laterSiblings.contains { !($0.isPostponed && $0.phase.isEmpty) }
    }
}

extension MigMigration {
    /// Finished with `Succeeded` or `SucceededWithWarnings`.
    public var succeeded: Bool { conditions.active("Succeeded") != nil || conditions.active("SucceededWithWarnings") != nil }
}
