/// A problem reading the dump: the file it concerns and what it means for the analysis.
public struct LoadIssue: Sendable, Hashable, Comparable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case error, warning, info
        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (l: Severity, r: Severity) -> Bool { l.rank < r.rank }
    }

    public let path: String
    public let severity: Severity
    public let message: String
    /// Data was lost: the report covers only part of the dump.
    public let damaged: Bool

    public init(path: String, severity: Severity, message: String, damaged: Bool = false) {
        self.path = path
        self.severity = severity
        self.message = message
        self.damaged = damaged
    }

    public static func < (l: LoadIssue, r: LoadIssue) -> Bool { (l.path, l.message) < (r.path, r.message) }
}

/// A line kept from a container log (or a text file of MTC's `migplans/` tree) because a rule asked for lines
/// like it.
public struct LogLine: Sendable {
    public let cluster: String
    public let namespace: String
    /// The pod whose log it is; for a `migplans/` text file, the file name.
    public let pod: String
    /// The container, when the layout names it (inspect does; MTC's `logs/<pod>/` concatenates them).
    public let container: String?
    public let previous: Bool
    public let source: SourceRef
    public let lineNumber: Int
    public let text: String
    /// From the JSON `ts` field (epoch seconds) or a leading RFC 3339 time, when present.
    public let time: Timestamp?
    /// The string and number fields of a JSON (zap) log line: `msg`, `stagePodImage`, `eventMessage`…
    public let fields: [String: String]

    public init(
        cluster: String, namespace: String, pod: String, container: String?, previous: Bool, source: SourceRef,
        lineNumber: Int, text: String, time: Timestamp?, fields: [String: String]
    ) {
        self.fields = fields
        self.cluster = cluster
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.previous = previous
        self.source = source
        self.lineNumber = lineNumber
        self.text = text
        self.time = time
    }
}

/// A log file that was scanned: whose it is and the span of time it covers, to tell what it cannot show.
public struct LogFileSummary: Sendable {
    public let cluster: String
    public let namespace: String
    public let pod: String
    public let path: String
    public let lines: Int
    /// Times of the first and last lines that state one (JSON `ts` or a leading RFC 3339 time).
    public let firstTime: Timestamp?
    public let lastTime: Timestamp?

    public init(cluster: String, namespace: String, pod: String, path: String, lines: Int, firstTime: Timestamp?, lastTime: Timestamp?) {
        self.cluster = cluster
        self.namespace = namespace
        self.pod = pod
        self.path = path
        self.lines = lines
        self.firstTime = firstTime
        self.lastTime = lastTime
    }
}

/// What a dump says about one cluster: every object read from it, indexed for the rules.
public struct Cluster: Sendable {
    /// `host` or the MigCluster name in MTC's gather; the gather folder for a plain inspect.
    public let name: String
    /// Every object by `kind`, in dump order within each kind: typed views of rarer kinds read their bucket.
    /// Held once: a large dump has hundreds of thousands of objects.
    public let objectsByKind: [String: [KubeObject]]
    /// Where the first object read came from, in dump order (a healthy pod counted, not kept, included).
    public let firstSource: SourceRef?
    /// Pods healthy at gather time, of which nothing but a count or a name is kept.
    public let healthyPods: HealthyPods
    /// Objects rule files read that none of them could match, counted, not kept (`KeepTest`).
    public let setAside: SetAside
    /// Every kind the cluster holds an object of, kept or counted (healthy pods, set-aside objects).
    public let kindsHeld: Set<String>
    public let pods: [Pod]
    public let events: [Event]
    /// Indices into `events` by the object they are about (`kind/namespace/name`), so per-object look-ups stay cheap.
    private let eventsByObject: [String: [Int]]
    public let configMaps: [ConfigMap]
    public let namespaceObjects: [Namespace]
    public let migMigrations: [MigMigration]
    public let migPlans: [MigPlan]
    public let migClusters: [MigCluster]
    public let migStorages: [MigStorage]
    public let migrationControllers: [MigrationController]
    /// Namespaces the dump holds data for (inspected), from Namespace objects and folder names.
    public let namespaces: Set<String>
    /// `login_error.txt`: the gather could not log in to this cluster, so it holds nothing else.
    public let loginError: (text: String, source: SourceRef)?

