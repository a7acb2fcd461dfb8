import MustardModel

/// One cell of a table row: text, or a time shown as an age relative to the dump's gather time (never now).
public enum Cell: Sendable, Hashable {
    case text(String)
    case age(Timestamp?)

    /// The cell as `oc get` prints it, `now` being the gather time.
    public func shown(now: Timestamp?) -> String {
        switch self {
        case .text(let text): return text
        case .age(let time):
            guard let time, let now else { return "<unknown>" }
            return Age.short(seconds: now.seconds(since: time))
        }
    }
}

/// Which object a row is about.
public struct ObjectKey: Sendable, Hashable, Comparable, Codable {
    public let cluster: String
    public let kind: String
    public let group: String
    public let namespace: String?
    public let name: String

    public init(cluster: String, kind: String, group: String, namespace: String?, name: String) {
        self.cluster = cluster
        self.kind = kind
        self.group = group
        self.namespace = namespace
        self.name = name
    }

    public static func < (l: ObjectKey, r: ObjectKey) -> Bool {
        (l.cluster, l.namespace ?? "", l.kind, l.name) < (r.cluster, r.namespace ?? "", r.kind, r.name)
    }
}

/// A row of `get`: the object it shows and its cells (the same count as the table's columns).
public struct TableRow: Sendable, Hashable {
    public let key: ObjectKey
    /// For events, the time they are sorted by (last seen).
    public let time: Timestamp?
    private let stored: Stored

    /// The cells as given, or as the index keeps them (`CellCoding`: the row's, then the wide columns'), decoded only
    /// when asked: printing reads the index's bytes as they are (decoding each cell of 74,000 events into its own
    /// string, then freeing them all, was a third of printing them).
    enum Stored: Sendable {
        case cells([Cell])
        case encoded(String, wide: String?)
    }

    public init(key: ObjectKey, cells: [Cell], time: Timestamp? = nil) {
        self.key = key
        self.stored = .cells(cells)
        self.time = time
    }

    /// A row from the index: `encoded` and `wide` as `CellCoding.encode` wrote them.
    init(key: ObjectKey, encoded: String, wide: String?, time: Timestamp?) {
        self.key = key
        self.stored = .encoded(encoded, wide: wide)
        self.time = time
    }

    public var cells: [Cell] {
        switch stored {
        case .cells(let cells): return cells
        case .encoded(let row, let wide): return CellCoding.decode(row) + (wide.map(CellCoding.decode) ?? [])
        }
    }

    /// Calls `body` with each cell in turn: a text as its bytes, a time as a cell (see `CellCoding.forEach`).
    func forEachCell(_ body: (CellCoding.Part) -> Void) {
        switch stored {
        case .cells(let cells):
            for cell in cells { body(.cell(cell)) }
        case .encoded(let row, let wide):
            CellCoding.forEach(row, body)
            if let wide { CellCoding.forEach(wide, body) }
        }
    }

    public static func == (l: TableRow, r: TableRow) -> Bool {
        l.key == r.key && l.time == r.time && l.cells == r.cells
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(time)
        hasher.combine(cells)
    }
}

/// What `get` answers: columns as `oc get` names them and one row per object. NAMESPACE and CLUSTER are not among
/// the columns: they are the rows' keys, and the renderer shows them when the query spans several.
public struct Table: Sendable {
    public let columns: [String]
    public var rows: [TableRow]
    /// The dump's gather time, which ages are relative to.
    public let now: Timestamp?

    public init(columns: [String], rows: [TableRow], now: Timestamp?) {
        self.columns = columns
        self.rows = rows
        self.now = now
    }
}

/// A table whose rows are read on demand, the same rows in the same order at each pass: printing copies each row's
/// cells as it comes rather than holding the rows (every event of a 1 GB many-small-files dump, held as rows and then
/// as their printed text, took 240 MB). One from the index is valid only within the read that made it.
public struct RowStream {
    public let columns: [String]
    /// The dump's gather time, which ages are relative to.
    public let now: Timestamp?
    private let rows: ((TableRow) throws -> Void) throws -> Void

