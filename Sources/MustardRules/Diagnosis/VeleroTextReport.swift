import MustardModel

/// The lines MTC's gather kept from `velero describe` and `velero logs` of one Backup or Restore, split into
/// errors and warnings. `describe` prints section headers (`Warnings:`, `Errors:`) on their own lines, so a kept
/// line belongs to the last header kept above it in the same file.
struct VeleroTextReport {
    struct Item {
        let text: String
        let line: LogLine
    }

    var errors: [Item] = []
    var warnings: [Item] = []

    /// Substrings the loader must keep for this report (the union goes into the rules' requirements).
    static let patterns = [
        "Phase:", "Errors:", "Warnings:", "error restoring", "error backing up", "could not restore", "level=error",
        "the server could not find the requested resource", "timed out waiting for all PodVolume",
    ]
    static let filePrefixes = ["restore-describe-", "restore-", "backup-describe-", "backup-", "pvb-describe-", "pvr-describe-"]

    init(lines: [LogLine], object name: String) {
        let files = Set(["restore-describe-\(name).txt", "restore-\(name).log", "backup-describe-\(name).txt", "backup-\(name).log"])
        let mine = lines.filter { files.contains($0.pod) }.sorted { ($0.source.path, $0.lineNumber) < ($1.source.path, $1.lineNumber) }
        var section: [String: String] = [:]
        for line in mine {
            let trimmed = trimSpaces(line.text)
            if trimmed == "Errors:" || trimmed == "Warnings:" {
                section[line.source.path] = trimmed
                continue
            }
            if trimmed.hasPrefix("Phase:") { continue }
            if line.pod.hasSuffix(".log") {
                if line.text.contains("level=error") { errors.append(Item(text: trimmed, line: line)) }
                continue
            }
            switch section[line.source.path] {
            case "Errors:": errors.append(Item(text: trimmed, line: line))
            case "Warnings:": warnings.append(Item(text: trimmed, line: line))
            default: break
            }
        }
    }

    /// `gvkdemoes.konveyor.openshift.io/gvk-demo/gvk-demo` from `error restoring <id>: <reason>` lines.
    var failedResources: [String] {
        var seen = Set<String>()
        return errors.compactMap { item -> String? in
            guard let start = item.text.firstRange(of: "error restoring ") ?? item.text.firstRange(of: "error backing up ") else { return nil }
            let rest = item.text[start.upperBound...]
            let id = rest.prefix { $0 != ":" && $0 != "\"" && $0 != " " }
            return id.isEmpty ? nil : String(id)
        }.filter { seen.insert($0).inserted }
    }

    var mentionsMissingResource: Bool { errors.contains { $0.text.contains("the server could not find the requested resource") } }
}