    public init(
        name: String, objects: [KubeObject], namespaces: Set<String>, loginError: (text: String, source: SourceRef)?,
        healthyPods: HealthyPods = HealthyPods(), firstSource: SourceRef? = nil, setAside: SetAside = SetAside()
    ) {
        self.name = name
        self.setAside = setAside
        self.firstSource = firstSource ?? objects.first?.source
        self.healthyPods = healthyPods
        // One pass to bucket by kind; each typed view then reads only its own kind.
        var byKind: [String: [KubeObject]] = [:]
        for object in objects { byKind[object.kind, default: []].append(object) }
        objectsByKind = byKind
        var kinds = Set(byKind.keys)
        for key in setAside.counts.keys { kinds.insert(key.kind) }
        if healthyPods.count > 0 { kinds.insert("Pod") }
        kindsHeld = kinds
        /// A typed view of one kind, its array sized once.
        func typed<T>(_ kind: String, _ view: (KubeObject) -> T?) -> [T] {
            let bucket = byKind[kind] ?? []
            var out: [T] = []
            out.reserveCapacity(bucket.count)
            for object in bucket { if let v = view(object) { out.append(v) } }
            return out
        }
        pods = typed("Pod", Pod.init)
        events = typed("Event", Event.init)
        var byObject: [String: [Int]] = [:]
        for (index, e) in events.enumerated() {
            byObject[Self.eventKey(e.involvedKind, e.involvedNamespace ?? e.object.metadata.namespace, e.involvedName), default: []].append(index)
        }
        eventsByObject = byObject
        configMaps = typed("ConfigMap", ConfigMap.init)
        namespaceObjects = typed("Namespace", Namespace.init)
        migMigrations = typed("MigMigration", MigMigration.init)
        migPlans = typed("MigPlan", MigPlan.init)
        migClusters = typed("MigCluster", MigCluster.init)
        migStorages = typed("MigStorage", MigStorage.init)
        migrationControllers = typed("MigrationController", MigrationController.init)
        self.namespaces = namespaces
        self.loginError = loginError
    }

    /// Every object, grouped by kind (kinds in name order), in dump order within each kind.
    public var objects: [KubeObject] { objectsByKind.keys.sorted().flatMap { objectsByKind[$0] ?? [] } }

    /// The objects of these kinds, in dump order within each kind.
    public func objects(ofKinds kinds: String...) -> [KubeObject] {
        kinds.flatMap { objectsByKind[$0] ?? [] }
    }

    public func configMap(_ namespace: String, _ name: String) -> ConfigMap? {
        configMaps.first { $0.object.metadata.namespace == namespace && $0.object.metadata.name == name }
    }

    public func events(for kind: String, namespace: String?, name: String) -> [Event] {
        eventIndices(for: kind, namespace: namespace, name: name).map { events[$0] }
    }

    /// Where in `events` the events about an object are: for callers that test many objects' events and keep few.
    public func eventIndices(for kind: String, namespace: String?, name: String) -> [Int] {
        eventsByObject[Self.eventKey(kind, namespace, name)] ?? []
    }

    private static func eventKey(_ kind: String, _ namespace: String?, _ name: String) -> String {
        "\(kind)/\(namespace ?? "")/\(name)"
    }
}

/// Pods healthy at gather time (Running or Succeeded, every container ready, none waiting, nothing of MTC's on
/// them): no rule reads their fields, and a large cluster's dump holds them by the hundred thousand, so the loader
/// keeps a count, and the names of those that restarted before, whose Warning events are history a rule counts.
public struct HealthyPods: Sendable {
    /// Never restarted: counted only; no event about them is kept.
    public var quiet = 0
    /// Restarted before, healthy now: by namespace and name; their Warning events are kept.
    public var recovered: [(namespace: String, name: String)] = []

