import Foundation
import MustardTestSupport
import Testing
@testable import MustardArchive

/// Collects what the walker hands out: every regular file's bytes and every issue.
final class RecordingVisitor: DumpVisitor {
    var files: [String: [UInt8]] = [:]
    var seen: [ArchiveEntry] = []
    var issues: [ArchiveIssue] = []
    let wants: (ArchiveEntry) -> Bool

    init(wants: @escaping (ArchiveEntry) -> Bool = { _ in true }) { self.wants = wants }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        seen.append(entry)
        return entry.type == .regular && wants(entry) ? .content : .none
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        files[entry.path.description] = try content.readAll()
    }

    func report(_ issue: ArchiveIssue) { issues.append(issue) }
}

/// Entries whose name says they are archives are left to the walker, which opens them.
func notArchives(_ e: ArchiveEntry) -> Bool { !ArchiveFormat.nameSuggestsArchive(e.path.components.last ?? "") }

@Suite("Formats are told from their bytes")
struct FormatTests {
    @Test("Each container's magic bytes", arguments: [
        ([0x1F, 0x8B, 0x08], ArchiveFormat.gzip), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], .xz),
        ([0x28, 0xB5, 0x2F, 0xFD], .zstd), ([0x42, 0x5A, 0x68, 0x39], .bzip2), ([0x50, 0x4B, 0x03, 0x04], .zip),
    ] as [([UInt8], ArchiveFormat)])
    func magic(bytes: [UInt8], format: ArchiveFormat) {
        #expect(ArchiveFormat.detect(bytes) == format)
    }

    @Test("tar by its ustar marker; YAML text is no archive")
    func tarAndText() {
        var tar = TarWriter()
        tar.add("a.yaml", "kind: Pod\n")
        #expect(ArchiveFormat.detect(tar.archive) == .tar)
        #expect(ArchiveFormat.detect(Array("apiVersion: v1\nkind: List\n".utf8)) == nil)
    }
}

@Suite("Walking archives and folders")
struct WalkTests {
    static let tree = TestSupport.sample("healthy-migration")

    func walk(_ path: String, limits: ArchiveLimits = ArchiveLimits(), wants: @escaping (ArchiveEntry) -> Bool = notArchives) throws -> (RecordingVisitor, WalkSummary) {
        let visitor = RecordingVisitor(wants: wants)
        let summary = try DumpWalker(limits: limits).walk(path, visitor: visitor)
        return (visitor, summary)
    }

    @Test("Every format gives the same files as the tree, nested tarball included",
          arguments: ["case.tar", "case.tar.gz", "case.tgz", "case.tar.xz", "case.tar.zst", "case.tar.bz2", "case.zip"])
    func formats(name: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let reference = try walk(try TestSupport.pack(Self.tree, as: "reference.tar", in: folder)).0
        // The format is read from the bytes: a misleading name changes nothing.
        let packed = try TestSupport.pack(Self.tree, as: name, in: folder)
        let disguised = folder.appendingPathComponent("upload.bin").path
        try FileManager.default.copyItem(atPath: packed, toPath: disguised)
        let (visitor, summary) = try walk(disguised)
        #expect(visitor.issues.filter(\.damaged).isEmpty)
        #expect(summary.nestedArchives == 1)
        #expect(visitor.files.keys.contains { $0.contains("must-gather.tar.gz!/must-gather/clusters/host/") })
        // zip and tar name the same files the same way, nested archives included.
        #expect(visitor.files == reference.files)
        #expect(visitor.files.count > 20)
    }

    @Test("A plain folder is walked in name order, and archives in it are opened")
    func folder() throws {
        let (visitor, summary) = try walk(Self.tree)
        #expect(summary.format == "folder")
        let names = visitor.seen.map(\.path.description)
        // Depth first, each folder's entries in name order: a path's siblings before it are smaller.
        for (a, b) in zip(names, names.dropFirst()) {
            let pa = a.split(separator: "/"), pb = b.split(separator: "/")
            if pa.count == pb.count, pa.dropLast() == pb.dropLast() { #expect(pa.last! < pb.last!) }
        }
        #expect(try walk(Self.tree).0.seen.map(\.path.description) == names)
        #expect(visitor.files.keys.contains { $0.hasSuffix("must-gather/clusters/host/timestamp") })
    }

    @Test("Nesting deeper than the limit is reported, not followed")
    func depthLimit() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var current = try TestSupport.pack(Self.tree, as: "level0.tar.gz", in: folder)
        for level in 1...3 {
            let wrap = folder.appendingPathComponent("wrap\(level)")
            try FileManager.default.createDirectory(at: wrap, withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: current, toPath: wrap.appendingPathComponent("inner.tar.gz").path)
            current = try TestSupport.pack(wrap.path, as: "level\(level).tar.gz", in: folder)
        }
        var limits = ArchiveLimits()
        limits.maxNestingDepth = 3
        let (visitor, _) = try walk(current, limits: limits)
        #expect(visitor.issues.contains { $0.message.contains("more than 3 archives deep") })
        limits.maxNestingDepth = 5
        let (deep, _) = try walk(current, limits: limits)
        #expect(deep.files.keys.contains { $0.hasSuffix("clusters/host/timestamp") })
    }

