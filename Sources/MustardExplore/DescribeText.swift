import MustardDump
import MustardModel
import MustardReport

/// `describe`: who the object is and where it came from, its `get -o wide` columns, its conditions, the rest of
/// its spec and status as YAML, then the events about it.
public enum DescribeText {
    public static func render(_ d: ObjectDescription, showCluster: Bool) -> String {
        let o = d.object, body = o.body, metadata = body["metadata"]
        var rows: [(String, String)] = [("Name:", o.key.name)]
        if let ns = o.key.namespace { rows.append(("Namespace:", ns)) }
        if showCluster { rows.append(("Cluster:", o.key.cluster)) }
        rows.append(("Kind:", "\(o.key.kind) (\(o.apiVersion))"))
        let created = metadata["creationTimestamp"].string
        if let created {
            let age = Timestamp(rfc3339: created).flatMap { t in d.now.map { Age.short(seconds: $0.seconds(since: t)) } }
            rows.append(("Created:", age.map { "\(created) (\($0) before gather)" } ?? created))
        }
        rows.append(("Labels:", lines(metadata["labels"])))
        rows.append(("Annotations:", lines(metadata["annotations"], skipping: [ObjectSlimmer.lastApplied])))
        let owners = metadata["ownerReferences"].array.map { "\($0["kind"].string ?? "")/\($0["name"].string ?? "")" }
        if !owners.isEmpty { rows.append(("Controlled By:", owners.joined(separator: "\n"))) }
        rows.append(("Source:", o.source.path + (o.source.listIndex.map { " [items[\($0)]]" } ?? "")))
        for (column, cell) in zip(d.columns, d.cells) where !["NAME", "AGE"].contains(column) {
            rows.append(((column.count <= 3 ? column : column.capitalized) + ":", cell.shown(now: d.now)))
        }
        var out = block(rows)

        let conditions = body[path: "status.conditions"].array
        if !conditions.isEmpty {
            out += "Conditions:\n"
            var table = [["  TYPE", "STATUS", "REASON", "LAST TRANSITION", "MESSAGE"]]
            for c in conditions {
                table.append(
                    [
                        "  " + (c["type"].string ?? ""), c["status"].string ?? "", c["reason"].string ?? "",
                        c["lastTransitionTime"].string ?? "",
                        c["message"].string ?? "",
                    ].map(Neutralizer.text))
            }
            out += TableText.aligned(table)
        }
        for section in ["spec", "data", "status"] {
            var value = body[section]
            if section == "status", case .mapping(let fields) = value { value = .mapping(fields.filter { $0.key != "conditions" }) }
            if value.isNull || value.mapping?.isEmpty == true { continue }
            out += section.capitalized + ":\n"
            out += indented(ValueText.yaml(value))
        }
        out += "Events:"
        if d.events.isEmpty {
            out += "  <none>\n"
        } else {
            out += "\n"
            let table = Table(columns: ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], rows: d.events, now: d.now)
            out += indented(TableText.render(table, showNamespace: false, showCluster: false))
        }
        return out
    }

    private static func lines(_ map: Value, skipping: Set<String> = []) -> String {
        let pairs = (map.mapping.map(Array.init) ?? []).filter { !skipping.contains($0.key) }
        if pairs.isEmpty { return "<none>" }
        return pairs.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.string ?? ValueText.json($0.value).trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        .joined(separator: "\n")
    }

    /// `Label:   value` rows, values aligned, continuation lines indented to the values.
    private static func block(_ rows: [(String, String)]) -> String {
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        var out = ""
        for (label, value) in rows {
            let parts = value.split(separator: "\n", omittingEmptySubsequences: false).map { Neutralizer.text(String($0)) }
            out += label + String(repeating: " ", count: width - label.count) + (parts.first ?? "") + "\n"
            for part in parts.dropFirst() { out += String(repeating: " ", count: width) + part + "\n" }
        }
        return out
    }

    private static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + Neutralizer.text(String($0)) }.joined(
            separator: "\n") + "\n"
    }
}

import Foundation