    public init() {}

    public var count: Int { quiet + recovered.count }
}

/// How the analysis' "now" was found.
public enum GatherTimeSource: Sendable, Equatable {
    /// The latest line of the dump's `timestamp` files.
    case timestampFile(path: String)
    /// No `timestamp` file: the newest time found in the dump's objects and logs.
    case newestInDump
    /// No time at all in the dump.
    case unknown
}

/// Everything the rules may read: the clusters, kept log lines, and the gather time. Built by MustardDump.
public struct DumpSnapshot: Sendable {
    public let clusters: [Cluster]
    public let logLines: [LogLine]
    public let gatheredAt: Timestamp?
    public let gatherTimeSource: GatherTimeSource
    /// Every log file scanned, with the time span it covers.
    public let logFiles: [LogFileSummary]
    /// What could not be read: rules about the dump itself report on it.
    public let loadIssues: [LoadIssue]
    /// Some file sits in MTC's own gather layout (`clusters/<name>/`, `migplans/`), even if no MTC object was read.
    public let hasMTCGatherLayout: Bool

    public init(
        clusters: [Cluster], logLines: [LogLine], gatheredAt: Timestamp?, gatherTimeSource: GatherTimeSource,
        logFiles: [LogFileSummary] = [], loadIssues: [LoadIssue] = [], hasMTCGatherLayout: Bool = false
    ) {
        self.hasMTCGatherLayout = hasMTCGatherLayout
        self.clusters = clusters.sorted { $0.name < $1.name }
        self.logLines = logLines
        self.gatheredAt = gatheredAt
        self.gatherTimeSource = gatherTimeSource
        self.logFiles = logFiles.sorted { $0.path < $1.path }
        self.loadIssues = loadIssues
    }

    public func cluster(named name: String) -> Cluster? { clusters.first { $0.name == name } }

    /// Whether the dump holds any MTC object at all.
    public var hasMTC: Bool {
        clusters.contains { c in c.objectsByKind.values.contains { $0.contains { $0.group == MTC.group } } }
    }
}

/// One kind of object a rule reads: a lower-case plural resource (`pods`, `migmigrations`), everywhere or in one
/// namespace only. A plain string literal asks everywhere; `.init("configmaps", in: MTC.namespace)` in one namespace.
public struct ResourceRequirement: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let resource: String
    public let namespace: String?

    public init(_ resource: String, in namespace: String? = nil) {
        self.resource = resource
        self.namespace = namespace
    }

    public init(stringLiteral resource: String) { self.init(resource) }

    /// As the rule catalog prints it: `configmaps@openshift-migration`.
    public var description: String { namespace.map { "\(resource)@\($0)" } ?? resource }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }
}

extension Set<ResourceRequirement> {
    /// Whether the set asks for `resource` objects in `namespace` (nil: cluster-scoped): everywhere, or there.
    public func covers(_ resource: String, in namespace: String?) -> Bool {
        contains(ResourceRequirement(resource)) || namespace.map { contains(ResourceRequirement(resource, in: $0)) } ?? false
    }
}

/// What the rules need read from a dump, so the rest can be skipped unparsed.
public struct DataRequirements: Sendable {
    /// The objects whose files are decoded.
    public var resources: Set<ResourceRequirement>
    /// Log files kept, line by line, for lines that contain one of `patterns`.
    public var logs: [LogRequirement]
    /// Resources whose every object some rule reads in full. Without this the loader keeps of the objects that
    /// come by the hundred thousand only what the built-in rules read: pods that fail, MTC's, or restarted (the
    /// others counted: `HealthyPods`), and workloads MTC quiesced or in MTC's namespace. A rule file matching Events as
    /// objects names `events` here; one matching pods or workloads gives `keepTests` instead.
    public var everyObject: Set<String> = []
    /// By resource (`pods`, `deployments`): which of the objects the built-in rules do not need some rule file could
    /// still match. The loader keeps those whole and sets the rest aside (`Cluster.setAside`) instead of keeping every
    /// object (`everyObject`, which wins when both name a resource).
    public var keepTests: [String: [KeepTest]] = [:]
    /// Events about an object that some rule file's `events` clause could match: the loader keeps them even when
    /// routine (a pod's scheduling and pulls), and keeps the pods they are about when a rule asks for its events.
    /// Keyed by what they test (`RuleFilePrefilter.key`): rule files copied from one another with another window
    /// or threshold share one test, asked once per event.
    public var eventTests: [String: @Sendable (_ event: OfferedEvent) -> Bool] = [:]

