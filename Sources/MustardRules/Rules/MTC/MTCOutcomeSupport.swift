import MustardModel

/// Commands that read Velero's own view of a Backup or Restore, through the velero pod (best-practices
/// `05-troubleshooting.md`), and other commands shared by the outcome rules.
enum VeleroCommands {
    static func describe(_ kind: String, _ name: String) -> String {
        "oc \(MTCCommands.ns) exec deployment/velero -c velero -- ./velero \(kind) describe \(shellQuote(name)) --details"
    }

    static func logs(_ kind: String, _ name: String) -> String {
        "oc \(MTCCommands.ns) exec deployment/velero -c velero -- ./velero \(kind) logs \(shellQuote(name)) | grep -iE 'level=(error|warning)'"
    }

    /// Raises the Restic timeout the operator renders into Velero (default 1h).
    static func raiseResticTimeout(_ value: String) -> String {
        let patch = "{\"spec\":{\"restic_timeout\":\(jsonString(value))}}"
        return "oc \(MTCCommands.ns) patch migrationcontroller \(MTC.controllerName) --type merge -p \(shellQuote(patch))"
    }

    static let resticTimeoutCheck =
        "oc \(MTCCommands.ns) get migrationcontroller \(MTC.controllerName) -o jsonpath='{.spec.restic_timeout}{\"\\n\"}'"
}

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

extension MigMigration {
    /// Index of the active condition of that type, for evidence field paths.
    func conditionIndex(_ type: String) -> Int? { conditions.firstIndex { $0.type == type && $0.isTrue } }

    /// `status.conditions[i]` for the active condition of that type.
    func conditionField(_ type: String) -> String {
        conditionIndex(type).map { "status.conditions[\($0)]" } ?? "status.conditions"
    }
}

/// The object name in `Final Restore openshift-migration/<name>: partially failed…` or
/// `Restore: openshift-migration/<name> partially failed.` (1.3).
func veleroObjectName(in message: String) -> String? {
    guard let slash = message.firstRange(of: "\(MTC.namespace)/") else { return nil }
    let name = message[slash.upperBound...].prefix { $0 != ":" && $0 != " " && $0 != "," }
    let trimmed = name.hasSuffix(".") ? name.dropLast() : name
    return trimmed.isEmpty ? nil : String(trimmed)
}

/// The restore named between backticks in `…See restore \`<name>\` for details` (ResticErrors, ResticVerifyErrors).
func backtickedName(in message: String) -> String? {
    let parts = message.split(separator: "`", omittingEmptySubsequences: false)
    guard parts.count >= 3 else { return nil }
    var name = String(parts[1])
    if name.hasPrefix("<"), name.hasSuffix(">") { name = String(name.dropFirst().dropLast()) }
    return name.isEmpty ? nil : name
}

extension MigrationView {
    /// The dump's name for the cluster on each side, falling back to the MigCluster name.
    var sourceName: String? { sourceCluster?.name ?? sourceMigCluster }
    var destinationName: String? { destinationCluster?.name ?? destinationMigCluster }
    var planNamespaces: [String] { plan?.sourceNamespaces ?? [] }
}

/// The text without leading and trailing spaces and tabs (the rules do not import Foundation).
func trimSpaces(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
}

extension String {
    /// `stage` → `Stage`.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
