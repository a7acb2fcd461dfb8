import Foundation
import GRDB
import MustardTestSupport
import Testing

@testable import MustardExplore

/// The index kept between runs: reused for the same file, never for a changed one, never half written.
@Suite("The index cache")
struct IndexCacheTests {
    static func copyOfSample(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("case.tar.gz").path
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck.tar.gz"), toPath: path)
        return path
    }

    static func indexes(in cache: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
    }

    @Test("The second query answers from the index; the same answer either way")
    func reuse() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.copyOfSample(in: folder)
        let options = ExploreOptions(cache: IndexCache(directory: folder.appendingPathComponent("cache")))
        let first = try DumpExplorer.open(dump, options: options)
        let second = try DumpExplorer.open(dump, options: options)
        #expect(!first.fromCache && second.fromCache)
        #expect(try first.get(GetQuery(kind: "pods")).rows == second.get(GetQuery(kind: "pods")).rows)
        let indexes = Self.indexes(in: folder.appendingPathComponent("cache"))
        #expect(indexes.count == 1)
        // The page size is fixed when the first table is made: set too late, it would silently stay 4 KB.
        let file = folder.appendingPathComponent("cache").appendingPathComponent(indexes[0]).path
        let pageSize = try DatabaseQueue(path: file).read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
        #expect(pageSize == IndexSchema.pageSize)
    }

    @Test(
        "Files wait for the first question that reads them; every answer equals an index read in one walk, and two runs adding the rest at once add it once"
    )
    func deferredFiles() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.copyOfSample(in: folder)
        var eager = ExploreOptions(cache: IndexCache(directory: folder.appendingPathComponent("eager")))
        eager.firstReading = nil
        let whole = try DumpExplorer.open(dump, options: eager)
        let lazyOptions = ExploreOptions(cache: IndexCache(directory: folder.appendingPathComponent("lazy")))
        let lazy = try DumpExplorer.open(dump, options: lazyOptions)
        #expect(whole.summary.kinds.contains { $0.kind == "Pod" } && !lazy.summary.kinds.contains { $0.kind == "Pod" })
        for kind in ["pods", "ev", "mig", "migplans", "backups", "configmaps", "deployments"] {
            #expect(try lazy.get(GetQuery(kind: kind)).rows == whole.get(GetQuery(kind: kind)).rows, "\(kind)")
            // Each object names the file it came from (kept by number, the numbers added walk by walk).
            #expect(try Self.sources(lazy, kind) == Self.sources(whole, kind), "\(kind)")
        }
        let pod = try #require(whole.get(GetQuery(kind: "pods")).rows.first).key
        let fresh = try DumpExplorer.open(dump, options: ExploreOptions(cache: IndexCache(directory: folder.appendingPathComponent("fresh"))))
        let described = try fresh.describe(kind: "pod", name: pod.name, namespace: pod.namespace, cluster: pod.cluster)
        let expected = try whole.describe(kind: "pod", name: pod.name, namespace: pod.namespace, cluster: pod.cluster)
        #expect(described.events == expected.events && described.cells == expected.cells)

        let other = try DumpExplorer.open(dump, options: lazyOptions)
        let third = try DumpExplorer.open(dump, options: lazyOptions)
        #expect(other.fromCache && third.fromCache)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do { try [other, third][i].indexEverything() } catch { Issue.record("\(error)") }
        }
        try lazy.indexEverything()
        for explorer in [lazy, other, third, try DumpExplorer.open(dump, options: lazyOptions)] {
            #expect(try explorer.events(EventQuery()).rows == whole.events(EventQuery()).rows)
            #expect(explorer.summary.kinds == whole.summary.kinds)
            #expect(explorer.summary.loadIssues == whole.summary.loadIssues)
            #expect(explorer.summary.gatheredAt == whole.summary.gatheredAt)
            #expect(explorer.summary.clusters == whole.summary.clusters)
            for kind in ["pods", "ev", "configmaps"] {
                let sources = try Self.sources(explorer, kind), expected = try Self.sources(whole, kind)
                #expect(!sources.isEmpty && sources == expected, "\(kind)")
            }
        }
    }

    @Test(
        "A later walk adding more rows than the index held makes its object indexes again: the answers equal an index read in one walk"
    )
    func laterWalkRemakesIndexes() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("mg")
        try FileManager.default.copyItem(atPath: TestSupport.fixture("k8s-pods-failing"), toPath: dump.path)
        // 60 events about the fixture's three pods, in many times: the events' walk adds far more rows than the pods'.
        let pods = ["cart-7c9d5b8f4-m2x7q", "search-5f6d7c8b9-q4w8e", "web-6b7c8d9e0-a1b2c"]
        var yaml = "---\napiVersion: v1\nitems:\n"
        for i in 0..<60 {
            yaml += """
                - apiVersion: v1
                  count: \(i + 1)
                  involvedObject: {apiVersion: v1, kind: Pod, name: \(pods[i % 3]), namespace: shop}
                  kind: Event
                  lastTimestamp: "2026-11-24T15:\(String(format: "%02d", i % 60)):0\(i % 7)Z"
                  message: event \(i)
                  metadata: {name: \(pods[i % 3]).\(i), namespace: shop}
                  reason: Reason\(i % 5)
                  type: \(i % 2 == 0 ? "Warning" : "Normal")

                """
        }
        yaml += "kind: EventList\n"
        let events = dump.appendingPathComponent("inspect.local.7731/namespaces/shop/core/events.yaml")
        try yaml.write(to: events, atomically: true, encoding: .utf8)
        var eager = ExploreOptions(cache: nil)
        eager.firstReading = nil
        let whole = try DumpExplorer.open(dump.path, options: eager)
        let cache = folder.appendingPathComponent("cache")
        let lazy = try DumpExplorer.open(dump.path, options: ExploreOptions(cache: IndexCache(directory: cache)))
        #expect(try lazy.get(GetQuery(kind: "pods")).rows == whole.get(GetQuery(kind: "pods")).rows)
        let all = try lazy.events(EventQuery()).rows
        let expected = try whole.events(EventQuery()).rows
        #expect(all.count == 60 && all == expected)
        let again = try DumpExplorer.open(dump.path, options: ExploreOptions(cache: IndexCache(directory: cache)))
        #expect(again.fromCache)
        #expect(try again.events(EventQuery()).rows == all)
        var about = EventQuery()
        about.involved = (kind: "pod", name: pods[1])
        #expect(try again.events(about).rows == whole.events(about).rows)
        let named = GetQuery(kind: "events", name: "\(pods[0]).3")
        #expect(try again.get(named).rows == whole.get(named).rows)
        let file = cache.appendingPathComponent(try #require(Self.indexes(in: cache).first)).path
        let names = try DatabaseQueue(path: file).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'object' ORDER BY name")
        }
        #expect(names == ["object_event_order", "object_involved", "object_kind"])
    }

    /// Where each object of a kind came from: its file and place in the file's list.
    static func sources(_ explorer: DumpExplorer, _ kind: String) throws -> [String] {
        let objects = try explorer.objects(GetQuery(kind: kind))
        #expect(objects.allSatisfy { !$0.source.path.isEmpty }, "\(kind)")
        return objects.map { "\($0.key.name) \($0.source.path) \($0.source.listIndex ?? -1)" }
    }

    @Test(
        "`ls` counts the files no question read instead of indexing them: every kind's count, the namespaces and the issues equal an index read in one walk, before and after they are indexed"
    )
    func countedFiles() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        for dump in [try Self.copyOfSample(in: folder), TestSupport.fixture("k8s-pods-failing"), TestSupport.fixture("mtc-1.8-restic-host-path")] {
            var eager = ExploreOptions(cache: nil)
            eager.firstReading = nil
            let whole = try DumpExplorer.open(dump, options: eager)
            // Counted in the first walk (`ls` first), or in a walk of its own after another question.
            var countingOptions = ExploreOptions(cache: nil)
            countingOptions.countingTheRest = true
            let countedFirst = try DumpExplorer.open(dump, options: countingOptions)
            let countedLater = try DumpExplorer.open(dump, options: ExploreOptions(cache: nil))
            _ = try countedLater.get(GetQuery(kind: "pods"))
            #expect(countedLater.summary.kinds != whole.summary.kinds, "\(dump): a lazy index without counts leaves kinds out")
            try countedLater.countEverything()
            for counted in [countedFirst, countedLater] {
                #expect(counted.summary.kinds == whole.summary.kinds, "\(dump)")
                #expect(counted.summary.clusters == whole.summary.clusters, "\(dump)")
                #expect(counted.summary.loadIssues == whole.summary.loadIssues, "\(dump)")
                // Indexing a counted resource replaces its count by its objects: the same numbers.
                #expect(try counted.get(GetQuery(kind: "events")).rows == whole.get(GetQuery(kind: "events")).rows, "\(dump)")
                #expect(counted.summary.kinds == whole.summary.kinds, "\(dump)")
                try counted.indexEverything()
                #expect(counted.summary.kinds == whole.summary.kinds, "\(dump)")
            }
        }
    }

    @Test("Without a timestamp file the first walk reads everything: the gather time is the newest time of any object, events included")
    func noTimestampFile() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("dump").path
        try FileManager.default.copyItem(atPath: TestSupport.fixture("k8s-pods-failing"), toPath: dump)
        let files = FileManager.default.enumerator(atPath: dump)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix("/timestamp") || file == "timestamp" {
            try FileManager.default.removeItem(atPath: dump + "/" + file)
        }
        var eager = ExploreOptions(cache: nil)
        eager.firstReading = nil
        let whole = try DumpExplorer.open(dump, options: eager)
        let lazy = try DumpExplorer.open(dump, options: ExploreOptions(cache: nil))
        // The fixture's newest time is an event's: a first walk that left the events would put the gather earlier.
        #expect(whole.summary.gatherTimeSource?.hasPrefix("newest time") == true)
        #expect(lazy.summary.gatheredAt == whole.summary.gatheredAt)
        #expect(lazy.summary.kinds == whole.summary.kinds)
        #expect(try lazy.get(GetQuery(kind: "pods")).rows == whole.get(GetQuery(kind: "pods")).rows)
    }

    @Test("A file changed in place, or replaced under the same name, is read again")
    func changedFile() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.copyOfSample(in: folder)
        let options = ExploreOptions(cache: IndexCache(directory: folder.appendingPathComponent("cache")))
        _ = try DumpExplorer.open(dump, options: options)
        // Same size, one byte different near the end (the gzip trailer): the identity must change.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dump))
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: dump))
        let reread = try DumpExplorer.open(dump, options: options)
        #expect(!reread.fromCache)
        #expect(reread.summary.isDamaged, "the damaged gzip trailer is found and said, not hidden by an old index")
    }

    @Test("A folder dump's identity: the same on each look, another once a file below it is changed, added, renamed or removed")
    func folderIdentity() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = folder.appendingPathComponent("dump")
        let deep = dump.appendingPathComponent("namespaces/ns-a/core")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try Data("kind: PodList\nitems: []\n".utf8).write(to: deep.appendingPathComponent("pods.yaml"))
        try Data("x".utf8).write(to: dump.appendingPathComponent("timestamp"))
        // A name that is not UTF-8 is hashed by its bytes, not skipped.
        let oddBytes = Array(dump.path.utf8) + Array("/caf".utf8) + [0xE9, 0]
        func openOdd(_ flags: Int32) -> Int32 {
            oddBytes.withUnsafeBufferPointer { p in p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, flags, 0o600) } }
        }
        let fd = openOdd(O_CREAT | O_WRONLY)
        #expect(fd >= 0)
        close(fd)
        let first = try DumpIdentity.of(dump.path)
        #expect(try DumpIdentity.of(dump.path) == first)
        var seen: Set<String> = [first.key]
        func changed(_ what: String) throws {
            let key = try DumpIdentity.of(dump.path).key
            #expect(seen.insert(key).inserted, "\(what) left the identity as it was")
        }
        usleep(10_000)
        try Data("kind: PodList\nitems: [] \n".utf8).write(to: deep.appendingPathComponent("pods.yaml"))
        try changed("a file rewritten")
        try Data("y".utf8).write(to: deep.appendingPathComponent("events.yaml"))
        try changed("a file added")
        try FileManager.default.moveItem(at: deep.appendingPathComponent("events.yaml"), to: deep.appendingPathComponent("events2.yaml"))
        try changed("a file renamed")
        try FileManager.default.removeItem(at: deep.appendingPathComponent("events2.yaml"))
        try changed("a file removed")
        let oddFD = openOdd(O_WRONLY | O_APPEND)
        #expect(oddFD >= 0)
        _ = write(oddFD, "z", 1)
        close(oddFD)
        try changed("a file whose name is not UTF-8 rewritten")
    }

    @Test("An index that was never completed, or is garbage, is not trusted: it is rebuilt")
    func untrusted() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.copyOfSample(in: folder)
        let cacheFolder = folder.appendingPathComponent("cache")
        let options = ExploreOptions(cache: IndexCache(directory: cacheFolder))
        _ = try DumpExplorer.open(dump, options: options)
        let index = cacheFolder.appendingPathComponent(try #require(Self.indexes(in: cacheFolder).first))
        try Data("SQLite format 3\0 but cut short".utf8).write(to: index)
        let rebuilt = try DumpExplorer.open(dump, options: options)
        #expect(!rebuilt.fromCache && rebuilt.summary.clusters.count == 3)
        #expect(try DumpExplorer.open(dump, options: options).fromCache)
    }

    @Test("Past the size cap the least recently used index goes, never the one just made")
    func eviction() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let a = try Self.copyOfSample(in: folder)
        let b = folder.appendingPathComponent("other.tar.gz").path
        try FileManager.default.copyItem(atPath: TestSupport.sample("healthy-migration.tar.gz"), toPath: b)
        let cacheFolder = folder.appendingPathComponent("cache")
        _ = try DumpExplorer.open(a, options: ExploreOptions(cache: IndexCache(directory: cacheFolder)))
        let old = try #require(Self.indexes(in: cacheFolder).first)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -86_400)], ofItemAtPath: cacheFolder.appendingPathComponent(old).path)
        _ = try DumpExplorer.open(b, options: ExploreOptions(cache: IndexCache(directory: cacheFolder, maxBytes: 1)))
        let left = Self.indexes(in: cacheFolder)
        #expect(left.count == 1 && left != [old])
    }

    @Test("Without a cache nothing is written; the cache folder follows XDG")
    func noCache() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.copyOfSample(in: folder)
        _ = try DumpExplorer.open(dump, options: ExploreOptions(cache: nil))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["case.tar.gz"])
        #expect(IndexCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/h"])?.path == "/x/cache/mustard")
        #expect(IndexCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"])?.path == "/h/.cache/mustard")
        #expect(IndexCache.defaultDirectory(environment: [:]) == nil)
    }

    @Test("The same dump makes the same index, row for row, in any process (CRDs' columns, namespaces, counts)")
    func deterministicIndex() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        // Two processes: a dictionary's order, and JSONEncoder's keys, change with each process's hashing seed.
        let dump = TestSupport.realdata("openshift__must-gather-clean/test/files/must-gather-aws.tar.xz")
        var contents: [[String]] = []
        for name in ["a", "b"] {
            let cacheHome = folder.appendingPathComponent(name)
            let run = try TestSupport.run(TestSupport.mustardBinary, ["ls", dump], environment: ["PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": cacheHome.path])
            #expect(run.code == 0, "\(run.stderr)")
            let folder = cacheHome.appendingPathComponent("mustard")
            let index = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".sqlite") })
            let db = try DatabaseQueue(path: folder.appendingPathComponent(index).path)
            contents.append(try db.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                return try tables.flatMap { table in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" }
                }
            })
        }
        #expect(contents[0].contains { $0.hasPrefix("crdColumns ") } && contents[0].count > 1_000)
        #expect(contents[0] == contents[1], "\(zip(contents[0], contents[1]).first { $0 != $1 }.map { "\($0)\n\($1)" } ?? "lengths")")
    }
}