    /// Of `resources`, those some rule reads every object of (a built-in rule), not only the objects a rule file's
    /// `keepTests` could match: elsewhere the loader sets aside what no test keeps, whatever the kind (a ConfigMap in
    /// an application's namespace that 50 rule files read but none could match is counted, not kept).
    public var readWhole: Set<ResourceRequirement>

    /// Whether a file of `resource` objects in `namespace` (nil: cluster-scoped) is wanted.
    public func wants(_ resource: String, in namespace: String?) -> Bool { resources.covers(resource, in: namespace) }

    /// Whether a rule reads every `resource` object in `namespace` (`readWhole`).
    public func readsWhole(_ resource: String, in namespace: String?) -> Bool { readWhole.covers(resource, in: namespace) }

    /// `readWhole`: what the rule reads of `resources` when it does not narrow them with `keepTests` itself.
    public init(resources: Set<ResourceRequirement> = [], logs: [LogRequirement] = [], readWhole: Set<ResourceRequirement>? = nil) {
        self.resources = resources
        self.logs = logs
        self.readWhole = readWhole ?? resources
    }

    public mutating func formUnion(_ other: DataRequirements) {
        resources.formUnion(other.resources)
        readWhole.formUnion(other.readWhole)
        logs.append(contentsOf: other.logs)
        everyObject.formUnion(other.everyObject)
        // Rule files copied from one another with another threshold in time (`olderThan`) or window test alike: every
        // healthy pod goes through each test kept here.
        keepTests.merge(other.keepTests) { mine, theirs in
            mine + theirs.filter { test in test.key.map { key in !mine.contains { $0.key == key } } ?? true }
        }
        eventTests.merge(other.eventTests) { first, _ in first }
    }

    /// The same, keeping every object of the resources the tests name, as before the tests existed (the tests prove the
    /// tests change no verdict).
    public func keepingEveryObject() -> DataRequirements {
        var all = self
        all.readWhole = resources
        all.everyObject.formUnion(keepTests.keys)
        if !eventTests.isEmpty { all.everyObject.insert("events") }
        all.keepTests = [:]
        all.eventTests = [:]
        return all
    }
}

/// A cheap, conservative test of whether a rule file could match a decoded object: the parts of its match that the
/// object alone decides (kind, group, cluster, namespace and name, labels, field comparisons without time, conditions).
/// A part it cannot judge (a time window, log lines, related objects) is taken to hold, so `no` is only said of objects
/// the rule never matches. Runs on the decoding threads, on the object as the rules will see it (slimmed).
public struct KeepTest: Sendable {
    public enum Answer: Sendable {
        /// The rule file cannot match the object.
        case no
        /// It may.
        case yes
        /// It may, if the object has an event some rule file's `events` clause could match (`eventTests`).
        case ifEvent
    }

    public let answer: @Sendable (_ object: OfferedObject) -> Answer
    /// What the test reads of an object, as text (`RuleFilePrefilter.key`): two tests with one key answer alike, so a
    /// resource keeps one of them (`DataRequirements.formUnion`). Nil: never shared.
    public let key: String?

    public init(key: String? = nil, _ answer: @escaping @Sendable (_ object: OfferedObject) -> Answer) {
        self.key = key
        self.answer = answer
    }
}

