import MustardText
/// Where an entry sits in a dump: one path per archive layer, outermost first.
///
/// `["case.tar.gz-root/must-gather.local.1/img/must-gather.tar.gz", "must-gather/clusters/host/timestamp"]`
/// names the file `must-gather/clusters/host/timestamp` inside the nested `must-gather.tar.gz`.
public struct EntryPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Normalised paths, one per archive layer (outermost first).
    public let layers: [String]
    /// The components of the innermost layer; split once, since every stage looks at them.
    public let components: [Substring]
    /// All components across layers, the nested archive's own name included; used to find layouts.
    public let allComponents: [Substring]

    public init(layers: [String]) {
        self.layers = layers
        let split = layers.map(Self.components)
        components = split.last ?? []
        allComponents = split.count == 1 ? split[0] : split.flatMap { $0 }
    }

    public static func == (l: EntryPath, r: EntryPath) -> Bool { l.layers == r.layers }
    public func hash(into hasher: inout Hasher) { hasher.combine(layers) }

    /// `outer/inner.tar.gz!/inside/file`: the `!/` marks a step into a nested archive.
    public var description: String { layers.count == 1 ? layers[0] : layers.joined(separator: "!/") }

    public func appending(layer: String) -> EntryPath { EntryPath(layers: layers + [layer]) }

    public static func < (lhs: EntryPath, rhs: EntryPath) -> Bool { lhs.description < rhs.description }

    /// The non-empty components between `/`s, found by UTF-8 bytes (`split` on Characters is several times slower,
    /// and every entry of a dump is split).
    static func components(_ path: String) -> [Substring] {
        var out: [Substring] = []
        let bytes = path.utf8
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            if bytes[i] == UInt8(ascii: "/") {
                if start != i { out.append(path[start..<i]) }
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        if start != bytes.endIndex { out.append(path[start...]) }
        return out
    }

    /// Turns a raw archive name into a key: no leading `/` or `./`, no empty or `.` components.
    /// `..` stays a literal component: nothing is ever written to disk, so it is only a name.
    public static func normalise(_ raw: String) -> String {
        // Most names are already clean: no empty or `.` component, no leading or trailing slash. One pass tells.
        var clean = true
        var componentStart = true
        var previousDot = false
        for byte in raw.utf8 {
            if byte == UInt8(ascii: "/") {
                if componentStart || previousDot { clean = false; break }
                componentStart = true
                previousDot = false
            } else {
                previousDot = componentStart && byte == UInt8(ascii: ".")
                componentStart = false
            }
        }
        // A name that ends with "/" or "/." (or is empty or ".") is not clean either.
        if clean, !componentStart, !previousDot { return raw }
        return components(raw).filter { $0 != "." }.joined(separator: "/")
    }
}

/// What kind of thing an archive entry is.
public enum EntryType: Sendable, Equatable {
    case regular
    case directory
    case symlink(target: String)
    case hardlink(target: String)
    /// Devices, FIFOs, sockets: never read.
    case special
}

/// One entry met while walking a dump.
public struct ArchiveEntry: Sendable {
    public let path: EntryPath
    public let type: EntryType
    /// Size from the header, when the format records one.
    public let declaredSize: Int64?

    public init(path: EntryPath, type: EntryType, declaredSize: Int64?) {
        self.path = path
        self.type = type
        self.declaredSize = declaredSize
    }
}

/// A problem met while reading the dump's containers (not its YAML).
public struct ArchiveIssue: Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning, info }
    public let path: String
    public let severity: Severity
    public let message: String
    /// True when data was lost: the dump can only be analysed in part.
    public let damaged: Bool
    /// Issues of one kind (`link`, `special`…) past a number are folded into a count by the reader of the dump;
    /// nil: the message is the kind.
    public let kind: String?

    public init(path: String, severity: Severity, message: String, damaged: Bool, kind: String? = nil) {
        self.path = path
        self.severity = severity
        self.message = message
        self.damaged = damaged
        self.kind = kind
    }
}

