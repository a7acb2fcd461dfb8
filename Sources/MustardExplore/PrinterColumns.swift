import MustardModel

/// A column a CRD declares for `oc get` (`additionalPrinterColumns`): its name, the JSONPath it shows, its type.
public struct PrinterColumn: Sendable, Hashable, Codable {
    public let name: String
    public let jsonPath: String
    public let type: String
    /// Above 0: shown only with `-o wide`.
    public let priority: Int

    public init(name: String, jsonPath: String, type: String = "string", priority: Int = 0) {
        self.name = name
        self.jsonPath = jsonPath
        self.type = type
        self.priority = priority
    }

    /// The columns of a CustomResourceDefinition, from its storage (else first served) version in
    /// apiextensions/v1, or the spec's list in v1beta1. `Age` on the creation time is left out: NAME and AGE
    /// frame every table.
    public static func of(crd: Value) -> [PrinterColumn] {
        let versions = crd[path: "spec.versions"].array
        let version = versions.first { $0["storage"].bool == true } ?? versions.first { $0["served"].bool != false }
        let raw = version?["additionalPrinterColumns"].array.nilIfEmpty ?? crd[path: "spec.additionalPrinterColumns"].array
        return raw.compactMap { column in
            guard let name = column["name"].string, let path = column["jsonPath"].string ?? column["JSONPath"].string else { return nil }
            if path == ".metadata.creationTimestamp" { return nil }
            return PrinterColumn(name: name, jsonPath: path, type: column["type"].string ?? "string", priority: column["priority"].int ?? 0)
        }
    }

    /// The cell for an object: the value at the path; a `date` column as an age.
    func cell(_ object: Value) -> Cell {
        let values = JSONPathLite.evaluate(jsonPath, in: object)
        if type == "date" { return .age(values.first?.string.flatMap(Timestamp.init(rfc3339:))) }
        let texts = values.compactMap { value -> String? in
            switch value {
            case .scalar(let s): return s
            case .null: return nil
            default: return ValueText.json(value).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return .text(texts.isEmpty ? "" : texts.joined(separator: ","))
    }

    /// MTC's own columns (from mig-controller's CRDs), for dumps that hold MTC's objects but not its CRDs, and
    /// Velero's phase.
    static let builtIn: [String: [PrinterColumn]] = {
        let ready = PrinterColumn(name: "READY", jsonPath: ".status.conditions[?(@.type=='Ready')].status")
        return [
            "MigMigration": [
                ready, PrinterColumn(name: "PLAN", jsonPath: ".spec.migPlanRef.name"),
                PrinterColumn(name: "STAGE", jsonPath: ".spec.stage"),
                PrinterColumn(name: "ROLLBACK", jsonPath: ".spec.rollback"),
                PrinterColumn(name: "ITINERARY", jsonPath: ".status.itinerary"),
                PrinterColumn(name: "PHASE", jsonPath: ".status.phase"),
            ],
            "MigPlan": [
                ready, PrinterColumn(name: "SOURCE", jsonPath: ".spec.srcMigClusterRef.name"),
                PrinterColumn(name: "TARGET", jsonPath: ".spec.destMigClusterRef.name"),
                PrinterColumn(name: "STORAGE", jsonPath: ".spec.migStorageRef.name"),
            ],
            "MigCluster": [
                ready, PrinterColumn(name: "URL", jsonPath: ".spec.url"), PrinterColumn(name: "HOST", jsonPath: ".spec.isHostCluster"),
            ],
            "MigStorage": [
                ready, PrinterColumn(name: "BACKUPSTORAGEPROVIDER", jsonPath: ".spec.backupStorageProvider"),
                PrinterColumn(name: "VOLUMESNAPSHOTPROVIDER", jsonPath: ".spec.volumeSnapshotProvider"),
            ],
            "DirectVolumeMigration": [
                PrinterColumn(name: "PHASE", jsonPath: ".status.phase"), PrinterColumn(name: "ITINERARY", jsonPath: ".status.itinerary"),
            ],
            "Backup": [PrinterColumn(name: "PHASE", jsonPath: ".status.phase")],
            "Restore": [PrinterColumn(name: "PHASE", jsonPath: ".status.phase")],
            "PodVolumeBackup": [
                PrinterColumn(name: "PHASE", jsonPath: ".status.phase"), PrinterColumn(name: "NODE", jsonPath: ".spec.node"),
            ],
            "PodVolumeRestore": [PrinterColumn(name: "PHASE", jsonPath: ".status.phase")],
        ]
    }()
}

/// The JSONPath that printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and `.a[?(@.k=='v')].b`.
enum JSONPathLite {
    static func evaluate(_ path: String, in root: Value) -> [Value] {
        var current = [root]
        var rest = Substring(path.trimmingCharacters(in: CharacterSet(charactersIn: "{}")))
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                if !name.isEmpty { current = current.map { $0[String(name)] }.filter { !$0.isNull } }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return [] }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                // A filter's value may hold `]`; the filter ends at `)]`.
                var filterEnd = close
                if inside.hasPrefix("?("), let end = rest.range(of: ")]") { filterEnd = rest.index(before: end.upperBound) }
                let selector = rest[rest.index(after: rest.startIndex)..<filterEnd]
                rest = rest[rest.index(after: filterEnd)...]
                current = current.flatMap { apply(selector, to: $0) }
            } else {
                return []
            }
        }
        return current
    }

    private static func apply(_ selector: Substring, to value: Value) -> [Value] {
        let items = value.array
        if selector == "*" { return items }
        if let index = Int(selector) { return items.indices.contains(index) ? [items[index]] : [] }
        // ?(@.key=='value') or ?(@.key=="value")
        guard selector.hasPrefix("?(@."), selector.hasSuffix(")") else { return [] }
        let condition = selector.dropFirst(4).dropLast()
        guard let eq = condition.range(of: "==") else { return [] }
        let key = String(condition[..<eq.lowerBound]).trimmingCharacters(in: .whitespaces)
        let wanted = String(condition[eq.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        return items.filter { $0[path: key].string == wanted }
    }
}

extension Array {
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}

import Foundation
