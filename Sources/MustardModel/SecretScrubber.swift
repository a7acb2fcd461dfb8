/// Removes secret values from text that came from the dump (log lines, describe output, error files) before any
/// of it can reach a report. Keys stay, so the line still says what was there:
///
/// - `key=value`, `key: value`, `key := value` and JSON `"key": "value"` (also JSON inside a JSON string,
///   `\"key\": \"value\"`) where the key names a secret: a password (`password`, `passwd`, `pass`, `pwd`,
///   `passphrase`, and any key ending in `password`, such as `PGPASSWORD`), a `secret`, a `token`, an API or
///   access key, a private key, credentials or `auth`, alone or as the last parts of a longer key
///   (`AWS_SECRET_ACCESS_KEY`, `client_secret`, `X-Api-Key`, `spring.datasource.password`, `saToken`);
/// - command-line flags: `--password value`, `--password=value`, and `-pvalue` after `mysql`/`mariadb`;
/// - `Authorization:` headers (`Basic …`, `Bearer …`, any scheme: the scheme stays), and `Bearer <token>`;
/// - passwords in URLs and connection strings (`postgres://user:pass@host`, `mongodb+srv://…`,
///   `redis://:pass@host`; JDBC and ADO.NET `password=` parameters are pairs as above);
/// - JWTs (service account tokens), OpenShift `sha256~` tokens, AWS access key ids, PEM private key blocks.
///
/// One pass over the bytes, left to right, with lookaheads that never overlap: time linear in the text however
/// hostile it is (no regular expressions, no backtracking).
public enum SecretScrubber {
    public static let placeholder = "<redacted>"

    /// The text with every secret value replaced by `<redacted>`.
    public static func scrub(_ text: String) -> String {
        guard mightHoldSecret(text) else { return text }
        var scan = Scan(Array(text.utf8))
        scan.run()
        return scan.changed ? String(decoding: scan.out, as: UTF8.self) : text
    }

