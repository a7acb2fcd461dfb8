import Foundation

/// What names one dump's index in the cache: the file's resolved path, size, modification and change times,
/// device and inode, and a hash of its first and last MiB (for a folder: of every file's path, size and times).
///
/// Why a changed or damaged file never gets an old answer: anything that rewrites the file changes its size or
/// its modification time (nanoseconds) and its change time, which no user tool can set back; a file replaced
/// under the same name has a new inode; a download that was truncated and then completed differs in size and
/// in its last MiB. The hash is FNV-1a (not a cryptographic hash): the key guards against accidents, not against
/// someone who can already write the user's files.
public struct DumpIdentity: Sendable, Hashable {
    /// Hex text, safe as a file name.
    public let key: String

    public static func of(_ path: String) throws -> DumpIdentity {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        var hash = FNV1a()
        hash.add(url.path)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            hashFolder(url, into: &hash)
        } else {
            hashStat(info, into: &hash)
            try hashEnds(url.path, size: Int64(info.st_size), into: &hash)
        }
        return DumpIdentity(key: hash.hex)
    }

    private static func hashStat(_ info: stat, into hash: inout FNV1a) {
        hash.add(
            "\(info.st_dev)/\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)/\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
        )
    }

    /// The first and last MiB of the file.
    private static func hashEnds(_ path: String, size: Int64, into hash: inout FNV1a) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        let mib: Int64 = 1 << 20
        hash.add(block: try handle.read(upToCount: Int(mib)) ?? Data())
        if size > mib {
            try handle.seek(toOffset: UInt64(max(mib, size - mib)))
            hash.add(block: try handle.read(upToCount: Int(mib)) ?? Data())
        }
    }

    /// Every file below a folder dump: relative path and times (the walk reads only metadata).
    private static func hashFolder(_ url: URL, into hash: inout FNV1a) {
        guard let files = FileManager.default.enumerator(atPath: url.path) else { return }
        var lines: [String] = []
        for case let relative as String in files {
            var info = stat()
            guard lstat(url.path + "/" + relative, &info) == 0 else { continue }
            lines.append(
                "\(relative)\u{0}\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)/\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
            )
        }
        for line in lines.sorted() { hash.add(line) }
    }
}

/// 128 bits of FNV-1a (two 64-bit lanes with different offsets), stable across runs and machines.
struct FNV1a {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(bytes: some Sequence<UInt8>) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = b ^ (b >> 29)
        }
    }

    /// A block of the file, eight bytes at a step (byte by byte, hashing the dump's ends was a tenth of a repeated
    /// query).
    mutating func add(block: Data) {
        block.withUnsafeBytes { raw in
            var i = 0
            while i + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                a = (a ^ word) &* 0x0000_0100_0000_01B3
                b = (b ^ word) &* 0x0000_0100_0000_01B3
                b = b ^ (b >> 29)
                i += 8
            }
            add(bytes: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    mutating func add(_ text: String) {
        add(bytes: text.utf8)
        add(bytes: [0])
    }

    var hex: String {
        func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return pad(a) + pad(b)
    }
}
