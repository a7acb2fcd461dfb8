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
        var bytes = 0
        for i in table.rows.indices {
            bytes += table.rows[i].byteEstimate + (showCluster ? table.rows[i].key.cluster.utf8.count : 0)
                + (showNamespace ? table.rows[i].key.namespace?.utf8.count ?? 0 : 0)
        }
        var cells = CellBytes(rows: table.rows.count + 1, columns: header.count, bytes: bytes)
        for column in header { cells.append(neutralizing: column) }
        cells.endRow()
        // By index: a row taken out of the array was copied, each of its strings retained and released.
        for i in table.rows.indices {
            if showCluster { cells.append(neutralizing: table.rows[i].key.cluster) }
            if showNamespace { cells.append(neutralizing: table.rows[i].key.namespace ?? "") }
            var count = 0
            table.rows[i].forEachCell { part in
                switch part {
                case .textBytes(let bytes): cells.append(neutralizing: bytes)
                case .cell(let cell): cells.append(neutralizing: cell.shown(now: table.now))
                }
                count += 1
            }
            // A row from an index of another layout may be short: pad rather than misalign.
            for _ in count..<max(count, table.columns.count) { cells.append(neutralizing: "") }
            cells.endRow()
        }
        return cells.aligned()
    }

    /// A cell's width: its bytes when ASCII (nearly always, and cheap), else its Unicode scalars.
    static func width(_ cell: String) -> Int {
        // Over the stored bytes, without a copy of the string (one retain and release a cell, tens of thousands of rows).
        let ascii = cell.utf8.withContiguousStorageIfAvailable(ByteSearch.isASCII) ?? cell.utf8.allSatisfy { $0 < 0x80 }
        return ascii ? cell.utf8.count : cell.unicodeScalars.count
    }

    /// Rows laid out as `CellBytes.aligned` does, their texts as they are.
    public static func aligned(_ rows: [[String]]) -> String {
        var cells = CellBytes(rows: rows.count, columns: rows.first?.count ?? 0)
        for row in rows {
            for cell in row { cells.append(cell) }
            cells.endRow()
        }
        return String(decoding: cells.aligned(), as: UTF8.self)
    }
}

/// A table's cells, row after row, as bytes in one buffer with each cell's end and width: printing 74,000 events
/// copies the index's bytes once, instead of making a string of every cell (then retaining, measuring and freeing
/// each), which was most of printing them.
struct CellBytes {
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`, and its width on screen.
    private var ends: [Int] = []
    private var widths: [Int] = []
    /// Where each row ends in `ends`.
    private var rowEnds: [Int] = []

    /// `bytes`: about how many the cells hold (growing the buffer copied megabytes several times over).
    init(rows: Int, columns: Int, bytes: Int = 0) {
        self.bytes.reserveCapacity(bytes)
        ends.reserveCapacity(rows * columns)
        widths.reserveCapacity(rows * columns)
        rowEnds.reserveCapacity(rows)
    }

    /// A text from the dump, every unsafe scalar escaped (`Neutralizer`).
    mutating func append(neutralizing text: String) {
        append(Neutralizer.text(text))
    }

    /// A text from the dump as UTF-8 bytes: copied as they are when printable ASCII (nearly always), else as
    /// `append(neutralizing:)` makes them.
    mutating func append(neutralizing text: UnsafeBufferPointer<UInt8>) {
        guard ByteSearch.isPrintableASCIIOrTab(text) else { return append(neutralizing: String(decoding: text, as: UTF8.self)) }
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
        widths.append(text.count)
    }

    /// A text as it is.
    mutating func append(_ text: String) {
        // Over the stored bytes, without a copy of the string.
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: Array(text.utf8)) }
        ends.append(bytes.count)
        widths.append(TableText.width(text))
    }

    mutating func endRow() {
        rowEnds.append(ends.count)
    }

    /// Columns padded to their widest cell (counted in Unicode scalars: counting Characters was slow on tens of
    /// thousands of rows), three spaces apart; the last column is not padded, and no line ends in spaces. Written
    /// into memory sized once.
    func aligned() -> [UInt8] {
        var count = 0, start = 0
        for end in rowEnds {
            count = max(count, end - start)
            start = end
        }
        var columnWidths = Array(repeating: 0, count: count)
        start = 0
        for end in rowEnds {
            for k in start..<end { columnWidths[k - start] = max(columnWidths[k - start], widths[k]) }
            start = end
        }
        // At most this many bytes: every cell and its padding, and a line end per row.
        var size = bytes.count + rowEnds.count
        start = 0
        for end in rowEnds {
            for k in start..<end where k < end - 1 { size += columnWidths[k - start] - widths[k] + 3 }
            start = end
        }
        return [UInt8](unsafeUninitializedCapacity: size) { out, written in
            var at = 0
            bytes.withUnsafeBufferPointer { bytes in
                start = 0
                var cellStart = 0
                for end in rowEnds {
                    let lineStart = at
                    for k in start..<end {
                        let n = ends[k] - cellStart
                        if n > 0 { (out.baseAddress! + at).initialize(from: bytes.baseAddress! + cellStart, count: n) }
                        at += n
                        cellStart = ends[k]
                        if k < end - 1 {
                            let pad = columnWidths[k - start] - widths[k] + 3
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