    /// A cheap test that skips the scan for the common line with nothing secret-looking in it: one pass over the
    /// UTF-8 bytes, each lower-cased and tried only against the clues that begin with it. Every clue is ASCII and
    /// the scan lower-cases ASCII only, so bytes of other characters (a statement's `×`) can neither start a clue
    /// nor hide one from the scan.
    ///
    /// Each position is first tried against the clues' first two bytes (`cluePairs`, a bit per pair of bytes, either
    /// case, so only the positions tried are lower-cased): every clue is at least three bytes long, so a position whose
    /// pair no clue begins with cannot start one, and the clues themselves are tried only where one could (trying them
    /// at each of the many `a`, `e`, `s` and `t` was most of the cost of indexing tens of thousands of events).
    static func mightHoldSecret(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= 3 else { return false }
            return cluePairs.withUnsafeBufferPointer { pairs in
                cluesByFirstByte.withUnsafeBufferPointer { byFirst in
                    clueStore.withBuffers { clueBytes, spans in
                        var next = bytes[0]
                        for i in 0..<bytes.count - 1 {
                            let byte = next
                            next = bytes[i + 1]
                            let pair = Int(byte) << 8 | Int(next)
                            guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                            for k in byFirst[Int(lowered(byte))] where startsWith(bytes, at: i, UnsafeBufferPointer(rebasing: clueBytes[spans[k]])) {
                                return true
                            }
                        }
                        return false
                    }
                }
            }
        }
    }

    /// A bit for each pair of bytes some clue begins with, in either case: the scan lower-cases only where one does.
    static let cluePairs: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 65536 / 64)
        func cases(_ byte: UInt8) -> [UInt8] { byte >= 0x61 && byte <= 0x7A ? [byte, byte - 0x20] : [byte] }
        for clue in clues.map({ Array($0.utf8) }) {
            precondition(clue.count >= 3, "mightHoldSecret tries pairs: a clue needs three bytes")
            for first in cases(clue[0]) {
                for second in cases(clue[1]) {
                    let pair = Int(first) << 8 | Int(second)
                    bits[pair >> 6] |= 1 << UInt64(pair & 63)
                }
            }
        }
        return bits
    }()

    private static func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ clue: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count - start >= clue.count else { return false }
        for offset in 0..<clue.count where lowered(bytes[start + offset]) != clue[offset] { return false }
        return true
    }

    /// `clues` as bytes in one flat store (`NeedleStore`: no array per clue to retain and release at each position
    /// tried, a third of indexing events), and by first byte the range of the store's spans it starts (ASCII only).
    static let clueStore = NeedleStore(clues.map { Array($0.utf8) })
    static let cluesByFirstByte: [Range<Int>] = {
        var table = [Range<Int>](repeating: 0..<0, count: 128)
        for group in clueStore.groups { table[Int(group.first)] = group.needles }
        return table
    }()

    /// Words one of the forms needs, lower-cased.
    static let clues = [
        "pass", "pwd", "secret", "token", "bearer", "key", "auth", "credential", "eyj", "akia", "asia", "://", "sha256~",
        "mysql", "mariadb",
    ]

    /// Keys, lower-cased and without separators, whose values are secret when they are the key or its last parts.
    static let secretKeys: [[UInt8]] = [
        "password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "satoken", "bearertoken", "apikey",
        "apitoken", "accesskey", "accesskeyid", "secretaccesskey", "secretkey", "clientsecret", "privatekey",
        "credential", "credentials", "auth", "authtoken", "accesstoken", "refreshtoken", "idtoken", "sessiontoken",
    ].map { Array($0.utf8) }

    /// Endings that make any key a password key, glued or not (`PGPASSWORD`, `rootPassword`).
    static let passwordEndings: [[UInt8]] = ["password", "passwd", "passphrase"].map { Array($0.utf8) }

    /// Programs whose `-p<value>` is a password.
    static let mysqlPrograms: [[UInt8]] = ["mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlsh", "mariadb", "mariadb-dump"].map { Array($0.utf8) }

    enum KeyKind {
        case secret
        /// `pwd`: also the shell's working directory, whose value is a path and stays.
        case pwd
        /// `Authorization`: the scheme stays, the credentials go.
        case authorization
    }

    /// What the key `b[key]` (flag dashes removed) names, nil when it is not a secret. Segments are split at
    /// `_`, `-` and `.` and compared lower-cased, from the end, without allocating: this runs for every word.
    static func classify(_ b: [UInt8], _ key: Range<Int>) -> KeyKind? {
        var end = key.upperBound
        while end > key.lowerBound, isSeparator(b[end - 1]) { end -= 1 }
        guard end > key.lowerBound else { return nil }
        var lastStart = end
        while lastStart > key.lowerBound, !isSeparator(b[lastStart - 1]) { lastStart -= 1 }
        let last = lastStart..<end
        // Every secret key ends in one of these letters: most words stop here.
        guard finalLetters[Int(lowercased(b[end - 1]))] else { return nil }
        if equalsLowercased(b, last, authorization) { return .authorization }
        if equalsLowercased(b, last, pwd) { return .pwd }
        for w in passwordEndings where last.count >= w.count && equalsLowercased(b, (end - w.count)..<end, w) { return .secret }
        let final = lowercased(b[end - 1])
        for w in secretKeys where w[w.count - 1] == final {
            // `w` must be the last segments joined: matched backwards over separators, starting at a segment.
            var k = end
            var m = w.count
            while m > 0, k > key.lowerBound {
                let c = b[k - 1]
                if isSeparator(c) {
                    k -= 1
                    continue
                }
                guard lowercased(c) == w[m - 1] else { break }
                m -= 1
                k -= 1
            }
            if m == 0, k == key.lowerBound || isSeparator(b[k - 1]) { return .secret }
        }
        return nil
    }

    static let finalLetters: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for w in secretKeys + passwordEndings + [authorization, pwd] { table[Int(w[w.count - 1])] = true }
        return table
    }()

    static let authorization = Array("authorization".utf8)
    static let pwd = Array("pwd".utf8)

    static func isSeparator(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }

    static func lowercased(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    static func equalsLowercased(_ b: [UInt8], _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var m = 0
        while m < word.count {
            if lowercased(b[range.lowerBound + m]) != word[m] { return false }
            m += 1
        }
        return true
    }

    /// The scan: `out` is the text with secrets replaced; `changed` says whether anything was.
    struct Scan {
        let b: [UInt8]
        var out: [UInt8] = []
        var i = 0
        var changed = false
        /// A `mysql`-like program was named before: its `-p<value>` is a password.
        var afterMySQL = false

        init(_ bytes: [UInt8]) {
            b = bytes
            out.reserveCapacity(bytes.count)
        }

        static let placeholder = Array(SecretScrubber.placeholder.utf8)
        static let bearerWord = Array("bearer".utf8)

        mutating func run() {
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "-"), at(i, "-----BEGIN "), privateKeyBlock() { continue }
                if c == UInt8(ascii: ":"), at(i, "://"), urlCredentials() { continue }
                if Self.isKeyByte(c), i == 0 || !Self.isKeyByte(b[i - 1]) {
                    word()
                    continue
                }
                out.append(c)
                i += 1
            }
        }

        // MARK: Words: known token shapes, `bearer`, `-p`, and keys with their values

        /// At the start of a run of key bytes: handles it, and the value after it when it is a secret's key.
        mutating func word() {
            if knownToken() { return }
            var j = i
            var dashRun = 0
            while j < b.count, Self.isKeyByte(b[j]) {
                // A PEM block glued to a word (`…\n-----BEGIN`, an escaped newline) starts a word of its own.
                dashRun = b[j] == UInt8(ascii: "-") ? dashRun + 1 : 0
                if dashRun == 5, j - 4 > i, at(j - 4, "-----BEGIN ") {
                    j -= 4
                    break
                }
                j += 1
            }
            var dashes = 0
            while i + dashes < j, b[i + dashes] == UInt8(ascii: "-") { dashes += 1 }
            let key = (i + dashes)..<j
            if key.count == 6, SecretScrubber.equalsLowercased(b, key, Self.bearerWord), bearer(after: j) { return }
            if dashes == 1, afterMySQL, key.count > 1, b[key.lowerBound] == UInt8(ascii: "p") {
                // mysql -pSECRET: everything up to the next space is the password.
                let end = unquotedEnd(from: i + 2, stopAtPunctuation: false)
                if !isPlaceholder(at: i + 2), b[i + 2] != UInt8(ascii: "$") {
                    emit(i..<(i + 2))
                    redact(until: end)
                    return
                }
            }
            if key.count >= 5, SecretScrubber.lowercased(b[key.lowerBound]) == UInt8(ascii: "m"),
                SecretScrubber.mysqlPrograms.contains(where: { SecretScrubber.equalsLowercased(b, key, $0) })
            {
                afterMySQL = true
            }
            // Whether a value follows first: most words have none, and classifying each was most of the scan.
            if let start = valueStart(afterKey: j, flag: dashes == 2), let kind = SecretScrubber.classify(b, key),
                value(at: start, kind: kind)
            {
                return
            }
            emit(i..<j)
        }

        /// JWTs, `sha256~` tokens and AWS access key ids, wherever a word starts.
        mutating func knownToken() -> Bool {
            let first = b[i]
            guard first == UInt8(ascii: "e") || first == UInt8(ascii: "s") || first == UInt8(ascii: "A") else { return false }
            if at(i, "eyJ") {
                var j = i
                for part in 0..<3 {
                    let start = j
                    while j < b.count, Self.isTokenByte(b[j]) { j += 1 }
                    guard j - start >= (part == 0 ? 11 : 8) else { return false }
                    if part < 2 {
                        guard j < b.count, b[j] == UInt8(ascii: ".") else { return false }
                        j += 1
                    }
                }
                redactAll(i..<j)
                return true
            }
            if at(i, "sha256~") {
                var j = i + 7
                while j < b.count, Self.isTokenByte(b[j]) { j += 1 }
                guard j - i - 7 >= 20 else { return false }
                redactAll(i..<j)
                return true
            }
            if at(i, "AKIA") || at(i, "ASIA") {
                let end = i + 20
                guard end <= b.count, b[(i + 4)..<end].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }),
                    end == b.count || !Self.isWordByte(b[end])
                else { return false }
                redactAll(i..<end)
                return true
            }
            return false
        }

        /// `Bearer <token>`: the token goes when it looks like one (8 characters or more, so "bearer token" stays).
        mutating func bearer(after j: Int) -> Bool {
            var k = j
            while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
            guard k > j else { return false }
            var end = k
            while end < b.count, Self.isBearerByte(b[end]) { end += 1 }
            guard end - k >= 8 else { return false }
            while end < b.count, b[end] == UInt8(ascii: "=") { end += 1 }
            emit(i..<k)
            redact(until: end)
            return true
        }

        /// Where a secret key's value starts: after `=`, `:` or `:=` (the key's closing quote and blanks allowed,
        /// never a line break), or, for a `--flag`, after blanks. Nil when no value follows.
        func valueStart(afterKey j: Int, flag: Bool) -> Int? {
            var k = j
            // The closing quote of a quoted key, plain or escaped inside a JSON string.
            if i > 0, k < b.count, b[i - 1] == UInt8(ascii: "\"") || b[i - 1] == UInt8(ascii: "'"), b[k] == b[i - 1] {
                k += 1
            } else if i > 1, k + 1 < b.count, b[i - 2] == UInt8(ascii: "\\"), b[i - 1] == UInt8(ascii: "\""), b[k] == UInt8(ascii: "\\"), b[k + 1] == UInt8(ascii: "\"") {
                k += 2
            }
            let beforeBlanks = k
            while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
            if k < b.count, b[k] == UInt8(ascii: "=") || b[k] == UInt8(ascii: ":") {
                if b[k] == UInt8(ascii: ":"), k + 1 < b.count, b[k + 1] == UInt8(ascii: "=") { k += 1 }
                k += 1
                while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
                return k
            }
            if flag, k > beforeBlanks, k < b.count, b[k] != UInt8(ascii: "-") { return k }
            return nil
        }

        /// Redacts the value at `v` and emits the key and separator before it; false when there is no value to
        /// redact (nothing, a `$VARIABLE`, a placeholder, a nested object, a YAML block indicator, a JSON literal).
        mutating func value(at v: Int, kind: KeyKind) -> Bool {
            guard v < b.count, !isPlaceholder(at: v) else { return false }
            let c = b[v]
            if Self.isTerminator(c), c != UInt8(ascii: "\""), c != UInt8(ascii: "'") { return false }
            if c == UInt8(ascii: "$") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[") || c == UInt8(ascii: "|") || c == UInt8(ascii: ">") { return false }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                // A quoted value: its content goes, the quotes stay. Unclosed: the rest of the line goes.
                var k = v + 1
                while k < b.count, b[k] != c, b[k] != 0x0A {
                    k += c == UInt8(ascii: "\"") && b[k] == UInt8(ascii: "\\") && k + 1 < b.count ? 2 : 1
                }
                if k < b.count, b[k] == c {
                    if k == v + 1 || b[v + 1] == UInt8(ascii: "$") || isPlaceholder(at: v + 1) { return false }
                    emit(i..<(v + 1))
                    redact(until: k)
                    return true
                }
                emit(i..<(v + 1))
                redact(until: min(k, b.count))
                return true
            }
            if c == UInt8(ascii: "\\"), v + 1 < b.count, b[v + 1] == UInt8(ascii: "\"") {
                // A quoted value inside a JSON string: `\"value\"`.
                var k = v + 2
                while k < b.count, !(b[k] == UInt8(ascii: "\\") && k + 1 < b.count && b[k + 1] == UInt8(ascii: "\"")), b[k] != UInt8(ascii: "\""), b[k] != 0x0A { k += 1 }
                if k == v + 2 || isPlaceholder(at: v + 2) { return false }
                emit(i..<(v + 2))
                redact(until: k)
                return true
            }
            let end = unquotedEnd(from: v, stopAtPunctuation: true)
            let text = b[v..<end]
            if ["null", "true", "false"].contains(where: { Array($0.utf8) == Array(text) }) { return false }
            if kind == .pwd, c == UInt8(ascii: "/") { return false }
            if kind == .authorization, end < b.count, b[end] == 0x20 || b[end] == 0x09,
                text.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A })
            {
                // `Authorization: Basic <credentials>`: the scheme stays.
                var k = end
                while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
                guard k < b.count, !Self.isTerminator(b[k]), !isPlaceholder(at: k) else { return false }
                emit(i..<k)
                redact(until: unquotedEnd(from: k, stopAtPunctuation: true))
                return true
            }
            emit(i..<v)
            redact(until: end)
            return true
        }

        /// The end of an unquoted value: a blank or line break, and with `stopAtPunctuation` the characters that
        /// end a value in pairs, query strings and JSON (`,` `;` `&` quotes `}` `]`).
        func unquotedEnd(from start: Int, stopAtPunctuation: Bool) -> Int {
            var k = start
            while k < b.count, !Self.isBlank(b[k]) {
                if stopAtPunctuation, Self.isTerminator(b[k]) { break }
                if !stopAtPunctuation, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") { break }
                k += 1
            }
            return k
        }

        // MARK: URLs and PEM blocks

        /// `scheme://user:password@host`, the user possibly empty (`redis://:password@host`).
        mutating func urlCredentials() -> Bool {
            var k = i + 3
            while k < b.count, !Self.isBlank(b[k]), b[k] != UInt8(ascii: "/"), b[k] != UInt8(ascii: ":"), b[k] != UInt8(ascii: "@") { k += 1 }
            guard k < b.count, b[k] == UInt8(ascii: ":") else { return false }
            let passwordStart = k + 1
            k = passwordStart
            while k < b.count, !Self.isBlank(b[k]), b[k] != UInt8(ascii: "/"), b[k] != UInt8(ascii: "@"),
                b[k] != UInt8(ascii: "\""), b[k] != UInt8(ascii: "'")
            { k += 1 }
            guard k < b.count, b[k] == UInt8(ascii: "@"), k > passwordStart, !isPlaceholder(at: passwordStart) else { return false }
            emit(i..<passwordStart)
            redact(until: k)
            return true
        }

        /// `-----BEGIN … PRIVATE KEY-----` through its `-----END …-----` line, or to the end of the text.
        mutating func privateKeyBlock() -> Bool {
            var k = i + 11
            let labelStart = k
            while k < b.count, b[k] == 0x20 || (b[k] >= 0x41 && b[k] <= 0x5A) { k += 1 }
            guard at(k, "-----"), contains(labelStart..<k, "PRIVATE KEY") else { return false }
            k += 5
            var end = b.count
            while k < b.count {
                if b[k] == UInt8(ascii: "-"), at(k, "-----END ") {
                    var e = k + 9
                    while e < b.count, b[e] == 0x20 || (b[e] >= 0x41 && b[e] <= 0x5A) { e += 1 }
                    if at(e, "-----") {
                        end = e + 5
                        break
                    }
                }
                k += 1
            }
            redactAll(i..<end)
            return true
        }

        // MARK: Output and bytes

        mutating func emit(_ range: Range<Int>) {
            out.append(contentsOf: b[range])
            i = range.upperBound
        }

        /// The placeholder in place of `i..<end`.
        mutating func redact(until end: Int) {
            out.append(contentsOf: Self.placeholder)
            changed = true
            i = end
        }

        mutating func redactAll(_ range: Range<Int>) {
            i = range.lowerBound
            redact(until: range.upperBound)
        }

        func at(_ k: Int, _ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard k >= 0, k + n <= b.count else { return false }
            let lit = literal.utf8Start
            var m = 0
            while m < n {
                if b[k + m] != lit[m] { return false }
                m += 1
            }
            return true
        }

        func contains(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            range.contains { at($0, literal) && $0 + literal.utf8CodeUnitCount <= range.upperBound }
        }

        func isPlaceholder(at k: Int) -> Bool { at(k, "<redacted>") || at(k, "REDACTED") }

        /// Letters, digits, `_`, `-`, `.`: what keys and flags are made of.
        static func isKeyByte(_ c: UInt8) -> Bool {
            isWordByte(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }

        static func isWordByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
        }

        /// JWT parts and `sha256~` tokens: base64url.
        static func isTokenByte(_ c: UInt8) -> Bool { isWordByte(c) || c == UInt8(ascii: "-") }

        /// RFC 6750's token68.
        static func isBearerByte(_ c: UInt8) -> Bool {
            isWordByte(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "~") || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
        }

        static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

        static func isTerminator(_ c: UInt8) -> Bool {
            isBlank(c) || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "&") || c == UInt8(ascii: "\"")
                || c == UInt8(ascii: "'") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]")
        }
    }
}
