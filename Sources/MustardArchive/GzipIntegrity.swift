import CZlib
import Foundation

/// Checks a gzip stream's CRC-32 and length trailers, which libarchive does not: a flipped byte in compressed
/// data otherwise decompresses into silently wrong files. Fed the compressed bytes as they pass; multi-member
/// streams (pigz, concatenated gzip) are followed member by member.
final class GzipIntegrity {
    private var stream = z_stream()
    private var started = false
    private let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    /// zlib's complaint about the data (`incorrect data check`, `invalid block type`), once one is found.
    private(set) var corruption: String?

    init() {
        started = mustard_inflate_init_gzip(&stream) == Z_OK
    }

    deinit {
        if started { inflateEnd(&stream) }
        scratch.deallocate()
    }

    /// Feeds compressed bytes; stops looking after the first corruption.
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard started, corruption == nil, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        while stream.avail_in > 0 {
            stream.next_out = scratch
            stream.avail_out = 1 << 16
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if status == Z_BUF_ERROR, stream.avail_out > 0 { return }
            case Z_STREAM_END:
                // The next member, if any; trailing zero padding after the last member is common and harmless.
                let rest = UnsafeRawBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                if rest.allSatisfy({ $0 == 0 }) { stream.avail_in = 0; return }
                inflateReset(&stream)
            default:
                corruption = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return
            }
        }
    }

    /// The issue for a corrupt gzip stream: data was lost, so the dump counts as damaged.
    static func issue(path: String, problem: String) -> ArchiveIssue {
        ArchiveIssue(
            path: path, severity: .error,
            message: "corrupt gzip stream (\(problem)): files decompressed from it may be silently wrong or missing",
            damaged: true)
    }

    /// Checks a whole gzip file on a background thread; `wait()` gives zlib's complaint, if any.
    final class FileCheck: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: String?

        init(path: String) {
            let thread = Thread { [self] in
                defer { done.signal() }
                guard let source = try? FileByteSource(path: path) else { return }
                let check = GzipIntegrity()
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
                defer { buffer.deallocate() }
                while check.corruption == nil, let n = try? source.read(into: buffer), n > 0 {
                    check.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
                result = check.corruption
            }
            thread.start()
        }

        func wait() -> String? {
            done.wait()
            return result
        }
    }
}
