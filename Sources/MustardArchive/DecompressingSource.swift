import CArchive

/// The decompressed bytes of a compressed file (zstd, bzip2; xz has `XZDecodingSource`), read with libarchive's filters in `raw` mode.
///
/// Why: so decompression can run on its own thread (`ReadAheadSource`) while the walk reads the tar inside on
/// this one, as the gzip path does with zlib. libarchive still detects the filter from the bytes and reports
/// truncation and corruption, which `read` throws as damage.
final class DecompressingSource: ByteSource {
    private let handle: OpaquePointer
    /// Names the stream in messages.
    private let compression: ArchiveFormat
    private var ended = false

    init(path: String, compression: ArchiveFormat) throws {
        self.compression = compression
        guard let a = archive_read_new() else { throw ArchiveOpenError.unreadable(path, reason: "out of memory") }
        LibArchiveLayer.supportFilters(a)
        archive_read_support_format_raw(a)
        var entry: OpaquePointer?
        guard archive_read_open_filename(a, path, 1 << 20) == MUSTARD_ARCHIVE_OK,
            archive_read_next_header(a, &entry) == MUSTARD_ARCHIVE_OK
        else {
            let reason = LibArchiveLayer.errorString(a)
            archive_read_free(a)
            throw ArchiveOpenError.unreadable(path, reason: reason)
        }
        // Set last: a throwing initialiser of a fully initialised class would run deinit and free it twice.
        handle = a
    }

    deinit { archive_read_free(handle) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !ended else { return 0 }
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n < 0 {
            // libarchive's words for a cut-off stream vary by library ("No progress is possible"): say it plainly.
            let detail = LibArchiveLayer.errorString(handle)
            throw EntryReadError.damaged("truncated or corrupt \(compression.rawValue) stream (\(detail))")
        }
        if n == 0 { ended = true }
        return n
    }
}