    @Test("A truncated gzip is reported as damage, and what came before it is still read")
    func truncated() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        // A few MB that do not compress, after the sample's files, so the cut lands past the first entries.
        var tar = TarWriter()
        tar.add("must-gather/clusters/host/timestamp", "2026-11-20 13:33:47.9 +0000 UTC m=+1.0\n")
        var seed: UInt64 = 42
        let noise = (0..<3_000_000).map { _ -> UInt8 in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: seed >> 33)
        }
        tar.add(name: Array("must-gather/clusters/host/namespaces/openshift-migration/logs/velero/current.log".utf8), contents: noise)
        let plain = folder.appendingPathComponent("case.tar").path
        try tar.write(to: plain)
        let gz = folder.appendingPathComponent("big.tar.gz").path
        _ = try TestSupport.run("/bin/sh", ["-c", "gzip -1 -c '\(plain)' > '\(gz)'"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = folder.appendingPathComponent("cut.tar.gz").path
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let (visitor, _) = try walk(cut)
        #expect(visitor.issues.contains { $0.damaged })
        #expect(!visitor.files.isEmpty)
    }

    @Test("A flipped byte inside a gzip stream is never read as a healthy archive")
    func flippedByte() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let packed = try TestSupport.pack(TestSupport.sample("stage-image-stuck"), as: "case.tar.gz", in: folder)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: packed)))
        bytes[bytes.count / 2] ^= 0xFF
        let bad = folder.appendingPathComponent("flipped.tar.gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let (visitor, _) = try walk(bad)
        #expect(visitor.issues.contains { $0.damaged })
        // The in-memory path (the fuzzer's) checks the same way.
        let memory = RecordingVisitor(wants: notArchives)
        _ = try DumpWalker().walk(bytes: bytes, name: "flipped", visitor: memory)
        #expect(memory.issues.contains { $0.damaged })
        let clean = RecordingVisitor(wants: notArchives)
        _ = try DumpWalker().walk(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: packed))), name: "clean", visitor: clean)
        #expect(clean.issues.filter(\.damaged).isEmpty)
        #expect(clean.files == (try walk(packed)).0.files)
    }

    @Test("Not an archive, and a missing path, fail before anything is read")
    func unreadable() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let text = folder.appendingPathComponent("notes.tar.gz").path
        try Data("hello, not an archive\n".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: ArchiveOpenError.self) { try walk(text) }
        #expect(throws: ArchiveOpenError.notFound(folder.appendingPathComponent("nope").path)) {
            try walk(folder.appendingPathComponent("nope").path)
        }
    }

    @Test("Traversal names, absolute paths, links, devices and non-UTF-8 names are only names")
    func hostileNames() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var tar = TarWriter()
        tar.add("../../etc/passwd.yaml", "kind: Pod\n")
        tar.add("/abs/namespaces/x/core/pods.yaml", "kind: PodList\n")
        tar.add(name: Array("bad-".utf8) + [0xFF, 0xFE] + Array(".yaml".utf8), contents: Array("kind: Pod\n".utf8))
        tar.add(name: Array("link.yaml".utf8), type: .symlink, linkTarget: "/etc/shadow")
        tar.add(name: Array("hard.yaml".utf8), type: .hardlink, linkTarget: "../../etc/passwd.yaml")
        tar.add(name: Array("dev".utf8), type: .characterDevice)
        tar.add(name: Array("fifo".utf8), type: .fifo)
        let path = folder.appendingPathComponent("hostile.tar").path
        try tar.write(to: path)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let (visitor, _) = try walk(path)
        #expect(visitor.files["../../etc/passwd.yaml"] == Array("kind: Pod\n".utf8))
        #expect(visitor.files["abs/namespaces/x/core/pods.yaml"] != nil)
        #expect(visitor.files.keys.contains { $0.hasPrefix("bad-\u{FFFD}") })
        #expect(visitor.files["link.yaml"] == nil && visitor.files["hard.yaml"] == nil)
        #expect(visitor.issues.contains { $0.message.contains("not followed") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == before)
    }

    @Test("Lines are streamed without holding the entry, long lines cut at the limit")
    func lines() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var tar = TarWriter()
        tar.add("log", "first\n" + String(repeating: "x", count: 100_000) + "\nlast")
        let path = folder.appendingPathComponent("log.tar").path
        try tar.write(to: path)
        final class LineVisitor: DumpVisitor {
            var lines: [(Int, Int)] = []
            func interest(in entry: ArchiveEntry) -> EntryInterest { .content }
            func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
                try content.forEachLine { line, number in self.lines.append((number, line.count)) }
            }
            func report(_ issue: ArchiveIssue) {}
        }
        let visitor = LineVisitor()
        var limits = ArchiveLimits()
        limits.maxLineBytes = 1000
        _ = try DumpWalker(limits: limits).walk(path, visitor: visitor)
        #expect(visitor.lines.map(\.0) == [1, 2, 3])
        #expect(visitor.lines.map(\.1) == [5, 1000, 4])
    }
}

