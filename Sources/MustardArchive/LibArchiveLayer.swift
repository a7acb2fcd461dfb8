import CArchive
import Foundation
import Logging

/// One libarchive reader: the outer file, or an archive nested in another one's entry.
final class LibArchiveLayer {
    private let handle: OpaquePointer
    private let budget: WalkBudget
    /// How issues name this layer: the archive's path, or the nested entry's path in the dump.
    private(set) var name = "archive"
    /// Bytes of this layer's entries read through `EntryContent` (the rest of its output was skipped).
    private var bytesRead: Int64 = 0
    /// Keeps a nested layer's feed alive as long as libarchive may call it.
    private var feed: NestedFeed?
    /// Keeps a decompressed stream's feed alive as long as libarchive may call it.
    private var sourceFeed: SourceFeed?

    /// What broke underneath libarchive (an outer archive, a gzip stream), else libarchive's own message.
    private var failureMessage: String { sourceFeed?.failure ?? feed?.failure ?? Self.errorString(handle) }

    /// libarchive retries a damaged tar stream silently; past this many retries the rest is given up.
    private static let retryLimit = 5_000_000

    private init(budget: WalkBudget, zipStreaming: Bool = false) throws {
        guard let a = archive_read_new() else { throw ArchiveOpenError.unreadable("archive", reason: "out of memory") }
        // Only tar and zip: `format_all` takes gzip'd text for mtree and invents entries.
        Self.supportFilters(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        // Seekable zip reads the central directory; streaming zip reads local headers, for when it is damaged.
        if zipStreaming { archive_read_support_format_zip_streamable(a) } else { archive_read_support_format_zip(a) }
        handle = a
        self.budget = budget
    }

    /// Opens an archive file.
    convenience init(filename: String, budget: WalkBudget, zipStreaming: Bool = false) throws {
        try self.init(budget: budget, zipStreaming: zipStreaming)
        self.name = filename
        if archive_read_open_filename(handle, filename, 1 << 20) != MUSTARD_ARCHIVE_OK {
            let reason = Self.errorString(handle)
            throw ArchiveOpenError.unreadable(filename, reason: reason)
        }
    }

    /// Opens a tar stream read from `source` (a gzip stream zlib decompresses and checks).
    convenience init(stream source: ByteSource, name: String, budget: WalkBudget) throws {
        try self.init(budget: budget)
        self.name = name
        let feed = SourceFeed(source)
        sourceFeed = feed
        let context = Unmanaged.passUnretained(feed).toOpaque()
        let status = archive_read_open(handle, context, nil, { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<SourceFeed>.fromOpaque(context).takeUnretainedValue().next(buffer)
        }, nil)
        if status != MUSTARD_ARCHIVE_OK {
            throw ArchiveOpenError.unreadable(name, reason: feed.failure ?? Self.errorString(handle))
        }
    }

    /// Opens an archive streamed out of another archive's entry.
    convenience init(nested content: EntryContent, name: String, budget: WalkBudget) throws {
        try self.init(budget: budget)
        self.name = name
        let feed = NestedFeed(content: content)
        self.feed = feed
        let context = Unmanaged.passUnretained(feed).toOpaque()
        let status = archive_read_open(handle, context, nil, { _, context, buffer in
            guard let context, let buffer else { return -1 }
            let feed = Unmanaged<NestedFeed>.fromOpaque(context).takeUnretainedValue()
            return feed.next(buffer)
        }, nil)
        if status != MUSTARD_ARCHIVE_OK {
            throw ArchiveOpenError.unreadable(name, reason: feed.failure ?? Self.errorString(handle))
        }
    }

    deinit { archive_read_free(handle) }

    /// libarchive's filters minus the LZMA family (xz, lzma, lzip): libarchive gives liblzma no memory limit, so a
    /// stream's declared dictionary (up to 4 GiB) would be allocated. xz is decoded by `XZDecodingSource` instead;
    /// lzma and lzip streams are not read.
    static func supportFilters(_ a: OpaquePointer) {
        archive_read_support_filter_bzip2(a)
        archive_read_support_filter_compress(a)
        archive_read_support_filter_gzip(a)
        archive_read_support_filter_grzip(a)
        archive_read_support_filter_lrzip(a)
        archive_read_support_filter_lz4(a)
        archive_read_support_filter_lzop(a)
        archive_read_support_filter_rpm(a)
        archive_read_support_filter_uu(a)
        archive_read_support_filter_zstd(a)
    }

    static func errorString(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// `tar.gz`, `zip`, `tar.xz`…: the format libarchive found, with its filters; known after the first header.
    static func formatDescription(outer: ArchiveFormat) -> String {
        switch outer {
        case .zip: return "zip"
        case .tar: return "tar"
        case .gzip: return "tar.gz"
        case .xz: return "tar.xz"
        case .zstd: return "tar.zst"
        case .bzip2: return "tar.bz2"
        }
    }

    /// How a layer's walk ended.
    enum End { case finished, failedAtStart, stopped }

    /// Streams every entry to the visitor; entries of nested archives get `base` plus their own layer.
    /// With `reportEarlyFailure` false, a layer unreadable from its first header says so only by returning
    /// `.failedAtStart`, so the caller can try another way.
    @discardableResult
    func walk(
        base: [String], depth: Int, visitor: DumpVisitor, summary: inout WalkSummary, logger: Logger, reportEarlyFailure: Bool = true
    ) -> End {
        let layerName = name
        var retries = 0
        var entriesHere = 0
        /// Counts an entry of this layer; false once the walk's entry budget is spent.
        func countEntry() -> Bool {
            entriesHere += 1
            summary.entries += 1
            return budget.countEntry()
        }
        defer {
            if retries > 0 {
                visitor.report(ArchiveIssue(
                    path: layerName, severity: .error,
                    message: "damaged archive: libarchive skipped \(retries) damaged block(s) after \(entriesHere) entries; files after the damage are missing from the analysis",
                    damaged: true))
            }
        }
        var produced: Int64 = 0
        var readBefore: Int64 = 0
        var afterEntry = false
        while budget.exhausted == nil {
            // What is left of the last entry is read here, counted against the limits as it comes: libarchive
            // would skip it inside the next call, decompressing all of it first (a bzip2 bomb of a few KB under the
            // byte limit ran for minutes, past any limit).
            if afterEntry, decompresses, !drainEntry() { return .stopped }
            afterEntry = true
            var entryPointer: OpaquePointer?
            let status = archive_read_next_header(handle, &entryPointer)
            // Data skipped since the last header was decompressed all the same: count it too.
            let nowProduced = archive_filter_bytes(handle, 0)
            let skipped = (nowProduced - produced) - (bytesRead - readBefore)
            produced = nowProduced
            readBefore = bytesRead
            if skipped > 0, !budget.consume(bytes: skipped) { return .stopped }
            if status == MUSTARD_ARCHIVE_EOF {
                // The tar ended; the gzip stream's trailer (its CRC) comes after and must still be read.
                if let problem = sourceFeed?.drain() {
                    visitor.report(ArchiveIssue(path: layerName, severity: .error, message: problem, damaged: true))
                }
                return .finished
            }
            if status == MUSTARD_ARCHIVE_RETRY {
                retries += 1
                if retries >= Self.retryLimit { return .stopped }
                continue
            }
            if status == MUSTARD_ARCHIVE_FATAL || entryPointer == nil {
                // An outer layer that hit a walk limit starves this one: that limit is the story, not this.
                if budget.exhausted != nil { return .stopped }
                if entriesHere == 0, !reportEarlyFailure { return .failedAtStart }
                visitor.report(ArchiveIssue(
                    path: layerName, severity: .error,
                    message: "archive unreadable after \(entriesHere) entries: \(failureMessage); the rest is missing from the analysis",
                    damaged: true))
                return .stopped
            }
            guard let entryPointer else { return .stopped }
            let name = Self.pathname(entryPointer)
            if name.utf8.count > NameBound.maxPathBytes {
                // Not a must-gather's file; kept whole, its name alone could fill memory and the report.
                guard countEntry() else { return .stopped }
                visitor.report(ArchiveIssue(
                    path: (base + [NameBound.shortened(name)]).joined(separator: "!/"), severity: .warning,
                    message: "name of \(name.utf8.count) bytes, longer than \(NameBound.maxPathBytes): entry skipped", damaged: false, kind: "long-name"))
                continue
            }
            let type = Self.type(of: entryPointer)
            if status == MUSTARD_ARCHIVE_OK, type == .directory || type == .special {
                // Counted, never read: its name is not worth normalising and splitting (half the entries of an
                // `oc adm inspect` tree are folders).
                guard countEntry() else { return .stopped }
                continue
            }
            let path = EntryPath(layers: base + [EntryPath.normalise(name)])
            if status == MUSTARD_ARCHIVE_FAILED {
                visitor.report(ArchiveIssue(path: path.description, severity: .error, message: "entry skipped: \(Self.errorString(handle))", damaged: true))
                continue
            }
            if status == MUSTARD_ARCHIVE_WARN {
                visitor.report(ArchiveIssue(path: path.description, severity: .warning, message: Self.errorString(handle), damaged: false))
            }
            guard countEntry() else { return .stopped }
            let entry = ArchiveEntry(path: path, type: type, declaredSize: archive_entry_size_is_set(entryPointer) != 0 ? archive_entry_size(entryPointer) : nil)
            switch entry.type {
            case .directory, .special:
                continue
            case .symlink(let target), .hardlink(let target):
                _ = visitor.interest(in: entry)
                visitor.report(ArchiveIssue(
                    path: path.description, severity: .info, message: "link to \(NameBound.shortened(target)) not followed", damaged: false, kind: "link"))
                continue
            case .regular:
                break
            }
            let content = EntryContent(source: LibArchiveData(handle) { [unowned self] in self.failureMessage }, budget: budget) { [unowned self] n in
                self.bytesRead += Int64(n)
            }
            switch visitor.interest(in: entry) {
            case .content:
                do { try visitor.visit(entry, content: content) } catch EntryReadError.walkLimit {
                    return .stopped
                } catch {
                    visitor.report(ArchiveIssue(path: path.description, severity: .error, message: "\(error)", damaged: true))
                    if case EntryReadError.damaged = error { return .stopped }
                }
            case .none:
                NestedArchive.open(entry: entry, content: content, depth: depth + 1, budget: budget, visitor: visitor, summary: &summary, logger: logger) { format in
                    switch format {
                    case .gzip:
                        try LibArchiveLayer(stream: GzipInflatingSource(upstream: EntryContentSource(content)), name: path.description, budget: budget)
                    case .xz:
                        try LibArchiveLayer(
                            stream: XZDecodingSource(upstream: EntryContentSource(content), pool: budget.decoderMemory), name: path.description, budget: budget)
                    default:
                        try LibArchiveLayer(nested: content, name: path.description, budget: budget)
                    }
                }
            }
        }
        return .stopped
    }

    /// Whether skipping an entry means decompressing it: a stream fed to libarchive, or a file read through a
    /// filter. Only an uncompressed archive file can be skipped by seeking.
    private var decompresses: Bool { sourceFeed != nil || feed != nil || archive_filter_count(handle) > 1 }

    /// Reads the rest of the current entry, counting it; false once a limit of the walk is reached.
    private func drainEntry() -> Bool {
        let size = 1 << 18
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { scratch.deallocate() }
        while true {
            let n = archive_read_data(handle, scratch, size)
            // 0: the entry ended; below 0: damage, which the next header reports.
            guard n > 0 else { return true }
            bytesRead += Int64(n)
            if !budget.consume(bytes: Int64(n)) { return false }
        }
    }

    /// The raw name bytes, decoded leniently: libarchive's locale conversion drops non-ASCII names in the C locale.
    private static func pathname(_ entry: OpaquePointer) -> String {
        guard let raw = archive_entry_pathname(entry) else { return "" }
        let bytes = UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self)
        return String(decoding: UnsafeBufferPointer(start: bytes, count: strlen(raw)), as: UTF8.self)
    }

    private static func type(of entry: OpaquePointer) -> EntryType {
        if let link = archive_entry_hardlink(entry) { return .hardlink(target: String(cString: link)) }
        let type = UInt32(archive_entry_filetype(entry)) & MUSTARD_AE_IFMT
        switch type {
        case MUSTARD_AE_IFREG: return .regular
        case MUSTARD_AE_IFDIR: return .directory
        case MUSTARD_AE_IFLNK:
            return .symlink(target: archive_entry_symlink(entry).map { String(cString: $0) } ?? "?")
        default: return .special
        }
    }
}

/// The data of the current entry of a libarchive reader.
private final class LibArchiveData: ByteSource {
    private let handle: OpaquePointer
    private let failure: () -> String

