import Foundation
import Logging
import MustardArchive
import MustardModel

/// A dump read into a snapshot, with what could not be read.
public struct LoadedDump: Sendable {
    public let snapshot: DumpSnapshot
    /// `folder`, `tar.gz`, `zip`…
    public let format: String
    public let layouts: [Layout]
    public let loadIssues: [LoadIssue]
    public let entries: Int
    public let nestedArchives: Int

    /// Some of the dump could not be read: the analysis covers only part of it.
    public var isDamaged: Bool { loadIssues.contains { $0.damaged } }
}

/// Counters a progress display reads while a dump loads (from another thread).
public final class LoadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var _entries = 0
    private var _path = ""

    public init() {}

    func saw(_ path: EntryPath) {
        lock.lock()
        _entries += 1
        if _entries % 64 == 1 { _path = path.description }
        lock.unlock()
    }

    /// Entries seen so far and a recent path.
    public var snapshot: (entries: Int, path: String) {
        lock.lock()
        defer { lock.unlock() }
        return (_entries, _path)
    }
}

/// Reads a folder or archive into a `DumpSnapshot`: finds the layouts, decodes the YAML the rules need, keeps the
/// log lines they look for, and turns everything unreadable into a `LoadIssue` naming the file.
public struct DumpLoader {
    public var requirements: DataRequirements
    public var limits: ArchiveLimits
    /// YAML limits (alias expansion, nesting); a file's length is bounded by `limits.maxEntryBytes`. What the
    /// loader slims away is not read (`ObjectSlimmer.pruning`).
    public var yaml: YAMLReader = {
        var reader = YAMLReader()
        reader.pruning = ObjectSlimmer.pruning
        return reader
    }()
    /// Updated as entries pass, for a progress display.
    public var progress: LoadProgress?
    private let logger: Logger

    public init(requirements: DataRequirements, limits: ArchiveLimits = ArchiveLimits(), logger: Logger = Logger(label: "mustard.dump")) {
        self.requirements = requirements
        self.limits = limits
        self.logger = logger
    }

    /// Loads an archive held in memory (the fuzzer's way in).
    public func load(bytes: [UInt8], name: String) throws -> LoadedDump {
        try load { try $0.walk(bytes: bytes, name: name, visitor: $1) }
    }

    public func load(_ path: String) throws -> LoadedDump {
        try load { try $0.walk(path, visitor: $1) }
    }

    private func load(_ walk: (DumpWalker, DumpVisitor) throws -> WalkSummary) throws -> LoadedDump {
        let collector = Collector(requirements: requirements, yaml: yaml, maxFileBytes: limits.maxEntryBytes, progress: progress, logger: logger)
        let summary = try walk(DumpWalker(limits: limits, logger: logger), collector)
        return collector.finish(format: summary.format, entries: summary.entries, nestedArchives: summary.nestedArchives)
    }
}

/// The visitor that gathers objects, log lines and times while the walker streams the dump.
private final class Collector: DumpVisitor {
    private let requirements: DataRequirements
    private let logger: Logger
    private let yaml: YAMLReader
    private let maxFileBytes: Int
    private let progress: LoadProgress?
    /// Decodes YAML files on the other cores, in order of arrival.
    private let parser = ParallelDecoder<DecodedFile>()

    private var objects: [String: [KubeObject]] = [:]
    /// Per cluster: healthy pods, counted rather than kept.
    private var healthy: [String: HealthyPods] = [:]
    /// Per cluster: objects rule files read that none could match (`RuleFileKeeping`).
    private var setAside: [String: SetAside] = [:]
    private var awaitingEvents = PodsAwaitingEvents()
    /// Per cluster: where the first object (kept or counted) came from.
    private var firstSources: [String: SourceRef] = [:]
    private var seen: Set<ObjectIdentity> = []
    private var namespaces: [String: Set<String>] = [:]
    private var loginErrors: [String: (text: String, source: SourceRef)] = [:]
    private var logLines: [LogLine] = []
    private var logFiles: [LogFileSummary] = []
    private var layouts: Set<Layout> = []
    private var issues: [LoadIssue] = []
    /// Works out the analysis' "now".
    private var clock = GatherClock()

