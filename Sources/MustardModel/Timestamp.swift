/// A point in time, seconds since 1970 UTC, as the dump states it. Never read from the wall clock.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let secondsSince1970: Double

    public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }

    /// The years a dump can honestly state (0001 to 9999): an epoch number from a log line outside them is noise or
    /// hostile, and a time built from it would break every duration and date computed later.
    public static let plausibleSeconds: ClosedRange<Double> = -62_135_596_800 ... 253_402_300_799

    /// An epoch number read from the dump (zap's `"ts"`), nil when it is not finite or not a plausible time.
    public init?(epochSeconds: Double) {
        guard Self.plausibleSeconds.contains(epochSeconds) else { return nil }
        self.secondsSince1970 = epochSeconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    public func adding(seconds: Double) -> Timestamp { Timestamp(secondsSince1970: secondsSince1970 + seconds) }

    public func seconds(since other: Timestamp) -> Double { secondsSince1970 - other.secondsSince1970 }

    /// RFC 3339 in UTC with whole seconds: `2026-11-20T09:14:05Z`.
    public var description: String {
        // Clamped: times are computed (gather time plus a threshold from the command line) and may leave the range.
        let clamped = min(max(secondsSince1970, Self.plausibleSeconds.lowerBound), Self.plausibleSeconds.upperBound)
        let whole = Int64(clamped.isNaN ? 0 : clamped.rounded(.down))
        var days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secs = whole - days * 86_400
        // Civil-from-days (Howard Hinnant), valid for the proleptic Gregorian calendar.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        // Written into twenty bytes (the clamp keeps the year within four digits): interpolating eleven pieces cost
        // thousands of instructions, and reports print a time on every piece of evidence.
        return String(unsafeUninitializedCapacity: 20) { out in
            func digits(_ value: Int64, _ count: Int, at start: Int) {
                var v = value
                for i in stride(from: start + count - 1, through: start, by: -1) {
                    out[i] = 0x30 + UInt8(v % 10)
                    v /= 10
                }
            }
            digits(year, 4, at: 0)
            digits(month, 2, at: 5)
            digits(day, 2, at: 8)
            digits(secs / 3600, 2, at: 11)
            digits(secs % 3600 / 60, 2, at: 14)
            digits(secs % 60, 2, at: 17)
            (out[4], out[7], out[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
            (out[13], out[16], out[19]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
            return 20
        }
    }

    /// `2026-11-20T09:14:05Z`, the form Kubernetes writes nearly every time in, read without the general parser's
    /// steps: the same checks, the same answer (nil sends the text to the general parser). Every object read states
    /// several times, and most are parsed.
    @inline(__always)
    private static func canonical(_ b: UnsafeBufferPointer<UInt8>, dateTimeSeparators: (UInt8, UInt8)) -> Timestamp? {
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == dateTimeSeparators.0 || b[10] == dateTimeSeparators.1,
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") || b[19] == UInt8(ascii: "z")
        else { return nil }
        var allDigits = true
        @inline(__always) func number(_ from: Int, _ count: Int) -> Int64 {
            var v: Int64 = 0
            for k in from..<(from + count) {
                let d = b[k] &- 48
                if d > 9 { allDigits = false }
                v = v &* 10 &+ Int64(d)
            }
            return v
        }
        let year = number(0, 4), month = number(5, 2), day = number(8, 2)
        let hour = number(11, 2), minute = number(14, 2), second = number(17, 2)
        guard allDigits, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(secondsSince1970: Double(seconds))
    }

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses RFC 3339 as Kubernetes writes it: `2026-11-20T09:14:05Z`, with optional fraction and offset.
    public init?(rfc3339 text: String) {
        // Over the string's own bytes: an object's times are parsed for every object read, and copying each into an
        // array was a third of the parse.
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0, dateTimeSeparators: (UInt8(ascii: "T"), UInt8(ascii: "t"))) }) else { return nil }
        self = parsed
    }

    /// Parses Go's default `time.Time` format as in must-gather `timestamp` files:
    /// `2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668`. The zone name and monotonic part are ignored;
    /// the numeric offset decides.
    public init?(goTime text: String) {
        var trimmed = text.split(separator: " m=").first.map(String.init) ?? text
        guard let parsed = trimmed.withUTF8({ Self.parse($0, dateTimeSeparators: (UInt8(ascii: " "), UInt8(ascii: " "))) }) else { return nil }
        self = parsed
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>, dateTimeSeparators: (UInt8, UInt8)) -> Timestamp? {
        if b.count == 20, let time = canonical(b, dateTimeSeparators: dateTimeSeparators) { return time }
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                guard (48...57).contains(b[k]) else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), i < b.count, b[i] == dateTimeSeparators.0 || b[i] == dateTimeSeparators.1
        else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < b.count, (48...57).contains(b[i]) {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        var offset: Int64 = 0
        if i < b.count {
            switch b[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let om = digits(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Timestamp(secondsSince1970: Double(seconds) + fraction)
    }
}

/// `4h 19m`, `2d 3h`, `45s`: a span for people.
public func humanDuration(seconds: Double) -> String {
    let total = Int(saturating: max(0, seconds))
    let d = total / 86_400, h = total % 86_400 / 3600, m = total % 3600 / 60, s = total % 60
    if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
    if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
    if m > 0 { return "\(m)m" }
    return "\(s)s"
}

extension Int {
    /// A Double from the dump or the command line as an Int without trapping: NaN is 0, anything beyond the range
    /// is the nearest bound. `Int(_: Double)` traps on both, and a hostile `ts` of 1e300 must not abort a report.
    public init(saturating value: Double) {
        if value.isNaN { self = 0 } else if value >= 9.2e18 { self = .max } else if value <= -9.2e18 { self = .min } else { self = Int(value) }
    }
}
