import Foundation
import MustardTestSupport
import Testing
@testable import MustardRules

/// Names from a hostile dump in remediation commands: exact for the shell, and no raw control character in the
/// command a report shows (issue 10, item 4).
@Suite("Shell quoting of hostile names")
struct ShellQuoteControlTests {
    static let names = [
        "x\n[CRITICAL] forged", "\u{1B}]0;pwned\u{07}\u{1B}[2J", "a'b\\c\u{1B}d", "evil\u{202E}txt\u{2066}", "tab\there", "c1\u{9B}31m",
    ]

    @Test("Control and bidi characters become $'…' escapes that bash turns back into the name", arguments: names)
    func roundTrip(name: String) throws {
        let quoted = shellQuote(name)
        #expect(quoted.hasPrefix("$'"))
        #expect(!quoted.unicodeScalars.contains { isControlOrBidi($0) }, "\(quoted)")
        let run = try TestSupport.run("/bin/bash", ["-c", "printf %s \(quoted)"], environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        #expect(run.stdout == name, "\(quoted) → \(run.stdout.debugDescription)")
    }

    @Test("JSON strings in patches escape them as \\uXXXX")
    func json() throws {
        let value = "x\n\u{1B}[2J\u{202E}\u{85}"
        let literal = jsonString(value)
        #expect(!literal.unicodeScalars.contains { isControlOrBidi($0) })
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(decoded == [value])
    }

    @Test("Ordinary names quote as before")
    func ordinary() {
        #expect(shellQuote("mssql-persistent") == "mssql-persistent")
        #expect(shellQuote("it's a name") == #"'it'\''s a name'"#)
        #expect(shellQuote("名前 é") == "'名前 é'")
    }
}
