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
    public let cells: [Cell]
    /// For events, the time they are sorted by (last seen).
    public let time: Timestamp?

    public init(key: ObjectKey, cells: [Cell], time: Timestamp? = nil) {
        self.key = key
        self.cells = cells
        self.time = time
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

    static func encode(_ cells: [Cell]) -> String {
        cells.map { cell in
            switch cell {
            // Checked first by bytes: Foundation's replace on every cell was a sixth of indexing a dump.
            case .text(let text): return "t" + (text.utf8.contains(0x1F) ? text.replacingOccurrences(of: "\u{1F}", with: " ") : text)
            case .age(let time): return "a" + (time.map { String($0.secondsSince1970) } ?? "")
            }
        }.joined(separator: String(separator))
    }

    static func decode(_ text: String) -> [Cell] {
        guard !text.isEmpty else { return [] }
        // By bytes: splitting on Characters was a quarter of printing 74,000 events.
        return text.utf8.split(separator: 0x1F, omittingEmptySubsequences: false).map { part in
            let body = Substring(part.dropFirst())
            if part.first == UInt8(ascii: "a") { return .age(Double(body).map(Timestamp.init(secondsSince1970:))) }
            return .text(String(body))
        }
    }
}

import Foundation
