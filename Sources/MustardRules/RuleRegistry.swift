/// Every rule mustard runs. Adding a rule: its file, its fixtures, and one line here.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        StagePodImageMisconfiguredRule(),
        MigrationStuckRule(),
        MigClusterNotReadyRule(),
        MigStorageNotReadyRule(),
        MigPlanNotReadyRule(),
        MigPlanWarningsRule(),
        OperatorHealthRule(),
        TransferImageMisconfiguredRule(),
        MigrationFailedRule(),
        VeleroPartialFailureRule(),
        ResticProblemsRule(),
        DirectVolumeMigrationFailedRule(),
        MigrationLeftoversRule(),
        PodFailingRule(),
        GatherIncompleteRule(),
        MissingReferencesRule(),
        LogWindowRule(),
    ]

    public static func rule(id: String) -> (any Rule)? { all.first { $0.ruleDescription.id == id } }
}
