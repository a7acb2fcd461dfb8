import Foundation
import MustardModel

/// Detections more than one rule needs, computed once per migration and kept on the rule context (like
/// insights-core's combiners): the rule that reports a problem and the rules that name it as a cause read the same
/// answer, so a confirmed link cannot disagree with the finding it names.
final class DetectionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Any] = [:]

    /// The value of `detection` for `key`, computed by `compute` the first time it is asked.
    func value<T>(_ detection: String, _ key: String, _ compute: () -> T) -> T {
        let slot = detection + "\u{0}" + key
        lock.lock()
        // The slot is looked up first: `values[slot] as? T` of a missing slot succeeds when T is an Optional.
        if let stored = values[slot], let known = stored as? T {
            lock.unlock()
            return known
        }
        lock.unlock()
        let computed = compute()
        lock.lock()
        values[slot] = computed
        lock.unlock()
        return computed
    }
}

extension RuleContext {
    private static func key(_ view: MigrationView) -> String { "\(view.hostCluster)/\(view.migration.name)" }

    /// A stage image misconfiguration the migration shows (`mtc/stage-pod-image-misconfigured`'s detection).
    func stageImageProblem(_ view: MigrationView) -> StagePodImageMisconfiguredRule.Affected? {
        detections.value("stage-image", Self.key(view)) { StagePodImageMisconfiguredRule.Affected(view) }
    }

    /// Its direct volume migration failing (`mtc/direct-volume-migration-failed`'s detection).
    func rsyncProblem(_ view: MigrationView) -> DirectVolumeMigrationFailedRule.Problem? {
        detections.value("rsync", Self.key(view)) { DirectVolumeMigrationFailedRule.problem(view, snapshot: snapshot) }
    }

    /// Its Velero Backups and Restores that partially failed (`mtc/velero-partial-failure`'s detection).
    func veleroPartials(_ view: MigrationView) -> [VeleroPartialFailureRule.Partial] {
        detections.value("velero-partials", Self.key(view)) { VeleroPartialFailureRule.partials(view, context: self) }
    }
}
