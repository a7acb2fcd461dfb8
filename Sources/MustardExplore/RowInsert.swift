import GRDB
import GRDBSQLite

/// An INSERT the index makes once per object or log, bound and stepped with SQLite's own calls. Through GRDB each
/// value was boxed into `StatementArguments` first, a fifth of writing the rows of a dump's events; the statement is
/// still GRDB's, made and finalized by it, and left reset after each row.
struct RowInsert {
    let sql: String
    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        self.sql = sql
        statement = try db.makeStatement(sql: sql)
    }

    /// One row: `bind` binds its values in order; a value not bound (nil) stays NULL.
    func insert(_ bind: (inout Binder) -> Void) throws {
        let s = statement.sqliteStatement
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        var binder = Binder(statement: s)
        bind(&binder)
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }

    /// Binds the next parameter at each call. SQLite copies text and blobs at once (`SQLITE_TRANSIENT`).
    struct Binder {
        let statement: SQLiteStatement
        private var index: CInt = 0
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        init(statement: SQLiteStatement) { self.statement = statement }

        private mutating func next() -> CInt {
            index += 1
            return index
        }

        mutating func text(_ text: String?) {
            let at = next()
            guard var text else { return }
            text.withUTF8 { bytes in
                // An empty text still needs a pointer: NULL would bind NULL.
                let start = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
                _ = sqlite3_bind_text(statement, at, start, CInt(bytes.count), Self.transient)
            }
        }

        mutating func double(_ number: Double?) {
            let at = next()
            if let number { sqlite3_bind_double(statement, at, number) }
        }

        mutating func int(_ number: Int64?) {
            let at = next()
            if let number { sqlite3_bind_int64(statement, at, number) }
        }

        mutating func blob(_ bytes: [UInt8]) {
            let at = next()
            _ = bytes.withUnsafeBytes {
                sqlite3_bind_blob(statement, at, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), CInt($0.count), Self.transient)
            }
        }
    }
}

extension RowInsert {
    /// The object rows.
    static func objects(_ db: Database) throws -> RowInsert {
        try RowInsert(
            db,
            sql: """
                INSERT INTO object(cluster, kind, grp, apiVersion, namespace, name, created, sortTime, labels, involvedKind,
                    involvedNamespace, involvedName, eventType, source, listIndex, row, wide, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
    }

    func insert(_ o: PreparedObject) throws {
        try insert { row in
            row.text(o.cluster)
            row.text(o.kind)
            row.text(o.group)
            row.text(o.apiVersion)
            row.text(o.namespace)
            row.text(o.name)
            row.double(o.created?.secondsSince1970)
            row.double(o.sortTime?.secondsSince1970)
            row.text(o.labels)
            row.text(o.involved.kind)
            row.text(o.involved.namespace)
            row.text(o.involved.name)
            row.text(o.eventType)
            row.text(o.source.path)
            row.int(o.source.listIndex.map(Int64.init))
            row.text(o.row)
            row.text(o.wide)
            row.blob(o.body)
        }
    }

    /// Where each container log lies.
    static func logs(_ db: Database) throws -> RowInsert {
        try RowInsert(db, sql: "INSERT INTO log(cluster, namespace, pod, container, previous, path, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)")
    }
}
