import MustardModel

/// What the rule files look up on one object, found once for all of them: in the shared pass every rule of the
/// object's kind asks, and the first one to need its group, conditions, events or log lines pays for them.
final class ObjectFacts {
    let object: KubeObject
    let cluster: Cluster
    private let lineIndex: LogLineIndex

    init(_ object: KubeObject, cluster: Cluster, lines: LogLineIndex) {
        self.object = object
        self.cluster = cluster
        lineIndex = lines
    }

    /// The object as the rules read it: its group, conditions and each field looked up once for all of them
    /// (`FieldPredicate.holds(on:now:)`).
    private(set) lazy var offered = OfferedObject(object.body, cluster: cluster.name)
    var group: String { offered.group }
    var conditions: [Condition] { offered.conditions }
    /// The events about the object, as positions in `cluster.events`: most objects are tested, few match, and an
    /// `Event` is costly to copy.
    private(set) lazy var eventIndices: [Int] = cluster.eventIndices(for: object.kind, namespace: object.metadata.namespace, name: object.metadata.name)
    var events: [Event] { eventIndices.map { cluster.events[$0] } }
    /// The kept log lines of the pod of this name on this cluster, in dump order.
    private(set) lazy var lines: [LogLine] = lineIndex.lines(cluster: cluster.name, namespace: object.metadata.namespace ?? "", pod: object.metadata.name)
}

/// The kept log lines by pod: a rule reading an object's log lines looks up its pod instead of filtering every line
/// of the dump for every object. Built whole at once, since the pass reads it from several threads.
final class LogLineIndex: @unchecked Sendable {
    private struct Key: Hashable {
        let cluster: String
        let namespace: String
        let pod: String
    }

    private let byPod: [Key: [LogLine]]

    init(_ lines: [LogLine]) {
        var index: [Key: [LogLine]] = [:]
        for line in lines { index[Key(cluster: line.cluster, namespace: line.namespace, pod: line.pod), default: []].append(line) }
        byPod = index
    }

    func lines(cluster: String, namespace: String, pod: String) -> [LogLine] {
        byPod[Key(cluster: cluster, namespace: namespace, pod: pod)] ?? []
    }
}
