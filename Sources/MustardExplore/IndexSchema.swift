import GRDB

/// The tables of a dump's index. One row per object (the table row `get` prints already made, the object itself in
/// `ValueCodec`'s form, the file it came from by number: the path written in each of a list's events was a sixth of
/// the table), one per container log (where it lies in the dump, not its text), the load issues, and what `ls` tells.
/// `meta.complete` is written last: an index without it is never trusted.
enum IndexSchema {
    /// Bumped whenever the tables or what goes into them change: an index of another version is rebuilt.
    static let version = "9"
    /// Set before the first table is made (SQLite fixes it then).
    static let pageSize = 32768

    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE object(
                    id INTEGER PRIMARY KEY, cluster TEXT NOT NULL, kind TEXT NOT NULL, grp TEXT NOT NULL, apiVersion TEXT NOT NULL,
                    namespace TEXT, name TEXT NOT NULL, created REAL, sortTime REAL, labels TEXT NOT NULL,
                    involvedKind TEXT, involvedNamespace TEXT, involvedName TEXT, eventType TEXT,
                    file INTEGER NOT NULL, listIndex INTEGER, row TEXT, wide TEXT, body BLOB NOT NULL);
                CREATE TABLE file(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
                CREATE TABLE kindLayout(kind TEXT NOT NULL, grp TEXT NOT NULL, plural TEXT NOT NULL, shortNames TEXT NOT NULL,
                    namespaced INTEGER NOT NULL, columns TEXT NOT NULL, wide TEXT NOT NULL, PRIMARY KEY(kind, grp));
                CREATE TABLE crdColumns(kind TEXT NOT NULL, grp TEXT NOT NULL, plural TEXT NOT NULL, shortNames TEXT NOT NULL,
                    namespaced INTEGER NOT NULL, columns BLOB NOT NULL, PRIMARY KEY(kind, grp));
                CREATE TABLE log(id INTEGER PRIMARY KEY, cluster TEXT NOT NULL, namespace TEXT NOT NULL, pod TEXT NOT NULL,
                    container TEXT, previous INTEGER NOT NULL, path TEXT NOT NULL, bytes INTEGER);
                CREATE TABLE issue(path TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, damaged INTEGER NOT NULL);
                CREATE TABLE namespace(cluster TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(cluster, name));
                CREATE TABLE cluster(name TEXT PRIMARY KEY, loginError TEXT);
                CREATE TABLE layout(name TEXT PRIMARY KEY);
                CREATE TABLE deferred(resource TEXT PRIMARY KEY, files INTEGER NOT NULL);
                CREATE TABLE deferredCount(resource TEXT NOT NULL, cluster TEXT NOT NULL, kind TEXT NOT NULL, grp TEXT NOT NULL,
                    plural TEXT NOT NULL, n INTEGER NOT NULL);
                """)
    }

    /// Whether the objects of the files not indexed yet are counted (`deferredCount`), so `ls` can tell every kind.
    static func restIsCounted(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'restCounted'") == "1"
    }

    /// Indexes made once the rows are in (faster than keeping them up to date row by row), and the counts `ls` shows
    /// (counted once here: counting at each query read the whole table).
    ///
    /// Each index reads the whole table once: there is none by name alone, which only the check that
    /// `events --for KIND/NAME` names something used (`object_kind` finds the object by kind and name as fast; a first
    /// `events` on the many-small-files 1 GB dump 4.65 -> 4.48 s CPU without it). `object_event_order` is the order
    /// `events` prints, so a query for all of them reads instead of sorting, and it holds every column that query reads
    /// and filters on: reading each event's row from the table instead, in time order, went back and forth across it
    /// (a repeated `events -A` on the 1 GB dump: 0.21 s, 0.15 s from the index alone; the index file grows by 14 %).
    /// `kindCounts`: the rows of `kindCount`, as the walk tallied them (`GROUP BY cluster, kind, grp` without reading the
    /// table again).
    static func finish(_ db: Database, kindCounts: [(key: [String], n: Int)]) throws {
        try createObjectIndexes(db)
        try db.execute(
            sql: """
                CREATE INDEX log_pod ON log(pod);
                CREATE TABLE kindCount AS SELECT cluster, kind, grp, COUNT(*) AS n FROM object WHERE 0 GROUP BY cluster, kind, grp;
                """)
        for (key, n) in kindCounts {
            try db.execute(sql: "INSERT INTO kindCount(cluster, kind, grp, n) VALUES (?, ?, ?, ?)", arguments: [key[0], key[1], key[2], n])
        }
    }

    /// The object table's indexes (`finish`).
    static func createObjectIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX object_kind ON object(kind, namespace, name);
                CREATE INDEX object_involved ON object(involvedName);
                CREATE INDEX object_event_order ON object(sortTime IS NULL, sortTime, cluster, namespace, name, id, kind, grp, eventType, row, wide)
                    WHERE kind = 'Event';
                """)
    }

    /// Dropped by a later walk that adds more rows than the table held, and made again at its end.
    static func dropObjectIndexes(_ db: Database) throws {
        try db.execute(
            sql: "DROP INDEX IF EXISTS object_kind; DROP INDEX IF EXISTS object_involved; DROP INDEX IF EXISTS object_event_order")
    }
}
