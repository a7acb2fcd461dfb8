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

    /// The dumps named: each path as given, except a folder that holds two or more archives and no must-gather of
    /// its own, which stands for those archives (a queue folder of customer uploads).
    public static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            let archives = archivesIn(folder: path)
            return archives.count >= 2 ? archives : [path]
        }
    }

    static func archivesIn(folder: String) -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? fm.contentsOfDirectory(atPath: folder)
        else { return [] }
        // A must-gather's own folder: its layout starts right here.
        let mustGatherMarks = ["namespaces", "cluster-scoped-resources", "clusters", "must-gather", "timestamp"]
        if names.contains(where: { name in mustGatherMarks.contains(name) || name.hasPrefix("must-gather.local") || name.hasPrefix("inspect.local") }) {
            return []
        }
        // Only regular files are opened: a FIFO in the queue folder would block the open forever.
        return names.sorted().map { folder + "/" + $0 }.filter { path in
            guard let head = SpecialFile.head(path: path, count: ArchiveFormat.sniffLength) else { return false }
            return ArchiveFormat.detect(head) != nil
        }
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

    /// 2 when nothing could be analysed, 3 when a dump was unreadable or damaged, 1 when a finding reaches
    /// `failOn`, else 0.
    public static func exitCode(_ items: [Item], failOn: Severity) -> Int32 {
        if items.allSatisfy({ $0.report == nil }) { return 2 }
        if items.contains(where: { $0.report == nil || $0.report?.isDamaged == true }) { return 3 }
        if items.contains(where: { ($0.report?.worstSeverity).map { $0 >= failOn } ?? false }) { return 1 }
        return 0
    }

    /// The summary: dump, clusters, worst severity, finding counts, top finding. Text or Markdown.
    public static func summary(_ items: [Item], markdown: Bool) -> String {
        let header = ["DUMP", "CLUSTERS", "WORST", "C/E/W/I", "TOP FINDING"]
        let rows = items.map { item -> [String] in
            guard let r = item.report else { return [item.path, "-", "unreadable", "-", item.error ?? ""] }
            let counts = Severity.allCases.map { String(r.count($0)) }.joined(separator: "/")
            let worst = (r.worstSeverity?.rawValue ?? "none") + (r.isDamaged ? " (damaged)" : "")
            return [item.path, r.input.clusters.joined(separator: ","), worst, counts, r.findings.first?.title ?? "-"]
        }
        if markdown {
            let cell: (String) -> String = { $0.replacing("|", with: "\\|") }
            return ([header, header.map { _ in "---" }] + rows).map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
                .joined(separator: "\n") + "\n"
        }
        let widths = (0..<header.count - 1).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { i, value in i < widths.count ? value.padding(toLength: widths[i], withPad: " ", startingAt: 0) : value }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// A file name for a dump's report in `--output-dir`: its base name without archive extensions, made unique.
    public static func reportNames(_ items: [Item], extension ext: String) -> [String] {
        var used: [String: Int] = [:]
        return items.map { item in
            var base = (item.path as NSString).lastPathComponent
            for suffix in [".tar.gz", ".tgz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar", ".zip"] where base.hasSuffix(suffix) {
                base = String(base.dropLast(suffix.count))
                break
            }
            let n = used[base, default: 0]
            used[base] = n + 1
            return (n == 0 ? base : "\(base)-\(n + 1)") + "." + ext
        }
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
