import Foundation

/// A source of an entry's bytes, read front to back once.
protocol ByteSource: AnyObject {
    /// Fills `buffer` from the front; 0 means the end. Throws when the bytes cannot be read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Why an entry's bytes could not be read.
public enum EntryReadError: Error, CustomStringConvertible {
    case tooLarge(limit: Int)
    case damaged(String)
    /// A limit of the whole walk was reached: every layer stops.
    case walkLimit(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): return "larger than the \(limit >> 20) MiB limit for one file (--max-entry-bytes); not read"
        case .damaged(let why): return why
        case .walkLimit(let why): return why
        }
    }
}

/// The bytes of one entry, valid only inside the visitor call that receives it.
///
/// Read it whole (`readAll`) or line by line (`forEachLine`); never both. Whatever is not read is skipped.
public final class EntryContent {
    private var head: [UInt8]
    private let source: ByteSource
    private let limits: ArchiveLimits
    private let budget: WalkBudget
    /// Told of every byte read from the source, so the layer can tell read bytes from skipped ones.
    private let onRead: (Int) -> Void
    private var chunk: UnsafeMutableRawBufferPointer

    init(head: [UInt8] = [], source: ByteSource, budget: WalkBudget, onRead: @escaping (Int) -> Void = { _ in }) {
        self.head = head
        self.source = source
        self.limits = budget.limits
        self.budget = budget
        self.onRead = onRead
        self.chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 8)
    }

    /// Reads from the source, counting the bytes against the walk's total.
    private func readSource(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        onRead(n)
        if !budget.consume(bytes: Int64(n)), let why = budget.exhausted { throw EntryReadError.walkLimit(why) }
        return n
    }

    deinit { chunk.deallocate() }

    /// Next piece of the entry: first the bytes already peeked, then the source's. Empty at the end.
    func nextChunk() throws -> UnsafeRawBufferPointer {
        if !head.isEmpty {
            let n = min(head.count, chunk.count)
            head.withUnsafeBytes { chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            head.removeFirst(n)
            return UnsafeRawBufferPointer(rebasing: chunk[0..<n])
        }
        let n = try readSource(into: chunk)
        return UnsafeRawBufferPointer(rebasing: chunk[0..<n])
    }

    /// Reads up to `count` bytes from the front without losing them for later readers.
    func peek(_ count: Int) throws -> [UInt8] {
        while head.count < count {
            let piece = try readSource(into: chunk)
            if piece == 0 { break }
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<piece]))
        }
        return Array(head.prefix(count))
    }

    /// The whole entry, refused past `ArchiveLimits.maxEntryBytes`.
    public func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let piece = try nextChunk()
            if piece.isEmpty { return bytes }
            if bytes.count + piece.count > limits.maxEntryBytes { throw EntryReadError.tooLarge(limit: limits.maxEntryBytes) }
            bytes.append(contentsOf: piece)
        }
    }

    /// Calls `body` with each line (without its newline) and its 1-based number, never holding the whole entry.
    /// Lines longer than `ArchiveLimits.maxLineBytes` are cut to that length.
    public func forEachLine(_ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        var number = 0
        var cut = false
        while true {
            let piece = try nextChunk()
            if piece.isEmpty { break }
            var start = piece.startIndex
            while start < piece.endIndex {
                // memchr: the generic search was a quarter of reading a long log in a debug build.
                let rest = piece.count - start
                if let base = piece.baseAddress, let hit = memchr(base + start, 0x0A, rest) {
                    let nl = base.distance(to: UnsafeRawPointer(hit))
                    append(piece[start..<nl], to: &line, cut: &cut)
                    number += 1
                    try body(line[...], number)
                    line.removeAll(keepingCapacity: true)
                    cut = false
                    start = nl + 1
                } else {
                    append(piece[start...], to: &line, cut: &cut)
                    start = piece.endIndex
                }
            }
        }
        if !line.isEmpty {
            number += 1
            try body(line[...], number)
        }
    }

    private func append(_ bytes: Slice<UnsafeRawBufferPointer>, to line: inout [UInt8], cut: inout Bool) {
        guard !cut else { return }
        let room = limits.maxLineBytes - line.count
        if bytes.count > room {
            line.append(contentsOf: bytes.prefix(room))
            cut = true
        } else {
            line.append(contentsOf: bytes)
        }
    }
}
