import MustardModel
import MustardReport

/// `ls`: what the dump holds, cluster by cluster: layouts, gather time, namespaces, kinds with their counts, logs,
/// and what could not be read.
public enum SummaryText {
    public static func render(_ s: DumpSummary, verbose: Bool = false) -> String {
        var out = "Dump:       \(Neutralizer.text(s.path)) (\(s.format), \(s.entries) entries, \(s.nestedArchives) nested archive(s))\n"
        out += "Layouts:    \(s.layouts.isEmpty ? "none recognised" : s.layouts.joined(separator: ", "))\n"
        out += "Gathered:   \(s.gatheredAt.map { "\($0)" } ?? "unknown")\(s.gatherTimeSource.map { " (\(Neutralizer.text($0)))" } ?? "")\n"
        out += "Logs:       \(s.logs) container log file(s)\n"
        for cluster in s.clusters {
            out += "\nCluster \(Neutralizer.text(cluster.name))"
            if let error = cluster.loginError { out += " — the gather could not log in: \(Neutralizer.text(error))" }
            out += "\n"
            let shown = verbose || cluster.namespaces.count <= 12 ? cluster.namespaces : Array(cluster.namespaces.prefix(12))
            let more = cluster.namespaces.count - shown.count
            out +=
                "  Namespaces (\(cluster.namespaces.count)): \(shown.map(Neutralizer.text).joined(separator: ", "))\(more > 0 ? ", …and \(more) more (-v)" : "")\n"
            let kinds = s.kinds.filter { $0.cluster == cluster.name }
            if !kinds.isEmpty {
                var rows = [["  KIND", "GROUP", "NAME", "COUNT"]]
                for k in kinds {
                    rows.append(["  " + k.kind, k.group.isEmpty ? "core" : k.group, k.plural, String(k.count)].map(Neutralizer.text))
                }
                out += TableText.aligned(rows)
            }
        }
        if !s.loadIssues.isEmpty {
            out += "\nCould not read (\(s.loadIssues.count) issue(s)\(s.isDamaged ? ", the dump is damaged" : "")):\n"
            for issue in s.loadIssues.prefix(verbose ? .max : 20) {
                out += "  [\(issue.severity.rawValue)] \(Neutralizer.text(issue.path)): \(Neutralizer.text(issue.message))\n"
            }
            if !verbose, s.loadIssues.count > 20 { out += "  …and \(s.loadIssues.count - 20) more (-v)\n" }
        }
        return out
    }
}
