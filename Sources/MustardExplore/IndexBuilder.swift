import Foundation
import GRDB
import Logging
import MustardArchive
import MustardDump
import MustardModel

/// Streams a dump into an index: every object of every layout (decoded on the other cores while the archive
/// streams), where each container log lies, the gather time and what could not be read.
///
/// Decoding and storing every object costs about twice `mustard analyze`, which reads only what its rules need, and a
/// question reads one or two kinds: the first walk reads the object files of the resources asked for (plus those its
/// path does not name, and Namespaces, which namespaces depend on; of CRDs, which kinds and columns depend on, only
/// what they define) and notes the others in `deferred`; a
/// later question walks again for the resources it needs (`addDeferred`). The path names the resource of nearly every
/// file (`…/core/pods.yaml`, `crs/<plural>.<group>/…`); a file whose name lies about what it holds is found only once
/// everything is indexed. `ls` needs only how many objects of each kind there are: a walk that counts decodes the
/// files left and notes each object's identity, not its row or body (`deferredCount`), which costs about what
/// `analyze` does.
struct IndexBuilder {
    var limits: ArchiveLimits
    var yaml = YAMLReader()
    let logger: Logger

    /// Resources whose files the first walk always reads: the namespaces of the rest depend on them.
    static let alwaysRead: Set<String> = ["namespaces"]
    /// The kinds and printer columns of the rest depend on the CRDs: when they are not asked for, the first walk reads
    /// only what each defines (`PreparedObject.definitionPruning`: a CRD's schemas, most of its bytes, are moved past
    /// unread) and leaves their files for the first question about CRDs themselves.
    static let definitions = "customresourcedefinitions"

    /// Fills `db` (empty) from the dump at `path`. Throws only when nothing at all can be read. `resources`: the
    /// plurals to read now (nil: all); `counting`: the files of the others are counted by kind. Without a timestamp
    /// file everything is read: the gather time is then the newest time of any object.
    func build(_ path: String, into db: Database, resources: Set<String>?, counting: Bool = false) throws {
        try IndexSchema.create(db)
        let visitor = try IndexingVisitor(
            db: db, pass: .first(reading: resources.map { $0.union(Self.alwaysRead) }, counting: counting && resources != nil), yaml: yaml,
            maxFileBytes: limits.maxEntryBytes, logger: logger)
        let summary = try DumpWalker(limits: limits, logger: logger).walk(path, visitor: visitor)
        try visitor.writeDeferred()
        try visitor.finish(summary: summary)
        try IndexSchema.finish(db, kindCounts: visitor.kindCounts)
        if !visitor.deferred.isEmpty, !visitor.hasTimestampFile {
            try addDeferred(path, into: db, resources: nil)
            try Self.writeNewestTime(db)
        }
    }

    /// Without a timestamp file, the gather time is the newest time of any object (written again once all are in).
    static func writeNewestTime(_ db: Database) throws {
        guard let newest = try Double.fetchOne(db, sql: "SELECT MAX(MAX(COALESCE(sortTime, 0)), MAX(COALESCE(created, 0))) FROM object"),
            newest > 0
        else { return }
        try writeNewestTime(newest, db)
    }

    static func writeNewestTime(_ newest: Double, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('gatheredAt', ?), ('gatherTimeSource', ?)",
            arguments: [String(newest), "newest time in the dump (no timestamp file)"])
    }

    /// A later walk: reads the files the first one left of `resources` (nil: all it left) into the index; `counting`:
    /// counts the files of the rest, unless an earlier walk did. Does not walk when nothing is left to do (another run
    /// did it).
    func addDeferred(_ path: String, into db: Database, resources: Set<String>?, counting: Bool = false) throws {
        let left = Set(try String.fetchAll(db, sql: "SELECT resource FROM deferred"))
        let reading = resources.map { left.intersection($0) } ?? left
        let counted = try IndexSchema.restIsCounted(db)
        let countingNow = counting && !counted ? left.subtracting(reading) : []
        guard !reading.isEmpty || !countingNow.isEmpty else { return }
        logger.debug("indexing \(reading.sorted().joined(separator: ", "))\(countingNow.isEmpty ? "" : ", counting the rest")")
        let visitor = try IndexingVisitor(
            db: db, pass: .later(reading: reading, counting: countingNow), yaml: yaml, maxFileBytes: limits.maxEntryBytes, logger: logger)
        _ = try DumpWalker(limits: limits, logger: logger).walk(path, visitor: visitor)
        try visitor.finishLater(reading, counted: counting || counted)
    }
}

