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
        var out: [UInt8] = []
        // The rows are held: reading them cannot fail.
        try? write(table.stream, showNamespace: showNamespace, showCluster: showCluster) { out.append(contentsOf: $0) }
        return out
    }

    /// Prints a table to `sink` in pieces of about 64 KB, its rows read once: each row's cells are copied into one
    /// buffer as bytes, and the rows themselves are not held. Returns how many rows there were; `headerAlone`: whether
    /// a table without rows prints its header (else nothing).
    @discardableResult
    public static func write(
        _ table: RowStream, showNamespace: Bool, showCluster: Bool, headerAlone: Bool = true,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws -> Int {
        var header = table.columns
        if showNamespace { header.insert("NAMESPACE", at: 0) }
        if showCluster { header.insert("CLUSTER", at: 0) }
        var cells = CellBytes()
        for column in header { cells.append(column) }
        cells.endRow()
        var rows = 0
        try table.forEachRow { row in
            if showCluster { cells.append(neutralizing: row.key.cluster) }
            if showNamespace { cells.append(neutralizing: row.key.namespace ?? "") }
            var count = 0
            row.forEachCell { part in
                switch part {
                case .textBytes(let bytes): cells.append(neutralizing: bytes)
                case .cell(let cell): cells.append(neutralizing: cell.shown(now: table.now))
                }
                count += 1
            }
            // A row from an index of another layout may be short: pad rather than misalign.
            for _ in count..<max(count, table.columns.count) { cells.append(neutralizing: "") }
            cells.endRow()
            rows += 1
        }
        if rows == 0 && !headerAlone { return 0 }
        cells.write(to: sink)
        return rows
    }

    /// A cell's width: its bytes when ASCII (nearly always, and cheap), else its Unicode scalars.
    static func width(_ cell: String) -> Int {
        // Over the stored bytes, without a copy of the string (one retain and release a cell, tens of thousands of rows).
        let ascii = cell.utf8.withContiguousStorageIfAvailable(ByteSearch.isASCII) ?? cell.utf8.allSatisfy { $0 < 0x80 }
        return ascii ? cell.utf8.count : cell.unicodeScalars.count
    }

    /// Rows laid out as `write` lays them out, their texts as they are.
    public static func aligned(_ rows: [[String]]) -> String {
        var cells = CellBytes()
        for row in rows {
            for cell in row { cells.append(cell) }
            cells.endRow()
        }
        var out: [UInt8] = []
        cells.write { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A table's cells, row after row, as bytes in one buffer with each cell's end and width: printing 74,000 events
/// copies the index's bytes once, instead of making a string of every cell (then retaining, measuring and freeing
/// each), which was most of printing them.
struct CellBytes {
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`, and its width on screen (counted in Unicode scalars: counting Characters was
    /// slow on tens of thousands of rows).
    private var ends: [Int] = []
    private var widths: [Int] = []
    /// Where each row ends in `ends`.
    private var rowEnds: [Int] = []

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

    /// The rows as lines, to `sink` in pieces of about 64 KB: columns padded to their widest cell, three spaces apart;
    /// the last column not padded, and no line ending in spaces.
    func write(to sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var columns: [Int] = []
        var start = 0
        for end in rowEnds {
            if columns.count < end - start { columns += Array(repeating: 0, count: end - start - columns.count) }
            for k in start..<end where widths[k] > columns[k - start] { columns[k - start] = widths[k] }
            start = end
        }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        bytes.withUnsafeBufferPointer { bytes in
            start = 0
            var cellStart = 0
            for end in rowEnds {
                let lineStart = out.count
                for k in start..<end {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cellStart..<ends[k]]))
                    cellStart = ends[k]
                    if k < end - 1 { out.appendSpaces(columns[k - start] - widths[k] + 3) }
                }
                while out.count > lineStart, out.last == UInt8(ascii: " ") { out.removeLast() }
                out.append(UInt8(ascii: "\n"))
                start = end
                if out.count >= 1 << 16 {
                    out.withUnsafeBufferPointer(sink)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        if !out.isEmpty { out.withUnsafeBufferPointer(sink) }
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
