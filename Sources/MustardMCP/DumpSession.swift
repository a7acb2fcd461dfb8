import Foundation
import MCP
import MustardExplore
import MustardKit
import MustardReport
import MustardRules

/// The dumps one MCP session serves. Each is analysed once, on its first use, and the report kept: every tool
/// answers from it, through the same secret scrubbing and (with `--redact`) the same redaction as `analyze`.
public actor DumpSession {
    public let dumps: [String]
    /// Every rule the analysis runs: the built-in ones and the rule files loaded for the session.
    nonisolated let rules: [RuleDescription]
    private let options: AnalysisOptions
    private let redactor: Redactor?
    private var reports: [String: Analysed] = [:]
    private var explorers: [String: DumpExplorer] = [:]
    private let exploreOptions: ExploreOptions

    /// A dump's report and its JSON document (`docs/json-report.md`) as MCP values.
    struct Analysed: Sendable {
        let report: AnalysisReport
        let document: [String: Value]
    }

    /// `exploreOptions`: where the explore verbs keep their index (the CLI's cache by default).
    public init(dumps: [String], options: AnalysisOptions, redactor: Redactor?, exploreOptions: ExploreOptions = ExploreOptions()) {
        self.dumps = dumps
        self.options = options
        self.redactor = redactor
        self.exploreOptions = exploreOptions
        rules = ruleDescriptions(with: options.userRules)
    }

    /// The dump's explorer (its index built on first use, or read from the cache), kept for the session.
    func explorer(_ argument: String?) throws -> DumpExplorer {
        let dump = try resolve(argument)
        if let open = explorers[dump] { return open }
        do {
            let opened = try DumpExplorer.open(dump, options: exploreOptions)
            explorers[dump] = opened
            return opened
        } catch {
            throw ToolError.invalid("\(dump): \(error)")
        }
    }

    /// The dump a tool call names: by path, file name or index; the only one when it names none.
    func resolve(_ argument: String?) throws -> String {
        guard let argument, !argument.isEmpty else {
            guard dumps.count == 1 else {
                throw ToolError.invalid("several dumps are served; name one with \"dump\": \(dumps.enumerated().map { "\($0) \($1)" }.joined(separator: ", "))")
            }
            return dumps[0]
        }
        if let exact = dumps.first(where: { $0 == argument }) { return exact }
        if let index = Int(argument), dumps.indices.contains(index) { return dumps[index] }
        let byName = dumps.filter { URL(fileURLWithPath: $0).lastPathComponent == argument }
        if byName.count == 1 { return byName[0] }
        throw ToolError.invalid("no dump \(argument) is served; the dumps are: \(dumps.enumerated().map { "\($0) \($1)" }.joined(separator: ", "))")
    }

    func analysed(_ argument: String?) throws -> Analysed {
        let dump = try resolve(argument)
        if let done = reports[dump] { return done }
        let report: AnalysisReport
        do {
            let analysed = try Analyzer(options: options).analyze(dump)
            report = redactor?.redact(analysed) ?? analysed
        } catch {
            throw ToolError.invalid("\(dump): \(error)")
        }
        let text = JSONRenderer(compact: true).render(report)
        guard case .object(let document) = try JSONDecoder().decode(Value.self, from: Data(text.utf8)) else {
            throw ToolError.invalid("\(dump): the report could not be encoded")
        }
        let done = Analysed(report: report, document: document)
        reports[dump] = done
        return done
    }
}

/// A tool call the server cannot answer: told to the client as a tool error (`isError`), never a crash.
enum ToolError: Error, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self {
        case .invalid(let why): return why
        }
    }
}
