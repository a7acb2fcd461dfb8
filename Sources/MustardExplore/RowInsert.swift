import GRDB
import GRDBSQLite

/// An INSERT the index makes once per object or log, bound and stepped with SQLite's own calls. Through GRDB each
/// value was boxed into `StatementArguments` first, a fifth of writing the rows of a dump's events; the statement is
/// still GRDB's, made and finalized by it, and left reset after each row.
///
/// A row's texts and blobs are copied into one buffer the insert owns and bound from there without SQLite copying them
/// again (`SQLITE_STATIC`): SQLite copying each value and freeing the copies at the next row (`sqlite3_clear_bindings`)
/// was a third of storing an event. The buffer grows only between rows, so what a row bound stays where it was until
/// the row is written; a value that does not fit is bound as a copy, and the buffer is made larger for the next row.
struct RowInsert {
    let sql: String
    private let statement: Statement
    private let db: Database
    private let scratch: Scratch

    /// `scratchBytes`: the buffer's first size (a test makes it small to make rows outgrow it).
    init(_ db: Database, sql: String, scratchBytes: Int = 16 << 10) throws {
        self.db = db
        self.sql = sql
        statement = try db.makeStatement(sql: sql)
        scratch = Scratch(capacity: scratchBytes)
    }

    /// One row: `bind` binds its values in order; a value not bound (nil, or past the last one bound) is NULL.
    func insert(_ bind: (inout Binder) -> Void) throws {
        let s = statement.sqliteStatement
        defer {
            sqlite3_reset(s)
            // A buffer made larger leaves the statement no pointer into the one freed.
            if scratch.rowWritten() { sqlite3_clear_bindings(s) }
        }
        var binder = Binder(statement: s, scratch: scratch)
        bind(&binder)
        // Every parameter is bound at each row (none keeps the previous row's value), so no clearing is needed.
        binder.nullsToEnd()
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }

    /// The buffer a row's texts and blobs are bound from.
    final class Scratch {
        private var base: UnsafeMutableRawPointer
        private var capacity: Int
        private var used = 0
        /// What the row would have needed, when more than `capacity`.
        private var wanted = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity, alignment: 8)
        }

        deinit { base.deallocate() }

        /// A copy of `bytes` that stays until the row is written, or nil when the buffer is full.
        func place(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
            guard used + bytes.count <= capacity else {
                wanted = max(wanted, used) + bytes.count
                return nil
            }
            let at = base + used
            if let from = bytes.baseAddress { at.copyMemory(from: from, byteCount: bytes.count) }
            used += bytes.count
            return UnsafeRawPointer(at)
        }

        /// The row is written (and the statement reset): the buffer is free again, and larger if the row needed it
        /// (then true: the old one is freed).
        @discardableResult
        func rowWritten() -> Bool {
            used = 0
            guard wanted > capacity else { return false }
            base.deallocate()
            capacity = max(wanted, capacity * 2)
            base = .allocate(byteCount: capacity, alignment: 8)
            wanted = 0
            return true
        }
    }

    /// Binds the next parameter at each call.
    struct Binder {
        let statement: SQLiteStatement
        let scratch: Scratch
        private var index: CInt = 0
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        init(statement: SQLiteStatement, scratch: Scratch) {
            self.statement = statement
            self.scratch = scratch
        }

        private mutating func next() -> CInt {
            index += 1
            return index
        }

        mutating func text(_ text: String?) {
            let at = next()
            guard var text else {
                sqlite3_bind_null(statement, at)
                return
            }
            text.withUTF8 { bytes in
                let (start, destructor) = source(UnsafeRawBufferPointer(bytes))
                _ = sqlite3_bind_text(statement, at, start.assumingMemoryBound(to: CChar.self), CInt(bytes.count), destructor)
            }
        }

        mutating func double(_ number: Double?) {
            let at = next()
            if let number { sqlite3_bind_double(statement, at, number) } else { sqlite3_bind_null(statement, at) }
        }

        mutating func int(_ number: Int64?) {
            let at = next()
            if let number { sqlite3_bind_int64(statement, at, number) } else { sqlite3_bind_null(statement, at) }
        }

        mutating func blob(_ bytes: [UInt8]) {
            let at = next()
            _ = bytes.withUnsafeBytes { raw in
                let (start, destructor) = source(raw)
                return sqlite3_bind_blob(statement, at, start, CInt(raw.count), destructor)
            }
        }

        /// Where a value is bound from: its copy in the buffer, which SQLite reads as it is (`SQLITE_STATIC`, nil), or
        /// when the buffer is full the value itself, which SQLite copies at once (`SQLITE_TRANSIENT`). Never a null
        /// pointer, even for an empty value: NULL would bind NULL.
        private func source(_ raw: UnsafeRawBufferPointer) -> (UnsafeRawPointer, sqlite3_destructor_type?) {
            if let placed = scratch.place(raw) { return (placed, nil) }
            return (raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Self.transient)
        }

        /// NULL for every parameter after the last one bound.
        mutating func nullsToEnd() {
            let count = sqlite3_bind_parameter_count(statement)
            while index < count { sqlite3_bind_null(statement, next()) }
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
                    involvedNamespace, involvedName, eventType, file, listIndex, row, wide, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
    }

    /// `file`: the number of the file it came from (`file.id`).
    func insert(_ o: PreparedObject, file: Int64) throws {
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
            row.int(file)
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