@Suite("Bundled samples")
struct SampleTests {
    /// Regular files by path, with the packer's `X.tar.gz.d/` folders written as the nested `X.tar.gz!/`.
    func contents(_ path: String) throws -> [String: [UInt8]] {
        let visitor = RecordingVisitor(wants: notArchives)
        _ = try DumpWalker().walk(path, visitor: visitor)
        #expect(visitor.issues.filter(\.damaged).isEmpty)
        var out: [String: [UInt8]] = [:]
        for (key, bytes) in visitor.files where key != "README.md" { out[key.replacing(".tar.gz.d/", with: ".tar.gz!/")] = bytes }
        return out
    }

    @Test("Each committed sample tarball holds exactly its readable tree (run `make samples` after editing a tree)",
          arguments: ["stage-image-stuck", "healthy-migration"])
    func upToDate(name: String) throws {
        let packed = try contents(TestSupport.sample("\(name).tar.gz"))
        let tree = try contents(TestSupport.sample(name))
        #expect(packed.keys.sorted() == tree.keys.sorted())
        #expect(packed == tree)
    }
}

@Suite("Entry names")
struct EntryNameTests {
    @Test("Names are normalised to keys: no leading, doubled or trailing slash, no `.`; `..` stays a literal name",
          arguments: [
            ("a/b/c.yaml", "a/b/c.yaml"), ("/abs/x.yaml", "abs/x.yaml"), ("./a//b/./c/", "a/b/c"), ("a/../b", "a/../b"),
            (".hidden/x", ".hidden/x"), ("a/.", "a"), ("", ""), ("..", ".."),
          ])
    func normalise(raw: String, key: String) {
        #expect(EntryPath.normalise(raw) == key)
    }
}

/// The read-ahead thread that decompresses the outer stream while the walk goes on.
@Suite("Read-ahead")
struct ReadAheadTests {
    /// Hands out `chunks` then ends, or fails after them.
    final class ScriptedSource: ByteSource {
        var chunks: [[UInt8]]
        let failure: Error?
        init(_ chunks: [[UInt8]], failure: Error? = nil) {
            self.chunks = chunks
            self.failure = failure
        }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard !chunks.isEmpty else {
                if let failure { throw failure }
                return 0
            }
            let chunk = chunks.removeFirst()
            buffer.copyBytes(from: chunk)
            return chunk.count
        }
    }

    static func readAll(_ source: ByteSource, bufferSize: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { return out }
            out.append(contentsOf: buffer.prefix(n))
        }
    }

    @Test("The same bytes in the same order, whatever the reader's buffer size", arguments: [1, 7, 4096, 1 << 20])
    func sameBytes(bufferSize: Int) throws {
        let chunks = (0..<50).map { i in (0..<(i * 37 % 1000 + 1)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) } }
        let source = ReadAheadSource(upstream: ScriptedSource(chunks), chunkSize: 1000, depth: 3)
        #expect(try Self.readAll(source, bufferSize: bufferSize) == chunks.flatMap { $0 })
        // After the end, the end again.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try source.read(into: buffer) == 0)
    }

    @Test("An upstream error comes after the bytes before it, and again on every later read")
    func errorInOrder() throws {
        let source = ReadAheadSource(upstream: ScriptedSource([[1, 2, 3], [4, 5]], failure: EntryReadError.damaged("truncated")), chunkSize: 64, depth: 2)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        var got: [UInt8] = []
        var failures = 0
        for _ in 0..<5 {
            do {
                let n = try source.read(into: buffer)
                got.append(contentsOf: buffer.prefix(n))
            } catch {
                failures += 1
                #expect("\(error)".contains("truncated"))
            }
        }
        #expect(got == [1, 2, 3, 4, 5])
        #expect(failures == 3)
    }

    @Test("Dropped before the end (a walk limit stopped the walk): the thread stops reading upstream, nothing hangs")
    func droppedEarly() throws {
        let upstream = ScriptedSource(Array(repeating: [UInt8](repeating: 7, count: 512), count: 1000))
        var source: ReadAheadSource? = ReadAheadSource(upstream: upstream, chunkSize: 512, depth: 2)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try source?.read(into: buffer) == 100)
        // Dropping waits for the producer to stop: it read at most the chunks it had room for, not all 1,000.
        source = nil
        #expect(upstream.chunks.count >= 1000 - 4)
    }
}
