import Foundation
import GRDB
import Logging
import MustardArchive
import MustardDump
import MustardModel

/// Streams a dump into an index: every object of every layout (decoded on the other cores while the archive
/// streams), where each container log lies, the gather time and what could not be read.
///
/// Events are most of a dump's objects (three in four on a large cluster) and only `events`, `describe`, `ls` and
/// `get events` read them, so the first pass can leave the event lists (`…/core/events.yaml`) for a second pass
/// made when one of those asks (`addEvents`): a first `get pods` then costs about what `mustard analyze` costs.
struct IndexBuilder {
    var limits: ArchiveLimits
    var yaml = YAMLReader()
    let logger: Logger

    /// Fills `db` (empty) from the dump at `path`. Throws only when nothing at all can be read. With `deferEvents`,
    /// the event lists are left for `addEvents` — unless the dump has no timestamp file, since the gather time then
    /// comes from the newest time of any object, events included.
    func build(_ path: String, into db: Database, deferEvents: Bool) throws {
        try IndexSchema.create(db)
        let visitor = try IndexingVisitor(
            db: db, pass: deferEvents ? .deferringEvents : .everything, yaml: yaml, maxFileBytes: limits.maxEntryBytes, logger: logger)
        let summary = try DumpWalker(limits: limits, logger: logger).walk(path, visitor: visitor)
        var deferred = visitor.deferredEventFiles > 0
        if deferred, !visitor.hasTimestampFile {
            try addEvents(path, into: db)
            deferred = false
        }
        try visitor.finish(summary: summary, eventsDeferred: deferred)
        try IndexSchema.finish(db)
    }

    /// The second pass: reads only the event lists the first one left, adds their events, and marks the index whole.
    func addEvents(_ path: String, into db: Database) throws {
        let visitor = try IndexingVisitor(db: db, pass: .eventsOnly, yaml: yaml, maxFileBytes: limits.maxEntryBytes, logger: logger)
        _ = try DumpWalker(limits: limits, logger: logger).walk(path, visitor: visitor)
        try visitor.finishEvents()
    }
}

/// Which files a walk indexes.
private enum IndexPass {
    case everything
    /// All but the event lists (`FileRole.objects(resource: "events")`).
    case deferringEvents
    /// Only the event lists.
    case eventsOnly
}

/// The walker's visitor: decodes on other cores, writes rows on the walker's thread.
private final class IndexingVisitor: DumpVisitor {
    private let db: Database
    private let pass: IndexPass
    private let yaml: YAMLReader
    private let maxFileBytes: Int
    private let logger: Logger
    private let decoder = ParallelDecoder<PreparedFile>()
    private let insertObject: Statement
    private let insertLog: Statement
    private var seen: Set<String> = []
    private var podLists: Set<String> = []
    private var namespaces: Set<[String]> = []
    private var clusters: [String: String?] = [:]
    private var layouts: Set<Layout> = []
    private var crds: [String: (KindInfo, [PrinterColumn])] = [:]
    private var issues: [LoadIssue] = []
    private var droppedIssues = 0
    private var timestampFile: (time: Timestamp, path: String)?
    /// Event lists left for the events pass.
    private(set) var deferredEventFiles = 0
    var hasTimestampFile: Bool { timestampFile != nil }
    private static let maxIssues = 500

    struct PreparedFile: Sendable {
        var objects: [PreparedObject] = []
        var issues: [LoadIssue] = []
    }