    init(_ handle: OpaquePointer, failure: @escaping () -> String) {
        self.handle = handle
        self.failure = failure
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        throw EntryReadError.damaged("cannot read: \(failure())")
    }
}

/// Feeds libarchive from any byte source, for its read callback.
private final class SourceFeed {
    private let source: ByteSource
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    /// The source's error, if it broke while libarchive read it.
    var failure: String?

    init(_ source: ByteSource) { self.source = source }
    deinit { buffer.deallocate() }

    /// Reads what libarchive left unread, to its end; the source's complaint if it has one.
    func drain() -> String? {
        if let failure { return failure }
        do {
            while try source.read(into: buffer) > 0 {}
            return nil
        } catch {
            return "\(error)"
        }
    }

    func next(_ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do {
            let n = try source.read(into: buffer)
            out.pointee = UnsafeRawPointer(buffer.baseAddress)
            return n
        } catch {
            failure = "\(error)"
            return -1
        }
    }
}

/// Feeds a nested archive from its outer entry, for libarchive's read callback.
private final class NestedFeed {
    private let content: EntryContent
    /// The outer read error, if the outer archive broke while the nested one was read.
    var failure: String?

    init(content: EntryContent) { self.content = content }

    func next(_ buffer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do {
            let chunk = try content.nextChunk()
            buffer.pointee = chunk.baseAddress
            return chunk.count
        } catch {
            failure = "\(error)"
            return -1
        }
    }
}

/// Opens archives found inside archives or folders, within the nesting limit.
enum NestedArchive {
    static func open(
        entry: ArchiveEntry, content: EntryContent, depth: Int, budget: WalkBudget,
        visitor: DumpVisitor, summary: inout WalkSummary, logger: Logger,
        makeLayer: (ArchiveFormat) throws -> LibArchiveLayer
    ) {
        let name = entry.path.description
        let head: [UInt8]
        do { head = try content.peek(ArchiveFormat.sniffLength) } catch EntryReadError.walkLimit {
            return
        } catch {
            visitor.report(ArchiveIssue(path: name, severity: .error, message: "\(error)", damaged: true))
            return
        }
        guard let format = ArchiveFormat.detect(head) else { return }
        let leaf = entry.path.components.last ?? ""
        guard depth <= budget.limits.maxNestingDepth else {
            visitor.report(ArchiveIssue(
                path: name, severity: .warning,
                message: "nested archive not opened: more than \(budget.limits.maxNestingDepth) archives deep (--max-nesting)", damaged: true))
            return
        }
        let layer: LibArchiveLayer
        do { layer = try makeLayer(format) } catch {
            reportUnopened(name: name, leaf: leaf, format: format, error: error, visitor: visitor)
            return
        }
        logger.debug("opening nested archive", metadata: ["path": "\(name)", "format": "\(format.rawValue)"])
        summary.nestedArchives += 1
        let entriesBefore = summary.entries
        layer.walk(base: entry.path.layers, depth: depth, visitor: visitor, summary: &summary, logger: logger)
        if summary.entries == entriesBefore, format != .tar, format != .zip, !ArchiveFormat.nameSuggestsArchive(leaf) {
            logger.debug("compressed file holds no archive", metadata: ["path": "\(name)"])
        }
    }

    private static func reportUnopened(name: String, leaf: Substring, format: ArchiveFormat, error: Error, visitor: DumpVisitor) {
        // A rotated `app.log.gz` is compressed, not an archive: not worth a word.
        let compressedOnly = [.gzip, .xz, .zstd, .bzip2].contains(format) && !ArchiveFormat.nameSuggestsArchive(leaf)
        if compressedOnly { return }
        visitor.report(ArchiveIssue(path: name, severity: .error, message: "nested archive cannot be opened: \(error)", damaged: true))
    }
}
