import ArgumentParser
import Foundation
import Logging
import MustardKit

/// The command line: parses arguments, calls MustardKit, writes the output, maps the outcome to an exit code.
struct Mustard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mustard",
        abstract: "Diagnose OpenShift must-gathers: root cause first, evidence with its file, fixes as oc commands.",
        version: mustardVersion,
        subcommands: [Analyze.self, Summarize.self, Rules.self, Get.self, Describe.self, Logs.self, Events.self, Ls.self, MCP.self],
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

    @Argument(help: "The must-gather folder or archive; several, or a folder of archives, for a batch.")
    var paths: [String]

    @Option(name: [.customShort("f"), .customLong("format")], help: """
        Report format: text, markdown, json, sarif (SARIF 2.1.0) or html (one self-contained page). Default: from \
        the --output file's extension (.txt .md .json .sarif .html), else text.
        """)
    var requestedFormat: ReportFormat?

    /// `-f` when given, else what the `-o` file's name asks for, else text.
    var format: ReportFormat { requestedFormat ?? output.flatMap(ReportFormat.init(fileName:)) ?? .text }

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Batch: write each dump's report into this folder (the summary goes to standard output).")
    var outputDir: String?

    @Option(help: "Batch: how many dumps are analysed at once.")
    var jobs: Int = 2

    @Option(help: """
        Batch over several machines: analyse only shard I of N (0 ≤ I < N, as a Kubernetes Indexed Job's \
        JOB_COMPLETION_INDEX) of the dumps named, sorted; `mustard summarize` merges the shards' JSON reports.
        """)
    var shard: Shard?

    @Option(help: "Minutes a migration phase may stay unchanged before gather time before it counts as stuck.")
    var stuckAfter: Double = 30

    @Option(help: "Exit 1 when a finding is at or above this severity: critical, error, warning or info.")
    var failOn: Severity = .error

    @Option(name: .customLong("rule"), help: "Run only this rule (repeatable; `mtc/*` matches a prefix).")
    var rules: [String] = []

    @Option(name: .customLong("exclude-rule"), help: "Do not run this rule (repeatable; `prefix*` allowed).")
    var excludedRules: [String] = []

    @Option(help: "Leave out findings below this severity (their root causes stay).")
    var minSeverity: Severity = .info

    @Option(name: .customLong("rules"), help: """
        A folder of rule files (*.yaml) to run besides the built-in and shipped rules and \
        $XDG_CONFIG_HOME/mustard/rules.d/ (repeatable; docs/rule-files.md).
        """)
    var ruleFolders: [String] = []

    @Option(name: .customLong("suppress"), help: """
        A suppression file (repeatable); .mustard/suppress.yaml beside the dump and $XDG_CONFIG_HOME/mustard/suppress.yaml \
        are read too. Suppressed findings are listed apart and count in neither the verdict nor the exit code.
        """)
    var suppressFiles: [String] = []

    /// Today's date for suppressions' expiry (tests pin it).
    @Option(help: .hidden)
    var today: String?

    @Option(help: "Only findings and timelines about this application namespace (and their root causes).")
    var namespace: String?

    @Flag(help: "Print each migration's timeline in the text report (always in Markdown and JSON).")
    var timeline = false

    @Option(help: "How many archives deep nested archives are opened.")
    var maxNesting: Int = 4

    @Option(help: "MiB decompressed in all before the rest of the dump is left unread (zip and gzip bombs).")
    var maxTotalBytes: Int64 = 65_536

    @Option(help: "MiB of the largest file read whole (a YAML file); larger ones are reported and skipped.")
    var maxEntryBytes: Int = 128

    @Option(help: "Entries in all (nested archives included) before the rest is left unread.")
    var maxEntries: Int = 5_000_000

    @Option(help: "Nodes YAML aliases may add in one file (billion-laughs guard).")
    var maxYamlAliases: Int = 1_000_000

    @Flag(name: .shortAndLong, help: "Show all evidence, passed rules, informational load issues and full paths.")
    var verbose = false

    @Flag(help: "With -f markdown: a case comment — the verdict, each root cause with one line of evidence, and the fix.")
    var brief = false

    @Option(help: "Tracing on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Flag(help: """
        Redact the report for a public ticket: IP addresses, host names and domains, e-mail addresses and tokens \
        become consistent placeholders. `--redact=names` also redacts the customer's namespaces, pods, plans, \
        migrations and clusters.
        """)
    var redact = false

    /// `--redact=names`, rewritten to this before parsing (the parser has no options with an optional value).
    @Flag(name: .customLong("redact-names"), help: .hidden)
    var redactNames = false

    @Option(help: "With --redact: write the mapping (original → placeholder, JSON) to this file, never into the report.")
    var redactionMap: String?

    func validate() throws {
        if brief, format != .markdown { throw ValidationError("--brief is a Markdown report: add -f markdown (or -o NAME.md)") }
        if let requestedFormat, let output, let named = ReportFormat(fileName: output), named != requestedFormat {
            throw ValidationError("--format \(requestedFormat.rawValue) contradicts --output \(output), a .\(named.fileExtension) name; drop one or make them agree")
        }
        guard stuckAfter >= 0, stuckAfter.isFinite else { throw ValidationError("--stuck-after must be zero or more minutes") }
        guard maxNesting >= 1 else { throw ValidationError("--max-nesting must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard maxTotalBytes >= 1, maxEntryBytes >= 1, maxEntries >= 1, maxYamlAliases >= 0 else {
            throw ValidationError("the --max-* limits must be positive")
        }
        // MiB become bytes by a shift that would silently wrap beyond these.
        guard maxTotalBytes <= Int64.max >> 20, maxEntryBytes <= Int.max >> 20 else {
            throw ValidationError("--max-total-bytes and --max-entry-bytes are MiB: at most \(Int64.max >> 20)")
        }
        if let today, !SuppressionFile.isDate(today) { throw ValidationError("--today wants a date YYYY-MM-DD") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if redactionMap != nil, !redact, !redactNames { throw ValidationError("--redaction-map needs --redact") }
        let outputs = [("--output", output), ("--redaction-map", redactionMap)].compactMap { o in o.1.map { (option: o.0, path: $0) } }
        if let conflict = OutputFiles.conflict(outputs: outputs, inputs: paths) { throw ValidationError(conflict) }
    }

    /// The redactor for `--redact`, nil without it.
    func makeRedactor() -> Redactor? {
        redact || redactNames ? Redactor(names: redactNames) : nil
    }

    /// Writes the redaction map when asked to.
    func writeRedactionMap(_ redactor: Redactor?) {
        if let redactor, let redactionMap { write(redactor.mappingJSON(), to: redactionMap) }
    }

    func run() throws {
        var logger = Logger(label: "mustard") { NeutralizingLogHandler(StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning

        var options = AnalysisOptions()
        options.rules.stuckAfterSeconds = stuckAfter * 60
        options.limits.maxNestingDepth = maxNesting
        options.limits.maxTotalBytes = maxTotalBytes << 20
        options.limits.maxEntryBytes = maxEntryBytes << 20
        options.limits.maxEntries = maxEntries
        options.maxYAMLAliasNodes = maxYamlAliases
        options.focus.rules = rules
        options.focus.excludedRules = excludedRules
        options.focus.minSeverity = minSeverity
        options.focus.namespace = namespace
        do {
            let config = RuleFiles.configDirectory()
            options.userRules = try RuleFiles.load(folders: ruleFolders, configDirectory: config)
            options.suppressions = try RuleFiles.suppressions(files: suppressFiles, dump: nil, configDirectory: config)
        } catch {
            fail(error.description)
        }
        // Once, before any dump, with the id it likely meant: a batch would otherwise fail each dump alike.
        let ids = ruleDescriptions(with: options.userRules).map(\.id)
        if let pattern = options.focus.unmatchedPattern(among: ids) {
            let meant = pattern.hasSuffix("*") ? nil : Suggestions.closest(to: pattern, among: ids)
            fail("\(AnalysisError.unknownRule(pattern))" + (meant.map { "; did you mean \($0)?" } ?? ""))
        }
        options.suppressionsBesideDump = true
        if let today { options.today = today }

        var dumps = Batch.expand(paths)
        if let shard {
            let named = dumps.count
            dumps = Batch.shard(dumps, index: shard.index, count: shard.count)
            guard !dumps.isEmpty else {
                FileHandle.standardError.write(Data("mustard: shard \(shard.index)/\(shard.count) has no dump of the \(named) named\n".utf8))
                return
            }
        }
        if dumps.count > 1 || shard != nil || outputDir != nil {
            try runBatch(dumps, options: options, logger: logger)
            return
        }
        let progress = ProgressLine(label: dumps[0])
        options.progress = progress?.counters
        let report: AnalysisReport
        do {
            report = try Analyzer(options: options, logger: logger).analyze(dumps[0])
            progress?.stop()
        } catch AnalysisError.namespaceNotInDump(let namespace, let known) {
            progress?.stop()
            let meant = Suggestions.subcommand(for: namespace, among: known).map { " Did you mean --namespace \($0)?" } ?? ""
            fail("\(AnalysisError.namespaceNotInDump(namespace, known: known))." + meant)
        } catch {
            progress?.stop()
            fail("\(error)")
        }

        let toTerminal = output == nil && isatty(STDOUT_FILENO) == 1
        let color = toTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let redactor = makeRedactor()
        let shown = redactor?.redact(report) ?? report
        let width = reportWidth(toTerminal: toTerminal)
        let rules = ruleDescriptions(with: options.userRules)
        write(pieces: format.renderer(color: color, verbose: verbose, timeline: timeline, width: width, brief: brief, rules: rules).renderPieces(shown), to: output)
        writeRedactionMap(redactor)
        LeftForExit.keep(report, shown)
        let code = report.exitCode(failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }

    /// Several dumps: each report into --output-dir, one summary table (or one JSON document per line) on stdout.
    func runBatch(_ dumps: [String], options: AnalysisOptions, logger: Logger) throws {
        guard output == nil else { throw ValidationError("--output takes one dump; use --output-dir for several") }
        // One redactor for the whole batch, applied in the dumps' order: the same value, the same placeholder.
        let redactor = makeRedactor()
        let items = Batch.run(dumps, options: options, jobs: jobs, logger: logger).map { item in
            guard let redactor else { return item }
            let path = redactor.inputPath(item.path)
            return Batch.Item(path: path, report: item.report.map(redactor.redact), error: item.error.map { redactor.text($0.replacing(item.path, with: path)) })
        }
        if let outputDir {
            do { try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true) } catch {
                fail("cannot create \(outputDir): \(error.localizedDescription)")
            }
            let ext = format.fileExtension
            let targets = Batch.reportNames(items, extension: ext).map { outputDir + "/" + $0 }
            let reports = targets.map { (option: "--output-dir", path: $0) }
            if let conflict = OutputFiles.conflict(outputs: reports, inputs: dumps + paths) { throw ValidationError(conflict) }
            for (item, target) in zip(items, targets) {
                guard let report = item.report else { continue }
                write(pieces: format.renderer(color: false, verbose: verbose, timeline: timeline, brief: brief, rules: ruleDescriptions(with: options.userRules)).renderPieces(report), to: target)
            }
        }
        switch format {
        case .json:
            var lines = ""
            for item in items {
                if let report = item.report {
                    lines += JSONRenderer(compact: true).render(report)
                } else {
                    let error = ["path": item.path, "error": item.error ?? "unreadable"]
                    let data = (try? JSONSerialization.data(withJSONObject: error, options: [.sortedKeys])) ?? Data()
                    lines += Neutralizer.json(String(decoding: data, as: UTF8.self)) + "\n"
                }
            }
            write(lines, to: nil)
        case .markdown:
            write(Batch.summary(items, markdown: true), to: nil)
        case .text, .sarif, .html:
            write(Batch.summary(items, markdown: false), to: nil)
        }
        writeRedactionMap(redactor)
        for item in items where item.report == nil {
            FileHandle.standardError.write(Data("mustard: \(Neutralizer.text(item.error ?? item.path))\n".utf8))
        }
        let code = Batch.exitCode(items, failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }
}

/// A one-line progress display on a terminal's standard error, for dumps that take more than a moment; never
/// in a pipe or a CI log, never in the report.
final class ProgressLine: @unchecked Sendable {
    let counters = LoadProgress()
    private let label: String
    private let lock = NSLock()
    private var running = true
    private var shown = false

    /// Seconds before the line first shows: `MUSTARD_PROGRESS_AFTER` (0 to 60), else one. The tests set it short:
    /// whether a dump takes more than a second depends on the machine.
    private let delay: Double

    init?(label: String) {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDERR_FILENO) == 1, environment["CI"] == nil else { return nil }
        self.label = label
        delay = environment["MUSTARD_PROGRESS_AFTER"].flatMap(Double.init).flatMap { $0.isFinite ? min(max($0, 0), 60) : nil } ?? 1.0
        Thread.detachNewThread { [self] in tick() }
    }

    private func tick() {
        Thread.sleep(forTimeInterval: delay)
        while true {
            lock.lock()
            guard running else { lock.unlock(); return }
            let (entries, path) = counters.snapshot
            // The entry's name comes from the dump: escaped, so it cannot move the cursor or retitle the terminal.
            let line = "mustard: reading \(Neutralizer.text(label)): \(entries) entries… \(Neutralizer.text(String(path.suffix(60))))"
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            shown = true
            lock.unlock()
            Thread.sleep(forTimeInterval: 0.25)
        }
    }

    func stop() {
        lock.lock()
        running = false
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        lock.unlock()
    }
}

/// `--shard I/N`.
struct Shard: ExpressibleByArgument {
    let index: Int, count: Int
    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index)
        else { return nil }
        self.index = index
        self.count = count
    }
}

/// Merges the JSON reports of a batch, as the shards of a Kubernetes Indexed Job leave them, into one summary.
struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise JSON reports (from `analyze -f json`, e.g. the shards' --output-dir) in one table.",
        discussion: "Exit codes as for analyze: the worst of the reports; 2 when no report could be read.")

    @Argument(help: "JSON report files, or folders holding them (*.json).")
    var paths: [String]

    @Option(name: .shortAndLong, help: "Summary format: text, markdown or json (one line per dump).")
    var format: ReportFormat = .text

    @Option(help: "Exit 1 when a finding is at or above this severity.")
    var failOn: Severity = .error

    func validate() throws {
        guard [.text, .markdown, .json].contains(format) else { throw ValidationError("summarize writes text, markdown or json") }
    }

    func run() throws {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("\(path): no such file or folder") }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var rows: [Batch.Row] = []
        for file in files {
            // Reports are small; one that is not a mustard JSON report is said, not guessed at.
            guard let data = FileManager.default.contents(atPath: file), let row = Batch.Row(jsonReport: data, file: file) else {
                FileHandle.standardError.write(Data("mustard: \(Neutralizer.text(file)): not a mustard JSON report (schemaVersion 1 or 2); skipped\n".utf8))
                continue
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { fail("no mustard JSON report in \(paths.joined(separator: " "))") }
        rows.sort { $0.path < $1.path }
        switch format {
        case .json:
            let lines = rows.map { row -> String in
                let object: [String: Any] = [
                    "path": row.path, "clusters": row.clusters, "damaged": row.damaged, "topFinding": row.topFinding ?? NSNull(),
                    "summary": Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, row.counts?[$0] ?? 0) }),
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                return Neutralizer.json(String(decoding: data, as: UTF8.self)) + "\n"
            }
            write(lines.joined(), to: nil)
        default:
            write(Batch.summary(rows, markdown: format == .markdown), to: nil)
        }
        let code = Batch.exitCode(rows, failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What mustard checks: list the rules, explain one, write docs/rules.md, test rule files or start one.",
        subcommands: [List.self, Explain.self, Docs.self, Test.self, New.self],
        defaultSubcommand: List.self)

    /// `--rules DIR`, as for analyze: the catalog commands show rule files too.
    struct RuleFolders: ParsableArguments {
        @Option(name: .customLong("rules"), help: "A folder of rule files to include (repeatable).")
        var folders: [String] = []

        /// Built-in rules, shipped rule files, the config folder's and these.
        var descriptions: [RuleDescription] {
            do {
                return ruleDescriptions(with: try RuleFiles.load(folders: folders, configDirectory: RuleFiles.configDirectory()))
            } catch {
                fail(error.description)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per rule: id, severity, category, summary.")
        @OptionGroup var rules: RuleFolders
        func run() { write(RuleDocs.list(rules.descriptions), to: nil) }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything a rule says about itself.")
        @Argument(help: "The rule id, e.g. mtc/migration-stuck.")
        var id: String
        @OptionGroup var rules: RuleFolders

        func run() {
            let ruleDescriptions = rules.descriptions
            guard let description = ruleDescriptions.first(where: { $0.id == id }) else {
                let ids = ruleDescriptions.map(\.id)
                let hint = Suggestions.closest(to: id, among: ids).map { "; did you mean `mustard rules explain \($0)`?" }
                    ?? "; `mustard rules list` shows them"
                fail("no rule '\(id)'\(hint)")
            }
            write(RuleDocs.explain(description), to: nil)
        }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rule catalog as Markdown (docs/rules.md).")
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?
        @OptionGroup var rules: RuleFolders
        func run() { write(RuleDocs.markdown(rules.descriptions), to: output) }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run rule files' examples: each must fire on its `fires` dumps and pass (not skip) on its `quiet` ones.",
            discussion: "Exit codes: 0 every example behaved; 1 an example did not; 2 a rule file is broken (file, line and field named).")
        @Argument(help: "Rule files, or folders of them (*.yaml; subfolders hold the example dumps).")
        var paths: [String]

        func run() throws {
            var files: [String] = []
            var rules: [UserRule] = []
            do {
                for path in paths { files += try RuleFiles.paths(path) }
                for file in files { rules.append(try RuleFiles.load(file: file)) }
                try RuleFiles.checkIDs(rules)
            } catch {
                fail(error.description)
            }
            guard !rules.isEmpty else { fail("no rule files (*.yaml) in \(paths.joined(separator: " "))") }
            let results = RuleExamples.run(rules)
            write(results.map(\.line).joined(separator: "\n") + "\n", to: nil)
            let failed = results.filter { !$0.ok }.count
            write("\(rules.count) rule file(s), \(results.count) example(s): \(failed == 0 ? "all behaved" : "\(failed) failed")\n", to: nil)
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a skeleton rule file ID-NAME.yaml and its example dumps (fires/, quiet/) to start from.")
        @Argument(help: "The new rule's id, namespace/name, e.g. site/velero-oomkilled.")
        var id: String
        @Option(name: .customLong("dir"), help: "The folder to write into (default: the current one).")
        var folder: String = "."

        func run() throws {
            do {
                let written = try RuleSkeleton.write(id: id, into: folder)
                write(written.map { "wrote \($0)" }.joined(separator: "\n") + "\nnext: edit the rule and its examples, then `mustard rules test \(folder)`\n", to: nil)
            } catch {
                fail("\(error)")
            }
        }
    }
}

/// The columns the text report wraps to: `COLUMNS` when set, else the terminal's width when writing to one, else 100.
func reportWidth(toTerminal: Bool) -> Int {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    var size = winsize()
    if toTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return 100
}

/// Tracing on standard error names files in the dump: their names are escaped like in the reports.
struct NeutralizingLogHandler: LogHandler {
    var inner: any LogHandler

    init(_ inner: any LogHandler) { self.inner = inner }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Neutralizer.text(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.neutralized)
        inner.log(event: event)
    }

    static func neutralized(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let s): return .string(Neutralizer.text(s))
        case .stringConvertible(let c): return .string(Neutralizer.text(c.description))
        case .dictionary(let d): return .dictionary(d.mapValues(neutralized))
        case .array(let a): return .array(a.map(neutralized))
        }
    }
}

/// Writes to a file, or to standard output.
func write(_ text: String, to output: String?) {
    write(pieces: [Array(text.utf8)], to: output)
}

/// A report's pieces, one after the other, to standard output or to `output`, written whole (`OutputFiles.writeAtomically`).
func write(pieces: [[UInt8]], to output: String?) {
    guard let output else {
        // A reader gone (a closed pipe) ends the run by SIGPIPE, as before; another error is said.
        guard OutputFiles.writeAll(pieces, to: STDOUT_FILENO) else { fail("cannot write the report: \(String(cString: strerror(errno)))") }
        return
    }
    do { try OutputFiles.writeAtomically(pieces, to: output) } catch {
        fail("cannot write \(output): \(error)")
    }
}

/// What the process's end reclaims at once: freeing a report of thousands of findings piece by piece, after it is
/// written, only delays the exit.
enum LeftForExit {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ objects: Any...) { kept += objects }
}

/// Says why on standard error and exits 2: nothing could be done. The message may name a file in the dump.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mustard: \(Neutralizer.text(message))\n".utf8))
    Mustard.exit(withError: ExitCode(2))
}

/// `--redact=names` is `--redact-names` to the parser; `--redact` alone stays a flag.
let arguments = CommandLine.arguments.dropFirst().map { $0 == "--redact=names" ? "--redact-names" : $0 }

// `analyze` is the default subcommand, so `mustard rule list` would analyse two missing paths: a first word that is
// no file but close to a subcommand's name is a usage error with the name meant.
if let first = arguments.first, !first.hasPrefix("-"), !FileManager.default.fileExists(atPath: first),
   let meant = Suggestions.subcommand(for: first, among: Mustard.configuration.subcommands.map { $0._commandName }) {
    FileHandle.standardError.write(Data("mustard: unknown command '\(Neutralizer.text(first))'; did you mean `mustard \(meant)`?\n".utf8))
    exit(2)
}

// The parser exits 64 on usage errors; the README promises 2 ("nothing could be analysed") for them.
do {
    var command = try Mustard.parseAsRoot(arguments)
    try command.run()
} catch {
    if Mustard.exitCode(for: error) == .validationFailure {
        // The message quotes the arguments: escaped like everything else mustard prints.
        let message = Mustard.fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map { Neutralizer.text(String($0)) }
        FileHandle.standardError.write(Data((message.joined(separator: "\n") + "\n").utf8))
        exit(2)
    }
    Mustard.exit(withError: error)
}
