/// Container formats recognised from their first bytes, never from the file name.
public enum ArchiveFormat: String, Sendable, CaseIterable {
    case tar, gzip, xz, zstd, bzip2, zip

    /// The bytes needed to tell every format apart (tar's `ustar` sits at offset 257).
    public static let sniffLength = 262

    /// Recognises a container from its first bytes.
    public static func detect<C: Collection>(_ head: C) -> ArchiveFormat? where C.Element == UInt8 {
        let b = Array(head.prefix(sniffLength))
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x42, 0x5A, 0x68]) { return .bzip2 }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if b.count >= 262, Array(b[257..<262]) == Array("ustar".utf8) { return .tar }
        return nil
    }

    /// Whether a name says "I am an archive": a nested file with such a name that fails to open is damage,
    /// while any other compressed file (a rotated `.log.gz`) that holds no archive is simply not one.
    public static func nameSuggestsArchive(_ name: Substring) -> Bool {
        let lower = name.lowercased()
        return [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2", ".zip"]
            .contains { lower.hasSuffix($0) }
    }
}
