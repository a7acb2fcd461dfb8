import ArgumentParser
import Foundation
import Logging
import MustardKit

/// The command line: parses arguments, calls MustardKit, writes the report, maps the outcome to an exit code.
struct Mustard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mustard",
        abstract: "Diagnose OpenShift must-gathers: root cause first, evidence with its file, fixes as oc commands.",
        version: mustardVersion,
        subcommands: [Analyze.self],
        defaultSubcommand: Analyze.self)
}

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse a must-gather: a folder or an archive (tar, tar.gz, tar.xz, tar.zst, tar.bz2, zip).",
        discussion: """
            Exit codes: 0 report written, nothing at or above --fail-on; 1 report written with a finding at or \
            above --fail-on; 2 nothing could be analysed; 3 report written, but the dump is damaged and the \
            report covers only what could be read.
            """)

    @Argument(help: "The must-gather folder or archive.")
    var path: String

    @Option(name: .shortAndLong, help: "Report format: text, markdown or json.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Minutes a migration phase may stay unchanged before gather time before it counts as stuck.")
    var stuckAfter: Double = 30

    @Option(help: "Exit 1 when a finding is at or above this severity: critical, error, warning or info.")
    var failOn: Severity = .error

    @Option(help: "How many archives deep nested archives are opened.")
    var maxNesting: Int = 4

    @Flag(name: .shortAndLong, help: "Show all evidence, passed rules and informational load issues.")
    var verbose = false

    @Option(help: "Tracing on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        guard stuckAfter >= 0 else { throw ValidationError("--stuck-after must be zero or more minutes") }
        guard maxNesting >= 1 else { throw ValidationError("--max-nesting must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() throws {
        var logger = Logger(label: "mustard") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning

        var options = AnalysisOptions()
        options.rules.stuckAfterSeconds = stuckAfter * 60
        options.limits.maxNestingDepth = maxNesting

        let report: AnalysisReport
        do {
            report = try Analyzer(options: options, logger: logger).analyze(path)
        } catch {
            FileHandle.standardError.write(Data("mustard: \(error)\n".utf8))
            throw ExitCode(2)
        }

        let toTerminal = output == nil && isatty(STDOUT_FILENO) == 1
        let color = toTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let text = format.renderer(color: color, verbose: verbose).render(report)
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                FileHandle.standardError.write(Data("mustard: cannot write \(output): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let code = report.exitCode(failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }
}

Mustard.main()
