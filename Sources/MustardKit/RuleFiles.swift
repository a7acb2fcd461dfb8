import Foundation
import MustardRules
import MustardUserRules

@_exported import struct MustardUserRules.RuleFileError
@_exported import struct MustardUserRules.UserRule
@_exported import struct MustardUserRules.Suppression
@_exported import enum MustardUserRules.SuppressionFile

/// Finds and reads rule files and suppression files: the shipped rules, `$XDG_CONFIG_HOME/mustard/rules.d/`, and each
/// `--rules DIR`. Reading is all or nothing: a broken file is an error naming file, line and field, never skipped.
public enum RuleFiles {
    /// `$XDG_CONFIG_HOME/mustard`, else `~/.config/mustard`.
    public static func configDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/mustard" }
        return environment["HOME"].map { $0 + "/.config/mustard" }
    }

    /// The shipped rules, the config folder's `rules.d/` (when it exists) and each folder given, in that order;
    /// ids must not collide with a built-in rule or each other.
    public static func load(folders: [String], configDirectory: String?, shipped: Bool = true) throws(RuleFileError) -> [UserRule] {
        var rules: [UserRule] = []
        if shipped {
            for file in ShippedRules.files {
                rules.append(try rule(bytes: file.bytes, path: ShippedRules.folder + "/" + file.name, folder: ShippedRules.folder))
            }
        }
        var sources: [String] = []
        if let config = configDirectory.map({ $0 + "/rules.d" }), isFolder(config) { sources.append(config) }
        for folder in folders {
            guard isFolder(folder) else {
                throw RuleFileError(file: folder, problem: .init(line: nil, field: nil, message: "--rules wants a folder of rule files (*.yaml); this is not one"))
            }
            sources.append(folder)
        }
        for folder in sources {
            for path in try yamlFiles(in: folder) { rules.append(try load(file: path)) }
        }
        try checkIDs(rules)
        return rules
    }

    /// One rule file.
    public static func load(file path: String) throws(RuleFileError) -> UserRule {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuleFileError(file: path, problem: .init(line: nil, field: nil, message: "cannot be read"))
        }
        return try rule(bytes: [UInt8](data), path: path, folder: (path as NSString).deletingLastPathComponent)
    }

    /// The rule files a `rules test` argument names: the file, or a folder's `*.yaml`/`*.yml` (not its subfolders,
    /// which hold the example dumps).
    public static func paths(_ fileOrFolder: String) throws(RuleFileError) -> [String] {
        if isFolder(fileOrFolder) { return try yamlFiles(in: fileOrFolder) }
        guard FileManager.default.fileExists(atPath: fileOrFolder) else {
            throw RuleFileError(file: fileOrFolder, problem: .init(line: nil, field: nil, message: "no such file or folder"))
        }
        return [fileOrFolder]
    }

    static func rule(bytes: [UInt8], path: String, folder: String) throws(RuleFileError) -> UserRule {
        let file = try RuleFile.decode(bytes, path: path)
        return UserRule(file: file, triggeringExamples: file.fires.map { resolve($0, in: folder) }, nonTriggeringExamples: file.quiet.map { resolve($0, in: folder) })
    }

    /// Ids unique among the built-in rules and the files; the error names the later file.
    public static func checkIDs(_ rules: [UserRule]) throws(RuleFileError) {
        let builtIn = Set(RuleRegistry.all.map(\.ruleDescription.id))
        var seen: [String: String] = [:]
        for rule in rules {
            let id = rule.file.id
            if builtIn.contains(id) {
                throw RuleFileError(file: rule.file.path, problem: .init(line: 1, field: "id", message: "'\(id)' is a built-in rule's id"))
            }
            if let other = seen[id] {
                throw RuleFileError(file: rule.file.path, problem: .init(line: 1, field: "id", message: "'\(id)' is already the id of \(other)"))
            }
            seen[id] = rule.file.path
            if let target = rule.file.restates, !builtIn.contains(target) {
                throw RuleFileError(file: rule.file.path, problem: .init(line: nil, field: "restates", message: "'\(target)' is not a built-in rule"))
            }
        }
    }

    /// The suppression files that apply to a dump: `--suppress` files, `.mustard/suppress.yaml` beside the dump, and
    /// `suppress.yaml` in the config folder.
    public static func suppressions(files: [String], dump: String?, configDirectory: String?) throws(RuleFileError) -> [Suppression] {
        var paths = files
        for path in files where !FileManager.default.fileExists(atPath: path) {
            throw RuleFileError(file: path, problem: .init(line: nil, field: nil, message: "--suppress: no such file"))
        }
        if let dump {
            let beside = ((dump as NSString).standardizingPath as NSString).deletingLastPathComponent
            let local = (beside.isEmpty ? "." : beside) + "/.mustard/suppress.yaml"
            if FileManager.default.fileExists(atPath: local) { paths.append(local) }
        }
        if let config = configDirectory.map({ $0 + "/suppress.yaml" }), FileManager.default.fileExists(atPath: config) { paths.append(config) }
        var out: [Suppression] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RuleFileError(file: path, problem: .init(line: nil, field: nil, message: "cannot be read"))
            }
            out += try SuppressionFile.decode([UInt8](data), path: path)
        }
        return out
    }

    /// Today as `YYYY-MM-DD` in UTC (suppressions' expiry dates).
    public static func today(_ date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    private static func yamlFiles(in folder: String) throws(RuleFileError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw RuleFileError(file: folder, problem: .init(line: nil, field: nil, message: "cannot list the folder"))
        }
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        return names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }.sorted().map { base + "/" + $0 }
            .filter { !isFolder($0) }
    }

    /// `rel` from `folder`, `..` resolved by name (no file system access: an example may be missing, which `rules test` says).
    static func resolve(_ rel: String, in folder: String) -> String {
        if rel.hasPrefix("/") { return rel }
        var parts: [Substring] = folder.split(separator: "/", omittingEmptySubsequences: true)
        if folder == "." { parts = [] }
        for part in rel.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return (folder.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
