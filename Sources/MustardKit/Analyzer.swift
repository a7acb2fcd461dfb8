import Dispatch
import Logging
import MustardArchive
import MustardDump
import MustardModel
import MustardReport
import MustardRules
import MustardUserRules

/// The version mustard reports about itself.
public let mustardVersion = "0.1.0"

/// What an analysis may be asked to do differently.
public struct AnalysisOptions: Sendable {
    public var rules: RuleOptions = RuleOptions()
    public var limits: ArchiveLimits = ArchiveLimits()
    /// Nodes YAML aliases may add in one file (billion-laughs guard).
    public var maxYAMLAliasNodes = 1_000_000
    /// Counters for a progress display, updated while the dump loads.
    public var progress: LoadProgress?
    public var focus: Focus = Focus()
    /// Rules read from rule files, run with the built-in ones (`RuleFiles.load`).
    public var userRules: [UserRule] = []
    /// Suppressions from `--suppress` and the config folder; `.mustard/suppress.yaml` beside a dump is added per dump.
    public var suppressions: [Suppression] = []
    /// Also read `.mustard/suppress.yaml` beside each dump.
    public var suppressionsBesideDump = false
    /// Today, `YYYY-MM-DD`, for suppressions' expiry dates (the tests set it).
    public var today: String = RuleFiles.today()

    public init() {}
}

/// What a report is narrowed to: which rules run, and which findings are shown.
public struct Focus: Sendable {
    /// Rule ids to run; a pattern ending in `*` matches a prefix (`mtc/*`). Empty: every rule.
    public var rules: [String] = []
    /// Rule ids (or `prefix*`) not to run.
    public var excludedRules: [String] = []
    /// Findings below this severity are left out.
    public var minSeverity: Severity = .info
    /// Only findings (and timelines) about this application namespace, plus the root causes of those.
    public var namespace: String?

    public init() {}

    static func matches(_ id: String, _ pattern: String) -> Bool {
        pattern.hasSuffix("*") ? id.hasPrefix(pattern.dropLast()) : id == pattern
    }

    /// The first `--rule` or `--exclude-rule` pattern no rule of `ids` matches.
    public func unmatchedPattern(among ids: [String]) -> String? {
        (rules + excludedRules).first { pattern in !ids.contains { Self.matches($0, pattern) } }
    }

    /// The rules to run; throws on a pattern that matches no rule, so a typo is not a silent "all clear".
    public func select(_ rules: [any Rule]) throws -> [any Rule] {
        if let pattern = unmatchedPattern(among: rules.map(\.ruleDescription.id)) { throw AnalysisError.unknownRule(pattern) }
        return rules.filter { rule in
            let id = rule.ruleDescription.id
            return (self.rules.isEmpty || self.rules.contains { Self.matches(id, $0) }) && !excludedRules.contains { Self.matches(id, $0) }
        }
    }

    /// The findings to show, with the causes of every shown finding kept, re-linked and ordered. `ordered`: the
    /// findings are already linked and ordered (`RuleEngine.linkAndOrder`), so when all are shown they stay as they are.
    func apply(_ findings: [Finding], ordered: Bool = false) -> [Finding] {
        let shown = { (f: Finding) in f.severity >= minSeverity && (namespace.map { f.namespaces.contains($0) } ?? true) }
        // Every finding shown (no --namespace or --min-severity narrowing them): nothing to re-link, and thousands of
        // findings are not copied into a table by id to find that out.
        if ordered, findings.allSatisfy(shown) { return findings }
        let byID = Dictionary(uniqueKeysWithValues: findings.map { ($0.id, $0) })
        var kept = Set(findings.filter(shown).map(\.id))
        var frontier = Array(kept)
        while let id = frontier.popLast() {
            for cause in byID[id]?.causedBy ?? [] where kept.insert(cause).inserted { frontier.append(cause) }
        }
        // Ordering again what is ordered gives the same list: thousands of findings are not ordered twice more.
        if ordered, kept.count == findings.count { return findings }
        return RuleEngine.linkAndOrder(findings.filter { kept.contains($0.id) })
    }
}

