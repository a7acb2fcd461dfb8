import MustardModel

/// What the loader keeps for the rule files, beyond what the built-in rules need (`DataRequirements.keepTests`):
/// a healthy pod, an idle workload, or an object of a kind only rule files read where it lies (a ConfigMap outside
/// MTC's namespace) that some rule file could match is kept whole; the others are set aside (counted by kind, group
/// and namespace for the rule files' verdicts, a pod also named as `HealthyPods.recovered`, their times still counting
/// for the gather time). Without tests for a kind nothing changes: the kind is kept as the built-in rules need it, or
/// whole (`everyObject`). Why: 50 rule files reading pods used to keep every pod and event of a 1 GB dump.
struct RuleFileKeeping: Sendable {
    /// By kind (`Pod`, `Deployment`): the tests of the resources rule files read, when none of them reads it whole.
    private let tests: [String: [KeepTest]]
    /// By resource, the other kinds' tests (`ConfigMap`s, `MigPlan`s…): objects of those no rule reads whole in their
    /// namespace (`DataRequirements.readsWhole`) are kept only if a test could match them.
    private let otherTests: [String: [KeepTest]]
    private let eventTests: [@Sendable (_ event: OfferedEvent) -> Bool]
    /// `DataRequirements.readWhole`.
    private let readWhole: Set<ResourceRequirement>

    init(_ requirements: DataRequirements) {
        var byKind: [String: [KeepTest]] = [:], others: [String: [KeepTest]] = [:]
        for (resource, tests) in requirements.keepTests where !requirements.everyObject.contains(resource) {
            if let kind = Self.kinds[resource] { byKind[kind] = tests } else { others[resource] = tests }
        }
        self.tests = byKind
        otherTests = others
        // Any order: an event is kept when any test holds.
        eventTests = Array(requirements.eventTests.values)
        readWhole = requirements.readWhole
    }

    /// The tests deciding which objects of `resource` in `namespace` are kept, when only rule files' tests read them.
    func testsOnly(_ resource: String, namespace: String?) -> [KeepTest]? {
        guard let tests = otherTests[resource], !readWhole.covers(resource, in: namespace) else { return nil }
        return tests
    }

    /// The kinds the loader slims or drops for the built-in rules, by resource: their objects the built-in rules do
    /// not need are offered to the tests (`tests(ofKind:)`); other kinds' objects only where no rule reads them whole.
    private static let kinds = ["pods": "Pod", "deployments": "Deployment", "deploymentconfigs": "DeploymentConfig", "statefulsets": "StatefulSet"]

    /// The tests of `kind` (a pod, a workload) for its objects the built-in rules do not need; nil when no rule file
    /// tests the kind (then they are handled as the built-in rules need).
    func tests(ofKind kind: String) -> [KeepTest]? { tests[kind] }

    /// What to do with an object, slimmed, that only `tests` decide on.
    static func answer(_ slim: Value, cluster: String, tests: [KeepTest]) -> KeepTest.Answer {
        var answer = KeepTest.Answer.no
        let offered = OfferedObject(slim, cluster: cluster)
        for test in tests {
            switch test.answer(offered) {
            case .yes: return .yes
            case .ifEvent: answer = .ifEvent
            case .no: break
            }
        }
        return answer
    }

    /// The pod an event (slimmed) is about when some rule file's `events` clause could match it, keyed as
    /// `Cluster.eventIndices` finds a pod's events (the event's own namespace when it names none).
    func pod(readByRuleFilesIn slim: Value, cluster: String) -> PodEventFilter.PodKey? {
        guard !eventTests.isEmpty else { return nil }
        // The tests first: most events fail on their reason, before their object is looked up.
        let offered = OfferedEvent(slim)
        guard eventTests.contains(where: { $0(offered) }) else { return nil }
        let involved = Event.involved(slim)
        guard involved["kind"].string == "Pod" else { return nil }
        return PodEventFilter.podKey(cluster, involved["namespace"].string ?? slim["metadata"]["namespace"].string, involved["name"].string ?? "")
    }
}

/// An object set aside on a decoding thread: what the loader still counts of it. A class: the walker moves thousands
/// of them from decoded files to its counts, and copying ten strings at each move was a visible share of its work.
final class SetAsideObject: Sendable {
    let cluster: String
    let kind: String
    let namespace: String
    let name: String
    /// The newest of its creation and conditions' times, which would have counted for the gather time had it been kept.
    let newest: Timestamp?
    let source: SourceRef
    /// Worked out here, on the decoding thread, rather than by the walker that counts it.
    let identity: ObjectIdentity
    let key: SetAside.Key

