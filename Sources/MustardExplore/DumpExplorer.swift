import Foundation
import GRDB
import Logging
import MustardArchive
import MustardDump
import MustardModel

/// How a dump is explored: where its index is kept (nil: built in memory for this run only) and the archive limits.
public struct ExploreOptions: Sendable {
    public var cache: IndexCache?
    public var limits: ArchiveLimits
    /// The resources (plurals) a new index reads at once; the others wait for a question that needs them
    /// (`DumpExplorer.index`). Nil: everything in one walk (`ls`). The default, none, suits a session of questions.
    public var firstReading: Set<String>? = []
    /// A new index counts the objects of the files it leaves, by kind, so `ls` can tell every kind without indexing
    /// them.
    public var countingTheRest = false

    public init(
        cache: IndexCache? = IndexCache.defaultDirectory().map { IndexCache(directory: $0) }, limits: ArchiveLimits = ArchiveLimits()
    ) {
        self.cache = cache
        self.limits = limits
    }
}

/// `get`, `describe`, `logs`, `events` and `ls` over one dump (folder, archive or nested archive), answered from an
/// index: built by streaming the dump the first time, read from the cache afterwards. Never prints.
public final class DumpExplorer: @unchecked Sendable {
    public let path: String
    /// The index came from the cache: the dump was not read this time.
    public let fromCache: Bool
    /// Why the cache could not be used, when it could not (the index was then built in memory).
    public let cacheProblem: String?
    /// What the index holds so far: until everything is indexed (`indexEverything`), its kinds leave out those of
    /// the resources not read yet.
    public private(set) var summary: DumpSummary
    public private(set) var catalog: KindCatalog
    private let db: DatabaseQueue
    private let limits: ArchiveLimits
    private let logger: Logger
    /// Adds files the first walk left to the index (`IndexBuilder.addDeferred`; nil: all of them), counting the rest
    /// when asked.
    private let addDeferred: (Set<String>?, _ counting: Bool) throws -> Void
    /// The resources whose files are not indexed yet.
    private var deferred: Set<String>
    /// The objects of those files are counted: `summary` tells every kind.
    private var restCounted: Bool
    private let lock = NSLock()

    public static func open(_ path: String, options: ExploreOptions = ExploreOptions(), logger: Logger = Logger(label: "mustard.explore"))
        throws -> DumpExplorer
    {
        let builder = IndexBuilder(limits: options.limits, logger: logger)
        guard FileManager.default.fileExists(atPath: path) else { throw ArchiveOpenError.notFound(path) }
        if let cache = options.cache {
            do {
                try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
                let key = try DumpIdentity.of(path).key + "-v" + IndexSchema.version + "-" + Self.limitsKey(options.limits)
                let addDeferred = { (resources: Set<String>?, counting: Bool) in
                    try cache.extend(key: key) { db in try builder.addDeferred(path, into: db, resources: resources, counting: counting) }
                }
                if let queue = cache.openExisting(key: key) {
                    return try DumpExplorer(
                        path: path, db: queue, fromCache: true, cacheProblem: nil, limits: options.limits, logger: logger,
                        addDeferred: addDeferred)
                }
                let queue = try cache.build(key: key) { db in
                    try builder.build(path, into: db, resources: options.firstReading, counting: options.countingTheRest)
                }
                return try DumpExplorer(
                    path: path, db: queue, fromCache: false, cacheProblem: nil, limits: options.limits, logger: logger,
                    addDeferred: addDeferred)
            } catch let error as ArchiveOpenError {
                throw error  // The dump itself cannot be read: no cache would help.
            } catch {
                // The cache folder or file could not be written (read-only home, disk full): answer from memory.
                let queue = try Self.buildInMemory(path, builder, options)
                return try DumpExplorer(
                    path: path, db: queue, fromCache: false, cacheProblem: "index cache in \(cache.directory.path) not used: \(error)",
                    limits: options.limits, logger: logger, addDeferred: Self.addingInMemory(path, builder, queue))
            }
        }
        let queue = try Self.buildInMemory(path, builder, options)
        return try DumpExplorer(
            path: path, db: queue, fromCache: false, cacheProblem: nil, limits: options.limits, logger: logger,
            addDeferred: Self.addingInMemory(path, builder, queue))
    }

