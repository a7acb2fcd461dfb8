import ArgumentParser
import Dispatch
import Foundation
import Logging
import MustardKit
import MustardMCP

/// `mustard mcp DUMP…`: the dumps served to an AI assistant over the Model Context Protocol (stdio).
struct MCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve dumps to an AI assistant over the Model Context Protocol (JSON-RPC on standard input and output).",
        discussion: """
            Tools: dumps, analyze, explain, timeline, rules, ls, get, describe, logs, events. Each dump is analysed once, on first use, from the archive \
            as it is (never extracted); results are the JSON report's shapes, lists in pages, secrets scrubbed as in \
            every report. Example client configuration: {"command": "mustard", "args": ["mcp", "/cases/1234/must-gather.tar.gz"]}
            """)

    @Argument(help: "The must-gather folders or archives to serve.")
    var paths: [String]

    @Option(name: .customLong("rules"), help: "A folder of rule files to run besides the shipped ones and the config folder's rules.d (repeatable).")
    var ruleFolders: [String] = []

    @Option(help: "Minutes a migration phase may stay unchanged before gather time before it counts as stuck.")
    var stuckAfter: Double = 30

    @Flag(help: "Redact every result as `analyze --redact` does (addresses, host names, e-mails, tokens).")
    var redact = false

    @Flag(name: .customLong("redact-names"), help: "Also redact the customer's namespaces, pods, plans, migrations and clusters.")
    var redactNames = false

    @Option(help: "Tracing on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        guard stuckAfter >= 0, stuckAfter.isFinite else { throw ValidationError("--stuck-after must be zero or more minutes") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such file or folder")
        }
    }

    func run() throws {
        var logger = Logger(label: "mustard") { NeutralizingLogHandler(StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        var options = AnalysisOptions()
        options.rules.stuckAfterSeconds = stuckAfter * 60
        // The same rules and suppressions as `analyze`, so a tool's answer is the CLI's.
        do {
            let config = RuleFiles.configDirectory()
            options.userRules = try RuleFiles.load(folders: ruleFolders, configDirectory: config)
            options.suppressions = try RuleFiles.suppressions(files: [], dump: nil, configDirectory: config)
        } catch {
            fail(error.description)
        }
        options.suppressionsBesideDump = true
        let session = DumpSession(
            dumps: paths, options: options, redactor: redact || redactNames ? Redactor(names: redactNames) : nil)
        // The argument parser's commands are synchronous: the server runs on the concurrency pool until stdin closes.
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task { [logger] in
            do { try await MustardMCPServer.run(session: session, logger: logger) } catch { failure.set("\(error)") }
            done.signal()
        }
        done.wait()
        if let message = failure.get() { fail(message) }
    }
}

/// The server task's error, handed back to the waiting command.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ m: String) { lock.withLock { message = m } }
    func get() -> String? { lock.withLock { message } }
}