/// Why nothing could be analysed (exit code 2).
public enum AnalysisError: Error, CustomStringConvertible {
    case unreadable(String)
    case empty(String)
    case unknownRule(String)
    case ruleFile(RuleFileError)
    /// Readable, but nothing in it sits where a must-gather puts files.
    case notMustGather(path: String, entries: Int)
    /// `--namespace` names a namespace the dump holds nothing about; `known` are the ones it does.
    case namespaceNotInDump(String, known: [String])

    public var description: String {
        switch self {
        case .ruleFile(let error): return error.description
        case .unreadable(let why): return why
        case .empty(let path): return "\(path): holds no files that could be read"
        case .unknownRule(let pattern): return "no rule matches '\(pattern)' (see `mustard rules list`)"
        case .notMustGather(let path, let entries):
            return "\(path): not a must-gather: none of its \(entries) entries sits where a must-gather puts files "
                + "(namespaces/, cluster-scoped-resources/, MTC's clusters/<name>/ or migplans/). Ask the customer for the "
                + "output of `oc adm must-gather` (for MTC: `\(MustGatherCommand.mtcDefault)`) and `oc adm inspect ns/<namespace>`, "
                + "uploaded as the folder or a tarball of it"
        case .namespaceNotInDump(let namespace, let known):
            let listed = known.prefix(12).joined(separator: ", ") + (known.count > 12 ? ", … (\(known.count) in all)" : "")
            return "--namespace \(namespace): the dump holds nothing about that namespace"
                + (known.isEmpty ? " (it holds no namespace at all)" : "; it holds: \(listed)")
        }
    }
}

/// The facade: open, load, evaluate, report.
public struct Analyzer {
    public let options: AnalysisOptions
    private let engine: RuleEngine
    private let logger: Logger

    /// Throws `AnalysisError.unknownRule` when a `--rule`/`--exclude-rule` pattern matches no rule.
    public init(options: AnalysisOptions = AnalysisOptions(), rules: [any Rule] = RuleRegistry.all, logger: Logger = Logger(label: "mustard")) throws {
        self.options = options
        self.engine = RuleEngine(rules: try options.focus.select(rules + options.userRules))
        self.logger = logger
    }

    /// Analyses a folder or archive. Throws `AnalysisError` only when nothing at all could be read.
    public func analyze(_ path: String) throws -> AnalysisReport {
        try analyze(path) { try $0.load(path) }
    }

    /// Analyses an archive held in memory under a name (the fuzzer's way in).
    public func analyze(bytes: [UInt8], name: String) throws -> AnalysisReport {
        try analyze(name) { try $0.load(bytes: bytes, name: name) }
    }

