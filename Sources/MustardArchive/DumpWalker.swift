import Foundation
import Logging

/// Whether a visitor wants an entry's bytes.
public enum EntryInterest: Sendable {
    /// The visitor reads the entry.
    case content
    /// The visitor does not need it; the walker still looks inside it if it is a nested archive.
    case none
}

/// Receives the entries of a dump, in archive order (sorted by name for folders).
public protocol DumpVisitor: AnyObject {
    /// Decides from the entry's path alone whether its bytes are needed.
    func interest(in entry: ArchiveEntry) -> EntryInterest
    /// Reads an entry the visitor said it wants. Errors thrown here become issues naming the entry.
    func visit(_ entry: ArchiveEntry, content: EntryContent) throws
    /// A problem with the containers: damage, limits, links, unreadable names.
    func report(_ issue: ArchiveIssue)
}

/// What a walk saw, for the report's input section.
public struct WalkSummary: Sendable {
    /// The outer container: `folder`, or the detected format with its filters, e.g. `tar.gz`.
    public var format: String = ""
    public var entries = 0
    public var nestedArchives = 0
}

/// Streams every entry of a folder or an archive (nested archives included) to a visitor, never extracting.
public struct DumpWalker {
    public var limits: ArchiveLimits
    private let logger: Logger

    public init(limits: ArchiveLimits = ArchiveLimits(), logger: Logger = Logger(label: "mustard.archive")) {
        self.limits = limits
        self.logger = logger
    }

    /// Walks `path`, a folder or an archive file. Throws only when nothing at all can be read.
    public func walk(_ path: String, visitor: DumpVisitor) throws -> WalkSummary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ArchiveOpenError.notFound(path)
        }
        if isDirectory.boolValue {
            return try withBudget(name: path, visitor: visitor) { budget, summary in
                summary.format = "folder"
                try FolderWalk(root: path, budget: budget, logger: logger, visitor: visitor).run(&summary)
            }
        }
        let head = try FileByteSource(path: path).readHead(ArchiveFormat.sniffLength)
        guard let format = ArchiveFormat.detect(head) else { throw ArchiveOpenError.notAnArchive(path) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        return try withBudget(name: path, visitor: visitor) { budget, summary in
            budget.inputBytes = size
            summary.format = LibArchiveLayer.formatDescription(outer: format)
            // Decompression runs on its own thread, a few chunks ahead of the walk. libarchive does not check
            // gzip's CRC: zlib inflates gzip instead, checking it; libarchive's filters do xz, zstd and bzip2.
            let layer: LibArchiveLayer
            switch format {
            case .gzip:
                layer = try LibArchiveLayer(stream: ReadAheadSource(upstream: GzipInflatingSource(upstream: FileByteSource(path: path))), name: path, budget: budget)
            case .xz:
                let xz = XZDecodingSource(upstream: try FileByteSource(path: path), pool: budget.decoderMemory)
                do {
                    layer = try LibArchiveLayer(stream: ReadAheadSource(upstream: xz), name: path, budget: budget)
                } catch {
                    // Refused for its memory before a single entry: a limit of this dump, not an unreadable file.
                    guard let why = xz.limitReached else { throw error }
                    visitor.report(ArchiveIssue(path: path, severity: .error, message: "limit reached: \(why)", damaged: true))
                    return
                }
            case .zstd, .bzip2:
                layer = try LibArchiveLayer(
                    stream: ReadAheadSource(upstream: DecompressingSource(path: path, compression: format)), name: path, budget: budget)
            case .tar, .zip:
                layer = try LibArchiveLayer(filename: path, budget: budget)
            }
            let end = layer.walk(base: [], depth: 1, visitor: visitor, summary: &summary, logger: logger, reportEarlyFailure: format != .zip)
            if end == .failedAtStart, format == .zip {
                // A damaged central directory: read the local headers one after another instead.
                visitor.report(ArchiveIssue(
                    path: path, severity: .warning,
                    message: "zip central directory unreadable: entries read one by one from their local headers", damaged: true))
                let streaming = try LibArchiveLayer(filename: path, budget: budget, zipStreaming: true)
                streaming.walk(base: [], depth: 1, visitor: visitor, summary: &summary, logger: logger)
            }
        }
    }

    /// Walks an archive held in memory (the fuzzer's input) under `name`, by the same path as a streamed file:
    /// gzip through zlib, everything else through libarchive's own filters.
    public func walk(bytes: [UInt8], name: String, visitor: DumpVisitor) throws -> WalkSummary {
        guard let format = ArchiveFormat.detect(bytes) else { throw ArchiveOpenError.notAnArchive(name) }
        return try withBudget(name: name, visitor: visitor) { budget, summary in
            budget.inputBytes = Int64(bytes.count)
            summary.format = LibArchiveLayer.formatDescription(outer: format)
            let source = MemoryByteSource(bytes)
            let stream: ByteSource = switch format {
            case .gzip: GzipInflatingSource(upstream: source)
            case .xz: XZDecodingSource(upstream: source, pool: budget.decoderMemory)
            default: source
            }
            let layer = try LibArchiveLayer(stream: stream, name: name, budget: budget)
            layer.walk(base: [], depth: 1, visitor: visitor, summary: &summary, logger: logger)
        }
    }

    /// Runs a walk with a fresh budget, and reports once if it ran out.
    private func withBudget(
        name: String, visitor: DumpVisitor, _ body: (WalkBudget, inout WalkSummary) throws -> Void
    ) throws -> WalkSummary {
        var summary = WalkSummary()
        let budget = WalkBudget(limits: limits)
        defer {
            if let why = budget.exhausted {
                visitor.report(ArchiveIssue(path: name, severity: .error, message: "limit reached: \(why)", damaged: true))
            }
        }
        try body(budget, &summary)
        return summary
    }
}