    /// Every pod name prefix and `migplans/` file prefix some log requirement names, asked of each of the dump's
    /// tens of thousands of log files (asking each requirement copied it every time).
    private let logPodPrefixes: [String]
    private let migplanFilePrefixes: [String]
    /// Whether any rule reads pods, asked of each of the dump's per-pod files.
    private let readsPods: Bool

    init(requirements: DataRequirements, yaml: YAMLReader, maxFileBytes: Int, progress: LoadProgress?, logger: Logger) {
        self.progress = progress
        self.requirements = requirements
        logPodPrefixes = Array(Set(requirements.logs.flatMap(\.podPrefixes))).sorted()
        migplanFilePrefixes = Array(Set(requirements.logs.flatMap(\.migplanFilePrefixes))).sorted()
        readsPods = requirements.resources.contains("pods")
        self.yaml = yaml
        self.maxFileBytes = maxFileBytes
        self.logger = logger
    }

    /// `cluster/namespace` of every `core/pods.yaml` seen: its per-pod copies need not be read.
    private var podLists: Set<String> = []
    /// The location found in `interest`, reused by `visit` for the same entry.
    private var lastLocation: (path: EntryPath, location: Location?)?

    private func locate(_ path: EntryPath) -> Location? {
        if let last = lastLocation, last.path == path { return last.location }
        let location = Location.locate(path)
        lastLocation = (path, location)
        return location
    }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        progress?.saw(entry.path)
        guard entry.type == .regular else { return .none }
        if entry.path.components.last == "timestamp" { return .content }
        guard let location = locate(entry.path) else { return .none }
        layouts.insert(location.layout)
        // A namespace whose folder holds only logs was not inspected: MTC 1.8's gather keeps the logs of its helper
        // pods (stage, rsync) in application namespaces it does not inspect (must-gather release-1.8
        // collection-scripts/logs/gather_logs_helper_pods), so their pods and workloads are not in the dump.
        if let ns = location.namespace, !location.role.isLog { namespaces[location.cluster, default: []].insert(ns) }
        switch location.role {
        case .objects(let resource):
            guard let resource else { return .content }
            if resource == "pods", let ns = location.namespace { podLists.insert("\(location.cluster)/\(ns)") }
            return requirements.wants(resource, in: location.namespace) ? .content : .none
        case .podCopy(let ns):
            // Read only when the namespace's pod list was not (yet) seen: it holds the same pods.
            guard readsPods else { return .none }
            return podLists.contains("\(location.cluster)/\(ns)") ? .none : .content
        case .log(_, let pod, _, _):
            return logPodPrefixes.contains { pod.hasPrefix($0) } ? .content : .none
        case .migplanText(let file):
            return migplanFilePrefixes.contains { file.hasPrefix($0) } ? .content : .none
        case .loginError:
            return .content
        case .ignored:
            return .none
        }
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        let path = entry.path.description
        if entry.path.components.last == "timestamp" {
            if let issue = try clock.readTimestampFile(content, path: path) { issues.append(issue) }
            return
        }
        guard let location = locate(entry.path) else { return }
        switch location.role {
        case .objects, .podCopy:
            // Refused from the header's size when it has one, before reading a byte of it.
            if let size = entry.declaredSize, size > maxFileBytes { throw EntryReadError.tooLarge(limit: maxFileBytes) }
            var resource: String?
            if case .objects(let r) = location.role { resource = r }
            try readObjects(content, path: path, cluster: location.cluster, resource: resource)
        case .log(let ns, let pod, let container, let previous):
            let wanted = requirements.logs.indices.filter { requirements.logs[$0].podPrefixes.contains { pod.hasPrefix($0) } }
            try keepLog(content, path: path, cluster: location.cluster, namespace: ns, pod: pod, container: container, previous: previous, wanted: wanted)
        case .migplanText(let file):
            let wanted = requirements.logs.indices.filter { requirements.logs[$0].migplanFilePrefixes.contains { file.hasPrefix($0) } }
            try keepLog(content, path: path, cluster: location.cluster, namespace: MTC.namespace, pod: file, container: nil, previous: false, wanted: wanted)
        case .loginError:
            let text = SecretScrubber.scrub(String(decoding: try content.readAll().prefix(4096), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
            loginErrors[location.cluster] = (text, SourceRef(path: path))
            issues.append(LoadIssue(
                path: path, severity: .warning,
                message: "the gather could not log in to cluster \(location.cluster): \(text.isEmpty ? "no reason given" : text); nothing else was gathered from it",
                damaged: false))
        case .ignored:
            return
        }
    }

    func report(_ issue: ArchiveIssue) {
        let severity: LoadIssue.Severity = issue.severity == .error ? .error : issue.severity == .warning ? .warning : .info
        record(LoadIssue(path: issue.path, severity: severity, message: issue.message, damaged: issue.damaged), kind: issue.kind)
    }

    /// Issues kept per kind (a link, an empty file…); the rest are counted and told as one issue, so a dump of a
    /// million links or empty files cannot fill memory or the report.
    private let maxIssuesPerKind = 50
    private var issuesOfKind: [String: (kept: Int, folded: Int, first: LoadIssue)] = [:]

    private func record(_ issue: LoadIssue, kind: String?) {
        let key = "\(issue.severity)\u{0}\(kind ?? issue.message)"
        var tally = issuesOfKind[key] ?? (0, 0, issue)
        if tally.kept < maxIssuesPerKind {
            tally.kept += 1
            issues.append(issue)
        } else {
            tally.folded += 1
            if issue.damaged && !tally.first.damaged { tally.first = issue }
        }
        issuesOfKind[key] = tally
    }

    /// One issue for each kind past its limit: how many more there were, like which one.
    private func foldedIssues() -> [LoadIssue] {
        issuesOfKind.values.filter { $0.folded > 0 }.map { tally in
            LoadIssue(
                path: tally.first.path, severity: tally.first.severity,
                message: "…and \(tally.folded) more issue(s) like this one: \(NameBound.shortened(tally.first.message))", damaged: tally.first.damaged)
        }
    }

    // MARK: - Readers

    /// Reads the file here, on the walker's thread, and decodes it on another core while the walk goes on.
    /// `resource`: what the file's name says it holds (`configmaps`), when it says.
    private func readObjects(_ content: EntryContent, path: String, cluster: String, resource: String?) throws {
        let bytes = try content.readAll()
        let yaml = self.yaml
        let keeping = self.keeping
        if bytes.count > Self.decodeAloneBytes {
            // A large file decodes alone, after the files before it: three hostile 120 MB files, two decoding
            // and one read, took 640 MB at once; one at a time stays near 270 MB.
            for file in parser.drain() { merge(file) }
            merge(Self.decodeObjects(bytes, path: path, cluster: cluster, resource: resource, yaml: yaml, everyObject: requirements.everyObject, keeping: keeping))
            return
        }
        let everyObject = requirements.everyObject
        parser.submit { Self.decodeObjects(bytes, path: path, cluster: cluster, resource: resource, yaml: yaml, everyObject: everyObject, keeping: keeping) }
        for file in parser.takeReady() { merge(file) }
    }

    /// Files larger than this are not decoded beside others.
    static let decodeAloneBytes = 32 << 20

    /// Which events about pods are kept.
    private var podEvents = PodEventFilter()
    /// What rule files could match, of what the built-in rules do not need.
    private lazy var keeping = RuleFileKeeping(requirements)

    /// Takes in one decoded file, in the order the files came, so the first copy of an object
    /// (oc writes pods twice) is the one kept.
    private func merge(_ file: DecodedFile) {
        for issue in file.issues { record(issue, kind: nil) }
        for time in podEvents.learn(quiet: file.unremarkablePods, plain: file.plainPods) { clock.sawDropped(time) }
        for pod in file.healthyPods { countHealthy(pod) }
        for object in file.idle {
            if firstSources[object.cluster] == nil { firstSources[object.cluster] = object.source }
            clock.sawDropped(object.newest)
        }
        var setAsides = file.setAside[...]
        for (index, object) in file.objects.enumerated() {
            // In file order: of two copies of an object, the first is the one kept or set aside.
            while let first = setAsides.first, first.position <= index {
                setAsideOne(first.object)
                setAsides = setAsides.dropFirst()
            }
            switch object.forRuleFiles {
            case .eventAbout(let pod)?: awaitingEvents.saw(eventAbout: pod)
            case .podIfEvent(let pod)?:
                hold(pod)
                continue
            case nil: break
            }
            if let event = object.podEvent {
                if case .dropped(let time) = podEvents.offer(event, held: (object.body, object.cluster, object.source)) { clock.sawDropped(time) }
            } else {
                add(object.body, cluster: object.cluster, source: object.source)
            }
        }
        for rest in setAsides { setAsideOne(rest.object) }
    }

    /// Why a decoded object matters to the rule files, beyond the built-in rules.
    enum ForRuleFiles: Sendable {
        /// An event some rule file's `events` clause could match, about this pod.
        case eventAbout(PodEventFilter.PodKey)
        /// A healthy pod kept only if it has such an event (`KeepTest.Answer.ifEvent`); its body is in the pod.
        case podIfEvent(WaitingPod)
    }

    /// One YAML file's objects and problems, decoded without touching shared state.
    struct DecodedFile: Sendable {
        var objects: [(body: Value, cluster: String, source: SourceRef, podEvent: PodEventFilter.Event?, forRuleFiles: ForRuleFiles?)] = []
        var issues: [LoadIssue] = []
        /// `cluster/namespace/name` of healthy pods never restarted: counted, and their events dropped.
        var unremarkablePods: [PodEventFilter.PodKey] = []
        /// Pods MTC has nothing to do with (`Pod.ownedByMTC` false), healthy or not.
        var plainPods: [PodEventFilter.PodKey] = []
        /// Pods healthy at gather time, in file order: counted, not kept.
        var healthyPods: [HealthyPod] = []
        /// Workloads no rule reads (`ObjectSlimmer.isIdleWorkload`): only their times and place are kept.
        var idle: [IdleObject] = []
        /// Objects no rule file could match, each with the number of `objects` before it (file order).
        var setAside: [(position: Int, object: SetAsideObject)] = []
        /// Resources whose every object is kept whole (`DataRequirements.everyObject`).
        var everyObject: Set<String> = []
        var keeping: RuleFileKeeping
        /// The file's resource (`configmaps`), when its name says.
        var resource: String?
    }

    static func decodeObjects(
        _ bytes: [UInt8], path: String, cluster: String, resource: String? = nil, yaml: YAMLReader, everyObject: Set<String> = [],
        keeping: RuleFileKeeping = RuleFileKeeping(DataRequirements())
    ) -> DecodedFile {
        var file = DecodedFile(everyObject: everyObject, keeping: keeping, resource: resource)
        let decoded = ObjectDocuments.decode(bytes, path: path, yaml: yaml)
        file.issues = decoded.issues
        for (body, source) in decoded.objects { file.append(body, cluster: cluster, source: source) }
        return file
    }

    private func add(_ body: Value, cluster: String, source: SourceRef) {
        let object = KubeObject(body: ObjectSlimmer.withoutSecretValues(body), cluster: cluster, source: source)
        // `oc adm inspect` writes each pod twice (in the list and alone); the first copy read is kept.
        guard seen.insert(ObjectIdentity(cluster, object)).inserted else { return }
        if firstSources[cluster] == nil { firstSources[cluster] = source }
        objects[cluster, default: []].append(object)
        if object.kind == "Namespace" { namespaces[cluster, default: []].insert(object.metadata.name) }
    }

    /// An object set aside for the rule files (`RuleFileKeeping`): counted for their verdicts, its times still count;
    /// a pod is named as healthy, so its events are kept as they were when every pod was kept.
    /// `seen`: a pod that waited for its events was already told apart from its copies.
    private func setAsideOne(_ o: SetAsideObject, seen alreadySeen: Bool = false) {
        if !alreadySeen {
            guard seen.insert(o.identity).inserted else { return }
            if firstSources[o.cluster] == nil { firstSources[o.cluster] = o.source }
        }
        clock.sawDropped(o.newest)
        setAside[o.cluster, default: SetAside()].counts[o.key, default: 0] += 1
        if o.kind == "Pod" { healthy[o.cluster, default: HealthyPods()].recovered.append((o.namespace, o.name)) }
    }

    /// A healthy pod kept only if some rule file may read one of its events: it waits for the walk's end in its place.
    private func hold(_ pod: WaitingPod) {
        let o = pod.setAside
        guard seen.insert(o.identity).inserted else { return }
        if firstSources[o.cluster] == nil { firstSources[o.cluster] = o.source }
        awaitingEvents.hold(pod, position: objects[o.cluster]?.count ?? 0)
    }

    /// A healthy pod: counted (named when it restarted before); its creation time still counts for the gather time.
    private func countHealthy(_ pod: HealthyPod) {
        guard seen.insert(ObjectIdentity(pod.cluster, apiVersion: pod.apiVersion, kind: "Pod", namespace: pod.namespace, name: pod.name)).inserted
        else { return }
        if firstSources[pod.cluster] == nil { firstSources[pod.cluster] = pod.source }
        clock.sawDropped(pod.created)
        if pod.recovered {
            healthy[pod.cluster, default: HealthyPods()].recovered.append((pod.namespace, pod.name))
        } else {
            healthy[pod.cluster, default: HealthyPods()].quiet += 1
        }
    }

    /// The log scanners made so far, by the requirements (indices in `requirements.logs`) they look for.
    private var scanners: [[Int]: LogScanner] = [:]

    /// A log's lines that the rules look for, kept; its first and last times summarised.
    private func keepLog(
        _ content: EntryContent, path: String, cluster: String, namespace: String, pod: String, container: String?, previous: Bool,
        wanted: [Int]
    ) throws {
        // One scanner for each set of requirements: making one sorts and groups their patterns.
        let scanner = scanners[wanted] ?? LogScanner(wanted: wanted.map { requirements.logs[$0] })
        scanners[wanted] = scanner
        let scanned = try scanner.scan(
            content, source: LogScanner.Source(path: path, cluster: cluster, namespace: namespace, pod: pod, container: container, previous: previous))
        logFiles.append(scanned.summary)
        if let issue = scanned.issue { issues.append(issue) }
        logLines.append(contentsOf: scanned.lines)
    }

    // MARK: - Result

    func finish(format: String, entries: Int, nestedArchives: Int) -> LoadedDump {
        for file in parser.drain() { merge(file) }
        issues += foldedIssues()
        for held in podEvents.drain() { add(held.body, cluster: held.cluster, source: held.source) }
        let awaited = awaitingEvents.resolve()
        for (cluster, kept) in awaited.kept { objects[cluster] = PodsAwaitingEvents.placing(kept, into: objects[cluster] ?? []) }
        for pod in awaited.setAside { setAsideOne(pod, seen: true) }
        let clusterNames = Set(objects.keys).union(namespaces.keys).union(loginErrors.keys).union(healthy.keys).union(setAside.keys)
        let clusters = clusterNames.sorted().map {
            Cluster(
                name: $0, objects: objects[$0] ?? [], namespaces: namespaces[$0] ?? [], loginError: loginErrors[$0],
                healthyPods: healthy[$0] ?? HealthyPods(), firstSource: firstSources[$0], setAside: setAside[$0] ?? SetAside())
        }
        let (gatheredAt, source) = clock.gatherTime(clusters: clusters, logLines: logLines)
        let snapshot = DumpSnapshot(
            clusters: clusters, logLines: logLines, gatheredAt: gatheredAt, gatherTimeSource: source, logFiles: logFiles,
            loadIssues: issues.sorted(), hasMTCGatherLayout: !layouts.isDisjoint(with: [.mtcClusters, .mtcLegacy, .mtcMigplans]))
        return LoadedDump(
            snapshot: snapshot, format: format, layouts: layouts.sorted(), loadIssues: issues.sorted(),
            entries: entries, nestedArchives: nestedArchives)
    }

}

extension Collector.DecodedFile {
    /// Adds an object, slimmed; a healthy pod is only counted (`HealthyPods`) and remembered as such.
    mutating func append(_ body: Value, cluster: String, source: SourceRef) {
        let kind = body["kind"].string
        if let kind, QuiescableWorkload.kinds.contains(kind), !everyObject.contains(kind.lowercased() + "s"), ObjectSlimmer.isIdleWorkload(body) {
            if offerToRuleFiles(body, kind: kind, cluster: cluster, source: source, pod: nil) { return }
            idle.append(IdleObject(cluster: cluster, source: source, newest: SetAsideObject.newestTime(body)))
            return
        }
        if kind == "Pod", !everyObject.contains("pods") {
            let metadata = body["metadata"]
            let name = metadata["name"].string ?? "", namespace = metadata["namespace"].string
            let key = PodEventFilter.podKey(cluster, namespace, name)
            if !Pod.ownedByMTC(name: name, namespace: namespace, label: { metadata["labels"][$0].string }) { plainPods.append(key) }
            let keeping = ObjectSlimmer.keeping(body)
            if keeping != .whole {
                if offerToRuleFiles(body, kind: "Pod", cluster: cluster, source: source, pod: key) { return }
                if keeping == .quiet { unremarkablePods.append(key) }
                healthyPods.append(HealthyPod(
                    cluster: cluster, apiVersion: body["apiVersion"].string ?? "", namespace: namespace ?? "", name: name,
                    recovered: keeping == .recovered, created: metadata["creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:)),
                    source: source))
                return
            }
        }
        if let kind, kind != "Pod", kind != "Event", let resource, resource.hasPrefix(kind.lowercased().dropLast()),
            let tests = keeping.testsOnly(resource, namespace: body["metadata"]["namespace"].string) {
            // Read only because rule files test its kind: kept if one could match it, else counted. (Only an object of
            // the file's own kind: one out of place may be one a built-in rule reads.) Tested as the rules will see it:
            // a Secret without its values.
            offer(ObjectSlimmer.withoutSecretValues(ObjectSlimmer.slim(body)), kind: kind, to: tests, cluster: cluster, source: source, pod: nil)
            return
        }
        let involved = body["involvedObject"]
        let slim = ObjectSlimmer.slim(body)
        let readByRuleFiles = kind == "Event" ? keeping.pod(readByRuleFilesIn: slim, cluster: cluster).map(Collector.ForRuleFiles.eventAbout) : nil
        let podEvent = kind == "Event" && involved["kind"].string == "Pod" && !everyObject.contains("events")
            ? PodEventFilter.Event(
                pod: PodEventFilter.podKey(cluster, involved["namespace"].string, involved["name"].string),
                // An event a rule file may read is kept even when every pod start makes one.
                routine: readByRuleFiles == nil && Event.isRoutine(type: body["type"].string, reason: body["reason"].string), lastSeen: Event.lastSeen(body))
            : nil
        objects.append((slim, cluster, source, podEvent, readByRuleFiles))
    }

    /// An object the built-in rules do not need (a healthy pod, an idle workload), offered to the rule files' tests:
    /// kept whole when one could match it, set aside when none could; false when no rule file tests its kind.
    private mutating func offerToRuleFiles(_ body: Value, kind: String, cluster: String, source: SourceRef, pod: PodEventFilter.PodKey?) -> Bool {
        guard let tests = keeping.tests(ofKind: kind) else { return false }
        offer(ObjectSlimmer.slim(body), kind: kind, to: tests, cluster: cluster, source: source, pod: pod)
        return true
    }

    /// Keeps `slim` if one of `tests` could match it (a pod that only its events could make match waits for them), or
    /// sets it aside.
    private mutating func offer(_ slim: Value, kind: String, to tests: [KeepTest], cluster: String, source: SourceRef, pod: PodEventFilter.PodKey?) {
        switch RuleFileKeeping.answer(slim, cluster: cluster, tests: tests) {
        case .yes: objects.append((slim, cluster, source, nil, nil))
        case .ifEvent:
            // A pod waits, encoded, for its events; only pods are asked about events, anything else is kept.
            if let pod {
                objects.append((.null, cluster, source, nil, .podIfEvent(WaitingPod(slim, pod: pod, cluster: cluster, source: source))))
            } else {
                objects.append((slim, cluster, source, nil, nil))
            }
        case .no: setAside.append((objects.count, SetAsideObject(slim, kind: kind, cluster: cluster, source: source)))
        }
    }
}

/// A pod healthy at gather time, as the decoding thread hands it over: what counting it needs.
struct HealthyPod: Sendable {
    let cluster: String
    let apiVersion: String
    let namespace: String
    let name: String
    /// Restarted before: its events stay, as history.
    let recovered: Bool
    let created: Timestamp?
    let source: SourceRef
}

/// An object no rule reads: where it was (for the cluster's first source) and the times it states (for the gather
/// time when there is no `timestamp` file).
struct IdleObject: Sendable {
    let cluster: String
    let source: SourceRef
    /// The newest time it states (`SetAsideObject.newestTime`).
    let newest: Timestamp?
}

/// Which object this is (cluster, apiVersion, kind, namespace, name), held as 128 bits of hash rather than the
/// text: a 4 GB dump has hundreds of thousands of objects, and the texts took tens of megabytes. Two different
/// objects share an identity with odds of about n²/2¹²⁹ (10⁻²⁸ for a million objects).
public struct ObjectIdentity: Hashable, Sendable {
    let high: Int
    let low: Int

    init(_ cluster: String, _ object: KubeObject) {
        self.init(cluster, apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name)
    }

    public init(_ cluster: String, apiVersion: String, kind: String, namespace: String, name: String) {
        self.init { hasher in
            hasher.combine(cluster)
            hasher.combine(apiVersion)
            hasher.combine(kind)
            hasher.combine(namespace)
            hasher.combine(name)
        }
    }

    /// A pod's key (`PodEventFilter.podKey`).
    init(cluster: String, namespace: String, name: String) {
        self.init { hasher in
            hasher.combine(cluster)
            hasher.combine(namespace)
            hasher.combine(name)
        }
    }

    /// The parts fed to two differently seeded hashers, without an array of them: an identity is worked out for every
    /// object read.
    @inline(__always)
    private init(hashing parts: (inout Hasher) -> Void) {
        var first = Hasher(), second = Hasher()
        second.combine(0x9E37_79B9_7F4A_7C15 as UInt64)
        parts(&first)
        parts(&second)
        high = first.finalize()
        low = second.finalize()
    }
}