/// An object offered to the `KeepTest`s of its kind, with what they read of it looked up once for all of them: every
/// healthy pod goes through every rule file reading pods, and each test used to look up the same fields again
/// (a lookup is a walk over a mapping's keys).
public final class OfferedObject {
    /// As the rules will see it (slimmed).
    public let body: Value
    public let cluster: String

    public init(_ body: Value, cluster: String) {
        self.body = body
        self.cluster = cluster
    }

    public private(set) lazy var kind: String = body["kind"].string ?? ""
    /// `KubeObject.group(ofAPIVersion:)`: "" for the core group.
    public private(set) lazy var group: String = KubeObject.group(ofAPIVersion: body["apiVersion"].string ?? "")
    public private(set) lazy var metadata: Value = body["metadata"]
    /// "" when cluster-scoped.
    public private(set) lazy var namespace: String = metadata["namespace"].string ?? ""
    public private(set) lazy var name: String = metadata["name"].string ?? ""
    public private(set) lazy var conditions: [Condition] = body["status"]["conditions"].array.map(Condition.init)

    /// An object meets a handful of distinct fields, so a list beats a dictionary (which hashes the text each time).
    private var reached: [(hash: Int, path: String, values: [Value]?)] = []

    /// The values read before for the field `path` (as written; `hash` its `hashValue`, computed once by the caller):
    /// `.some(nil)` when they were too many to keep (the tests then walk the field themselves), nil when not read yet.
    public func known(_ path: String, hash: Int) -> [Value]?? {
        // In place: a loop over copies retained and released each entry's text and values.
        reached.withUnsafeBufferPointer { reached in
            for i in reached.indices where reached[i].hash == hash && reached[i].path == path { return .some(reached[i].values) }
            return nil
        }
    }

    /// Keeps what `known` answers for `path` from now on: several tests comparing the same field share one walk.
    public func remember(_ values: [Value]?, for path: String, hash: Int) {
        if reached.isEmpty { reached.reserveCapacity(8) }
        reached.append((hash, path, values))
    }
}

/// An event offered to the rule files' `events` clauses (`DataRequirements.eventTests`), its texts read as `Event.texts`
/// reads them. A value, its reason read at once (every test starts there, and most stop there), the rest when a test
/// asks: every event of a dump is offered, and allocating an object for each was a third of what offering cost.
public struct OfferedEvent: Sendable {
    /// Slimmed, as the rules will see it.
    public let body: Value
    public let reason: String

    public init(_ body: Value) {
        self.body = body
        reason = body["reason"].string ?? ""
    }

    public var type: String { body["type"].string ?? "" }
    /// `note` in `events.k8s.io/v1`.
    public var message: String { body["message"].string ?? body["note"].string ?? "" }
}

/// Objects of the kinds rule files read that the loader did not keep, no rule file being able to match them, counted
/// by kind, API group and namespace: a rule file's verdict still counts them among the objects it checked.
public struct SetAside: Sendable {
    public struct Key: Hashable, Sendable {
        public let kind: String
        /// `KubeObject.group`: "" for the core group.
        public let group: String
        /// "" when cluster-scoped.
        public let namespace: String

        public init(kind: String, group: String, namespace: String) {
            self.kind = kind
            self.group = group
            self.namespace = namespace
        }
    }

    public var counts: [Key: Int] = [:]

    public init() {}
}

/// Which logs or text files a rule reads, and the lines it looks for.
public struct LogRequirement: Sendable {
    /// Pod name prefixes (`migration-controller`, `stage-`) of container logs.
    public let podPrefixes: [String]
    /// File name prefixes of text files in MTC's `migplans/` tree (`restore-describe-`, `backup-`).
    public let migplanFilePrefixes: [String]
    /// Substrings that make a line worth keeping.
    public let patterns: [String]

    public init(podPrefixes: [String] = [], migplanFilePrefixes: [String] = [], patterns: [String]) {
        self.podPrefixes = podPrefixes
        self.migplanFilePrefixes = migplanFilePrefixes
        self.patterns = patterns
    }
}
