import Foundation
import MustardArchive
import MustardModel

/// Reads one log line by line and keeps the lines the rules asked for (`LogRequirement.patterns`), scrubbed of
/// secrets, with the time and zap fields each states; the rest is never held. Linear in the log's size: a plain
/// byte search per line, and a ring of at most `maxLines` kept lines.
public struct LogScanner {
    /// Per log file cap: a controller that logs the same wait every 3 s for days must not fill memory.
    static let maxLines = 5_000

    /// Where a log came from.
    struct Source {
        let path: String
        let cluster: String
        let namespace: String
        let pod: String
        let container: String?
        let previous: Bool
    }

    /// What one log gave: the kept lines in order, its summary (lines, first and last time), and an issue when
    /// older matching lines had to go.
    struct Result {
        let lines: [LogLine]
        let summary: LogFileSummary
        let issue: LoadIssue?
    }

    private let patterns: ByteNeedles

    init(wanted: [LogRequirement]) {
        patterns = ByteNeedles(Array(Set(wanted.flatMap(\.patterns))).sorted().map { Array($0.utf8) })
    }

    func scan(_ content: EntryContent, source: Source) throws -> Result {
        var kept: [LogLine] = []
        var oldest = 0
        var dropped = 0
        var firstTime: Timestamp?
        var lastLine: [UInt8] = []
        lastLine.reserveCapacity(4096)
        var count = 0
        try content.forEachLine { line, number in
            count = number
            if firstTime == nil, number <= 20 { firstTime = Self.lineTime(String(decoding: line.prefix(4096), as: UTF8.self)) }
            lastLine.removeAll(keepingCapacity: true)
            lastLine.append(contentsOf: line.prefix(4096))
            let matches = line.withUnsafeBytes(patterns.anyOccurs(in:))
            guard matches else { return }
            let text = SecretScrubber.scrub(String(decoding: line, as: UTF8.self))
            let fields = Self.jsonFields(text)
            let time = fields["ts"].flatMap(Double.init).flatMap(Timestamp.init(epochSeconds:))
                ?? Timestamp(rfc3339: String(text.prefix { $0 != " " }))
            let line = LogLine(
                cluster: source.cluster, namespace: source.namespace, pod: source.pod, container: source.container, previous: source.previous,
                source: SourceRef(path: source.path), lineNumber: number, text: text, time: time, fields: fields)
            // A ring once full: the oldest line is overwritten, never shifted out (that was quadratic).
            if kept.count == Self.maxLines {
                kept[oldest] = line
                oldest = (oldest + 1) % Self.maxLines
                dropped += 1
            } else {
                kept.append(line)
            }
        }
        let summary = LogFileSummary(
            cluster: source.cluster, namespace: source.namespace, pod: source.pod, path: source.path, lines: count, firstTime: firstTime,
            lastTime: Self.lineTime(String(decoding: lastLine, as: UTF8.self)))
        let issue = dropped > 0
            ? LoadIssue(path: source.path, severity: .info, message: "\(dropped) older matching lines not kept (limit \(Self.maxLines) per log)")
            : nil
        return Result(lines: Array(kept[oldest...] + kept[..<oldest]), summary: summary, issue: issue)
    }

    /// The time a log line states: zap's `"ts":<epoch>`, or a leading RFC 3339 time (klog-less `oc logs --timestamps`).
    public static func lineTime(_ text: String) -> Timestamp? {
        if let r = text.firstRange(of: "\"ts\":") {
            let number = text[r.upperBound...].prefix { $0.isNumber || $0 == "." }
            if let seconds = Double(number), let time = Timestamp(epochSeconds: seconds) { return time }
        }
        return Timestamp(rfc3339: String(text.prefix { $0 != " " }))
    }

    /// String and number fields of a zap JSON line; empty for other lines.
    static func jsonFields(_ text: String) -> [String: String] {
        guard text.first == "{", let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let s = value as? String { fields[key] = s } else if let n = value as? NSNumber { fields[key] = n.stringValue }
        }
        return fields
    }
}
