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
        // Over the stored bytes, without a copy of the string (one retain and release a cell, tens of thousands of rows).
        let ascii = cell.utf8.withContiguousStorageIfAvailable(ByteSearch.isASCII) ?? cell.utf8.allSatisfy { $0 < 0x80 }
        return ascii ? cell.utf8.count : cell.unicodeScalars.count
    }

    /// Rows as `aligned(_:rowEnds:)` lays them out.
    public static func aligned(_ rows: [[String]]) -> String {
        var rowEnds: [Int] = []
        var end = 0
        for row in rows {
            end += row.count
            rowEnds.append(end)
        }
        return String(decoding: aligned(Array(rows.joined()), rowEnds: rowEnds), as: UTF8.self)
    }

    /// Columns padded to their widest cell (counted in Unicode scalars: counting Characters was slow on tens of
    /// thousands of rows); the last column is not padded, and no line ends in spaces. Built as bytes into memory sized
    /// once: appending to a String cell by cell was a fifth of printing 74,000 events, and appending to an array,
    /// with a retain and release of each cell at each of two passes, most of what was left.
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
        // At most this many bytes: every cell and its padding, and a line end per row.
        var bytes = rowEnds.count
        cells.withUnsafeBufferPointer { cells in
            start = 0
            for end in rowEnds {
                for k in start..<end {
                    let w = width(cells[k])
                    cellWidths.append(w)
                    widths[k - start] = max(widths[k - start], w)
                    bytes += cells[k].utf8.count
                }
                start = end
            }
        }
        start = 0
        for end in rowEnds {
            for k in start..<end where k < end - 1 { bytes += widths[k - start] - cellWidths[k] + 3 }
            start = end
        }
        return [UInt8](unsafeUninitializedCapacity: bytes) { out, written in
            var at = 0
            cells.withUnsafeBufferPointer { cells in
                start = 0
                for end in rowEnds {
                    let lineStart = at
                    for k in start..<end {
                        at = copy(cells[k], into: out, at: at)
                        if k < end - 1 {
                            let pad = widths[k - start] - cellWidths[k] + 3
                            (out.baseAddress! + at).initialize(repeating: UInt8(ascii: " "), count: pad)
                            at += pad
                        }
                    }
                    while at > lineStart, out[at - 1] == UInt8(ascii: " ") { at -= 1 }
                    out[at] = UInt8(ascii: "\n")
                    at += 1
                    start = end
                }
            }
            written = at
        }
    }

    /// Copies the text's UTF-8 bytes into `out` at `at`; returns where they end.
    @inline(__always)
    private static func copy(_ text: String, into out: UnsafeMutableBufferPointer<UInt8>, at: Int) -> Int {
        let n = text.utf8.count
        guard n > 0 else { return at }
        if text.utf8.withContiguousStorageIfAvailable({ (out.baseAddress! + at).initialize(from: $0.baseAddress!, count: n) }) == nil {
            var copy = text
            copy.withUTF8 { (out.baseAddress! + at).initialize(from: $0.baseAddress!, count: n) }
        }
        return at + n
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