    public init(columns: [String], now: Timestamp?, rows: @escaping ((TableRow) throws -> Void) throws -> Void) {
        self.columns = columns
        self.now = now
        self.rows = rows
    }

    public func forEachRow(_ body: (TableRow) throws -> Void) throws {
        try rows(body)
    }

    /// Every row, held.
    public func collected() throws -> [TableRow] {
        var held: [TableRow] = []
        try rows { held.append($0) }
        return held
    }
}

extension Table {
    /// The rows held, as a stream.
    public var stream: RowStream {
        RowStream(columns: columns, now: now) { each in for row in rows { try each(row) } }
    }
}

/// Ages as `oc` prints them (Kubernetes' `duration.HumanDuration`): `45s`, `3m12s`, `5h2m`, `3d4h`, `400d`, `2y30d`.
public enum Age {
    public static func short(seconds: Double) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        let s = Int(seconds)
        if s < 120 { return "\(s)s" }
        let minutes = s / 60
        if minutes < 10 { return s % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(s % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = hours / 24 - (hours / 24 / 365) * 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}

/// Cells kept in the index as one text: `t<text>` or `a<epoch seconds>` (empty for an unknown time), joined by the
/// unit separator, which texts from the dump cannot hold (it is replaced by a space).
enum CellCoding {
    static let separator: Character = "\u{1F}"

    /// Built as bytes, a separator byte in a text made a space (Foundation's replace on every cell, and joining
    /// Strings, were a sixth of indexing a dump).
    static func encode(_ cells: [Cell]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x1F) }
            switch cell {
            case .text(let text):
                out.append(UInt8(ascii: "t"))
                let start = out.count
                out.appendUTF8(of: text)
                // Looked for with `memchr` first: a byte-by-byte pass over every text was a tenth of encoding the cells.
                if text.containsUTF8Byte(0x1F) {
                    for j in start..<out.count where out[j] == 0x1F { out[j] = UInt8(ascii: " ") }
                }
            case .age(let time):
                out.append(UInt8(ascii: "a"))
                if let time { appendSeconds(time.secondsSince1970, to: &out) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whole seconds (nearly every time in a dump) as an integer's digits: making the text of a `Double` was a fifth
    /// of encoding an event's cells. Read back by `Double(_:)` either way.
    private static func appendSeconds(_ seconds: Double, to out: inout [UInt8]) {
        if seconds.rounded(.towardZero) == seconds, abs(seconds) < 1e15 {
            out.appendUTF8(of: String(Int64(seconds)))
        } else {
            out.appendUTF8(of: String(seconds))
        }
    }

    /// A cell as `forEach` gives it: a text's bytes (valid only during the call), or a time or given cell.
    enum Part {
        case textBytes(UnsafeBufferPointer<UInt8>)
        case cell(Cell)
    }

    /// `encoded` (as `encode` wrote it, possibly empty) with `cells` after its own.
    static func appending(_ cells: [Cell], to encoded: String) -> String {
        let more = encode(cells)
        return encoded.isEmpty ? more : encoded + String(separator) + more
    }

    static func decode(_ text: String) -> [Cell] {
        var cells: [Cell] = []
        forEach(text) { part in
            switch part {
            case .textBytes(let bytes): cells.append(.text(String(decoding: bytes, as: UTF8.self)))
            case .cell(let cell): cells.append(cell)
            }
        }
        return cells
    }

    /// The cells of an encoded row in order, texts as their bytes: printing copies them without making strings.
    /// By bytes: splitting on Characters, then the UTF-8 view's split, were a quarter of printing 74,000 events.
    static func forEach(_ text: String, _ body: (Part) -> Void) {
        guard !text.isEmpty else { return }
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == 0x1F {
                let rest = UnsafeBufferPointer(rebasing: bytes[min(start + 1, end)..<end])
                if start < end && bytes[start] == UInt8(ascii: "a") {
                    body(.cell(.age(Double(String(decoding: rest, as: UTF8.self)).map(Timestamp.init(secondsSince1970:)))))
                } else {
                    body(.textBytes(rest))
                }
                start = end + 1
            }
        }
    }
}

import Foundation