/// Names from the dump (entry paths, link targets) are bounded before they are kept or quoted: a pax header can
/// declare a name of a megabyte, and 400 of them made a 500 MB report.
public enum NameBound {
    /// The longest entry path read; a longer one is not a must-gather's and its entry is skipped.
    public static let maxPathBytes = 4096
    /// The longest link target quoted.
    public static let maxQuotedBytes = 256

    /// `text` cut at a character boundary within `maxBytes` UTF-8 bytes, saying how much was left out.
    public static func shortened(_ text: String, maxBytes: Int = maxQuotedBytes) -> String {
        TextCut.shortened(text, maxBytes: maxBytes)
    }
}

/// Limits that keep a hostile or huge dump from exhausting the machine. Reaching one is reported as damage
/// (the analysis is partial, exit code 3), never a crash.
public struct ArchiveLimits: Sendable {
    /// How many archives deep a nested archive is still opened (the outer file is depth 1).
    public var maxNestingDepth = 4
    /// The largest entry read whole into memory (a YAML file); larger ones are refused. Logs are streamed.
    public var maxEntryBytes = 128 << 20
    /// The longest line kept when reading line by line; longer lines are cut.
    public var maxLineBytes = 64 << 10
    /// Bytes decompressed in all, every layer counted: stops zip and gzip bombs.
    public var maxTotalBytes: Int64 = 64 << 30
    /// Entries in all, nested archives included.
    public var maxEntries = 5_000_000
    /// Memory the xz decompressors of a walk may use together, whatever dictionary size a stream declares.
    public var maxDecoderMemory: UInt64 = 256 << 20
    /// Bytes decompressed per byte of the dump, past `ratioFloorBytes`: a bomb of a few KB must not run for
    /// minutes under `maxTotalBytes`. Real dumps compress 10 to 50 times.
    public var maxCompressionRatio: Int64 = 1000
    public var ratioFloorBytes: Int64 = 1 << 30

    public init() {}
}

/// What a walk has used of its limits, shared by every layer of it.
final class WalkBudget {
    let limits: ArchiveLimits
    private(set) var decompressed: Int64 = 0
    private(set) var entries = 0
    /// Set once a limit is reached: every layer stops.
    private(set) var exhausted: String?

    /// Shared by the walk's xz decompressors, outer and nested.
    let decoderMemory: DecoderMemoryPool

    init(limits: ArchiveLimits) {
        self.limits = limits
        decoderMemory = DecoderMemoryPool(total: limits.maxDecoderMemory)
    }

    /// Bytes of the dump itself (the archive file, or the folder's files read so far), for the ratio limit.
    var inputBytes: Int64 = 0

    /// Counts bytes produced by a layer's decompression; false once the total or the ratio limit is passed.
    func consume(bytes: Int64) -> Bool {
        decompressed += bytes
        if decompressed > limits.maxTotalBytes, exhausted == nil {
            exhausted = "more than \(limits.maxTotalBytes >> 20) MiB decompressed (--max-total-bytes): the rest of the dump was not read"
        }
        let (allowed, overflow) = inputBytes.multipliedReportingOverflow(by: limits.maxCompressionRatio)
        if !overflow, decompressed > max(limits.ratioFloorBytes, allowed), exhausted == nil {
            exhausted = "more than \(decompressed >> 20) MiB decompressed from a dump of \(inputBytes >> 10) KiB, over \(limits.maxCompressionRatio) times its size (a compression bomb): the rest of the dump was not read"
        }
        return exhausted == nil
    }

    /// Counts an entry; false once the entry limit is passed.
    func countEntry() -> Bool {
        entries += 1
        if entries > limits.maxEntries, exhausted == nil {
            exhausted = "more than \(limits.maxEntries) entries (--max-entries): the rest of the dump was not read"
        }
        return exhausted == nil
    }
}

/// Errors that stop a walk before anything could be read.
public enum ArchiveOpenError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case unreadable(String, reason: String)
    case notAnArchive(String)

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file or folder"
        case .unreadable(let p, let r): return "\(p): cannot be read: \(r)"
        case .notAnArchive(let p):
            return "\(p): not a folder or a supported archive (tar, tar.gz, tar.xz, tar.zst, tar.bz2, zip)"
        }
    }
}
