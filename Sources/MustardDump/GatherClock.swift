import MustardArchive
import MustardModel

/// The analysis' "now": the gather's own `timestamp` files when the dump has them (the latest time any of them
/// states), else the newest time anything in the dump states — kept objects and log lines, and events that were
/// not kept — else none. Never the wall clock.
struct GatherClock {
    private var timestampFile: (time: Timestamp, path: String)?
    /// The newest time among events not kept: it still counts when there is no `timestamp` file.
    private var newestDropped: Timestamp?

    /// Reads a `timestamp` file (Go's time format, one time a line); an issue when it holds none.
    mutating func readTimestampFile(_ content: EntryContent, path: String) throws -> LoadIssue? {
        let text = String(decoding: try content.readAll().prefix(64 << 10), as: UTF8.self)
        let times = text.split(whereSeparator: \.isNewline).compactMap { Timestamp(goTime: String($0)) }
        guard let latest = times.max() else {
            return LoadIssue(path: path, severity: .warning, message: "timestamp file holds no time in Go's format")
        }
        if timestampFile.map({ latest > $0.time }) ?? true { timestampFile = (latest, path) }
        return nil
    }

    /// An event the loader did not keep: its time still counts.
    mutating func sawDropped(_ time: Timestamp?) {
        if let time, newestDropped.map({ time > $0 }) ?? true { newestDropped = time }
    }

    func gatherTime(clusters: [Cluster], logLines: [LogLine]) -> (Timestamp?, GatherTimeSource) {
        if let file = timestampFile { return (file.time, .timestampFile(path: file.path)) }
        if let newest = [Self.newestTime(clusters: clusters, logLines: logLines), newestDropped].compactMap({ $0 }).max() {
            return (newest, .newestInDump)
        }
        return (nil, .unknown)
    }

    /// The newest time any object or kept log line states.
    private static func newestTime(clusters: [Cluster], logLines: [LogLine]) -> Timestamp? {
        var newest: Timestamp?
        func see(_ t: Timestamp?) { if let t, newest.map({ t > $0 }) ?? true { newest = t } }
        for cluster in clusters {
            for object in cluster.objectsByKind.values.joined() {
                see(object.metadata.creationTimestamp)
                for c in object.body[path: "status.conditions"].array {
                    see(c["lastTransitionTime"].string.flatMap(Timestamp.init(rfc3339:)))
                }
            }
            for event in cluster.events { see(event.lastTimestamp) }
            for migration in cluster.migMigrations { for step in migration.pipeline { see(step.completed ?? step.started) } }
        }
        for line in logLines { see(line.time) }
        return newest
    }
}
