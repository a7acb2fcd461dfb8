import GRDB
import GRDBSQLite

/// The index's one hot insert, an object row, bound and stepped with SQLite's own calls. Through GRDB each of the
/// row's 18 values was boxed into `StatementArguments` first, a fifth of writing the rows of a dump's events; the
/// statement is still GRDB's, made and finalized by it, and left reset after each row.
struct ObjectInsert {
    static let sql = """
        INSERT INTO object(cluster, kind, grp, apiVersion, namespace, name, created, sortTime, labels, involvedKind,
            involvedNamespace, involvedName, eventType, source, listIndex, row, wide, body)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private let statement: Statement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        statement = try db.makeStatement(sql: Self.sql)
    }

    func insert(_ o: PreparedObject) throws {
        let s = statement.sqliteStatement
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        var index: CInt = 0
        func next() -> CInt {
            index += 1
            return index
        }
        bind(o.cluster, next())
        bind(o.kind, next())
        bind(o.group, next())
        bind(o.apiVersion, next())
        bind(o.namespace, next())
        bind(o.name, next())
        bind(o.created?.secondsSince1970, next())
        bind(o.sortTime?.secondsSince1970, next())
        bind(o.labels, next())
        bind(o.involved.kind, next())
        bind(o.involved.namespace, next())
        bind(o.involved.name, next())
        bind(o.eventType, next())
        bind(o.source.path, next())
        let listIndex = next()
        if let i = o.source.listIndex { sqlite3_bind_int64(s, listIndex, Int64(i)) }
        bind(o.row, next())
        bind(o.wide, next())
        let body = next()
        _ = o.body.withUnsafeBytes { sqlite3_bind_blob(s, body, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), CInt($0.count), transient) }
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: Self.sql)
        }
    }

    /// SQLite copies the bytes at once (`SQLITE_TRANSIENT`, a macro Swift does not import).
    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Nil stays NULL: bindings are cleared after each row.
    private func bind(_ text: String?, _ index: CInt) {
        guard var text else { return }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                statement.sqliteStatement, index, UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    .assumingMemoryBound(to: CChar.self), CInt(bytes.count), transient)
        }
    }

    private func bind(_ number: Double?, _ index: CInt) {
        guard let number else { return }
        sqlite3_bind_double(statement.sqliteStatement, index, number)
    }
}