    private func analyze(_ path: String, load: (DumpLoader) throws -> LoadedDump) throws -> AnalysisReport {
        let clock = ContinuousClock()
        var stageStart = clock.now
        /// Each stage's wall time at debug level: where a slow analysis spends it.
        func stageDone(_ stage: String) {
            let now = clock.now
            logger.debug("stage done", metadata: ["stage": "\(stage)", "seconds": "\(Self.seconds(now - stageStart))"])
            stageStart = now
        }
        RuleEngine.prepareInBackground()
        let loaded: LoadedDump
        do {
            var requirements = engine.requirements
            requirements.formUnion(MigrationTimeline.requirements)
            var loader = DumpLoader(requirements: requirements, limits: options.limits, logger: logger)
            loader.yaml.maxAliasNodes = options.maxYAMLAliasNodes
            loader.progress = options.progress
            loaded = try load(loader)
        } catch let error as ArchiveOpenError {
            throw AnalysisError.unreadable(error.description)
        }
        // A limit reached before the first entry (an xz stream refused for its memory) is still a report: exit 3.
        let limitReached = loaded.loadIssues.contains { $0.damaged && $0.message.hasPrefix("limit reached: ") }
        guard loaded.entries > 0 || limitReached else {
            if let first = loaded.loadIssues.first(where: \.damaged) {
                throw AnalysisError.unreadable("\(path): \(first.message)")
            }
            throw AnalysisError.empty(path)
        }
        // An archive of something else must not read as a healthy cluster; a damaged one is still a report (exit 3).
        if loaded.layouts.isEmpty, !loaded.loadIssues.contains(where: \.damaged) {
            throw AnalysisError.notMustGather(path: path, entries: loaded.entries)
        }
        if let namespace = options.focus.namespace {
            let known = Self.namespaces(loaded.snapshot)
            guard known.contains(namespace) else { throw AnalysisError.namespaceNotInDump(namespace, known: known.sorted()) }
        }
        logger.debug("dump loaded", metadata: ["entries": "\(loaded.entries)", "clusters": "\(loaded.snapshot.clusters.count)"])
        stageDone("load")
        let context = RuleContext(snapshot: loaded.snapshot, options: options.rules)
        stageDone("migration views")
        let (ran, ranOutcomes) = engine.run(context)
        let (findings, outcomes) = Restatements.fold(findings: ran, outcomes: ranOutcomes, rules: engine.rules)
        stageDone("rules")
        var suppressions = options.suppressions
        if options.suppressionsBesideDump {
            do { suppressions += try RuleFiles.suppressions(files: [], dump: path, configDirectory: nil) } catch { throw AnalysisError.ruleFile(error) }
        }
        // The engine's findings are linked and ordered; folding restatements away may leave links to re-resolve.
        let focused = options.focus.apply(findings, ordered: findings.count == ran.count).concurrentMap { $0.scrubbingSecrets() }
        let split = SuppressionFile.apply(suppressions, to: focused, today: options.today)
        let shown = split.suppressed.isEmpty ? split.shown : RuleEngine.linkAndOrder(split.shown)
        let suppressed = split.suppressed.map { SuppressedFinding(finding: $0.finding, reason: $0.by.reason, source: $0.by.source, expires: $0.by.expires) }
        let expired = split.expired.map {
            ExpiredSuppression(rule: $0.rule.pattern, subject: $0.subject?.pattern, cluster: $0.cluster?.pattern, reason: $0.reason, expires: $0.expires ?? "", source: $0.source)
        }
        let timelines = context.migrations
            .filter { view in options.focus.namespace.map { (view.plan?.sourceNamespaces ?? []).contains($0) } ?? true }
            .map { MigrationTimeline($0, snapshot: loaded.snapshot) }
        stageDone("timelines")
        let input = Self.input(path: path, loaded: loaded)
        let loadIssues = loaded.loadIssues, missing = missingData(loaded.snapshot)
        // Consumed, so the other thread holds the dump's last reference: had it let go first, this thread freed it.
        Self.releaseInBackground(consume loaded, consume context)
        return AnalysisReport(
            tool: .init(name: "mustard", version: mustardVersion),
            input: input,
            findings: shown, outcomes: outcomes, loadIssues: loadIssues,
            timelines: timelines, hiddenFindings: findings.count - focused.count,
            missingData: missing, suppressed: suppressed, expiredSuppressions: expired)
    }

    /// What the selected rules look for and the dump lacks: today, MTC's own resources.
    private func missingData(_ snapshot: DumpSnapshot) -> [MissingData] {
        let mtcRulesRun = engine.rules.contains { $0.ruleDescription.category == "mtc" }
        guard mtcRulesRun, !snapshot.hasMTC else { return [] }
        let version = MustGatherCommand.mtcVersionTag(snapshot)
        return [MissingData(
            headline: "No MTC data in the dump",
            detail: "it holds no MigPlan, MigMigration, MigCluster or other MTC resource, so nothing about migrations could be checked: "
                + "MTC's must-gather was not run, or not on the cluster where the MTC controller runs (the host, usually the destination)"
                + (version.map { "; the dump shows MTC \($0)" } ?? ""),
            ask: MustGatherCommand.mtc(snapshot))]
    }

