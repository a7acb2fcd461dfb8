import MustardModel

/// `oc get -o custom-columns=HEADER:JSONPATH,…`: a table of the columns asked for, each the value at its path (the
/// printer columns' JSONPath subset, `JSONPathLite`), `<none>` where an object has none. Headers as given; no
/// NAMESPACE or CLUSTER column is added, as `oc` adds none. Values come from the objects as `-o json` gives them:
/// Secrets without their values, texts scrubbed.
public enum CustomColumns {
    /// The columns of a spec, nil when a part is not `HEADER:PATH` with both given.
    public static func parse(_ spec: String) -> [PrinterColumn]? {
        var columns: [PrinterColumn] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":") else { return nil }
            let header = part[..<colon], path = part[part.index(after: colon)...]
            guard !header.isEmpty, !path.isEmpty else { return nil }
            columns.append(PrinterColumn(name: String(header), jsonPath: String(path)))
        }
        return columns.isEmpty ? nil : columns
    }

    /// The objects' rows under `columns`.
    public static func table(_ objects: [ExploredObject], columns: [PrinterColumn], now: Timestamp?) -> Table {
        let rows = objects.map { object in
            TableRow(
                key: object.key,
                cells: columns.map { column in
                    // Each value as it is, an object or list as one line of JSON, several joined by commas.
                    let texts = JSONPathLite.evaluate(column.jsonPath, in: object.body).compactMap { value -> String? in
                        switch value {
                        case .null: return nil
                        case .scalar(let text): return text
                        case .sequence, .mapping: return ValueText.compactJSON(value)
                        }
                    }
                    return .text(texts.isEmpty ? "<none>" : texts.joined(separator: ","))
                })
        }
        return Table(columns: columns.map(\.name), rows: rows, now: now)
    }
}
