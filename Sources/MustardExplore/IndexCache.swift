import Foundation
import GRDB

/// Where dump indexes are kept between runs: `$XDG_CACHE_HOME/mustard/` (else `~/.cache/mustard/`), one SQLite
/// file per dump identity, the least recently used removed past `maxBytes`.
///
/// An index is written to a temporary file beside its final name and renamed only once complete, so a run killed
/// half-way leaves no index that a later run would trust (and `meta.complete` is checked on opening besides).
public struct IndexCache: Sendable {
    public let directory: URL
    /// The cache's size cap; the oldest indexes go first once it is passed (default 2 GiB).
    public var maxBytes: Int64

    public init(directory: URL, maxBytes: Int64 = 2 << 30) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// `$XDG_CACHE_HOME/mustard`, or `$HOME/.cache/mustard` when it is unset or not absolute (XDG's rule).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("mustard")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/mustard")
    }

    /// The index's file for a dump identity.
    func file(for key: String) -> URL { directory.appendingPathComponent("index-\(key).sqlite") }

    /// A complete index of this version, opened read-only; nil (and the file removed) when missing or not trusted.
    func openExisting(key: String) -> DatabaseQueue? {
        let url = file(for: key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        // Another run may be adding to the index (`extend`, an exclusive transaction): wait for it rather than fail
        // with "database is locked" (a test of two runs at once saw it on a loaded machine).
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            let trusted = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'complete'") == "1"
                    && String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") == IndexSchema.version
            }
            if trusted {
                // Used now: the last to be evicted.
                try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: url.path)
                return queue
            }
        } catch {}
        try? FileManager.default.removeItem(at: url)
        return nil
    }

    /// Builds an index into a temporary file, renames it into place, trims the cache, and opens it read-only.
    func build(key: String, _ fill: (Database) throws -> Void) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".index-\(key).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try queue.writeWithoutTransaction { db in
                // Durability comes from the rename, not from SQLite's journal.
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
                // An event's row is 1 to 2 KB: 4 KB pages (SQLite's default) held two and left a third of each page
                // empty, which the build wrote, read back to make the indexes and synced (a first `events` on the
                // 1 GB many-small-files dump: 380 MB of index, 5.5 s of CPU; with 32 KB pages 4.6 s). Queries of a
                // few rows read no slower.
                try db.execute(sql: "PRAGMA page_size = \(IndexSchema.pageSize)")
                try db.inTransaction {
                    try fill(db)
                    return .commit
                }
            }
            try queue.close()
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, file(for: key).path) != 0 { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        trim(keeping: key)
        guard let queue = openExisting(key: key) else { throw CocoaError(.fileReadCorruptFile) }
        return queue
    }

    /// Adds to a complete index in place (a later walk over files the first left), under a lock so that two runs
    /// do not add the same files: `fill` runs in one transaction and sees what the other added (it reads only what
    /// is still left), and a run killed half-way leaves the index as it was (SQLite's journal rolls it back).
    func extend(key: String, _ fill: (Database) throws -> Void) throws {
        let url = file(for: key)
        let lockPath = url.path + ".lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw CocoaError(.fileLocking) }
        defer { _ = flock(fd, LOCK_UN) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: url.path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            try db.inTransaction(.exclusive) {
                try fill(db)
                return .commit
            }
        }
        try queue.close()
    }

    /// Removes the least recently used indexes until the cache fits `maxBytes` (the one just made stays), and
    /// temporary files an interrupted run left more than an hour ago.
    func trim(keeping key: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        var indexes: [(url: URL, size: Int64, used: Date)] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let attributes = try? fm.attributesOfItem(atPath: url.path) else { continue }
            let used = attributes[.modificationDate] as? Date ?? .distantPast
            if name.hasPrefix("index-"), name.hasSuffix(".sqlite.lock") {
                // A lock of an index that is gone.
                if !fm.fileExists(atPath: url.path.replacing(".sqlite.lock", with: ".sqlite")) { try? fm.removeItem(at: url) }
                continue
            }
            if name.hasPrefix(".index-"), name.hasSuffix(".tmp") {
                if used < Date().addingTimeInterval(-3600) { try? fm.removeItem(at: url) }
                continue
            }
            guard name.hasPrefix("index-"), name.hasSuffix(".sqlite") else { continue }
            indexes.append((url, (attributes[.size] as? NSNumber)?.int64Value ?? 0, used))
        }
        var total = indexes.reduce(0) { $0 + $1.size }
        for index in indexes.sorted(by: { ($0.used, $0.url.path) < ($1.used, $1.url.path) }) where total > maxBytes {
            if index.url.lastPathComponent == file(for: key).lastPathComponent { continue }
            try? fm.removeItem(at: index.url)
            total -= index.size
        }
    }
}