/// Which object files a walk reads, and which it only counts.
private enum IndexPass: Equatable {
    /// The first walk: notes everything the paths tell (clusters, namespaces, logs, the timestamp) and reads the files
    /// of these resources and those whose path names none (nil: every file); `counting`: counts the others' objects.
    case first(reading: Set<String>?, counting: Bool)
    /// A later walk: only the files of these resources, which the first one left, and counts those of `counting`.
    case later(reading: Set<String>, counting: Set<String>)
}

/// The walker's visitor: decodes on other cores, writes rows on the walker's thread.
private final class IndexingVisitor: DumpVisitor {
    private let db: Database
    private let pass: IndexPass
    private let yaml: YAMLReader
    /// `yaml`, moving past what a CRD's definition does not need.
    private let definitionsYAML: YAMLReader
    /// `yaml`, moving past all but what identifies an object (`CountedObject`), for files only counted.
    private let countingYAML: YAMLReader
    private let maxFileBytes: Int
    private let logger: Logger
    private let decoder = ParallelDecoder<PreparedFile>()
    private let insertObject: RowInsert
    private let insertLog: RowInsert
    private var seen: Set<ObjectIdentity> = []
    /// The files objects came from, by path, with their numbers in `file`.
    private var files: [String: Int64] = [:]
    private var podLists: Set<String> = []
    private var namespaces: Set<[String]> = []
    private var clusters: [String: String?] = [:]
    private var layouts: Set<Layout> = []
    private var crds: [String: (KindInfo, [PrinterColumn])] = [:]
    /// CRDs whose definition was read (not indexed), by identity: the first copy wins, as for objects.
    private var definitionsSeen: Set<ObjectIdentity> = []
    private var issues: [LoadIssue] = []
    private var droppedIssues = 0
    private var timestampFile: (time: Timestamp, path: String)?
    /// Files the first walk left, by resource.
    private(set) var deferred: [String: Int] = [:]
    var hasTimestampFile: Bool { timestampFile != nil }
    private static let maxIssues = 500

    /// Objects of files only counted, by identity (the first copy wins, as for the objects indexed).
    private var counted: [ObjectIdentity: CountedObject] = [:]

    /// What the first walk put in the object table, tallied as the rows go in, so that finishing it does not read the
    /// whole table again for each (a 1 GB dump's events are a table of 100 MB; each scan took 50 ms): by kind and group,
    /// whether any is namespaced; by cluster, kind and group, how many; the newest time; whether a row waits for its
    /// CRD's columns.
    private var kindsIndexed: [[String]: Bool] = [:]
    private var countsIndexed: [[String]: Int] = [:]
    private var newestIndexed = 0.0
    private var rowsWaiting = false

    /// A later walk that adds more rows than the table held drops the object indexes then and makes them again at its
    /// end: keeping them up to date row by row cost more than making them once (an `events` after a first `get pods`
    /// on the 1 GB dump adds 74,000 events to 10,000 pods). Adding a few rows to a large table keeps them.
    private var rowsBefore = 0
    private var rowsAdded = 0
    private var indexesDropped = false

    struct PreparedFile: Sendable {
        var objects: [PreparedObject] = []
        var counted: [CountedObject] = []
        /// What the CRDs of a file only read for their definitions define, with each CRD's identity.
        var definitions: [(identity: ObjectIdentity, kind: (info: KindInfo, columns: [PrinterColumn]))] = []
        var issues: [LoadIssue] = []
    }

    /// What a count keeps of an object: whose file it came from and what kind it is.
    struct CountedObject: Sendable {
        let identity: ObjectIdentity
        let resource: String
        let cluster: String
        let kind: String
        let group: String
        let namespace: String?

        init(_ raw: Value, cluster: String, resource: String) {
            kind = raw["kind"].string ?? ""
            group = KubeObject.group(ofAPIVersion: raw["apiVersion"].string ?? "")
            namespace = raw["metadata"]["namespace"].string
            identity = IndexingVisitor.identity(of: raw, cluster: cluster)
            self.resource = resource
            self.cluster = cluster
        }
    }

    /// Where `crds` keeps a kind's definition.
    static func crdKey(_ kind: String, _ group: String) -> String { "\(kind)\u{0}\(group)" }

