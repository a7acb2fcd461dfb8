import MustardModel

/// Which Events about pods the loader keeps. Large clusters hold hundreds of thousands of them, nearly all about
/// healthy pods or routine pod starts, and no rule reads those: events about a healthy pod never restarted
/// (counted only, nothing of MTC's) are dropped, so are routine events (scheduled, pulled, started…) of pods MTC has
/// nothing to do with; warnings, image-pull failures and every event of MTC's pods are kept. The rules that read
/// events (`pods`/`events` requirements) rely on exactly this: a failing or MTC pod keeps all its events.
///
/// A namespace's `events.yaml` comes before its `pods.yaml`, so an event whose pod is not known yet is held, in
/// order of arrival, until the pod is known or the walk ends.
struct PodEventFilter {
    /// What the filter needs to know of an Event about a Pod, worked out on the decoding thread.
    struct Event: Sendable {
        /// The pod's `podKey`.
        let pod: PodKey
        /// A `Normal` event of every pod start (`Event.isRoutine`).
        let routine: Bool
        let lastSeen: Timestamp?
    }

    /// An event's body and where it came from, as the loader keeps objects.
    typealias Held = (body: Value, cluster: String, source: SourceRef)

    enum Decision {
        /// Not kept; its time still counts for the gather time when there is no `timestamp` file.
        case dropped(Timestamp?)
        case held
    }

    /// Which pod, as 128 bits of hash rather than its names: a large dump has hundreds of thousands of pods, and two
    /// sets of their names took megabytes a gigabyte.
    typealias PodKey = ObjectIdentity

    static func podKey(_ cluster: String, _ namespace: String?, _ name: String?) -> PodKey {
        ObjectIdentity(cluster: cluster, namespace: namespace ?? "", name: name ?? "")
    }

    /// Healthy pods seen so far (`podKey`): events about them tell no rule anything.
    private var quietPods: Set<PodKey> = []
    /// Pods seen so far that MTC has nothing to do with: their routine events are not kept.
    private var plainPods: Set<PodKey> = []
    /// Events about pods not (yet) known to be quiet or plain, by pod, with their order of arrival.
    private var pending: [PodKey: [(order: Int, held: Held, event: Event)]] = [:]
    private var arrivals = 0

    /// Learns pods from a decoded file; returns the times of held events it now lets go.
    mutating func learn(quiet: [PodKey], plain: [PodKey]) -> [Timestamp?] {
        var dropped: [Timestamp?] = []
        for key in quiet where quietPods.insert(key).inserted {
            dropped += (pending.removeValue(forKey: key) ?? []).map(\.event.lastSeen)
        }
        for key in plain where plainPods.insert(key).inserted {
            pending[key]?.removeAll { waiting in
                if waiting.event.routine { dropped.append(waiting.event.lastSeen) }
                return waiting.event.routine
            }
        }
        return dropped
    }

    mutating func offer(_ event: Event, held: Held) -> Decision {
        if quietPods.contains(event.pod) || (event.routine && plainPods.contains(event.pod)) { return .dropped(event.lastSeen) }
        pending[event.pod, default: []].append((arrivals, held, event))
        arrivals += 1
        return .held
    }

    /// Every event still held, in order of arrival: their pods were never shown to be quiet or plain.
    mutating func drain() -> [Held] {
        defer { pending = [:] }
        return pending.values.joined().sorted { $0.order < $1.order }.map(\.held)
    }
}
