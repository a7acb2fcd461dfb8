import CZlib
import Foundation

/// Decompresses a gzip stream with zlib, which checks every member's CRC-32 and length, and hands libarchive the
/// plain tar: one inflate instead of libarchive's unchecked one plus a second pass to verify it.
final class GzipInflatingSource: ByteSource {
    private let upstream: ByteSource
    private var stream = z_stream()
    private var started = false
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    private var upstreamEnded = false
    private var finished = false
    /// A corruption found while the bytes before it were handed out: reported on the next read.
    private var pendingError: EntryReadError?

    init(upstream: ByteSource) {
        self.upstream = upstream
        started = mustard_inflate_init_gzip(&stream) == Z_OK
    }

    deinit {
        if started { inflateEnd(&stream) }
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard started else { throw EntryReadError.damaged("zlib could not start") }
        if let pendingError { throw pendingError }
        while !finished {
            if stream.avail_in == 0, !upstreamEnded {
                let n = try upstream.read(into: input)
                if n == 0 { upstreamEnded = true }
                stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(n)
            }
            stream.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(buffer.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                // Another member may follow (pigz, concatenated gzip); zero padding after the last is harmless.
                if stream.avail_in == 0, !upstreamEnded {
                    let n = try upstream.read(into: input)
                    if n == 0 { upstreamEnded = true }
                    stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                }
                let rest = UnsafeRawBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                if rest.isEmpty || rest.allSatisfy({ $0 == 0 }) { finished = true } else { inflateReset(&stream) }
            case Z_OK, Z_BUF_ERROR:
                if produced == 0, stream.avail_in == 0, upstreamEnded {
                    throw EntryReadError.damaged("truncated gzip input: the file ends inside the compressed stream")
                }
            default:
                let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                let error = EntryReadError.damaged("corrupt gzip stream (\(why)): files decompressed from it may be silently wrong or missing")
                // Hand out what came before the damage; the error follows on the next read.
                guard produced > 0 else { throw error }
                pendingError = error
                return produced
            }
            if produced > 0 { return produced }
        }
        return 0
    }
}

/// An entry's bytes as a `ByteSource`, for a decompressor that reads it.
final class EntryContentSource: ByteSource {
    private let content: EntryContent
    init(_ content: EntryContent) { self.content = content }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let chunk = try content.nextChunk()
        guard !chunk.isEmpty else { return 0 }
        // nextChunk hands out at most its own chunk size (256 KiB), less than the feed's buffer.
        let n = min(chunk.count, buffer.count)
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        return n
    }
}