    /// `identity(cluster:apiVersion:kind:namespace:name:)` of a decoded object.
    static func identity(of raw: Value, cluster: String) -> ObjectIdentity {
        identity(
            cluster: cluster, apiVersion: raw["apiVersion"].string ?? "", kind: raw["kind"].string ?? "",
            namespace: raw["metadata"]["namespace"].string, name: raw["metadata"]["name"].string ?? "")
    }

    /// One object, wherever it was gathered: the first copy is indexed or counted, the others left out. Its 128-bit
    /// hash (`ObjectIdentity`, as the loader tells copies apart), not its names joined: making and hashing that text
    /// for every object was a tenth of what storing an event cost.
    static func identity(cluster: String, apiVersion: String, kind: String, namespace: String?, name: String) -> ObjectIdentity {
        ObjectIdentity(cluster, apiVersion: apiVersion, kind: kind, namespace: namespace ?? "", name: name)
    }

    init(db: Database, pass: IndexPass, yaml: YAMLReader, maxFileBytes: Int, logger: Logger) throws {
        self.db = db
        self.pass = pass
        self.yaml = yaml
        var definitionsYAML = yaml
        definitionsYAML.pruning = PreparedObject.definitionPruning
        self.definitionsYAML = definitionsYAML
        var countingYAML = yaml
        countingYAML.pruning = ObjectDocuments.identityPruning
        self.countingYAML = countingYAML
        self.maxFileBytes = maxFileBytes
        self.logger = logger
        insertObject = try RowInsert.objects(db)
        insertLog = try RowInsert.logs(db)
        if case .later = pass {
            // Objects already in (from files whose path names no resource, or named wrongly) are not added twice.
            for row in try Row.fetchAll(db, sql: "SELECT cluster, apiVersion, kind, namespace, name FROM object") {
                seen.insert(Self.identity(cluster: row[0], apiVersion: row[1], kind: row[2], namespace: row[3], name: row[4]))
            }
            rowsBefore = seen.count
            for row in try Row.fetchAll(db, sql: "SELECT id, path FROM file") { files[row["path"]] = row["id"] }
            for row in try Row.fetchAll(db, sql: "SELECT kind, grp, plural, shortNames, namespaced, columns FROM crdColumns") {
                let short: String = row["shortNames"], columns: Data = row["columns"]
                let info = KindInfo(
                    kind: row["kind"], group: row["grp"], plural: row["plural"], shortNames: short.split(separator: ",").map(String.init),
                    namespaced: row["namespaced"])
                crds[Self.crdKey(info.kind, info.group)] = (info, (try? JSONDecoder().decode([PrinterColumn].self, from: columns)) ?? [])
            }
        }
    }

    /// Whether this walk reads the object files of `resource` (nil: the path names none).
    private func reads(_ resource: String?) -> Bool {
        switch pass {
        case .first(let reading, _): return resource == nil || reading?.contains(resource ?? "") ?? true
        case .later(let reading, _): return resource.map(reading.contains) ?? false
        }
    }

    /// The resource a file of objects holds, as its path names it.
    private static func resource(of role: FileRole) -> String? {
        switch role {
        case .objects(let resource): return resource
        case .podCopy: return "pods"
        default: return nil
        }
    }

