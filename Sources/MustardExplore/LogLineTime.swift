import MustardDump
import MustardModel

/// The time a log line states, in the formats container logs of a cluster use: a leading RFC 3339 time
/// (`oc logs --timestamps`, kubelet's files), zap's `"ts":<epoch>`, logrus' `time="…"` (Velero, MTC's controller)
/// and klog's `I1120 13:33:47.123456` (whose year is the gather's).
enum LogLineTime {
    static func of(_ line: String, year: Int?) -> Timestamp? {
        if let time = LogScanner.lineTime(line) { return time }
        if let r = line.range(of: "time=\"") {
            let text = line[r.upperBound...].prefix { $0 != "\"" }
            if let time = Timestamp(rfc3339: String(text)) { return time }
        }
        return klog(line, year: year)
    }

    /// `Lmmdd hh:mm:ss.uuuuuu …` with L one of I, W, E, F.
    private static func klog(_ line: String, year: Int?) -> Timestamp? {
        let b = Array(line.utf8.prefix(21))
        guard let year, b.count >= 14, "IWEF".utf8.contains(b[0]), b[5] == UInt8(ascii: " "), b[8] == UInt8(ascii: ":"),
            b[11] == UInt8(ascii: ":"), b[1...4].allSatisfy({ (48...57).contains($0) })
        else { return nil }
        let month = String(decoding: b[1...2], as: UTF8.self), day = String(decoding: b[3...4], as: UTF8.self)
        let clock = String(decoding: b[6...13], as: UTF8.self)
        return Timestamp(rfc3339: "\(year)-\(month)-\(day)T\(clock)Z")
    }
}