    init(_ slim: Value, kind: String, cluster: String, source: SourceRef) {
        let metadata = slim["metadata"]
        self.cluster = cluster
        let apiVersion = slim["apiVersion"].string ?? ""
        self.kind = kind
        namespace = metadata["namespace"].string ?? ""
        name = metadata["name"].string ?? ""
        newest = Self.newestTime(slim)
        self.source = source
        identity = ObjectIdentity(cluster, apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        key = SetAside.Key(kind: kind, group: KubeObject.group(ofAPIVersion: apiVersion), namespace: namespace)
    }

    /// The newest of the times an object states that the gather clock reads of a kept one (`GatherClock`): its
    /// creation and its conditions' transitions. The clock keeps only the newest, so no list is made.
    static func newestTime(_ body: Value) -> Timestamp? {
        var newest = body["metadata"]["creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
        for condition in body["status"]["conditions"].array {
            guard let time = condition["lastTransitionTime"].string.flatMap(Timestamp.init(rfc3339:)) else { continue }
            if newest.map({ time > $0 }) ?? true { newest = time }
        }
        return newest
    }
}

/// A healthy pod some rule file may read if one of its events matches (`KeepTest.Answer.ifEvent`), as it waits for the
/// walk's end: what setting it aside needs, and its (slimmed) body in `ValueCodec`'s form. Encoded on the decoding
/// thread, so the walker never holds nor frees the pod's tree: 50 rule files reading the events of pods held every
/// healthy pod of a 1 GB dump whole (100 MB) and freed them all, one by one, after the walk.
struct WaitingPod: Sendable {
    let pod: PodEventFilter.PodKey
    let setAside: SetAsideObject
    let encoded: [UInt8]

    init(_ slim: Value, pod: PodEventFilter.PodKey, cluster: String, source: SourceRef) {
        self.pod = pod
        setAside = SetAsideObject(slim, kind: "Pod", cluster: cluster, source: source)
        encoded = ValueCodec.encode(slim)
    }
}

/// Pods kept only if some rule file may read one of their events (`KeepTest.Answer.ifEvent`): a namespace's events may
/// come before or after its pods, so such a pod waits, with the place it would have had, until the walk ends.
struct PodsAwaitingEvents {
    /// Pods (`PodEventFilter.podKey`) with an event some rule file's `events` clause could match.
    private var withEvents: Set<PodEventFilter.PodKey> = []
    private var waiting: [(pod: WaitingPod, position: Int)] = []

    mutating func saw(eventAbout pod: PodEventFilter.PodKey) { withEvents.insert(pod) }

    /// `position`: where in its cluster's objects the pod would have been kept.
    mutating func hold(_ pod: WaitingPod, position: Int) { waiting.append((pod, position)) }

    /// The held pods with such an event, by cluster, with their places; the others to be set aside.
    mutating func resolve() -> (kept: [String: [(position: Int, object: KubeObject)]], setAside: [SetAsideObject]) {
        var kept: [String: [(position: Int, object: KubeObject)]] = [:]
        var setAside: [SetAsideObject] = []
        for (w, position) in waiting {
            // The codec reads back what it wrote; were it ever not to, the pod is counted rather than lost.
            guard withEvents.contains(w.pod), let body = ValueCodec.decode(w.encoded) else {
                setAside.append(w.setAside)
                continue
            }
            kept[w.setAside.cluster, default: []].append((position, KubeObject(body: body, cluster: w.setAside.cluster, source: w.setAside.source)))
        }
        waiting = []
        return (kept, setAside)
    }

    /// `objects` with the kept pods put back at their places (positions count the objects kept before them).
    static func placing(_ kept: [(position: Int, object: KubeObject)], into objects: [KubeObject]) -> [KubeObject] {
        var out: [KubeObject] = []
        out.reserveCapacity(objects.count + kept.count)
        var next = 0
        for (index, object) in objects.enumerated() {
            while next < kept.count, kept[next].position <= index {
                out.append(kept[next].object)
                next += 1
            }
            out.append(object)
        }
        out += kept[next...].map(\.object)
        return out
    }
}
