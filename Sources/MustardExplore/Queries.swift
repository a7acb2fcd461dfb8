import MustardModel

/// `get KIND[/NAME] [-n NS] [-l SELECTOR] [--cluster C]`.
public struct GetQuery: Sendable {
    public var kind: String
    public var name: String?
    /// Nil: every namespace.
    public var namespace: String?
    public var cluster: String?
    public var selector: LabelSelector?

    public init(kind: String, name: String? = nil, namespace: String? = nil, cluster: String? = nil, selector: LabelSelector? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.cluster = cluster
        self.selector = selector
    }
}

/// `events [-n NS] [--for KIND/NAME] [--types Warning]`.
public struct EventQuery: Sendable {
    public var namespace: String?
    public var cluster: String?
    /// Only events about this object: a kind (any spelling `get` takes) and a name.
    public var involved: (kind: String, name: String)?
    /// Only events of these types (`Warning`, `Normal`); empty: all.
    public var types: [String]

    public init(namespace: String? = nil, cluster: String? = nil, involved: (kind: String, name: String)? = nil, types: [String] = []) {
        self.namespace = namespace
        self.cluster = cluster
        self.involved = involved
        self.types = types
    }
}

/// `logs POD [-c CONTAINER] [--previous] [--since D] [--until D] [--grep TEXT]`.
public struct LogQuery: Sendable {
    public var pod: String
    public var container: String?
    public var namespace: String?
    public var cluster: String?
    public var previous: Bool
    /// Lines at or after the gather time minus this many seconds (lines without a time are kept).
    public var sinceSeconds: Double?
    /// Lines at or before the gather time minus this many seconds.
    public var untilSeconds: Double?
    /// Lines holding this text (plain text, case-sensitive).
    public var grep: String?

    public init(
        pod: String, container: String? = nil, namespace: String? = nil, cluster: String? = nil, previous: Bool = false,
        sinceSeconds: Double? = nil, untilSeconds: Double? = nil, grep: String? = nil
    ) {
        self.pod = pod
        self.container = container
        self.namespace = namespace
        self.cluster = cluster
        self.previous = previous
        self.sinceSeconds = sinceSeconds
        self.untilSeconds = untilSeconds
        self.grep = grep
    }

    /// `90s`, `15m`, `2h`, `1d` (or plain seconds) as seconds.
    public static func seconds(_ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let factor = units[unit], let n = Double(text.dropLast()), n >= 0 { return n * factor }
        if let n = Double(text), n >= 0 { return n }
        throw ExploreError.badDuration(text)
    }
}

/// One object as gathered (Secret values removed, secrets in texts scrubbed), with where it came from.
public struct ExploredObject: Sendable {
    public let key: ObjectKey
    public let apiVersion: String
    public let body: Value
    /// The file in the dump (`!/` marks a step into a nested archive) and its index in a List.
    public let source: SourceRef
}

/// What `ls` tells about a dump.
public struct DumpSummary: Sendable {
    public struct KindCount: Sendable, Hashable {
        public let cluster: String
        public let kind: String
        public let group: String
        public let plural: String
        public let count: Int
    }

    public struct ClusterInfo: Sendable, Hashable {
        public let name: String
        /// Why the gather could not log in to it, when it could not.
        public let loginError: String?
        public let namespaces: [String]
    }

    public let path: String
    public let format: String
    public let entries: Int
    public let nestedArchives: Int
    public let layouts: [String]
    public let clusters: [ClusterInfo]
    public let kinds: [KindCount]
    public let gatheredAt: Timestamp?
    public let gatherTimeSource: String?
    public let logs: Int
    public let loadIssues: [LoadIssue]

    /// Some of the dump could not be read.
    public var isDamaged: Bool { loadIssues.contains { $0.damaged } }
}

/// One line of a container log, scrubbed of secrets.
public struct LogLineOut: Sendable {
    public let text: String
    public let time: Timestamp?
}

/// Which log `logs` read, and what it had to choose.
public struct LogSelection: Sendable {
    public let cluster: String
    public let namespace: String
    public let pod: String
    /// Nil for MTC's gather, which writes all of a pod's containers into one file.
    public let container: String?
    public let path: String
    /// Set when no container was asked for and the pod has several: the one chosen and the others.
    public let defaulted: (chosen: String, all: [String])?
    /// Damage met while reading the log: the lines before it were given.
    public internal(set) var problems: [String] = []
}