/// Rows bound from the insert's own buffer: what each row stored is what it was given, when a row outgrows the buffer
/// (bound as copies, the buffer grown for the next), when a value is NULL or empty, and in the rows after.
@Suite("Index rows")
struct RowInsertTests {
    @Test("Texts, blobs, NULLs and empty values stored as given, whatever the rows' sizes against the buffer")
    func rowsAsGiven() throws {
        let queue = try DatabaseQueue()
        var random = SeededGenerator(state: 0x726f_7773)
        typealias Given = (text: String?, number: Double?, blob: [UInt8], last: String?)
        var given: [Given] = []
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, text TEXT, number REAL, blob BLOB, last TEXT)")
            // A short text first, so that a larger one after it in the same row finds the buffer part used.
            let insert = try RowInsert(db, sql: "INSERT INTO t(last, text, number, blob) VALUES (?, ?, ?, ?)", scratchBytes: 64)
            // Small rows, rows past the 64-byte buffer (and past the buffer it grows to), NULLs and empty values.
            for size in [3, 71, 0, 70, 5, 501, 1, 40_000, 0, 40_001, 30, 100_000, 2, 64, 63, 65] {
                let text: String? = size % 7 == 3 ? nil : String((0..<size).map { _ in "aé\u{1F}x\n".randomElement(using: &random)! })
                let row: Given = (
                    text, size % 5 == 0 ? nil : Double(size) / 3, (0..<size / 2).map { _ in UInt8.random(in: 0...255, using: &random) },
                    size % 2 == 0 ? "" : "end \(size)"
                )
                given.append(row)
                try insert.insert { bind in
                    bind.text(row.last)
                    bind.text(row.text)
                    bind.double(row.number)
                    bind.blob(row.blob)
                }
            }
            // A row binding fewer values than the statement has leaves the rest NULL, not the previous row's.
            try insert.insert { bind in bind.text("short") }
            given.append((nil, nil, [], "short"))
        }
        let stored = try queue.read { db in try Row.fetchAll(db, sql: "SELECT text, number, blob, last FROM t ORDER BY id") }
        #expect(stored.count == given.count)
        for (row, expected) in zip(stored, given) {
            #expect((row[0] as String?) == expected.text)
            #expect((row[1] as Double?) == expected.number)
            #expect(((row[2] as Data?).map { [UInt8]($0) } ?? []) == expected.blob)
            #expect((row[3] as String?) == expected.last)
        }
        #expect(stored.last.map { $0[2] as Data? } == .some(nil))
    }
}
