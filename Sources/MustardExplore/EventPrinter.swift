import MustardModel

/// `oc get events`: LAST SEEN TYPE REASON OBJECT MESSAGE; wide adds SUBOBJECT SOURCE FIRST SEEN COUNT NAME.
/// Handles core/v1 events and events.k8s.io/v1 ones (`regarding`, `note`, `eventTime`, `series`).
enum EventPrinter {
    static let columns = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    static let wideColumns = ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]

    /// The object an event is about.
    static func involved(_ event: Value) -> Value {
        let involved = event["involvedObject"]
        return involved.isNull ? event["regarding"] : involved
    }

    /// When the event last happened: `lastTimestamp`, else the series' last, else `eventTime`, `firstTimestamp`,
    /// then the object's creation. Fields looked up one by one rather than by dotted paths, which were split into new
    /// strings for each of tens of thousands of events.
    static func lastSeen(_ event: Value) -> Timestamp? {
        time(event["lastTimestamp"]) ?? time(event["series"]["lastObservedTime"]) ?? time(event["eventTime"])
            ?? time(event["firstTimestamp"]) ?? time(event["metadata"]["creationTimestamp"])
    }

    static func firstSeen(_ event: Value) -> Timestamp? {
        time(event["firstTimestamp"]) ?? time(event["eventTime"]) ?? time(event["metadata"]["creationTimestamp"])
    }

    private static func time(_ value: Value) -> Timestamp? {
        value.string.flatMap(Timestamp.init(rfc3339:))
    }

    static func objectName(_ event: Value) -> String {
        let object = involved(event)
        return (object["kind"].string ?? "").lowercased() + "/" + (object["name"].string ?? "")
    }

    static func message(_ event: Value) -> String {
        let text = event["message"].string ?? event["note"].string ?? ""
        // Most messages need no trimming: checked first (by their end bytes when those are ASCII and not blank,
        // else by Characters), Foundation's trim is slow on tens of thousands of events.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return text }
        if let trimmed = asciiTrimmed(text) { return trimmed }
        guard let first = text.first, let last = text.last, first.isWhitespace || last.isWhitespace else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `text` without the ASCII blanks and line breaks at its ends, when what is left begins and ends with ASCII (or is
    /// empty): then Foundation's trim would stop at the same bytes. Nil otherwise. Through `Character`s and Foundation, a
    /// message ending in a newline cost 3,900 instructions.
    static func asciiTrimmed(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            func blank(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
            var start = 0, end = bytes.count
            while start < end, blank(bytes[start]) { start += 1 }
            while end > start, blank(bytes[end - 1]) { end -= 1 }
            if start < end, bytes[start] >= 0x80 || bytes[end - 1] >= 0x80 { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    static func cells(_ event: Value) -> [Cell] {
        [
            .age(lastSeen(event)),
            .text(event["type"].string ?? ""),
            .text(event["reason"].string ?? ""),
            .text(objectName(event)),
            .text(message(event)),
        ]
    }

    static func wideCells(_ event: Value) -> [Cell] {
        let source = event["source"]
        // Joined by hand: an array of optionals filtered and joined was most of making an event's wide cells.
        var sourceText = source["component"].string ?? event["reportingComponent"].string ?? ""
        if let host = source["host"].string, !host.isEmpty { sourceText += sourceText.isEmpty ? host : ", " + host }
        let count = event["count"].int ?? event["series"]["count"].int ?? 1
        return [
            .text(involved(event)["fieldPath"].string ?? ""),
            .text(sourceText),
            .age(firstSeen(event)),
            .text(String(count)),
            .text(event["metadata"]["name"].string ?? ""),
        ]
    }
}

import Foundation
