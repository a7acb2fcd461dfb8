import MustardModel

extension MigMigration {
    /// Index of the active condition of that type, for evidence field paths.
    func conditionIndex(_ type: String) -> Int? { conditions.firstIndex { $0.type == type && $0.isTrue } }
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

extension SecretReference {
    /// Where the UI puts a MigCluster's token when the reference is not set.
    static func fallback(_ cluster: String) -> SecretReference {
        SecretReference(name: "\(cluster)-secret", namespace: "openshift-config")
    }
}

/// Orders dotted version strings numerically (`1.7.13` > `1.7.9`).
enum VersionOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        let y = b.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        return x.lexicographicallyPrecedes(y)
    }
}

/// The distinct elements of a list, in first-seen order.
func uniqued(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
