/// Paths in the dump as reports show them. The folder `oc adm must-gather` names after the gather image
/// (`quay-io-konveyor-must-gather-sha256-<64 hex digits>`) is the longest and least telling part of most paths, and
/// every path of one gather repeats it: reports name it once and write `…` in its place.
public enum DumpPaths {
    /// The image folder in a path: a component holding `-sha256-` followed by a 64-digit digest.
    public static func imageFolder(in path: String) -> Substring? {
        path.split(separator: "/").first { component in
            guard let r = component.range(of: "-sha256-") else { return false }
            let digest = component[r.upperBound...]
            return digest.count >= 64 && digest.prefix(64).allSatisfy(\.isHexDigit)
        }
    }

    /// The path with its image folder written `…`.
    public static func compact(_ path: String) -> String {
        guard let folder = imageFolder(in: path) else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { $0 == folder ? "…" : String($0) }
            .joined(separator: "/")
    }

    /// Every image folder the report's paths go through, sorted: named once in a report's header.
    public static func imageFolders(in report: AnalysisReport) -> [String] {
        var paths = report.findings.flatMap { $0.evidence.map(\.path) } + report.loadIssues.map(\.path)
        paths += report.timelines.flatMap { $0.entries.compactMap(\.path) }
        if let gathered = report.input.gatheredAtPath { paths.append(gathered) }
        return Set(paths.compactMap { imageFolder(in: $0).map(String.init) }).sorted()
    }
}
