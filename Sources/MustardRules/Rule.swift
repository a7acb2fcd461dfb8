import MustardModel

/// A rule describes itself: stable id, summary, rationale, the data it reads, and the example dumps that must
/// and must not trigger it (the examples are its tests and its documentation).
public struct RuleDescription: Sendable {
    public let id: String
    public let name: String
    public let category: String
    public let severity: Severity
    public let summary: String
    public let rationale: String
    public let references: [String]
    /// What the rule reads, so the loader can skip everything else.
    public let requirements: DataRequirements
    /// Fixture dumps (paths from the package root) where the rule must fire.
    public let triggeringExamples: [String]
    /// Fixture dumps where it must not.
    public let nonTriggeringExamples: [String]

    public init(
        id: String, name: String, category: String, severity: Severity, summary: String, rationale: String,
        references: [String], requirements: DataRequirements, triggeringExamples: [String], nonTriggeringExamples: [String]
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.references = references
        self.requirements = requirements
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
    }
}

/// What a rule concluded.
public enum RuleVerdict: Sendable {
    case findings([Finding])
    /// The rule looked at data and found nothing wrong; the reason says what it checked.
    case passed(String)
    /// The rule's input is absent from the dump: "no data" is never "healthy".
    case skipped(String)
}

/// A rule: a pure function of the dump snapshot and its gather time. Built-in rules describe themselves
/// statically (`BuiltInRule`); rules read from rule files carry their description as a value.
public protocol Rule: Sendable {
    var ruleDescription: RuleDescription { get }
    func evaluate(_ context: RuleContext) -> RuleVerdict
}

/// A rule compiled into mustard: its description is a static value tests and the registry name by type.
public protocol BuiltInRule: Rule {
    static var description: RuleDescription { get }
}

extension BuiltInRule {
    public var ruleDescription: RuleDescription { Self.description }
}

/// Settings that change what rules consider a problem.
public struct RuleOptions: Sendable {
    /// How long a migration phase may stay unchanged before gather time before it counts as stuck.
    public var stuckAfterSeconds: Double = 30 * 60

    public init(stuckAfterSeconds: Double = 30 * 60) { self.stuckAfterSeconds = stuckAfterSeconds }
}

/// What a rule reads: the snapshot, the analysis' "now" (the gather time), options, and joined views computed once.
public final class RuleContext: Sendable {
    public let snapshot: DumpSnapshot
    public let options: RuleOptions
    /// Every MigMigration joined with its plan, clusters, stage pods and log lines.
    public let migrations: [MigrationView]
    /// Detections several rules share, computed once (`SharedDetections.swift`).
    let detections = DetectionCache()

    public init(snapshot: DumpSnapshot, options: RuleOptions) {
        self.snapshot = snapshot
        self.options = options
        migrations = MigrationView.all(in: snapshot)
    }

    /// Why migration rules have nothing to check: MTC absent altogether, or present without migrations.
    public var noMigrationsReason: String {
        snapshot.hasMTC
            ? "no MigMigration in the dump"
            : "no MTC resources in the dump: MTC is not installed on the gathered clusters, or was not gathered"
    }

    /// The gather time: the analysis' "now". Never the wall clock.
    public var now: Timestamp? { snapshot.gatheredAt }
}
