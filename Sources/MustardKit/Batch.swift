import Foundation
import Logging
import MustardArchive
import MustardDump
import MustardReport
import MustardRules

/// Several dumps at once, as a support team sweeps a queue of cases: analysed in parallel, summarised in one table.
public enum Batch {
    /// One dump's outcome: a report, or why nothing could be read.
    public struct Item: Sendable {
        public let path: String
        public let report: AnalysisReport?
        public let error: String?

        public init(path: String, report: AnalysisReport?, error: String?) {
            self.path = path
            self.report = report
            self.error = error
        }
    }

    /// The dumps named: each path as given, except a folder that is no must-gather itself but holds several — two
    /// or more archives (a queue of uploads), or two or more gathers each with its own `timestamp` (customers
    /// extract several into one folder) — which stands for those; and a folder holding one archive beside
    /// attachments (notes, screenshots), which stands for that archive, so the archive's name never becomes a cluster.
    public static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            let contents = dumpsIn(folder: path)
            return contents.isEmpty ? [path] : contents
        }
    }

    /// The separate dumps in a folder, or none when the folder is one dump (or not a folder).
    static func dumpsIn(folder: String) -> [String] {
        let fm = FileManager.default
        guard isFolder(folder), let names = try? fm.contentsOfDirectory(atPath: folder) else { return [] }
        // A must-gather's own top: its layout starts right here.
        let layoutMarks = ["namespaces", "cluster-scoped-resources", "clusters", "must-gather", "timestamp", "migplans"]
        if names.contains(where: layoutMarks.contains) { return [] }
        let gathers = names.sorted().filter { name in
            let child = folder + "/" + name
            return isFolder(child) && !name.hasPrefix("inspect.local")
                && (name.hasPrefix("must-gather.local") || fm.fileExists(atPath: child + "/timestamp"))
        }.map { folder + "/" + $0 }
        let archives = names.sorted().map { folder + "/" + $0 }.filter(isArchive)
        // One gather with an inspect of the application beside it is one case (MTC's gather and the namespace the
        // migration hangs in): only several gathers make several dumps.
        if gathers.count >= 2 || (gathers.isEmpty && archives.count >= 2) {
            let inspects = names.sorted().filter { $0.hasPrefix("inspect.local") && isFolder(folder + "/" + $0) }.map { folder + "/" + $0 }
            return gathers + inspects + archives
        }
        let hasOtherDumpContent = names.contains { $0.hasPrefix("inspect.local") } || !gathers.isEmpty
        if archives.count == 1, !hasOtherDumpContent { return archives }
        return []
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Sniffed only when a regular file (`SpecialFile.head`): opening a FIFO or a device would block or worse.
    private static func isArchive(_ path: String) -> Bool {
        SpecialFile.head(path: path, count: ArchiveFormat.sniffLength).map { ArchiveFormat.detect($0) != nil } ?? false
    }

    /// Analyses every dump, `jobs` at a time; the results keep the order of `paths`.
    public static func run(_ paths: [String], options: AnalysisOptions, jobs: Int, logger: Logger) -> [Item] {
        let results = ResultSlots<Item>(count: paths.count)
        let slots = DispatchSemaphore(value: max(1, jobs))
        let group = DispatchGroup()
        for (index, path) in paths.enumerated() {
            slots.wait()
            group.enter()
            DispatchQueue.global().async {
                defer {
                    slots.signal()
                    group.leave()
                }
                do {
                    let report = try Analyzer(options: options, logger: logger).analyze(path)
                    results.set(index, Item(path: path, report: report, error: nil))
                } catch {
                    results.set(index, Item(path: path, report: nil, error: "\(error)"))
                }
            }
        }
        group.wait()
        return results.values
    }

    /// What the summary says of one dump, from its report in memory or from its JSON report on disk (`summarize`).
    public struct Row: Sendable, Equatable {
        public var path: String
        public var clusters: [String] = []
        /// Findings per severity; nil when nothing could be read.
        public var counts: [Severity: Int]?
        public var damaged = false
        public var topFinding: String?
        public var error: String?

        var worst: Severity? { counts.flatMap { c in Severity.allCases.filter { (c[$0] ?? 0) > 0 }.max() } }

        public init(_ item: Item) {
            path = item.path
            error = item.error
            guard let r = item.report else { return }
            clusters = r.input.clusters
            counts = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, r.count($0)) })
            damaged = r.isDamaged
            topFinding = r.findings.first?.title
        }

        /// A JSON report as `analyze -f json` writes it (docs/json-report.md, schemaVersion 1 or 2); nil when the
        /// document is not one.
        public init?(jsonReport data: Data, file: String) {
            guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                (1...2).contains(json["schemaVersion"] as? Int ?? 0), let input = json["input"] as? [String: Any],
                let summary = json["summary"] as? [String: Int]
            else { return nil }
            path = input["path"] as? String ?? file
            clusters = input["clusters"] as? [String] ?? []
            counts = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, summary[$0.rawValue] ?? 0) })
            damaged = ((json["loadIssues"] as? [[String: Any]]) ?? []).contains { $0["damaged"] as? Bool == true }
            topFinding = ((json["findings"] as? [[String: Any]])?.first?["title"]) as? String
        }
    }

    /// 2 when nothing could be analysed, 3 when a dump was unreadable or damaged, 1 when a finding reaches
    /// `failOn`, else 0.
    public static func exitCode(_ items: [Item], failOn: Severity) -> Int32 { exitCode(items.map(Row.init), failOn: failOn) }

    public static func exitCode(_ rows: [Row], failOn: Severity) -> Int32 {
        if rows.allSatisfy({ $0.counts == nil }) { return 2 }
        if rows.contains(where: { $0.counts == nil || $0.damaged }) { return 3 }
        if rows.contains(where: { $0.worst.map { $0 >= failOn } ?? false }) { return 1 }
        return 0
    }

    /// The summary: dump, clusters, worst severity, finding counts, top finding. Text or Markdown.
    public static func summary(_ items: [Item], markdown: Bool) -> String { summary(items.map(Row.init), markdown: markdown) }

    public static func summary(_ rows: [Row], markdown: Bool) -> String {
        let header = ["DUMP", "CLUSTERS", "WORST", "C/E/W/I", "TOP FINDING"]
        let cells = rows.map { row -> [String] in
            guard let counts = row.counts else { return [row.path, "-", "unreadable", "-", row.error ?? ""] }
            let numbers = Severity.allCases.map { String(counts[$0] ?? 0) }.joined(separator: "/")
            let worst = (row.worst?.rawValue ?? "none") + (row.damaged ? " (damaged)" : "")
            return [row.path, row.clusters.joined(separator: ","), worst, numbers, row.topFinding ?? "-"]
        }.map { $0.map(Neutralizer.text) }  // a dump's name or title never starts a row of its own
        if markdown {
            let cell: (String) -> String = { $0.replacing("|", with: "\\|") }
            return ([header, header.map { _ in "---" }] + cells).map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
                .joined(separator: "\n") + "\n"
        }
        let widths = (0..<header.count - 1).map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { row in
            row.enumerated().map { i, value in i < widths.count ? value.padding(toLength: widths[i], withPad: " ", startingAt: 0) : value }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// Shard `index` of `count`: the dumps, sorted, whose position modulo `count` is `index` — every dump in exactly
    /// one shard whatever order the paths were named in (a Kubernetes Indexed Job's pods each take one).
    public static func shard(_ dumps: [String], index: Int, count: Int) -> [String] {
        dumps.sorted().enumerated().filter { $0.offset % count == index }.map(\.element)
    }

    /// A file name for a dump's report in `--output-dir`: its base name without archive extensions, made unique.
    public static func reportNames(_ items: [Item], extension ext: String) -> [String] {
        // Unique by construction: a suffix is added until the name is free, compared without case so that
        // no two reports share a file on a case-insensitive file system either.
        var used: Set<String> = []
        return items.map { item in
            var base = (item.path as NSString).lastPathComponent
            for suffix in [".tar.gz", ".tgz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar", ".zip"] where base.hasSuffix(suffix) {
                base = String(base.dropLast(suffix.count))
                break
            }
            base = fileNameSafe(base)
            var name = base + "." + ext
            var n = 1
            while used.contains(name.lowercased()) {
                n += 1
                name = "\(base)-\(n).\(ext)"
            }
            used.insert(name.lowercased())
            return name
        }
    }

    /// A dump's name as a report file name: no control characters, no leading dot (hidden or `..`), not empty.
    static func fileNameSafe(_ name: String) -> String {
        let cleaned = String(String.UnicodeScalarView(name.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0 == "/" ? "_" : $0
        }))
        let visible = cleaned.drop { $0 == "." }
        // 60 scalars are at most 240 bytes: room for a suffix within the 255 bytes a file name may have.
        return visible.isEmpty ? "dump" : String(String.UnicodeScalarView(visible.unicodeScalars.prefix(60)))
    }
}

/// Results written from several threads into their own slots.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
