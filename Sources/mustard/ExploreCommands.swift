import ArgumentParser
import Foundation
import Logging
import MustardArchive
import MustardExplore
import MustardReport

/// What every explore verb takes: the dump (first word, or `$MUSTARD_DUMP`), the scope and the cache.
struct ExploreScope: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("namespace")], help: "Only this namespace (default: all).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace (the default; accepted as oc takes it).")
    var allNamespaces = false

    @Option(help: "Only this cluster of a multi-cluster gather (`mustard ls` lists them).")
    var cluster: String?

    @Flag(help: "Read the dump again and keep no index (default: the index under $XDG_CACHE_HOME/mustard is used).")
    var noCache = false

    @Option(help: "Tracing on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        if allNamespaces, namespace != nil { throw ValidationError("-A and -n exclude each other") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    /// Splits the words into the dump and the rest: the first word when it names a file or folder, else
    /// `$MUSTARD_DUMP`.
    static func dump(from words: [String]) throws -> (dump: String, rest: [String]) {
        if let first = words.first, FileManager.default.fileExists(atPath: first) { return (first, Array(words.dropFirst())) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["MUSTARD_DUMP"], !fromEnvironment.isEmpty {
            return (fromEnvironment, words)
        }
        if let first = words.first, first.contains("/") || first.contains(".tar") || first.hasSuffix(".zip") {
            throw ExitWithMessage(ArchiveOpenError.notFound(first).description)
        }
        throw ValidationError("name the dump first (a must-gather folder or archive), or set MUSTARD_DUMP")
    }

    /// Opens the dump's index (building it on first use) and says on standard error what could not be read.
    /// `reading`: the resources (plurals) the answer needs, which a new index reads in its first walk; nil: all.
    /// `counting`: the objects of the rest are counted by kind (`ls`).
    func open(_ dump: String, reading: Set<String>?, counting: Bool = false) throws -> DumpExplorer {
        var logger = Logger(label: "mustard") { NeutralizingLogHandler(StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        var options = ExploreOptions()
        if noCache { options.cache = nil }
        options.firstReading = reading
        options.countingTheRest = counting
        let explorer = try DumpExplorer.open(dump, options: options, logger: logger)
        // From the cache: what the first walk of another question left is read (or counted) now.
        if let reading { try explorer.index(reading) } else { try explorer.indexEverything() }
        if counting { try explorer.countEverything() }
        if let problem = explorer.cacheProblem { warn(problem) }
        let damaged = explorer.summary.loadIssues.filter(\.damaged)
        if let first = damaged.first {
            warn(
                "the dump is damaged: \(damaged.count) part(s) could not be read, the answer covers only the rest (first: \(first.path): \(first.message); `mustard ls` lists them all)"
            )
        }
        return explorer
    }

    /// Namespace and cluster columns: shown when the answer may span several.
    func columns(_ explorer: DumpExplorer) -> (namespace: Bool, cluster: Bool) {
        (namespace == nil, cluster == nil && explorer.isMultiCluster)
    }
}

/// A message and exit 2: a usage error found after parsing (unknown kind, name, cluster…).
struct ExitWithMessage: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Writes a piece of a table to standard output as it is (wrapping an array's bytes in `Data` copied them again).
func printOut(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("mustard: \(Neutralizer.text(message))\n".utf8))
}

/// Runs a verb: usage errors exit 2 with their message, a damaged dump exits 3 once the answer is written.
func explore(_ body: () throws -> DumpExplorer?) throws {
    do {
        guard let explorer = try body() else { return }
        if explorer.summary.isDamaged { throw ExitCode(3) }
    } catch let error as ExploreError {
        fail(error.description)
    } catch let error as ArchiveOpenError {
        fail(error.description)
    } catch let error as ExitWithMessage {
        fail(error.message)
    }
}

/// `-o`: the output formats of `oc get` that mustard prints.
enum GetOutput: ExpressibleByArgument, Equatable {
    case wide, yaml, json, name
    /// `custom-columns=HEADER:JSONPATH,…`.
    case customColumns([PrinterColumn])

    init?(argument: String) {
        switch argument {
        case "wide": self = .wide
        case "yaml": self = .yaml
        case "json": self = .json
        case "name": self = .name
        default:
            let prefix = "custom-columns="
            guard argument.hasPrefix(prefix), let columns = CustomColumns.parse(String(argument.dropFirst(prefix.count))) else { return nil }
            self = .customColumns(columns)
        }
    }

    /// What a wrong value's message lists.
    static var allValueStrings: [String] { ["wide", "yaml", "json", "name", "custom-columns=HEADER:JSONPATH,..."] }

    /// Shells complete the names and the start of a spec only (a `:` means something to zsh's completion).
    static var defaultCompletionKind: CompletionKind { .list(["wide", "yaml", "json", "name", "custom-columns="]) }
}

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List objects of a kind like `oc get`: `mustard get DUMP pods -A`, `mustard get DUMP mig/NAME -o yaml`.",
        discussion: """
            Kinds by name, plural or short name (pods, po, Pod; migmigrations, mig; backups.velero.io…). AGE is relative to \
            the gather time, not now. Without -n, every namespace. The first query on a dump indexes it \
            ($XDG_CACHE_HOME/mustard, else ~/.cache/mustard); later ones answer from the index.
            """)

    @Argument(help: "DUMP (unless MUSTARD_DUMP is set), then KIND, KIND/NAME or KIND NAME.")
    var words: [String] = []

    @OptionGroup var scope: ExploreScope

    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector: key=value, key!=value, key, !key, key in (a,b).")
    var selector: String?

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: "wide, yaml, json, name or custom-columns=HEADER:JSONPATH,... (.a.b, .a[0], .a[*].b, .a[?(@.k=='v')].b; default: a table).")
    var output: GetOutput?

    @Flag(name: .customLong("show-labels"), help: "A last LABELS column: each object's labels, key=value by key (tables only).")
    var showLabels = false

    func run() throws {
        try explore {
            let (dump, rest) = try ExploreScope.dump(from: words)
            guard let first = rest.first, rest.count <= 2 else {
                throw ValidationError("give a KIND, KIND/NAME or KIND NAME after the dump")
            }
            var kind = first, name = rest.count == 2 ? rest[1] : nil
            if let slash = first.firstIndex(of: "/") {
                guard name == nil else { throw ValidationError("give KIND/NAME or KIND NAME, not both") }
                kind = String(first[..<slash])
                name = String(first[first.index(after: slash)...])
            }
            let parsedSelector = try selector.map(LabelSelector.init(parsing:))
            // A kind only the dump's CRDs name: everything is read (the CRDs say which files hold it).
            let explorer = try scope.open(dump, reading: KindCatalog().resolve(kind).map { [$0.plural] })
            let query = GetQuery(kind: kind, name: name, namespace: scope.namespace, cluster: scope.cluster, selector: parsedSelector)
            switch output {
            case .yaml, .json, .name, .customColumns:
                // From the objects themselves, held.
                let objects = try explorer.objects(query)
                if objects.isEmpty { warn("No resources found"); return explorer }
                switch output {
                case .customColumns(let custom):
                    let table = CustomColumns.table(objects, columns: custom, now: explorer.summary.gatheredAt)
                    try TableText.write(table.stream, showNamespace: false, showCluster: false, headerAlone: false, to: printOut)
                case .yaml: FileHandle.standardOutput.write(Data(ObjectText.yaml(objects).utf8))
                case .json: FileHandle.standardOutput.write(Data(ObjectText.json(objects).utf8))
                default: FileHandle.standardOutput.write(Data(objects.map { ObjectText.name($0) + "\n" }.joined().utf8))
                }
            case .wide, nil:
                let columns = scope.columns(explorer)
                var rows = 0
                // Streamed: the rows of a large dump are printed as read, not held.
                try explorer.get(query, wide: output == .wide, showLabels: showLabels) { table in
                    rows = try TableText.write(
                        table, showNamespace: columns.namespace && name == nil, showCluster: columns.cluster, headerAlone: false, to: printOut)
                }
                if rows == 0 { warn("No resources found\(scope.namespace.map { " in \($0) namespace" } ?? "").") }
            }
            return explorer
        }
    }
}

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One object in full: who it is, its columns, conditions, spec and status, and the events about it.")

    @Argument(help: "DUMP (unless MUSTARD_DUMP is set), then KIND NAME or KIND/NAME.")
    var words: [String] = []

    @OptionGroup var scope: ExploreScope

    func run() throws {
        try explore {
            let (dump, rest) = try ExploreScope.dump(from: words)
            var kind: String, name: String
            if rest.count == 1, let slash = rest[0].firstIndex(of: "/") {
                kind = String(rest[0][..<slash])
                name = String(rest[0][rest[0].index(after: slash)...])
            } else if rest.count == 2 {
                kind = rest[0]
                name = rest[1]
            } else {
                throw ValidationError("give KIND NAME or KIND/NAME after the dump")
            }
            let explorer = try scope.open(dump, reading: KindCatalog().resolve(kind).map { [$0.plural, "events"] })
            let description = try explorer.describe(kind: kind, name: name, namespace: scope.namespace, cluster: scope.cluster)
            FileHandle.standardOutput.write(Data(DescribeText.render(description, showCluster: explorer.isMultiCluster).utf8))
            return explorer
        }
    }
}

struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A container's log as gathered, filtered by time (relative to the gather time) and text.",
        discussion: "MTC's gather keeps one file per pod (all containers): -c then selects nothing within it.")

    @Argument(help: "DUMP (unless MUSTARD_DUMP is set), then POD (or pod/POD).")
    var words: [String] = []

    @OptionGroup var scope: ExploreScope

    @Option(
        name: [.customShort("c"), .customLong("container")], help: "The container (default: the pod's default container, else its first).")
    var container: String?

    @Flag(name: [.customShort("p"), .customLong("previous")], help: "The previous instance's log.")
    var previous = false

    @Option(help: "Only lines stamped at most this long before the gather time (90s, 15m, 2h, 1d).")
    var since: String?

    @Option(help: "Only lines stamped at least this long before the gather time.")
    var until: String?

    @Option(help: "Only lines containing this text.")
    var grep: String?

    func run() throws {
        try explore {
            let (dump, rest) = try ExploreScope.dump(from: words)
            guard rest.count == 1 else { throw ValidationError("give one POD after the dump") }
            let pod = rest[0].hasPrefix("pod/") ? String(rest[0].dropFirst(4)) : rest[0]
            let query = LogQuery(
                pod: pod, container: container, namespace: scope.namespace, cluster: scope.cluster, previous: previous,
                sinceSeconds: try since.map(LogQuery.seconds), untilSeconds: try until.map(LogQuery.seconds), grep: grep)
            let explorer = try scope.open(dump, reading: ["pods"])
            let out = FileHandle.standardOutput
            var buffer = ""
            let selection = try explorer.logs(query) { line in
                buffer += Neutralizer.text(line.text) + "\n"
                if buffer.utf8.count > 1 << 16 { out.write(Data(buffer.utf8)); buffer = "" }
            }
            out.write(Data(buffer.utf8))
            if container != nil, selection.container == nil {
                warn("this gather keeps all of the pod's containers in one log (MTC's layout): shown whole, -c selects nothing in it")
            }
            if let defaulted = selection.defaulted {
                warn("Defaulted container \"\(defaulted.chosen)\" out of: \(defaulted.all.joined(separator: ", "))")
            }
            for problem in selection.problems { warn("the log is damaged, lines after this were not read: \(problem)") }
            if !selection.problems.isEmpty { throw ExitCode(3) }
            return explorer
        }
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Events, oldest first by last seen, as `oc get events` prints them; AGE relative to the gather time.")

    @Argument(help: "DUMP (unless MUSTARD_DUMP is set).")
    var words: [String] = []

    @OptionGroup var scope: ExploreScope

    @Option(name: .customLong("for"), help: "Only events about this object: KIND/NAME (pod/web-1, mig/NAME).")
    var involved: String?

    @Option(help: "Only these types, comma-separated (Warning, Normal).")
    var types: String?

    @Flag(name: [.customShort("w"), .customLong("wide")], help: "Also SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME.")
    var wide = false

    func run() throws {
        try explore {
            let (dump, rest) = try ExploreScope.dump(from: words)
            guard rest.isEmpty else { throw ValidationError("unexpected \(rest.joined(separator: " ")); did you mean --for KIND/NAME?") }
            var target: (String, String)?
            if let involved {
                guard let slash = involved.firstIndex(of: "/") else { throw ValidationError("--for takes KIND/NAME, e.g. pod/web-1") }
                target = (String(involved[..<slash]), String(involved[involved.index(after: slash)...]))
            }
            var reading: Set<String>? = ["events"]
            if let (kind, _) = target { reading = KindCatalog().resolve(kind).map { ["events", $0.plural] } }
            let explorer = try scope.open(dump, reading: reading)
            let query = EventQuery(
                namespace: scope.namespace, cluster: scope.cluster, involved: target,
                types: types.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [])
            let columns = scope.columns(explorer)
            var rows = 0
            // Streamed: the events of a large dump are printed as read, not held.
            try explorer.events(query, wide: wide) { table in
                rows = try TableText.write(table, showNamespace: columns.namespace, showCluster: columns.cluster, headerAlone: false, to: printOut)
            }
            if rows == 0 { warn("No events found.") }
            return explorer
        }
    }
}

struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What a dump holds: clusters, layouts, gather time, namespaces, kinds with counts, what could not be read.")

    @Argument(help: "DUMP (unless MUSTARD_DUMP is set).")
    var words: [String] = []

    @Flag(help: "Do not use or keep the index.")
    var noCache = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Every namespace and every load issue.")
    var verbose = false

    func run() throws {
        try explore {
            let (dump, rest) = try ExploreScope.dump(from: words)
            guard rest.isEmpty else { throw ValidationError("unexpected \(rest.joined(separator: " "))") }
            var scope = try ExploreScope.parse([])
            scope.noCache = noCache
            // Every kind with its count: the files no question read yet are counted, not indexed.
            let explorer = try scope.open(dump, reading: [], counting: true)
            FileHandle.standardOutput.write(Data(SummaryText.render(explorer.summary, verbose: verbose).utf8))
            return explorer
        }
    }
}