    /// Whether this walk counts the objects of files of `resource` it does not read.
    private func counts(_ resource: String) -> Bool {
        switch pass {
        case .first(_, let counting): return counting && !reads(resource)
        case .later(_, let counting): return counting.contains(resource)
        }
    }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        guard entry.type == .regular else { return .none }
        if case .later = pass {
            // The rest was noted by the first walk.
            guard let location = Location.locate(entry.path) else { return .none }
            switch location.role {
            case .objects(let resource):
                if resource == "pods", let ns = location.namespace { podLists.insert("\(location.cluster)/\(ns)") }
                return reads(resource) || resource.map(counts) == true ? .content : .none
            case .podCopy(let ns):
                return (reads("pods") || counts("pods")) && !podLists.contains("\(location.cluster)/\(ns)") ? .content : .none
            default:
                return .none
            }
        }
        if entry.path.components.last == "timestamp" { return .content }
        guard let location = Location.locate(entry.path) else { return .none }
        layouts.insert(location.layout)
        if clusters[location.cluster] == nil { clusters[location.cluster] = .some(nil) }
        if let ns = location.namespace { namespaces.insert([location.cluster, ns]) }
        switch location.role {
        case .objects(let resource):
            if resource == "pods", let ns = location.namespace { podLists.insert("\(location.cluster)/\(ns)") }
            guard reads(resource) else {
                guard let resource else { return .none }
                deferred[resource, default: 0] += 1
                return counts(resource) || resource == IndexBuilder.definitions ? .content : .none
            }
            return .content
        case .podCopy(let ns):
            // `oc adm inspect` writes each pod twice; the copy is read only when the namespace's list was not.
            guard !podLists.contains("\(location.cluster)/\(ns)") else { return .none }
            guard reads("pods") else {
                deferred["pods", default: 0] += 1
                return counts("pods") ? .content : .none
            }
            return .content
        case .log(let ns, let pod, let container, let previous):
            // Logs are not read now: the index notes where they lie, and `logs` reads the one asked for.
            record(logOf: location.cluster, namespace: ns, pod: pod, container: container, previous: previous, entry)
            return .none
        case .migplanText(let file):
            record(logOf: location.cluster, namespace: MTC.namespace, pod: file, container: nil, previous: false, entry)
            return .none
        case .loginError:
            return .content
        case .ignored:
            return .none
        }
    }

    private func record(logOf cluster: String, namespace: String, pod: String, container: String?, previous: Bool, _ entry: ArchiveEntry) {
        do {
            try insertLog.insert { row in
                row.text(cluster)
                row.text(namespace)
                row.text(pod)
                row.text(container)
                row.int(previous ? 1 : 0)
                row.text(entry.path.description)
                row.int(entry.declaredSize)
            }
        } catch { logger.warning("index: \(error)") }
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
            // A file this walk does not read for its question is only counted (it came for `ls`), or only read for
            // the kinds it defines (a CRD file), or both.
            let countedAs = Self.resource(of: location.role).flatMap { reads($0) ? nil : $0 }
            let work: @Sendable () -> PreparedFile
            if countedAs == IndexBuilder.definitions, case .first = pass {
                let counting = counts(IndexBuilder.definitions), definitionsYAML = self.definitionsYAML
                work = {
                    let decoded = ObjectDocuments.decode(bytes, path: path, yaml: definitionsYAML)
                    return PreparedFile(
                        counted: counting ? decoded.objects.map { CountedObject($0.0, cluster: cluster, resource: IndexBuilder.definitions) } : [],
                        definitions: decoded.objects.compactMap { object, _ in
                            guard object["kind"].string == "CustomResourceDefinition", let kind = PreparedObject.definition(ofCRD: object)
                            else { return nil }
                            return (Self.identity(of: object, cluster: cluster), kind)
                        },
                        issues: decoded.issues)
                }
            } else if let countedAs {
                let countingYAML = self.countingYAML
                work = {
                    let decoded = ObjectDocuments.decode(bytes, path: path, yaml: countingYAML)
                    return PreparedFile(
                        counted: decoded.objects.map { CountedObject($0.0, cluster: cluster, resource: countedAs) }, issues: decoded.issues)
                }
            } else {
                work = {
                    let decoded = ObjectDocuments.decode(bytes, path: path, yaml: yaml)
                    return PreparedFile(
                        objects: decoded.objects.map { PreparedObject($0.0, cluster: cluster, source: $0.1) }, issues: decoded.issues)
                }
            }
            decoder.submit(work)
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
        for d in file.definitions where !seen.contains(d.identity) && definitionsSeen.insert(d.identity).inserted {
            crds[Self.crdKey(d.kind.info.kind, d.kind.info.group)] = d.kind
        }
        for o in file.counted where !seen.contains(o.identity) && counted[o.identity] == nil {
            counted[o.identity] = o
            if let ns = o.namespace { namespaces.insert([o.cluster, ns]) }
        }
        // A file's objects all came from its path: its number is looked up once. They mostly share a cluster,
        // namespace and kind, so each run of equal ones is noted once (arrays made and hashed for each of a list's
        // events were a fifth of merging it).
        var fileID: Int64?
        var run: (cluster: String, namespace: String?, kind: String, group: String, count: Int)?
        for o in file.objects {
            let identity = Self.identity(cluster: o.cluster, apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name)
            guard seen.insert(identity).inserted else { continue }
            if o.kind == "Namespace" { namespaces.insert([o.cluster, o.name]) }
            if let defined = o.definedKind, !definitionsSeen.contains(identity) { crds[Self.crdKey(defined.info.kind, defined.info.group)] = defined }
            let id = try fileID ?? fileNumber(o.source.path)
            fileID = id
            try insertObject.insert(o, file: id)
            rowsAdded += 1
            if case .later = pass, !indexesDropped, rowsAdded > rowsBefore {
                try IndexSchema.dropObjectIndexes(db)
                indexesDropped = true
                logger.debug(
                    "more rows than the index held: its object indexes are made again after the walk", metadata: ["rowsBefore": "\(rowsBefore)"])
            }
            if let r = run, r.cluster == o.cluster, r.namespace == o.namespace, r.kind == o.kind, r.group == o.group {
                run?.count += 1
            } else {
                if let r = run { noteIndexed(r) }
                run = (o.cluster, o.namespace, o.kind, o.group, 1)
            }
            newestIndexed = max(newestIndexed, o.sortTime?.secondsSince1970 ?? 0, o.created?.secondsSince1970 ?? 0)
            if o.row == nil { rowsWaiting = true }
        }
        if let r = run { noteIndexed(r) }
    }

    /// `count` objects indexed of one cluster, namespace (nil: cluster-scoped) and kind.
    private func noteIndexed(_ r: (cluster: String, namespace: String?, kind: String, group: String, count: Int)) {
        if let ns = r.namespace { namespaces.insert([r.cluster, ns]) }
        kindsIndexed[[r.kind, r.group], default: false] = kindsIndexed[[r.kind, r.group]] == true || r.namespace != nil
        countsIndexed[[r.cluster, r.kind, r.group], default: 0] += r.count
    }

    /// The number of the file at `path` in `file`, added the first time.
    private func fileNumber(_ path: String) throws -> Int64 {
        if let known = files[path] { return known }
        try db.execute(sql: "INSERT INTO file(path) VALUES (?)", arguments: [path])
        files[path] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// The files left, by resource, for later walks.
    func writeDeferred() throws {
        for (resource, files) in deferred.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO deferred(resource, files) VALUES (?, ?)", arguments: [resource, files])
        }
    }

    /// After a later walk: its objects in, the rows that waited for their CRD's columns, kinds and counts again,
    /// its load issues and namespaces, and its resources no longer left. `counted`: the rest is counted (now or
    /// before).
    func finishLater(_ reading: Set<String>, counted restCounted: Bool) throws {
        for file in decoder.drain() { try merge(file) }
        if indexesDropped { try IndexSchema.createObjectIndexes(db) }
        try fillCustomRows()
        try writeKindLayouts(
            try Row.fetchAll(db, sql: "SELECT kind, grp, MAX(namespace IS NOT NULL) AS namespaced FROM object GROUP BY kind, grp"))
        try db.execute(
            sql: """
                DELETE FROM kindCount;
                INSERT INTO kindCount SELECT cluster, kind, grp, COUNT(*) AS n FROM object GROUP BY cluster, kind, grp;
                """)
        for key in namespaces.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try db.execute(sql: "INSERT OR IGNORE INTO namespace(cluster, name) VALUES (?, ?)", arguments: [key[0], key[1]])
        }
        // What the archive holds wrong was met by the first walk too: only what is new is added.
        try writeIssues(dedupe: true)
        for resource in reading {
            try db.execute(sql: "DELETE FROM deferred WHERE resource = ?", arguments: [resource])
            try db.execute(sql: "DELETE FROM deferredCount WHERE resource = ?", arguments: [resource])
        }
        try writeCounts()
        if restCounted { try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('restCounted', '1')") }
    }

    /// How many objects of each kind the files only counted hold, leaving out those indexed from another file.
    private func writeCounts() throws {
        var tally: [[String]: Int] = [:]
        for o in counted.values where !seen.contains(o.identity) { tally[[o.resource, o.cluster, o.kind, o.group], default: 0] += 1 }
        let catalog = KindCatalog(seen: crds.keys.sorted().map { crds[$0]!.0 })
        for (key, n) in tally.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let known = catalog.kinds.first { $0.kind == key[2] && $0.group == key[3] } ?? catalog.kinds.first { $0.kind == key[2] }
            try db.execute(
                sql: "INSERT INTO deferredCount(resource, cluster, kind, grp, plural, n) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key[0], key[1], key[2], key[3], known?.plural ?? KindCatalog.guessedPlural(of: key[2]), n])
        }
    }

    /// The CRDs' printer columns kept, and the rows of custom resources (they wait for them) made.
    private func fillCustomRows(rowsWaiting: Bool = true) throws {
        // In one order, keys sorted: the same dump makes the same index (a dictionary's order and `JSONEncoder`'s keys
        // vary from run to run).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for key in crds.keys.sorted() {
            let (info, columns) = crds[key]!
            try db.execute(
                sql: "INSERT OR REPLACE INTO crdColumns(kind, grp, plural, shortNames, namespaced, columns) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    info.kind, info.group, info.plural, info.shortNames.joined(separator: ","), info.namespaced,
                    try encoder.encode(columns),
                ])
        }
        // No row waits (the first walk knows): the table is not read for none.
        guard rowsWaiting else { return }
        let update = try db.makeStatement(sql: "UPDATE object SET row = ?, wide = ? WHERE id = ?")
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, grp, body FROM object WHERE row IS NULL") {
            let kind: String = row["kind"], group: String = row["grp"], bytes: Data = row["body"]
            guard let body = ValueCodec.decode([UInt8](bytes)) else { continue }
            let layout = Printers.layout(kind: kind, crdColumns: crds[Self.crdKey(kind, group)]?.1)
            try update.execute(arguments: [
                CellCoding.encode(Redaction.scrubbed(layout.cells(body))), CellCoding.encode(Redaction.scrubbed(layout.wideCells(body))),
                row["id"] as Int64,
            ])
        }
    }

    /// One layout per kind found, with the names it answers to.
    private func writeKindLayouts(_ rows: [Row]) throws {
        try writeKindLayouts(rows.map { (kind: $0["kind"], group: $0["grp"], namespaced: $0["namespaced"]) })
    }

    private func writeKindLayouts(_ kinds: [(kind: String, group: String, namespaced: Bool)]) throws {
        func crdColumns(_ kind: String, _ group: String) -> [PrinterColumn]? { crds[Self.crdKey(kind, group)]?.1 }
        let catalog = KindCatalog(seen: crds.keys.sorted().map { crds[$0]!.0 })
        for (kind, group, namespaced) in kinds {
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
    func finish(summary: WalkSummary) throws {
        for file in decoder.drain() { try merge(file) }
        try fillCustomRows(rowsWaiting: rowsWaiting)
        // As `GROUP BY kind, grp` gives them: in byte order.
        try writeKindLayouts(
            kindsIndexed.sorted { Self.byteOrder($0.key, $1.key) }.map { (kind: $0.key[0], group: $0.key[1], namespaced: $0.value) })

        for key in namespaces.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try db.execute(sql: "INSERT OR IGNORE INTO namespace(cluster, name) VALUES (?, ?)", arguments: [key[0], key[1]])
        }
        for (name, loginError) in clusters.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO cluster(name, loginError) VALUES (?, ?)", arguments: [name, loginError])
        }
        for layout in layouts.sorted(by: { $0.rawValue < $1.rawValue }) { try db.execute(sql: "INSERT INTO layout(name) VALUES (?)", arguments: [layout.rawValue]) }
        try writeIssues(dedupe: false)

        var meta: [String: String] = [
            "schema": IndexSchema.version, "format": summary.format, "entries": String(summary.entries),
            "nestedArchives": String(summary.nestedArchives), "complete": "1",
        ]
        if let file = timestampFile {
            meta["gatheredAt"] = String(file.time.secondsSince1970)
            meta["gatherTimeSource"] = "timestamp file " + file.path
        }
        if case .first(_, counting: true) = pass { meta["restCounted"] = "1" }
        for (key, value) in meta.sorted(by: { $0.key < $1.key }) { try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: [key, value]) }
        if timestampFile == nil, newestIndexed > 0 { try IndexBuilder.writeNewestTime(newestIndexed, db) }
        try writeCounts()
    }

    /// The objects indexed by cluster, kind and group, as `GROUP BY cluster, kind, grp` gives them (`IndexSchema.finish`).
    var kindCounts: [(key: [String], n: Int)] {
        countsIndexed.sorted { Self.byteOrder($0.key, $1.key) }.map { ($0.key, $0.value) }
    }

    /// SQLite's order of texts (BINARY: their bytes), part by part.
    private static func byteOrder(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        return a.count < b.count
    }
}