    private static func buildInMemory(_ path: String, _ builder: IndexBuilder, _ options: ExploreOptions) throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try builder.build(path, into: db, resources: options.firstReading, counting: options.countingTheRest)
        }
        return queue
    }

    private static func addingInMemory(_ path: String, _ builder: IndexBuilder, _ queue: DatabaseQueue) -> (Set<String>?, Bool) throws
        -> Void
    {
        { resources, counting in try queue.write { db in try builder.addDeferred(path, into: db, resources: resources, counting: counting) } }
    }

    /// The limits change what an index holds (what was too large to read): indexes made under others are not reused.
    private static func limitsKey(_ l: ArchiveLimits) -> String {
        var hash = FNV1a()
        hash.add(String(describing: l))
        return String(hash.hex.prefix(8))
    }

    private init(
        path: String, db: DatabaseQueue, fromCache: Bool, cacheProblem: String?, limits: ArchiveLimits, logger: Logger,
        addDeferred: @escaping (Set<String>?, Bool) throws -> Void
    ) throws {
        self.path = path
        self.db = db
        self.fromCache = fromCache
        self.cacheProblem = cacheProblem
        self.limits = limits
        self.logger = logger
        self.addDeferred = addDeferred
        (deferred, restCounted) = try db.read { db in try Self.readLeft(db) }
        (summary, catalog) = try db.read { db in try Self.readSummary(db, path: path) }
    }

    private static func readLeft(_ db: Database) throws -> (Set<String>, Bool) {
        (Set(try String.fetchAll(db, sql: "SELECT resource FROM deferred")), try IndexSchema.restIsCounted(db))
    }

    /// Indexes the files of these resources (plurals) that the first walk left, in one more walk; nothing when none
    /// are left. `get`, `describe`, `events` and `logs` call it for what they read.
    public func index(_ resources: Set<String>) throws {
        try indexLeft(resources)
    }

    /// Indexes every file the first walk left.
    public func indexEverything() throws {
        try indexLeft(nil)
    }

    /// Counts the objects of the files not indexed yet, by kind, unless they are counted already: then `summary`
    /// tells every kind (`ls`) without indexing them.
    public func countEverything() throws {
        try indexLeft([], counting: true)
    }

    /// Indexes what is left of `resources` (nil: all that is left); `counting`: counts the rest.
    private func indexLeft(_ resources: Set<String>?, counting: Bool = false) throws {
        lock.lock()
        defer { lock.unlock() }
        let needed = resources.map { deferred.intersection($0) } ?? deferred
        guard !needed.isEmpty || (counting && !restCounted && !deferred.isEmpty) else { return }
        try addDeferred(resources == nil ? nil : needed, counting)
        (deferred, restCounted) = try db.read { db in try Self.readLeft(db) }
        (summary, catalog) = try db.read { db in try Self.readSummary(db, path: path) }
    }

    // MARK: - ls

    private static func readSummary(_ db: Database, path: String) throws -> (DumpSummary, KindCatalog) {
        var meta: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") { meta[row["key"]] = row["value"] as String }
        var namespaces: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT cluster, name FROM namespace ORDER BY cluster, name") {
            namespaces[row["cluster"], default: []].append(row["name"])
        }
        let clusters = try Row.fetchAll(db, sql: "SELECT name, loginError FROM cluster ORDER BY name").map { row in
            DumpSummary.ClusterInfo(name: row["name"], loginError: row["loginError"], namespaces: namespaces[row["name"] as String] ?? [])
        }
        var seen: [KindInfo] = []
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT kind, grp, plural, shortNames, namespaced FROM crdColumns UNION ALL SELECT kind, grp, plural, shortNames, namespaced FROM kindLayout"
        ) {
            let short: String = row["shortNames"]
            seen.append(
                KindInfo(
                    kind: row["kind"], group: row["grp"], plural: row["plural"],
                    shortNames: short.split(separator: ",").map(String.init), namespaced: row["namespaced"]))
        }
        let plurals = Dictionary(seen.map { ("\($0.kind)\u{0}\($0.group)", $0.plural) }, uniquingKeysWith: { a, _ in a })
        // The kinds indexed and those only counted (`countEverything`), an object in one or the other.
        let kinds = try Row.fetchAll(
            db,
            sql: """
                SELECT cluster, kind, grp, MAX(plural) AS plural, SUM(n) AS n FROM (
                    SELECT cluster, kind, grp, NULL AS plural, n FROM kindCount
                    UNION ALL SELECT cluster, kind, grp, plural, n FROM deferredCount)
                GROUP BY cluster, kind, grp ORDER BY cluster, kind, grp
                """
        ).map { row in
            let kind: String = row["kind"], group: String = row["grp"]
            return DumpSummary.KindCount(
                cluster: row["cluster"], kind: kind, group: group,
                plural: plurals["\(kind)\u{0}\(group)"] ?? row["plural"] ?? KindCatalog.guessedPlural(of: kind), count: row["n"])
        }
        let issues = try Row.fetchAll(db, sql: "SELECT path, severity, message, damaged FROM issue").map { row in
            LoadIssue(
                path: row["path"], severity: LoadIssue.Severity(rawValue: row["severity"]) ?? .error, message: row["message"],
                damaged: row["damaged"])
        }
        let summary = DumpSummary(
            path: path, format: meta["format"] ?? "", entries: Int(meta["entries"] ?? "") ?? 0,
            nestedArchives: Int(meta["nestedArchives"] ?? "") ?? 0,
            layouts: try String.fetchAll(db, sql: "SELECT name FROM layout ORDER BY name"), clusters: clusters, kinds: kinds,
            gatheredAt: meta["gatheredAt"].flatMap(Double.init).map(Timestamp.init(secondsSince1970:)),
            gatherTimeSource: meta["gatherTimeSource"],
            logs: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log") ?? 0, loadIssues: issues)
        return (summary, KindCatalog(seen: seen))
    }

    /// Several clusters: tables need a CLUSTER column.
    public var isMultiCluster: Bool { summary.clusters.count > 1 }

    // MARK: - Kinds and scope

    /// The kind a word names; an error with the nearest names otherwise.
    public func resolveKind(_ word: String) throws -> KindInfo {
        if let info = catalog.resolve(word) { return info }
        // A kind known only from files not read yet (a custom resource's plural): read them all, then answer.
        if !deferred.isEmpty {
            try indexEverything()
            if let info = catalog.resolve(word) { return info }
        }
        throw ExploreError.unknownKind(word, suggestions: catalog.suggestions(for: word))
    }

    private func checkCluster(_ cluster: String?) throws {
        guard let cluster else { return }
        let known = summary.clusters.map(\.name)
        if !known.contains(cluster) { throw ExploreError.unknownCluster(cluster, known: known) }
    }

    private func checkNamespace(_ namespace: String?, cluster: String?) throws {
        guard let namespace else { return }
        let known = Set(summary.clusters.filter { cluster == nil || $0.name == cluster }.flatMap(\.namespaces))
        if !known.contains(namespace) {
            throw ExploreError.unknownNamespace(namespace, suggestions: EditDistance.nearest(namespace, among: known.sorted()))
        }
    }

    /// `WHERE` for a kind in a scope.
    private func scope(kind: String, name: String?, namespace: String?, cluster: String?) -> (String, StatementArguments) {
        var sql = "kind = ?"
        var arguments: StatementArguments = [kind]
        if let name { sql += " AND name = ?"; arguments += [name] }
        if let namespace { sql += " AND namespace = ?"; arguments += [namespace] }
        if let cluster { sql += " AND cluster = ?"; arguments += [cluster] }
        return (sql, arguments)
    }

    // MARK: - get

    /// The table `oc get` would print (all namespaces unless one is given), rows sorted by cluster, namespace, name.
    public func get(_ query: GetQuery, wide: Bool = false) throws -> Table {
        var rows: [TableRow] = []
        let columns = try get(query, wide: wide) { rows = try $0.collected() }
        return Table(columns: columns, rows: rows, now: summary.gatheredAt)
    }

    /// The rows `get(_:wide:)` returns, as a table `read` goes through row by row (`RowStream`: printing every event
    /// or pod of a dump need not hold them); returns the columns. A name not found throws before `read` is called.
    /// `showLabels`: a last LABELS column, as `oc get --show-labels` prints it.
    @discardableResult
    public func get(_ query: GetQuery, wide: Bool = false, showLabels: Bool = false, read: (RowStream) throws -> Void) throws -> [String] {
        let info = try resolveKind(query.kind)
        try index([info.plural])
        try checkCluster(query.cluster)
        try checkNamespace(query.namespace, cluster: query.cluster)
        var (condition, arguments) = scope(kind: info.kind, name: query.name, namespace: query.namespace, cluster: query.cluster)
        // Events by when they happened (what `oc get events --sort-by=.lastTimestamp` gives), the rest by name.
        let order = info.kind == "Event" ? "sortTime IS NULL, sortTime, cluster, namespace, name, id" : "cluster, namespace, name, id"
        // Labels are read only for a selector; without one, all events (not one by name, which `object_kind` finds)
        // are read along `object_event_order`, already in the order printed and holding every column read (the kind
        // written out: only then can SQLite use it).
        let inTimeOrder = info.kind == "Event" && query.selector == nil && query.name == nil
        if inTimeOrder { condition = "kind = 'Event' AND " + condition }
        let sql =
            "SELECT cluster, kind, grp, namespace, name, \(query.selector == nil && !showLabels ? "NULL" : "labels"), sortTime, row, wide FROM object "
            + "\(inTimeOrder ? "INDEXED BY object_event_order " : "")WHERE \(condition) ORDER BY \(order)"
        return try db.read { db in
            let layout = try Row.fetchOne(db, sql: "SELECT columns, wide FROM kindLayout WHERE kind = ? LIMIT 1", arguments: [info.kind])
            let fallback = Printers.layout(kind: info.kind, crdColumns: nil)
            var columns = layout.map { ($0["columns"] as String).split(separator: "\u{1F}").map(String.init) } ?? fallback.columns
            if wide { columns += layout.map { ($0["wide"] as String).split(separator: "\u{1F}").map(String.init) } ?? fallback.wideColumns }
            if showLabels { columns.append("LABELS") }
            var stream = RowStream(columns: columns, now: summary.gatheredAt) { each in
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try cursor.next() {
                    if let selector = query.selector, !selector.matches(Self.labels(row[5])) { continue }
                    try each(Self.tableRow(row, wide: wide, labels: showLabels ? row[5] as String? ?? "" : nil))
                }
            }
            if let name = query.name {
                // One name: a few rows, held, so that none found is an error before anything is printed.
                let rows = try stream.collected()
                if rows.isEmpty {
                    throw ExploreError.notFound(
                        kind: info.plural, name: name, scope: Self.describeScope(query.namespace, query.cluster),
                        suggestions: try self.nearNames(db, kind: info.kind, to: name, namespace: query.namespace, cluster: query.cluster))
                }
                stream = Table(columns: columns, rows: rows, now: summary.gatheredAt).stream
            }
            try read(stream)
            return columns
        }
    }

    /// The objects `get` lists, whole (for `-o yaml|json|name`).
    public func objects(_ query: GetQuery) throws -> [ExploredObject] {
        let info = try resolveKind(query.kind)
        try index([info.plural])
        try checkCluster(query.cluster)
        try checkNamespace(query.namespace, cluster: query.cluster)
        let (condition, arguments) = scope(kind: info.kind, name: query.name, namespace: query.namespace, cluster: query.cluster)
        return try db.read { db in
            var out: [ExploredObject] = []
            let cursor = try Row.fetchCursor(
                db,
                sql:
                    "SELECT cluster, kind, grp, apiVersion, namespace, name, labels, (SELECT path FROM file WHERE file.id = object.file) AS source, listIndex, body FROM object WHERE \(condition) ORDER BY cluster, namespace, name, id",
                arguments: arguments)
            while let row = try cursor.next() {
                if let selector = query.selector, !selector.matches(Self.labels(row["labels"])) { continue }
                out.append(try Self.object(row))
            }
            if let name = query.name, out.isEmpty {
                throw ExploreError.notFound(
                    kind: info.plural, name: name, scope: Self.describeScope(query.namespace, query.cluster),
                    suggestions: try self.nearNames(db, kind: info.kind, to: name, namespace: query.namespace, cluster: query.cluster))
            }
            return out
        }
    }

    // MARK: - describe

    /// One object with the events about it, oldest first. Several objects of that name: an error naming where.
    public func describe(kind: String, name: String, namespace: String? = nil, cluster: String? = nil) throws -> ObjectDescription {
        try index([try resolveKind(kind).plural, "events"])  // it and the events about it
        let found = try objects(GetQuery(kind: kind, name: name, namespace: namespace, cluster: cluster))
        guard found.count == 1, let object = found.first else {
            throw ExploreError.ambiguous(
                what: "\(kind) \"\(name)\"",
                candidates: found.map { o in [o.key.cluster, o.key.namespace].compactMap { $0 }.joined(separator: "/") })
        }
        let events = try db.read { db in
            try eventRows(
                db, columns: EventPrinter.columns,
                where: "involvedKind = ? AND involvedName = ? AND cluster = ? AND (involvedNamespace IS ? OR namespace IS ?)",
                arguments: [object.key.kind, object.key.name, object.key.cluster, object.key.namespace, object.key.namespace]
            ).collected()
        }
        let table = try get(GetQuery(kind: kind, name: name, namespace: object.key.namespace, cluster: object.key.cluster), wide: true)
        return ObjectDescription(
            object: object, columns: table.columns, cells: table.rows.first?.cells ?? [], events: events, now: summary.gatheredAt)
    }

    // MARK: - events

    /// Events, oldest first (by last seen), as `oc get events` shows them.
    public func events(_ query: EventQuery, wide: Bool = false) throws -> Table {
        var rows: [TableRow] = []
        let columns = try events(query, wide: wide) { rows = try $0.collected() }
        return Table(columns: columns, rows: rows, now: summary.gatheredAt)
    }

    /// The events `events(_:wide:)` returns, as a table `read` goes through row by row (`RowStream`: printing all
    /// events of a dump need not hold them); returns the columns.
    @discardableResult
    public func events(_ query: EventQuery, wide: Bool = false, read: (RowStream) throws -> Void) throws -> [String] {
        try index(["events"])
        try checkCluster(query.cluster)
        try checkNamespace(query.namespace, cluster: query.cluster)
        var conditions = ["kind = 'Event'"]
        var arguments: StatementArguments = []
        if let namespace = query.namespace { conditions.append("namespace = ?"); arguments += [namespace] }
        if let cluster = query.cluster { conditions.append("cluster = ?"); arguments += [cluster] }
        if let (kindWord, name) = query.involved {
            let info = try resolveKind(kindWord)
            try index([info.plural])
            let exists = try db.read { db in
                try Bool.fetchOne(
                    db,
                    sql:
                        "SELECT EXISTS(SELECT 1 FROM object WHERE kind = ? AND name = ?) OR EXISTS(SELECT 1 FROM object WHERE involvedKind = ? AND involvedName = ?)",
                    arguments: [info.kind, name, info.kind, name]) ?? false
            }
            if !exists {
                let near = try db.read { db in
                    try self.nearNames(db, kind: info.kind, to: name, namespace: query.namespace, cluster: query.cluster)
                }
                throw ExploreError.notFound(
                    kind: info.plural, name: name, scope: Self.describeScope(query.namespace, query.cluster), suggestions: near)
            }
            conditions.append("involvedKind = ? AND involvedName = ?")
            arguments += [info.kind, name]
        }
        if !query.types.isEmpty {
            conditions.append("LOWER(eventType) IN (\(query.types.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(query.types.map { $0.lowercased() })
        }
        let columns = EventPrinter.columns + (wide ? EventPrinter.wideColumns : [])
        try db.read { db in
            try read(
                eventRows(
                    db, columns: columns, where: conditions.joined(separator: " AND "), arguments: arguments, wide: wide,
                    inTimeOrder: query.involved == nil))
        }
        return columns
    }

    /// `inTimeOrder`: read the events along `object_event_order`, already in the order printed, rather than sorting
    /// them (a repeated query for all of them costs a tenth less); not for the few of one object, found by its index.
    /// Each pass over the stream runs the query again, within `db`'s read (the same rows each time).
    private func eventRows(
        _ db: Database, columns: [String], where condition: String, arguments: StatementArguments, wide: Bool = false,
        inTimeOrder: Bool = false
    ) -> RowStream {
        RowStream(columns: columns, now: summary.gatheredAt) { each in
            // A cursor, as in `get`: fetching all rows first copied each of them, a fifth of a query for all events.
            let cursor = try Row.fetchCursor(
                db,
                sql:
                    "SELECT cluster, kind, grp, namespace, name, NULL, sortTime, row, wide FROM object \(inTimeOrder ? "INDEXED BY object_event_order " : "")WHERE kind = 'Event' AND \(condition) ORDER BY sortTime IS NULL, sortTime, cluster, namespace, name, id",
                arguments: arguments)
            while let row = try cursor.next() { try each(Self.tableRow(row, wide: wide)) }
        }
    }

    // MARK: - logs

    /// Finds the log asked for and streams its lines (filtered, scrubbed) to `line`, in order. Reads the dump again
    /// (only that entry): the index knows where each log lies, not its text.
    @discardableResult
    public func logs(_ query: LogQuery, line: (LogLineOut) throws -> Void) throws -> LogSelection {
        try checkCluster(query.cluster)
        try checkNamespace(query.namespace, cluster: query.cluster)
        try index(["pods"])  // the pod's default container, and whether a pod without logs exists
        var selection = try selectLog(query)
        let now = summary.gatheredAt
        let since = query.sinceSeconds.flatMap { s in now.map { $0.adding(seconds: -s) } }
        let until = query.untilSeconds.flatMap { s in now.map { $0.adding(seconds: -s) } }
        let year = now.flatMap { Int($0.description.prefix(4)) }
        selection.problems = try LogReader(limits: limits, logger: logger).read(dump: path, entry: selection.path) { text in
            if let grep = query.grep, !text.contains(grep) { return }
            let time = (since != nil || until != nil) ? LogLineTime.of(text, year: year) : nil
            if let since, let time, time < since { return }
            if let until, let time, time > until { return }
            try line(LogLineOut(text: SecretScrubber.scrub(text), time: time))
        }
        return selection
    }

    /// Every log the dump holds for a pod: (container or nil, previous).
    public func logFiles(pod: String, namespace: String? = nil, cluster: String? = nil) throws -> [(
        cluster: String, namespace: String, container: String?, previous: Bool
    )] {
        try db.read { db in
            var sql = "SELECT cluster, namespace, container, previous FROM log WHERE pod = ?"
            var arguments: StatementArguments = [pod]
            if let namespace { sql += " AND namespace = ?"; arguments += [namespace] }
            if let cluster { sql += " AND cluster = ?"; arguments += [cluster] }
            return try Row.fetchAll(db, sql: sql + " ORDER BY cluster, namespace, container, previous", arguments: arguments).map {
                ($0["cluster"], $0["namespace"], $0["container"], $0["previous"])
            }
        }
    }

    private func selectLog(_ query: LogQuery) throws -> LogSelection {
        try db.read { db in
            var sql = "SELECT cluster, namespace, pod, container, previous, path FROM log WHERE pod = ?"
            var arguments: StatementArguments = [query.pod]
            if let namespace = query.namespace { sql += " AND namespace = ?"; arguments += [namespace] }
            if let cluster = query.cluster { sql += " AND cluster = ?"; arguments += [cluster] }
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY cluster, namespace, container", arguments: arguments)
            guard !rows.isEmpty else {
                let (podCondition, podArguments) = scope(kind: "Pod", name: query.pod, namespace: query.namespace, cluster: query.cluster)
                if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM object WHERE \(podCondition))", arguments: podArguments) == true
                {
                    throw ExploreError.noLog(pod: query.pod, reason: "the dump holds the pod but none of its logs")
                }
                let pods = try String.fetchAll(db, sql: "SELECT DISTINCT pod FROM log UNION SELECT name FROM object WHERE kind = 'Pod'")
                throw ExploreError.notFound(
                    kind: "pods", name: query.pod, scope: Self.describeScope(query.namespace, query.cluster),
                    suggestions: EditDistance.nearest(query.pod, among: pods))
            }
            let places = Set(rows.map { "\($0["cluster"] as String)/\($0["namespace"] as String)" })
            if places.count > 1 { throw ExploreError.ambiguous(what: "pod \"\(query.pod)\"", candidates: places.sorted()) }
            let sameAge = rows.filter { ($0["previous"] as Bool) == query.previous }
            let containers = Array(Set(sameAge.compactMap { $0["container"] as String? })).sorted()
            var chosen: Row?
            var defaulted: (String, [String])?
            if let container = query.container {
                chosen =
                    sameAge.first { ($0["container"] as String?) == container }
                    // MTC's gather writes one file for all of a pod's containers: any container name leads to it.
                    ?? sameAge.first { ($0["container"] as String?) == nil }
                if chosen == nil {
                    let all = Array(Set(rows.compactMap { $0["container"] as String? })).sorted()
                    throw ExploreError.noLog(
                        pod: query.pod,
                        reason:
                            "no \(query.previous ? "previous " : "")log of container \"\(container)\" (containers with logs: \(all.joined(separator: ", ")))"
                    )
                }
            } else if containers.count > 1 {
                let name = try self.defaultContainer(db, rows[0], among: containers)
                chosen = sameAge.first { ($0["container"] as String?) == name }
                defaulted = (name, containers)
            } else {
                chosen = sameAge.first
            }
            guard let chosen else {
                throw ExploreError.noLog(
                    pod: query.pod,
                    reason: query.previous
                        ? "the dump holds no previous log of it (no earlier container instance was gathered)"
                        : "the dump holds only its previous log (use --previous)")
            }
            return LogSelection(
                cluster: chosen["cluster"], namespace: chosen["namespace"], pod: chosen["pod"], container: chosen["container"],
                path: chosen["path"],
                defaulted: defaulted)
        }
    }

    /// The container `oc logs` picks: the pod's `kubectl.kubernetes.io/default-container`, else its first container.
    private func defaultContainer(_ db: Database, _ log: Row, among containers: [String]) throws -> String {
        if let data = try Data.fetchOne(
            db, sql: "SELECT body FROM object WHERE kind = 'Pod' AND cluster = ? AND namespace = ? AND name = ? LIMIT 1",
            arguments: [log["cluster"], log["namespace"], log["pod"]]), let pod = ValueCodec.decode([UInt8](data))
        {
            if let annotated = pod[path: "metadata.annotations"]["kubectl.kubernetes.io/default-container"].string,
                containers.contains(annotated)
            {
                return annotated
            }
            if let first = pod[path: "spec.containers"].array.compactMap({ $0["name"].string }).first(where: containers.contains) {
                return first
            }
        }
        return containers[0]
    }

    // MARK: - Helpers

    private func nearNames(_ db: Database, kind: String, to name: String, namespace: String?, cluster: String?) throws -> [String] {
        let (condition, arguments) = scope(kind: kind, name: nil, namespace: namespace, cluster: cluster)
        return EditDistance.nearest(
            name, among: try String.fetchAll(db, sql: "SELECT DISTINCT name FROM object WHERE \(condition)", arguments: arguments))
    }

    private static func describeScope(_ namespace: String?, _ cluster: String?) -> String {
        [namespace.map { "namespace \($0)" }, cluster.map { "cluster \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// A table row from `SELECT cluster, kind, grp, namespace, name, labels, sortTime, row, wide`, by position (GRDB's
    /// look-up by name lower-cases the name at every access); its cells left as the index keeps them.
    /// `labels`: the index's `labels` text, for a last LABELS cell after the wide ones.
    private static func tableRow(_ row: Row, wide: Bool, labels: String? = nil) -> TableRow {
        var extra: String? = wide ? row[8] ?? "" : nil
        if let labels { extra = CellCoding.appending([.text(labelsCell(labels))], to: extra ?? "") }
        return TableRow(
            key: ObjectKey(cluster: row[0], kind: row[1], group: row[2], namespace: row[3], name: row[4]), encoded: row[7] ?? "",
            wide: extra, time: (row[6] as Double?).map(Timestamp.init(secondsSince1970:)))
    }

    /// The LABELS cell of `oc get --show-labels`: `key=value` pairs by key, joined by commas, `<none>` without any;
    /// scrubbed as every cell is (the index keeps labels as gathered, for selectors).
    static func labelsCell(_ text: String) -> String {
        let pairs = labels(text).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return pairs.isEmpty ? "<none>" : SecretScrubber.scrub(pairs.joined(separator: ","))
    }

    private static func key(_ row: Row) -> ObjectKey {
        ObjectKey(cluster: row["cluster"], kind: row["kind"], group: row["grp"], namespace: row["namespace"], name: row["name"])
    }

    private static func labels(_ text: String?) -> [String: String] {
        var out: [String: String] = [:]
        for line in (text ?? "").split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    private static func object(_ row: Row) throws -> ExploredObject {
        let data: Data = row["body"]
        guard let body = ValueCodec.decode([UInt8](data)) else { throw DatabaseError(message: "index row not readable") }
        return ExploredObject(
            key: key(row), apiVersion: row["apiVersion"], body: Redaction.scrubbed(body),
            source: SourceRef(path: row["source"], listIndex: row["listIndex"]))
    }

}

/// One object with what `describe` shows besides it.
public struct ObjectDescription: Sendable {
    public let object: ExploredObject
    /// Its `get -o wide` row.
    public let columns: [String]
    public let cells: [Cell]
    /// Events about it, oldest first.
    public let events: [TableRow]
    public let now: Timestamp?
}
