import MustardModel
import MustardReport

/// Tables as `oc get` prints them: upper-case headers, columns padded to their widest cell, three spaces apart.
/// Every text from the dump passes the `Neutralizer`, so a name cannot drive the terminal.
public enum TableText {
    public static func render(_ table: Table, showNamespace: Bool, showCluster: Bool) -> String {
        String(decoding: renderUTF8(table, showNamespace: showNamespace, showCluster: showCluster), as: UTF8.self)
    }

    /// `render`'s bytes, for printing: a table of tens of thousands of events is megabytes, checked again as UTF-8 for
    /// nothing when made a string.
    public static func renderUTF8(_ table: Table, showNamespace: Bool, showCluster: Bool) -> [UInt8] {
        var header = table.columns
        if showNamespace { header.insert("NAMESPACE", at: 0) }
        if showCluster { header.insert("CLUSTER", at: 0) }
        let lines = table.rows.map { row -> [String] in
            var cells = row.cells.map { Neutralizer.text($0.shown(now: table.now)) }
            // A row from an index of another layout may be short: pad rather than misalign.
            cells += Array(repeating: "", count: max(0, table.columns.count - cells.count))
            if showNamespace { cells.insert(Neutralizer.text(row.key.namespace ?? ""), at: 0) }
            if showCluster { cells.insert(Neutralizer.text(row.key.cluster), at: 0) }
            return cells
        }
        return alignedUTF8([header] + lines)
    }

    /// A cell's width: its bytes when ASCII (nearly always, and cheap), else its Unicode scalars.
    static func width(_ cell: String) -> Int {
        var text = cell
        return text.withUTF8(ByteSearch.isASCII) ? cell.utf8.count : cell.unicodeScalars.count
    }

    /// Columns padded to their widest cell (counted in Unicode scalars: counting Characters was slow on tens of
    /// thousands of rows); the last column is not padded. Built as bytes: appending to a String cell by cell was a
    /// fifth of printing 74,000 events.
    public static func aligned(_ rows: [[String]]) -> String {
        String(decoding: alignedUTF8(rows), as: UTF8.self)
    }

    static func alignedUTF8(_ rows: [[String]]) -> [UInt8] {
        let count = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        // Each cell's width, row after row (one flat array: an array per row was a visible share of printing).
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(rows.count * count)
        for row in rows {
            for (i, cell) in row.enumerated() {
                let w = width(cell)
                cellWidths.append(w)
                widths[i] = max(widths[i], w)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * (widths.reduce(0, +) + 3 * count + 1))
        var k = 0
        for row in rows {
            let lineStart = out.count
            for (i, cell) in row.enumerated() {
                out.appendUTF8(of: cell)
                if i < row.count - 1 { out.appendSpaces(widths[i] - cellWidths[k] + 3) }
                k += 1
            }
            while out.count > lineStart, out.last == UInt8(ascii: " ") { out.removeLast() }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

/// Objects as `oc get -o name|yaml|json` prints them; several objects form a `List`, as `oc` does.
public enum ObjectText {
    /// `pod/web-1`, `migmigration.migration.openshift.io/abc`.
    public static func name(_ object: ExploredObject) -> String {
        let kind = object.key.kind.lowercased()
        return Neutralizer.text((object.key.group.isEmpty ? kind : "\(kind).\(object.key.group)") + "/" + object.key.name)
    }

    public static func yaml(_ objects: [ExploredObject]) -> String {
        ValueText.yaml(document(objects))
    }

    public static func json(_ objects: [ExploredObject]) -> String {
        ValueText.json(document(objects))
    }

    static func document(_ objects: [ExploredObject]) -> Value {
        if objects.count == 1, let only = objects.first { return only.body }
        return .mapping([
            "apiVersion": .scalar("v1"), "items": .sequence(objects.map(\.body)), "kind": .scalar("List"),
            "metadata": .mapping(["resourceVersion": .scalar("")]),
        ])
    }
}