/// Bytes already in memory, read front to back.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
        offset += n
        return n
    }
}

/// Walks a plain folder in sorted order; archive files inside it are opened as nested archives.
private struct FolderWalk {
    let root: String
    let budget: WalkBudget
    let logger: Logger
    let visitor: DumpVisitor

    func run(_ summary: inout WalkSummary) throws {
        let fm = FileManager.default
        guard (try? fm.contentsOfDirectory(atPath: root)) != nil else {
            throw ArchiveOpenError.unreadable(root, reason: "the folder cannot be listed")
        }
        var stack: [String] = [""]
        while let relative = stack.popLast(), budget.exhausted == nil {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? fm.contentsOfDirectory(atPath: absolute) else {
                visitor.report(ArchiveIssue(path: relative, severity: .error, message: "folder cannot be listed", damaged: true))
                continue
            }
            // Reverse-sorted onto a stack, so folders are walked in name order.
            var subfolders: [String] = []
            for name in names.sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = absolute + "/" + name
                // lstat, not FileManager's attributes: those cost more than reading a small file.
                var info = stat()
                let type = lstat(full, &info) == 0 ? info.st_mode & S_IFMT : 0
                let entryPath = EntryPath(layers: [rel])
                switch type {
                case S_IFDIR:
                    subfolders.append(rel)
                case S_IFREG:
                    summary.entries += 1
                    guard budget.countEntry() else { return }
                    let size = Int64(info.st_size)
                    budget.inputBytes += size
                    let entry = ArchiveEntry(path: entryPath, type: .regular, declaredSize: size)
                    visitFile(entry, at: full, summary: &summary)
                case S_IFLNK:
                    summary.entries += 1
                    let target = (try? fm.destinationOfSymbolicLink(atPath: full)) ?? "?"
                    let entry = ArchiveEntry(path: entryPath, type: .symlink(target: target), declaredSize: nil)
                    _ = visitor.interest(in: entry)
                    visitor.report(ArchiveIssue(
                        path: rel, severity: .info, message: "symbolic link to \(NameBound.shortened(target)) not followed", damaged: false, kind: "link"))
                default:
                    // FIFOs, sockets, devices: reading one could block forever or never end.
                    summary.entries += 1
                    let kind = SpecialFile.kind(path: full) ?? "not a regular file"
                    _ = visitor.interest(in: ArchiveEntry(path: entryPath, type: .special, declaredSize: nil))
                    visitor.report(ArchiveIssue(path: rel, severity: .warning, message: "\(kind), not a regular file: skipped, never opened", damaged: false, kind: "special"))
                }
            }
            stack.append(contentsOf: subfolders.reversed())
        }
    }

    private func visitFile(_ entry: ArchiveEntry, at full: String, summary: inout WalkSummary) {
        let source: FileByteSource
        do { source = try FileByteSource(path: full) } catch {
            visitor.report(ArchiveIssue(path: entry.path.description, severity: .error, message: "cannot be read: \(error)", damaged: true))
            return
        }
        let content = EntryContent(source: source, budget: budget)
        switch visitor.interest(in: entry) {
        case .content:
            do { try visitor.visit(entry, content: content) } catch EntryReadError.walkLimit {
                return
            } catch {
                visitor.report(ArchiveIssue(path: entry.path.description, severity: .error, message: "\(error)", damaged: true))
            }
        case .none:
            NestedArchive.open(entry: entry, content: content, depth: 1, budget: budget, visitor: visitor, summary: &summary, logger: logger) { format in
                switch format {
                case .gzip:
                    try LibArchiveLayer(stream: GzipInflatingSource(upstream: FileByteSource(path: full)), name: entry.path.description, budget: budget)
                case .xz:
                    try LibArchiveLayer(
                        stream: XZDecodingSource(upstream: FileByteSource(path: full), pool: budget.decoderMemory), name: entry.path.description, budget: budget)
                default:
                    try LibArchiveLayer(filename: full, budget: budget)
                }
            }
        }
    }
}

