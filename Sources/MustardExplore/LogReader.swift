import Foundation
import Logging
import MustardArchive

/// Reads one entry of a dump line by line, found by its path (`!/` between nested archives), without extracting
/// anything: the walk skips every other entry unread.
struct LogReader {
    let limits: ArchiveLimits
    let logger: Logger

    /// Longest line handed on whole; longer ones are cut (a log without newlines must not fill memory).
    static let maxLineBytes = 64 << 10

    /// Hands each line to `line`; returns what was wrong with the entry (damage past which nothing was read).
    func read(dump: String, entry: String, line: (String) throws -> Void) throws -> [String] {
        try withoutActuallyEscaping(line) { line in
            let visitor = OneEntry(wanted: entry, line: line)
            _ = try DumpWalker(limits: limits, logger: logger).walk(dump, visitor: visitor)
            if let error = visitor.failure { throw error }
            if !visitor.found {
                throw LogReadError(message: "\(entry) could not be read again from the dump\(visitor.issues.first.map { ": \($0)" } ?? "")")
            }
            return visitor.issues
        }
    }

    struct LogReadError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

private final class OneEntry: DumpVisitor {
    let wanted: String
    let line: (String) throws -> Void
    var found = false
    var failure: Error?
    var issues: [String] = []

    init(wanted: String, line: @escaping (String) throws -> Void) {
        self.wanted = wanted
        self.line = line
    }

    func interest(in entry: ArchiveEntry) -> EntryInterest {
        entry.type == .regular && !found && entry.path.description == wanted ? .content : .none
    }

    func visit(_ entry: ArchiveEntry, content: EntryContent) throws {
        found = true
        do {
            try content.forEachLine { bytes, _ in
                let text = String(decoding: bytes.prefix(LogReader.maxLineBytes), as: UTF8.self)
                try line(text.hasSuffix("\r") ? String(text.dropLast()) : text)
            }
        } catch let error as EntryReadError {
            // A damaged log: what was read is shown, the damage is told.
            issues.append(error.description)
            throw error
        } catch {
            failure = error
        }
    }

    func report(_ issue: ArchiveIssue) {
        if issue.path.hasPrefix(wanted) || issue.damaged { issues.append("\(issue.path): \(issue.message)") }
    }
}