    init(db: Database, pass: IndexPass, yaml: YAMLReader, maxFileBytes: Int, logger: Logger) throws {
        self.db = db
        self.pass = pass
        self.yaml = yaml
        self.maxFileBytes = maxFileBytes
        self.logger = logger
        insertObject = try db.makeStatement(
            sql: """
                INSERT INTO object(cluster, kind, grp, apiVersion, namespace, name, created, sortTime, labels, involvedKind,
                    involvedNamespace, involvedName, eventType, source, listIndex, row, wide, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertLog = try db.makeStatement(
            sql: "INSERT INTO log(cluster, namespace, pod, container, previous, path, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)")
        if pass == .eventsOnly {
            // Events the first pass found in other files (a list of no named kind) are in already.
            for row in try Row.fetchAll(db, sql: "SELECT cluster, apiVersion, kind, namespace, name FROM object WHERE kind = 'Event'") {
                seen.insert(
                    [row[0] as String, row[1] as String, row[2] as String, row[3] as String? ?? "", row[4] as String].joined(separator: "\u{0}"))
            }
        }
    }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        guard entry.type == .regular else { return .none }
        if pass == .eventsOnly {
            // Everything else was recorded by the first pass.
            guard let location = Location.locate(entry.path), location.role == .objects(resource: "events") else { return .none }
            return .content
        }
        if entry.path.components.last == "timestamp" { return .content }
        guard let location = Location.locate(entry.path) else { return .none }
        layouts.insert(location.layout)
        if clusters[location.cluster] == nil { clusters[location.cluster] = .some(nil) }
        if let ns = location.namespace { namespaces.insert([location.cluster, ns]) }
        switch location.role {
        case .objects(let resource):
            if resource == "pods", let ns = location.namespace { podLists.insert("\(location.cluster)/\(ns)") }
            if resource == "events", pass == .deferringEvents {
                deferredEventFiles += 1
                return .none
            }
            return .content
        case .podCopy(let ns):
            // `oc adm inspect` writes each pod twice; the copy is read only when the namespace's list was not.
            return podLists.contains("\(location.cluster)/\(ns)") ? .none : .content
        case .log(let ns, let pod, let container, let previous):
            // Logs are not read now: the index notes where they lie, and `logs` reads the one asked for.
            record(log: [location.cluster, ns, pod, container, previous, entry.path.description, entry.declaredSize])
            return .none
        case .migplanText(let file):
            record(log: [location.cluster, MTC.namespace, file, nil, false, entry.path.description, entry.declaredSize])
            return .none
        case .loginError:
            return .content
        case .ignored:
            return .none
        }
    }

    private func record(log arguments: StatementArguments) {
        do { try insertLog.execute(arguments: arguments) } catch { logger.warning("index: \(error)") }
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        let path = entry.path.description
        if entry.path.components.last == "timestamp" {
            let text = String(decoding: try content.readAll().prefix(64 << 10), as: UTF8.self)
            let times = text.split(whereSeparator: \.isNewline).compactMap { Timestamp(goTime: String($0)) }
            if let latest = times.max(), timestampFile.map({ latest > $0.time }) ?? true { timestampFile = (latest, path) }
            return
        }
        guard let location = Location.locate(entry.path) else { return }
        switch location.role {
        case .objects, .podCopy:
            if let size = entry.declaredSize, size > maxFileBytes { throw EntryReadError.tooLarge(limit: maxFileBytes) }
            let bytes = try content.readAll()
            let yaml = self.yaml, cluster = location.cluster
            decoder.submit {
                let decoded = ObjectDocuments.decode(bytes, path: path, yaml: yaml)
                return PreparedFile(
                    objects: decoded.objects.map { PreparedObject($0.0, cluster: cluster, source: $0.1) }, issues: decoded.issues)
            }
            for file in decoder.takeReady() { try merge(file) }
        case .loginError:
            let text = SecretScrubber.scrub(
                String(decoding: try content.readAll().prefix(4096), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            clusters[location.cluster] = .some(text.isEmpty ? "no reason given" : text)
            add(
                LoadIssue(
                    path: path, severity: .warning,
                    message: "the gather could not log in to cluster \(location.cluster): nothing was gathered from it"))
        default:
            return
        }
    }

    func report(_ issue: ArchiveIssue) {
        let severity: LoadIssue.Severity = issue.severity == .error ? .error : issue.severity == .warning ? .warning : .info
        add(LoadIssue(path: issue.path, severity: severity, message: issue.message, damaged: issue.damaged))
    }

    private func add(_ issue: LoadIssue) {
        if issues.count < Self.maxIssues { issues.append(issue) } else { droppedIssues += 1 }
    }

    /// Writes one decoded file's objects, the first copy of each object winning (inspect writes pods twice).
    private func merge(_ file: PreparedFile) throws {
        for issue in file.issues { add(issue) }
        for o in file.objects {
            let identity = [o.cluster, o.apiVersion, o.kind, o.namespace ?? "", o.name].joined(separator: "\u{0}")
            guard seen.insert(identity).inserted else { continue }
            if let ns = o.namespace { namespaces.insert([o.cluster, ns]) }
            if o.kind == "Namespace" { namespaces.insert([o.cluster, o.name]) }
            if let defined = o.definedKind { crds["\(defined.info.kind)\u{0}\(defined.info.group)"] = defined }
            try insertObject.execute(arguments: [
                o.cluster, o.kind, o.group, o.apiVersion, o.namespace, o.name, o.created?.secondsSince1970, o.sortTime?.secondsSince1970,
                o.labels, o.involved.kind, o.involved.namespace, o.involved.name, o.eventType, o.source.path, o.source.listIndex,
                o.row, o.wide, Data(o.body),
            ])
        }
    }

    /// After the events pass: its events in, their layout and counts, its load issues, and the index marked whole.
    func finishEvents() throws {
        for file in decoder.drain() { try merge(file) }
        try writeKindLayouts(
            try Row.fetchAll(
                db, sql: "SELECT kind, grp, MAX(namespace IS NOT NULL) AS namespaced FROM object WHERE kind = 'Event' GROUP BY kind, grp"),
            crds: [:])
        // The first pass's stand-in for the kind, when the lists held none of core's events.
        try db.execute(
            sql: "DELETE FROM kindLayout WHERE kind = 'Event' AND grp = '' AND NOT EXISTS(SELECT 1 FROM object WHERE kind = 'Event' AND grp = '')")
        if try db.tableExists("kindCount") {
            try db.execute(
                sql: """
                    DELETE FROM kindCount WHERE kind = 'Event';
                    INSERT INTO kindCount SELECT cluster, kind, grp, COUNT(*) AS n FROM object WHERE kind = 'Event' GROUP BY cluster, kind, grp;
                    """)
        }
        // What the archive holds wrong was met by the first pass too: only what is new is added.
        try writeIssues(dedupe: true)
        try db.execute(sql: "DELETE FROM meta WHERE key = 'eventsDeferred'")
    }

    /// One layout per kind found, with the names it answers to.
    private func writeKindLayouts(_ kinds: [Row], crds: [String: (KindInfo, [PrinterColumn])]) throws {
        func crdColumns(_ kind: String, _ group: String) -> [PrinterColumn]? { crds["\(kind)\u{0}\(group)"]?.1 }
        let catalog = KindCatalog(seen: crds.values.map(\.0))
        for row in kinds {
            let kind: String = row["kind"], group: String = row["grp"], namespaced: Bool = row["namespaced"]
            let known = catalog.kinds.first { $0.kind == kind && $0.group == group } ?? catalog.kinds.first { $0.kind == kind }
            let layout = Printers.layout(kind: kind, crdColumns: crdColumns(kind, group))
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO kindLayout(kind, grp, plural, shortNames, namespaced, columns, wide) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    kind, group, known?.plural ?? KindCatalog.guessedPlural(of: kind), (known?.shortNames ?? []).joined(separator: ","),
                    namespaced, layout.columns.joined(separator: "\u{1F}"), layout.wideColumns.joined(separator: "\u{1F}"),
                ])
        }
    }

    /// The load issues, in order, with how many were left out past the cap. `dedupe`: leave out those already there.
    private func writeIssues(dedupe: Bool) throws {
        if droppedIssues > 0 {
            issues.append(
                LoadIssue(path: issues.last?.path ?? "", severity: .warning, message: "…and \(droppedIssues) more issue(s)", damaged: false)
            )
        }
        let insert =
            dedupe
            ? "INSERT INTO issue(path, severity, message, damaged) SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS(SELECT 1 FROM issue WHERE path = ?1 AND message = ?3)"
            : "INSERT INTO issue(path, severity, message, damaged) VALUES (?1, ?2, ?3, ?4)"
        for issue in issues.sorted() {
            try db.execute(sql: insert, arguments: [issue.path, issue.severity.rawValue, issue.message, issue.damaged])
        }
    }

    /// Drains the decoders, makes the rows that waited for the CRDs, and writes what `ls` tells. `eventsDeferred`:
    /// the event lists wait for the events pass; the index says so, and `Event` is a kind already.
    func finish(summary: WalkSummary, eventsDeferred: Bool) throws {
        for file in decoder.drain() { try merge(file) }
        for (info, columns) in crds.values {
            try db.execute(
                sql: "INSERT OR REPLACE INTO crdColumns(kind, grp, plural, shortNames, namespaced, columns) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    info.kind, info.group, info.plural, info.shortNames.joined(separator: ","), info.namespaced,
                    try JSONEncoder().encode(columns),
                ])
        }
        func crdColumns(_ kind: String, _ group: String) -> [PrinterColumn]? { crds["\(kind)\u{0}\(group)"]?.1 }

        // Custom resources: their columns come from the dump's CRD, when it holds one.
        let update = try db.makeStatement(sql: "UPDATE object SET row = ?, wide = ? WHERE id = ?")
        let waiting = try Row.fetchAll(db, sql: "SELECT id, kind, grp, body FROM object WHERE row IS NULL")
        for row in waiting {
            let kind: String = row["kind"], group: String = row["grp"], bytes: Data = row["body"]
            guard let body = ValueCodec.decode([UInt8](bytes)) else { continue }
            let layout = Printers.layout(kind: kind, crdColumns: crdColumns(kind, group))
            try update.execute(arguments: [
                CellCoding.encode(Redaction.scrubbed(layout.cells(body))), CellCoding.encode(Redaction.scrubbed(layout.wideCells(body))),
                row["id"] as Int64,
            ])
        }
        let found = "SELECT kind, grp, MAX(namespace IS NOT NULL) AS namespaced FROM object GROUP BY kind, grp"
        try writeKindLayouts(
            try Row.fetchAll(db, sql: eventsDeferred ? found + " UNION SELECT 'Event', '', 1" : found), crds: crds)

        for key in namespaces {
            try db.execute(sql: "INSERT OR IGNORE INTO namespace(cluster, name) VALUES (?, ?)", arguments: [key[0], key[1]])
        }
        for (name, loginError) in clusters {
            try db.execute(sql: "INSERT INTO cluster(name, loginError) VALUES (?, ?)", arguments: [name, loginError])
        }
        for layout in layouts { try db.execute(sql: "INSERT INTO layout(name) VALUES (?)", arguments: [layout.rawValue]) }
        try writeIssues(dedupe: false)

        var meta: [String: String] = [
            "schema": IndexSchema.version, "format": summary.format, "entries": String(summary.entries),
            "nestedArchives": String(summary.nestedArchives), "complete": "1",
        ]
        if eventsDeferred { meta["eventsDeferred"] = String(deferredEventFiles) }
        if let file = timestampFile {
            meta["gatheredAt"] = String(file.time.secondsSince1970)
            meta["gatherTimeSource"] = "timestamp file " + file.path
        } else if let newest = try Double.fetchOne(
            db, sql: "SELECT MAX(MAX(COALESCE(sortTime, 0)), MAX(COALESCE(created, 0))) FROM object"),
            newest > 0
        {
            meta["gatheredAt"] = String(newest)
            meta["gatherTimeSource"] = "newest time in the dump (no timestamp file)"
        }
        for (key, value) in meta { try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: [key, value]) }
    }
}
