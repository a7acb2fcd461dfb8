import Logging
import MustardArchive
import MustardDump
import MustardModel
import MustardReport
import MustardRules

/// The version mustard reports about itself.
public let mustardVersion = "0.1.0"

/// What an analysis may be asked to do differently.
public struct AnalysisOptions: Sendable {
    public var rules: RuleOptions = RuleOptions()
    public var limits: ArchiveLimits = ArchiveLimits()

    public init() {}
}

/// Why nothing could be analysed (exit code 2).
public enum AnalysisError: Error, CustomStringConvertible {
    case unreadable(String)
    case empty(String)

    public var description: String {
        switch self {
        case .unreadable(let why): return why
        case .empty(let path): return "\(path): holds no files that could be read"
        }
    }
}

/// The facade: open, load, evaluate, report.
public struct Analyzer {
    public var options: AnalysisOptions
    private let engine: RuleEngine
    private let logger: Logger

    public init(options: AnalysisOptions = AnalysisOptions(), rules: [any Rule] = RuleRegistry.all, logger: Logger = Logger(label: "mustard")) {
        self.options = options
        self.engine = RuleEngine(rules: rules)
        self.logger = logger
    }

    /// Analyses a folder or archive. Throws `AnalysisError` only when nothing at all could be read.
    public func analyze(_ path: String) throws -> AnalysisReport {
        let loaded: LoadedDump
        do {
            loaded = try DumpLoader(requirements: engine.requirements, limits: options.limits, logger: logger).load(path)
        } catch let error as ArchiveOpenError {
            throw AnalysisError.unreadable(error.description)
        }
        guard loaded.entries > 0 else {
            if let first = loaded.loadIssues.first(where: \.damaged) {
                throw AnalysisError.unreadable("\(path): \(first.message)")
            }
            throw AnalysisError.empty(path)
        }
        logger.debug("dump loaded", metadata: ["entries": "\(loaded.entries)", "clusters": "\(loaded.snapshot.clusters.count)"])
        let context = RuleContext(snapshot: loaded.snapshot, options: options.rules)
        let (findings, outcomes) = engine.run(context)
        return AnalysisReport(
            tool: .init(name: "mustard", version: mustardVersion),
            input: Self.input(path: path, loaded: loaded),
            findings: findings, outcomes: outcomes, loadIssues: loaded.loadIssues)
    }

    private static func input(path: String, loaded: LoadedDump) -> AnalysisReport.Input {
        let snapshot = loaded.snapshot
        let source: String
        var sourcePath: String?
        switch snapshot.gatherTimeSource {
        case .timestampFile(let p):
            source = "timestamp-file"
            sourcePath = p
        case .newestInDump: source = "newest-time-in-dump"
        case .unknown: source = "unknown"
        }
        return AnalysisReport.Input(
            path: path, format: loaded.format, gatheredAt: snapshot.gatheredAt, gatheredAtSource: source,
            gatheredAtPath: sourcePath, layouts: loaded.layouts.map(\.rawValue), clusters: snapshot.clusters.map(\.name),
            entries: loaded.entries, nestedArchives: loaded.nestedArchives)
    }
}

/// Output formats the CLI offers.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, markdown, json

    public func renderer(color: Bool, verbose: Bool) -> any ReportRenderer {
        switch self {
        case .text: return TextRenderer(color: color, verbose: verbose)
        case .markdown: return MarkdownRenderer()
        case .json: return JSONRenderer()
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
