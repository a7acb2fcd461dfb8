import Foundation

/// Reads an upstream source on a thread of its own, a few chunks ahead of the reader.
///
/// Why: decompressing the outer gzip stream is the largest single cost of walking a `.tar.gz` dump, and it
/// needs nothing from the walk. On its own thread it runs while the walk parses tar headers and scans logs
/// on this one (and YAML decodes on another), instead of before them. Bounded: at most `depth` chunks are
/// decompressed ahead, so memory stays at `depth × chunkSize` however fast the producer is.
final class ReadAheadSource: ByteSource, @unchecked Sendable {
    /// One filled chunk, the end of the stream, or the error that ended it, in stream order.
    private enum Item {
        case bytes(UnsafeMutableRawBufferPointer, count: Int)
        case end
        case failure(Error)
    }

    private let upstream: ByteSource
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var ready: [Item] = []
    private var free: [UnsafeMutableRawBufferPointer]
    private var cancelled = false
    private var producerDone = false
    private let buffers: [UnsafeMutableRawBufferPointer]

    /// The chunk being read by the consumer, and how far.
    private var current: (buffer: UnsafeMutableRawBufferPointer, count: Int, offset: Int)?
    /// Once the stream ended or failed, every later read says so again.
    private var terminal: Item?

    init(upstream: ByteSource, chunkSize: Int = 1 << 20, depth: Int = 4) {
        self.upstream = upstream
        buffers = (0..<depth).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16) }
        free = buffers
        let thread = Thread { [self] in produce() }
        thread.name = "mustard.read-ahead"
        thread.start()
    }

    deinit {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
        for buffer in buffers { buffer.deallocate() }
    }

    /// The producer: fills free chunks from upstream until the end, an error, or cancellation.
    private func produce() {
        while true {
            condition.lock()
            while free.isEmpty, !cancelled { condition.wait() }
            if cancelled {
                producerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let buffer = free.removeLast()
            condition.unlock()

            let item: Item
            do {
                let n = try upstream.read(into: buffer)
                item = n == 0 ? .end : .bytes(buffer, count: n)
            } catch {
                item = .failure(error)
            }

            // The end or a failure is the last item; its buffer was not filled and goes back.
            let last: Bool
            if case .bytes = item { last = false } else { last = true }
            condition.lock()
            if last {
                free.append(buffer)
                producerDone = true
            }
            ready.append(item)
            condition.broadcast()
            condition.unlock()
            if last { return }
        }
    }

    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        if let terminal { return try Self.answer(terminal) }
        if current == nil {
            condition.lock()
            while ready.isEmpty { condition.wait() }
            let item = ready.removeFirst()
            condition.unlock()
            switch item {
            case .bytes(let buffer, let count): current = (buffer, count, 0)
            case .end, .failure:
                terminal = item
                return try Self.answer(item)
            }
        }
        guard let chunk = current, let target = destination.baseAddress, let source = chunk.buffer.baseAddress else { return 0 }
        let n = min(destination.count, chunk.count - chunk.offset)
        target.copyMemory(from: source + chunk.offset, byteCount: n)
        if chunk.offset + n == chunk.count {
            current = nil
            condition.lock()
            free.append(chunk.buffer)
            condition.broadcast()
            condition.unlock()
        } else {
            current = (chunk.buffer, chunk.count, chunk.offset + n)
        }
        return n
    }

    private static func answer(_ item: Item) throws -> Int {
        if case .failure(let error) = item { throw error }
        return 0
    }
}
