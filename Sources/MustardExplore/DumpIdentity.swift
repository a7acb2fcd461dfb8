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

    /// Every file below a folder dump: relative path (its bytes as stored, whatever their encoding) and times; the
    /// walk reads only metadata. By `readdir` and `fstatat`: FileManager's enumerator asked for every file's
    /// attributes in Foundation's form, a third of a first query on a folder of 6,000 files. Symbolic links are
    /// noted, not followed, as the enumerator did.
    private static func hashFolder(_ url: URL, into hash: inout FNV1a) {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(4096)
        var folders: [[UInt8]] = [[]]
        while let relative = folders.popLast() {
            let dirPath = Array(url.path.utf8) + (relative.isEmpty ? [] : [UInt8(ascii: "/")] + relative)
            let fd = (dirPath + [0]).withUnsafeBufferPointer { path in
                path.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) }
            }
            guard fd >= 0 else { continue }
            guard let dir = fdopendir(fd) else {
                close(fd)
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                var info = stat()
                let (name, found) = withUnsafePointer(to: &entry.pointee.d_name) { raw in
                    raw.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: raw.pointee)) { name in
                        (Array(UnsafeRawBufferPointer(start: name, count: strlen(name))), fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0)
                    }
                }
                if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] || !found { continue }
                let path = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
                lines.append(
                    path + [0]
                        + Array(
                            "\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)/\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
                                .utf8))
                if (info.st_mode & S_IFMT) == S_IFDIR { folders.append(path) }
            }
        }
        // Each line hashed alone and the hashes summed: the same for any order readdir gives, without sorting.
        var sum = FNV1a.Sum()
        for line in lines {
            var one = FNV1a()
            one.add(bytes: line)
            sum.add(one)
        }
        hash.add(sum)
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

    /// An order-free sum of hashes (lane by lane, wrapping).
    struct Sum {
        fileprivate var a: UInt64 = 0
        fileprivate var b: UInt64 = 0

        mutating func add(_ hash: FNV1a) {
            a &+= hash.a
            b &+= hash.b
        }
    }

    mutating func add(_ sum: Sum) {
        add(bytes: withUnsafeBytes(of: (sum.a.littleEndian, sum.b.littleEndian)) { Array($0) })
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
