import CLZMA
import Foundation

/// Decompresses xz with liblzma directly, under a memory limit. libarchive's xz filter gives liblzma no limit, so a
/// stream whose header declared a 2 GiB dictionary was decoded with one (1 GB resident for a small file); here the
/// decoder refuses it before allocating, and the walk reports the limit.
final class XZDecodingSource: ByteSource {
    private let upstream: ByteSource
    private var stream = lzma_stream()
    private var started = false
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    private var upstreamEnded = false
    private var finished = false
    private let pool: DecoderMemoryPool
    private let memoryLimit: UInt64
    /// What the decoder was last seen using, and what of it was taken from the walk's pool.
    private var accounted: UInt64 = 0
    private var taken: UInt64 = 0
    /// A corruption found while the bytes before it were handed out: reported on the next read.
    private var pendingError: EntryReadError?
    /// Set when the stream needs more memory than allowed: what to report.
    private(set) var limitReached: String?

    init(upstream: ByteSource, pool: DecoderMemoryPool) {
        self.upstream = upstream
        self.pool = pool
        memoryLimit = max(1 << 20, pool.available)
        started = lzma_stream_decoder(&stream, memoryLimit, MUSTARD_LZMA_CONCATENATED) == LZMA_OK
    }

    deinit {
        lzma_end(&stream)
        pool.release(taken)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard started else { throw EntryReadError.damaged("liblzma could not start") }
        if let pendingError { throw pendingError }
        while !finished {
            if stream.avail_in == 0, !upstreamEnded {
                let n = try upstream.read(into: input)
                if n == 0 { upstreamEnded = true }
                stream.next_in = UnsafePointer(input.baseAddress?.assumingMemoryBound(to: UInt8.self))
                stream.avail_in = n
            }
            stream.next_out = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = buffer.count
            // LZMA_FINISH once the input ended: with concatenated streams liblzma only then knows no stream follows.
            let status = lzma_code(&stream, upstreamEnded && stream.avail_in == 0 ? LZMA_FINISH : LZMA_RUN)
            let produced = buffer.count - stream.avail_out
            reserve()
            switch status {
            case LZMA_STREAM_END:
                finished = true
            case LZMA_OK:
                break
            case LZMA_BUF_ERROR where produced == 0 && upstreamEnded:
                throw EntryReadError.damaged("truncated or corrupt xz stream (the file ends inside the compressed stream)")
            case LZMA_BUF_ERROR:
                break
            case LZMA_MEMLIMIT_ERROR:
                let needed = lzma_memusage(&stream)
                let why = "the xz stream needs \(needed >> 20) MiB of memory to decompress (its dictionary size), more than the \(memoryLimit >> 20) MiB left for decompressors: not decompressed"
                limitReached = why
                throw EntryReadError.damaged(why)
            default:
                let error = EntryReadError.damaged("truncated or corrupt xz stream (\(Self.describe(status)))")
                guard produced > 0 else { throw error }
                pendingError = error
                return produced
            }
            if produced > 0 { return produced }
        }
        return 0
    }

    /// Takes what the decoder now uses from the pool, so decoders nested inside this one get only the rest.
    private func reserve() {
        let using = lzma_memusage(&stream)
        if using > accounted {
            taken += pool.take(using - accounted)
            accounted = using
        }
    }

    private static func describe(_ status: lzma_ret) -> String {
        switch status {
        case LZMA_FORMAT_ERROR: return "not in the xz format"
        case LZMA_OPTIONS_ERROR: return "unsupported options"
        case LZMA_DATA_ERROR: return "compressed data is corrupt"
        case LZMA_MEM_ERROR: return "out of memory"
        default: return "liblzma error \(status.rawValue)"
        }
    }
}

/// Memory the decompressors of one walk may use together (outer and nested streams): each takes what it uses
/// and gives it back when it ends. Shared across the read-ahead thread and the walk, hence the lock.
final class DecoderMemoryPool: @unchecked Sendable {
    private let lock = NSLock()
    private var left: UInt64

    init(total: UInt64) { left = total }

    var available: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return left
    }

    /// Takes up to `bytes`; returns what was taken.
    func take(_ bytes: UInt64) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let taken = min(left, bytes)
        left -= taken
        return taken
    }

    func release(_ bytes: UInt64) {
        lock.lock()
        left += bytes
        lock.unlock()
    }
}
