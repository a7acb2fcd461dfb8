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
        // Every cell in one array, row after row (an array per row, then a copy of them all behind the header, was a
        // third of printing 74,000 events).
        var cells = header
        cells.reserveCapacity((table.rows.count + 1) * header.count)
        var rowEnds = [cells.count]
        rowEnds.reserveCapacity(table.rows.count + 1)
        for row in table.rows {
            if showCluster { cells.append(Neutralizer.text(row.key.cluster)) }
            if showNamespace { cells.append(Neutralizer.text(row.key.namespace ?? "")) }
            for cell in row.cells { cells.append(Neutralizer.text(cell.shown(now: table.now))) }
            // A row from an index of another layout may be short: pad rather than misalign.
            for _ in row.cells.count..<max(row.cells.count, table.columns.count) { cells.append("") }
            rowEnds.append(cells.count)
        }
        return aligned(cells, rowEnds: rowEnds)
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
        var rowEnds: [Int] = []
        var end = 0
        for row in rows {
            end += row.count
            rowEnds.append(end)
        }
        return String(decoding: aligned(Array(rows.joined()), rowEnds: rowEnds), as: UTF8.self)
    }

    /// `cells` row after row, each row ending at its `rowEnds` offset.
    private static func aligned(_ cells: [String], rowEnds: [Int]) -> [UInt8] {
        var count = 0, start = 0
        for end in rowEnds {
            count = max(count, end - start)
            start = end
        }
        var widths = Array(repeating: 0, count: count)
        // Each cell's width, in the cells' order.
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(cells.count)
        start = 0
        for end in rowEnds {
            for k in start..<end {
                let w = width(cells[k])
                cellWidths.append(w)
                widths[k - start] = max(widths[k - start], w)
            }
            start = end
        }
        var out: [UInt8] = []
        out.reserveCapacity(rowEnds.count * (widths.reduce(0, +) + 3 * count + 1))
        start = 0
        for end in rowEnds {
            let lineStart = out.count
            for k in start..<end {
                out.appendUTF8(of: cells[k])
                if k < end - 1 { out.appendSpaces(widths[k - start] - cellWidths[k] + 3) }
            }
            while out.count > lineStart, out.last == UInt8(ascii: " ") { out.removeLast() }
            out.append(UInt8(ascii: "\n"))
            start = end
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