    /// Every namespace the dump holds anything about: folders, Namespace objects, objects' own, MigPlans' sources
    /// and destinations.
    static func namespaces(_ snapshot: DumpSnapshot) -> Set<String> {
        var known = Set<String>()
        for cluster in snapshot.clusters {
            known.formUnion(cluster.namespaces)
            for objects in cluster.objectsByKind.values { for o in objects { if let ns = o.metadata.namespace { known.insert(ns) } } }
            for plan in cluster.migPlans { for entry in plan.namespaces { known.formUnion(entry.split(separator: ":").map(String.init)) } }
        }
        return known
    }

    /// Freeing a large dump's objects takes a noticeable moment: let another thread do it while the report renders.
    private static func releaseInBackground(_ loaded: consuming LoadedDump, _ context: consuming RuleContext) {
        let dump = DisposableBox((loaded, context))
        DispatchQueue.global(qos: .utility).async { dump.dispose() }
    }

    private static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())"
    }

    private static func input(path: String, loaded: LoadedDump) -> AnalysisReport.Input {
        let snapshot = loaded.snapshot
        let source: GatherTimeOrigin
        var sourcePath: String?
        switch snapshot.gatherTimeSource {
        case .timestampFile(let p):
            source = .timestampFile
            sourcePath = p
        case .newestInDump: source = .newestTimeInDump
        case .unknown: source = .unknown
        }
        return AnalysisReport.Input(
            path: path, format: loaded.format, gatheredAt: snapshot.gatheredAt, gatheredAtSource: source,
            gatheredAtPath: sourcePath, layouts: loaded.layouts.map(\.rawValue), clusters: snapshot.clusters.map(\.name),
            entries: loaded.entries, nestedArchives: loaded.nestedArchives)
    }
}

/// Output formats the CLI offers.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, markdown, json, sarif, html

    /// `rules`: every rule that may appear in the report (SARIF describes each); nil for the built-in ones.
    public func renderer(color: Bool, verbose: Bool, timeline: Bool = false, width: Int = 100, brief: Bool = false, rules: [RuleDescription]? = nil) -> any ReportRenderer {
        switch self {
        case .text: return TextRenderer(color: color, verbose: verbose, timeline: timeline, width: width)
        case .markdown: return MarkdownRenderer(brief: brief)
        case .json: return JSONRenderer()
        case .sarif: return rules.map { SARIFRenderer(rules: $0) } ?? SARIFRenderer()
        case .html: return HTMLRenderer()
        }
    }

    /// The format a report file's name asks for (`case.html`, `postmortem.md`), nil for other names.
    public init?(fileName: String) {
        let name = fileName.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "json": self = .json
        case "sarif": self = .sarif
        case "html", "htm": self = .html
        default: return nil
        }
    }

    /// The file extension of a report in this format (batch `--output-dir`).
    public var fileExtension: String {
        switch self {
        case .text: return "txt"
        case .markdown: return "md"
        case .json: return "json"
        case .sarif: return "sarif"
        case .html: return "html"
        }
    }
}

extension AnalysisReport {
    /// The exit code for a written report: 3 damaged dump, 1 something at or above `failOn`, 0 otherwise.
    public func exitCode(failOn: Severity) -> Int32 {
        if isDamaged { return 3 }
        if let worst = worstSeverity, worst >= failOn { return 1 }
        return 0
    }
}

@_exported import struct MustardReport.AnalysisReport
@_exported import enum MustardRules.Severity

/// Every registered rule's description, for the catalog commands.
public var ruleDescriptions: [RuleDescription] { RuleRegistry.all.map(\.ruleDescription) }

/// The built-in rules' descriptions and those of rule files, for the catalog commands.
public func ruleDescriptions(with userRules: [UserRule]) -> [RuleDescription] { ruleDescriptions + userRules.map(\.ruleDescription) }

@_exported import struct MustardRules.RuleDescription
@_exported import class MustardDump.LoadProgress
@_exported import struct MustardReport.JSONRenderer
@_exported import enum MustardReport.RuleDocs
@_exported import struct MustardReport.SARIFRenderer
@_exported import class MustardReport.Redactor
@_exported import enum MustardReport.Neutralizer

/// Holds a value until `dispose()`, so the last reference, and the freeing, happens on the thread that calls it.
private final class DisposableBox<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    func dispose() { value = nil }
}
