import Foundation

/// Where mustard writes, made safe: a report never replaces the dump it describes (a support engineer's only copy of
/// the customer's upload), two outputs never share a file, and an interrupted run never leaves half a report.
enum OutputFiles {
    /// The same file on disk, whatever the spelling: `./case.tgz`, a symlink to it, or its absolute path. Files that
    /// exist are compared by device and inode; a file not yet written by the canonical path of its folder.
    static func same(_ a: String, _ b: String) -> Bool {
        if let x = identity(a), let y = identity(b) { return x == y }
        return canonical(a) == canonical(b)
    }

    private struct Identity: Equatable { let device: UInt64, inode: UInt64 }

    private static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The absolute path with its folder's symlinks resolved (the file itself may not exist yet).
    private static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        return (folder as NSString).appendingPathComponent(url.lastPathComponent)
    }

    /// Refuses an output that is one of the inputs or another output: the reason, or nil when all is well.
    /// Inputs that are folders are compared too (`-o` naming the dump folder would replace it).
    static func conflict(outputs: [(option: String, path: String)], inputs: [String]) -> String? {
        for (index, output) in outputs.enumerated() {
            if let input = inputs.first(where: { same(output.path, $0) }) {
                return "\(output.option) \(output.path) is the dump \(input) itself: writing it would destroy the dump; name another file"
            }
            for other in outputs[(index + 1)...] where same(output.path, other.path) {
                return "\(output.option) and \(other.option) name the same file (\(output.path)); name two files"
            }
        }
        return nil
    }

    /// Writes a file whole or not at all: into a temporary file in the same folder, then renamed over the target,
    /// so a reader never sees half a report and an interrupted run leaves the old file as it was. A symlink at
    /// the target is written through (the link stays, its target is replaced), as a plain write would.
    static func writeAtomically(_ pieces: [[UInt8]], to path: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue {
            throw WriteError(message: "\(path) is a folder")
        }
        // A device, pipe or socket (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to, never replaced: renaming a
        // file over /dev/null, as root, swapped the machine's null device for a regular file.
        var info = stat()
        if stat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(target, O_WRONLY)
            guard fd >= 0 else { throw WriteError(message: String(cString: strerror(errno))) }
            defer { close(fd) }
            guard writeAll(pieces, to: fd) else { throw WriteError(message: String(cString: strerror(errno))) }
            return
        }
        let folder = (target as NSString).deletingLastPathComponent
        var template = Array(((folder.isEmpty ? "." : folder) + "/.mustard-report-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw WriteError(message: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var written = false
        defer { if !written { unlink(temporary) } }
        // mkstemp makes the file 0600; a report gets the permissions any new file would (0666 less the umask).
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        let ok = writeAll(pieces, to: fd)
        let synced = fsync(fd) == 0
        close(fd)
        guard ok, synced else { throw WriteError(message: String(cString: strerror(errno))) }
        guard rename(temporary, target) == 0 else { throw WriteError(message: String(cString: strerror(errno))) }
        written = true
    }

    /// Writes all of `pieces`, one after the other, however many calls it takes; false on an error (`errno` says
    /// which). Small pieces (a report's findings are thousands) are gathered in one reused buffer of `stagedBytes`
    /// first, so a report takes a few calls and no buffer of its whole size.
    static func writeAll(_ pieces: [[UInt8]], to fd: Int32) -> Bool {
        var staged: [UInt8] = []
        staged.reserveCapacity(min(stagedBytes, pieces.reduce(0) { $0 + $1.count }))
        for piece in pieces {
            if staged.count + piece.count > stagedBytes, !staged.isEmpty {
                guard writeAll(staged, to: fd) else { return false }
                staged.removeAll(keepingCapacity: true)
            }
            if piece.count >= stagedBytes {
                guard writeAll(piece, to: fd) else { return false }
            } else {
                staged.append(contentsOf: piece)
            }
        }
        return staged.isEmpty || writeAll(staged, to: fd)
    }

    static let stagedBytes = 1 << 20

    /// Writes all of `bytes`, however many calls it takes; false on an error (`errno` says which).
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    struct WriteError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