/// FIFOs, sockets and devices: never read as part of a dump.
public enum SpecialFile {
    /// What `path` is (`a FIFO`, `a socket`…) when it exists and is neither a regular file, a folder nor a
    /// symbolic link; nil otherwise. Looks with lstat, never opening it.
    public static func kind(path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        if type == S_IFREG || type == S_IFDIR || type == S_IFLNK { return nil }
        return name(mode: info.st_mode)
    }

    static func name(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a folder"
        default: return "not a regular file"
        }
    }

    /// The first `count` bytes of a regular file (following symbolic links); nil for anything else or on error.
    public static func head(path: String, count: Int) -> [UInt8]? {
        try? FileByteSource(path: path).readHead(count)
    }
}

/// Reads a plain file with POSIX calls.
final class FileByteSource: ByteSource {
    private let fd: Int32

    /// Opens only regular files: a FIFO, socket or device as the dump (or inside a folder) would block or never
    /// end. Non-blocking, so opening a FIFO returns at once; the type is checked on the descriptor, so a file
    /// swapped after a look at its name is caught too.
    init(path: String) throws {
        if let kind = SpecialFile.kind(path: path) { throw ArchiveOpenError.unreadable(path, reason: "\(kind), not a regular file; not opened") }
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw ArchiveOpenError.unreadable(path, reason: String(cString: strerror(errno))) }
        var info = stat()
        if fstat(fd, &info) != 0 || info.st_mode & S_IFMT != S_IFREG {
            let kind = fstat(fd, &info) == 0 ? SpecialFile.name(mode: info.st_mode) : "not a regular file"
            close(fd)
            throw ArchiveOpenError.unreadable(path, reason: "\(kind), not a regular file; not opened")
        }
        // Regular files ignore O_NONBLOCK, but clear it so reads behave plainly.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw EntryReadError.damaged(String(cString: strerror(errno))) }
        }
    }

    func readHead(_ count: Int) throws -> [UInt8] {
        var head = [UInt8](repeating: 0, count: count)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, 0) }
        return Array(head.prefix(max(0, n)))
    }
}
