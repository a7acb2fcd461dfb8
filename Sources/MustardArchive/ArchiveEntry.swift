/// Where an entry sits in a dump: one path per archive layer, outermost first.
///
/// `["case.tar.gz-root/must-gather.local.1/img/must-gather.tar.gz", "must-gather/clusters/host/timestamp"]`
/// names the file `must-gather/clusters/host/timestamp` inside the nested `must-gather.tar.gz`.
public struct EntryPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Normalised paths, one per archive layer (outermost first).
    public let layers: [String]

    public init(layers: [String]) { self.layers = layers }

    /// The components of the innermost layer.
    public var components: [Substring] { (layers.last ?? "").split(separator: "/") }

    /// All components across layers, the nested archive's own name included; used to find layouts.
    public var allComponents: [Substring] { layers.flatMap { $0.split(separator: "/") } }

    /// `outer/inner.tar.gz!/inside/file`: the `!/` marks a step into a nested archive.
    public var description: String { layers.joined(separator: "!/") }

    public func appending(layer: String) -> EntryPath { EntryPath(layers: layers + [layer]) }

    public static func < (lhs: EntryPath, rhs: EntryPath) -> Bool { lhs.description < rhs.description }

    /// Turns a raw archive name into a key: no leading `/` or `./`, no empty or `.` components.
    /// `..` stays a literal component: nothing is ever written to disk, so it is only a name.
    public static func normalise(_ raw: String) -> String {
        raw.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .joined(separator: "/")
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

    public init(path: String, severity: Severity, message: String, damaged: Bool) {
        self.path = path
        self.severity = severity
        self.message = message
        self.damaged = damaged
    }
}

/// Limits that keep a hostile or huge dump from exhausting the machine.
public struct ArchiveLimits: Sendable {
    /// How many archives deep a nested archive is still opened (the outer file is depth 1).
    public var maxNestingDepth = 4
    /// The largest entry read whole into memory; larger ones are streamed line by line or refused.
    public var maxEntryBytes = 256 << 20
    /// The longest line kept when reading line by line; longer lines are cut.
    public var maxLineBytes = 64 << 10

    public init() {}
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
