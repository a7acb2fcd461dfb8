#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MustardModel

/// A parser for the regular YAML that `oc` writes, tried before libyaml because it is several times faster.
///
/// Why it exists: decoding dominated the load of large dumps, split between libyaml's tokenizer and building
/// `Value`s event by event. Reading the bytes straight into `Value`s, measured in a release build on the 124 MB
/// of YAML in the three must-gather-clean dumps, decodes 338 MB/s against 72 MB/s (4.7×); loading the 1 GB
/// benchmark dump takes about 5 s of CPU instead of 9 (`OCYAMLSpeedTests`, run with `MUSTARD_YAML_BENCH`).
///
/// The subset it accepts is what Go's yaml.v2 emits through sigs.k8s.io/yaml (`oc get -o yaml`, `oc adm inspect`,
/// must-gather): block mappings and block sequences (a sequence's `- ` at its parent key's column or indented,
/// `- - x`, `- key: v`); plain, single-quoted and double-quoted scalars, including yaml.v2's wrapped continuation
/// lines, folded exactly as libyaml folds them; literal and folded block scalars with any chomping and indentation
/// indicator; empty `{}` and `[]`; `key:` with nothing after it; `---` separators. Everything else — comments,
/// anchors, aliases, tags, complex keys, non-empty flow collections, directives, `...`, tabs in indentation, CR
/// line ends, BOMs, characters libyaml refuses or reads as line breaks, duplicate keys, keys libyaml would not
/// take as simple keys, nesting past `maxDepth` — makes it answer nil, and the caller falls back to libyaml, which
/// gives the full YAML meaning, the warnings and the errors. It never answers differently from libyaml: the tests
/// check that on every real dump, on hand-written edge cases and on randomly generated documents.
enum OCYAMLParser {
    /// The parser recurses once or twice per level; deeper documents, rare and often hostile, go to libyaml, which
    /// does not recurse, whatever `maxDepth` a caller allows.
    static let recursionLimit = 512

    /// The documents of `bytes` as `YAMLReader` would decode them, or nil when the input is outside the subset.
    /// `pruning`: parts of objects moved past unread (`YAMLPruning`).
    static func documents(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, maxNodes: Int = .max, pruning: YAMLPruning? = nil) -> [Value]? {
        guard let base = bytes.baseAddress else { return [] }
        guard CharacterCheck.isAccepted(bytes) else { return nil }
        var parser = Parser(base: base, count: bytes.count, maxDepth: min(maxDepth, recursionLimit))
        parser.nodesLeft = maxNodes
        parser.pruning = pruning
        do { return try parser.stream() } catch { return nil }
    }

    static func documents(_ bytes: [UInt8], maxDepth: Int, maxNodes: Int = .max, pruning: YAMLPruning? = nil) -> [Value]? {
        bytes.withUnsafeBufferPointer { documents($0, maxDepth: maxDepth, maxNodes: maxNodes, pruning: pruning) }
    }

    /// Where the parser gave up on `bytes` (1-based line and the line's text), or nil if it reads them: for
    /// tests and for deciding what to add to the subset.
    static func unrecognisedLine(_ bytes: [UInt8], maxDepth: Int = 256) -> (line: Int, text: String)? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            guard CharacterCheck.isAccepted(buffer) else { return (0, "characters outside the subset") }
            var parser = Parser(base: base, count: buffer.count, maxDepth: min(maxDepth, recursionLimit))
            do {
                _ = try parser.stream()
                return nil
            } catch {
                let at = min(parser.p, buffer.count)
                let line = buffer[..<at].reduce(1) { $1 == newline ? $0 + 1 : $0 }
                let start = buffer[..<at].lastIndex(of: newline).map { $0 + 1 } ?? 0
                let end = buffer[at...].firstIndex(of: newline) ?? buffer.count
                return (line, String(decoding: buffer[start..<end], as: UTF8.self))
            }
        }
    }
}

/// The input is outside the subset; nothing more is said because the caller only falls back.
private struct Unrecognised: Error {}

/// How much of the collection about to be read the pruning lets through (`YAMLPruning`).
private enum Scope {
    /// Everything.
    case whole
    /// A document's root: an object, and, if it is a List, its `items` are objects too.
    case document
    /// An item of a List: an object, whose rules are known once its `kind:` is read.
    case object
    /// A List's `items`: each an object.
    case objects
    /// A part of an object under these rules.
    case keys(YAMLPruning.Keys)

    /// The scope of each item of a sequence read in this one.
    var ofItems: Scope {
        switch self {
        case .objects: return .object
        case .keys(let rules): return rules.item.map(Scope.keys) ?? .whole
        default: return .whole
        }
    }
}

// The bytes the parser looks at.
private let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A
private let dash: UInt8 = 0x2D, colon: UInt8 = 0x3A, hash: UInt8 = 0x23, dot: UInt8 = 0x2E
private let singleQuote: UInt8 = 0x27, doubleQuote: UInt8 = 0x22, backslash: UInt8 = 0x5C
private let pipe: UInt8 = 0x7C, greater: UInt8 = 0x3E, plus: UInt8 = 0x2B
private let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D, openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D

/// The characters both parsers read the same way.
private enum CharacterCheck {
    /// Valid UTF-8 holding only characters libyaml accepts, minus those it treats specially: no control characters
    /// but tab and line feed (so no CR), no NEL, LS or PS (libyaml reads them as line breaks), no BOM (skipped at a
    /// line start), no U+FFFE/U+FFFF. NUL is refused too, so the parser can use 0 to mean "end of input".
    static func isAccepted(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        while i < n {
            if i + 8 <= n, isPrintableASCII(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let c = b[i]
            if c >= 0x20 && c < 0x7F || c == newline || c == tab {
                i += 1
                continue
            }
            guard c >= 0xC2, c < 0xF5 else { return false }  // other controls, DEL, stray or overlong lead bytes
            if c < 0xE0 {
                guard i + 1 < n, isContinuation(b[i + 1]), c != 0xC2 || b[i + 1] >= 0xA0 else { return false }  // C1, NEL
                i += 2
            } else if c < 0xF0 {
                guard i + 2 < n, isContinuation(b[i + 1]), isContinuation(b[i + 2]) else { return false }
                let c1 = b[i + 1], c2 = b[i + 2]
                if c == 0xE0 && c1 < 0xA0 { return false }  // overlong
                if c == 0xED && c1 >= 0xA0 { return false }  // surrogates
                if c == 0xE2 && c1 == 0x80 && (c2 == 0xA8 || c2 == 0xA9) { return false }  // LS, PS
                if c == 0xEF && c1 == 0xBB && c2 == 0xBF { return false }  // BOM
                if c == 0xEF && c1 == 0xBF && c2 >= 0xBE { return false }  // U+FFFE, U+FFFF
                i += 3
            } else {
                guard i + 3 < n, isContinuation(b[i + 1]), isContinuation(b[i + 2]), isContinuation(b[i + 3]) else { return false }
                if c == 0xF0 && b[i + 1] < 0x90 { return false }  // overlong
                if c == 0xF4 && b[i + 1] >= 0x90 { return false }  // past U+10FFFF
                i += 4
            }
        }
        return true
    }

    private static func isContinuation(_ c: UInt8) -> Bool { c & 0xC0 == 0x80 }

    /// Whether eight bytes are all 0x20...0x7E or line feeds, tested together (most of a dump is).
    private static func isPrintableASCII(_ w: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        guard w & high == 0 else { return false }
        // With every high bit clear, each byte can be tested in its own lane without carries or borrows.
        let del = (w &+ ones) & high  // 0x7F
        let control = ~((w | high) &- 0x20 &* ones) & high  // below 0x20
        let notNewline = w ^ (0x0A &* ones)
        let newline = ~((notNewline & ~high) &+ ~high | notNewline) & high  // exactly the 0x0A bytes
        return del | (control & ~newline) == 0
    }
}

/// Elements of the collections being read, kept on a stack while they are open and moved out into an exactly sized
/// array when they close: one allocation per array instead of one per doubling, and no reference counting.
private struct OpenElements<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity = 256
    private(set) var count = 0

    init() { base = .allocate(capacity: capacity) }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    mutating func push(_ element: Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The elements from `start` on, removed from the stack.
    mutating func take(from start: Int) -> [Element] {
        var array: [Element] = []
        array.reserveCapacity(count - start)
        for i in start..<count { array.append((base + i).move()) }
        count = start
        return array
    }

    func contains(_ element: Element, from start: Int) -> Bool where Element: Equatable {
        UnsafeBufferPointer(start: base + start, count: count - start).contains(element)
    }

    func set(from start: Int) -> Set<Element> where Element: Hashable {
        Set(UnsafeBufferPointer(start: base + start, count: count - start))
    }
}

/// One pass over the bytes by index. Every function that reads a value leaves `p` at the start of a line (or at
/// the end), so the block structure is always decided from a line's indentation, as libyaml's scanner does.
///
/// Columns are byte offsets from `lineStart`: they are only taken where a line begins with spaces and `- `, so
/// they equal libyaml's character columns.
private struct Parser: ~Copyable {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    /// The read position.
    var p = 0
    /// Where the line holding `p` starts.
    var lineStart = 0
    /// Collections open around `p`, counted as `YAMLReader` counts them for `maxDepth`.
    var depth = 0
    /// Values still allowed; past them libyaml reads the file and refuses it, as `YAMLReader.maxNodes` says.
    var nodesLeft = Int.max
    /// Reused for scalars whose text is not a slice of the input (folded, escaped, block).
    var scratch: [UInt8] = []
    /// The keys, and the values or items, of the collections open around `p`.
    var keys = OpenElements<String>()
    var values = OpenElements<Value>()
    /// What to move past unread; nil: read everything.
    var pruning: YAMLPruning?
    /// Values moved past so far.
    var skippedValues = 0

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.count = count
        self.maxDepth = maxDepth
    }

    // MARK: Bytes and lines

    /// The byte at `i`, or 0 past the end (the character check refused NUL, so 0 means the end).
    @inline(__always) func byte(_ i: Int) -> UInt8 { i < count ? base[i] : 0 }

    /// libyaml's "blank or break or end": what must follow a `:` or `-` indicator.
    @inline(__always) func isBlankOrEnd(_ i: Int) -> Bool {
        let c = byte(i)
        return c == space || c == newline || c == 0 || c == tab
    }

    /// Strings already made from this document's bytes, by a hash of the bytes: a list repeats its namespace,
    /// node names, images and owner names in every item, and each repeat can share one string's storage.
    var interned: [Int: String] = [:]

    /// The text of `start..<end`. Texts too long for Swift's inline small strings are shared with an earlier
    /// identical one: a large dump's kept objects hold about a third less memory.
    mutating func text(_ start: Int, _ end: Int) -> String {
        let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
        guard bytes.count > 15, bytes.count <= 128 else { return String(decoding: bytes, as: UTF8.self) }
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let key = hasher.finalize()
        if let known = interned[key], Self.holds(known, bytes) { return known }
        let made = String(decoding: bytes, as: UTF8.self)
        interned[key] = made
        return made
    }

    /// Whether `string`'s UTF-8 is exactly `bytes`: one memcmp over a native string's storage (the generic
    /// `elementsEqual` walked the view byte by byte and showed in profiles).
    static func holds(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { stored in
            guard stored.count == bytes.count else { return false }
            guard let a = stored.baseAddress, let b = bytes.baseAddress else { return stored.isEmpty }
            return memcmp(a, b, bytes.count) == 0
        } ?? string.utf8.elementsEqual(bytes)
    }

    /// Moves to the first character of the next line holding content and returns its column: -1 for a `---`
    /// document marker (it closes every collection, as in libyaml), nil at the end of input.
    mutating func nextContentLine() throws(Unrecognised) -> Int? {
        while true {
            lineStart = p
            while byte(p) == space { p += 1 }
            switch byte(p) {
            case newline: p += 1
            case 0: return nil
            case tab, hash: throw Unrecognised()  // tab indentation, comment
            default:
                guard p == lineStart, isBlankOrEnd(p + 3) else { return p - lineStart }
                if byte(p) == dash && byte(p + 1) == dash && byte(p + 2) == dash { return -1 }
                if byte(p) == dot && byte(p + 1) == dot && byte(p + 2) == dot { throw Unrecognised() }  // document end
                return 0
            }
        }
    }

    /// Moves back to the start of the line `nextContentLine` looked at, for the caller that owns it.
    mutating func rewindLine() { p = lineStart }

    /// Skips trailing spaces and the line break; anything else on the line is outside the subset.
    mutating func finishLine() throws(Unrecognised) {
        while byte(p) == space { p += 1 }
        switch byte(p) {
        case newline:
            p += 1
            lineStart = p
        case 0: return
        default: throw Unrecognised()
        }
    }

    /// A block sequence entry: `-` followed by a space or the line's end.
    func isEntry(_ i: Int) -> Bool {
        byte(i) == dash && (byte(i + 1) == space || byte(i + 1) == newline || byte(i + 1) == 0)
    }

    mutating func enter() throws(Unrecognised) {
        depth += 1
        if depth > maxDepth { throw Unrecognised() }
    }

    // MARK: Structure

    /// Documents separated by `---`; each is empty (null) or one block collection starting at column 0.
    mutating func stream() throws(Unrecognised) -> [Value] {
        var documents: [Value] = []
        var explicitStartPending = false
        var expectingSeparator = false
        while let column = try nextContentLine() {
            if column == -1 {
                if explicitStartPending { documents.append(.null) }
                explicitStartPending = true
                expectingSeparator = false
                p += 3
                try finishLine()
                continue
            }
            guard column == 0, !expectingSeparator else { throw Unrecognised() }
            documents.append(try blockCollection(column: 0, scope: pruning == nil ? .whole : .document))
            explicitStartPending = false
            expectingSeparator = true
        }
        if explicitStartPending { documents.append(.null) }
        return documents
    }

    /// A block mapping or sequence whose first line's content is at `p`.
    mutating func blockCollection(column: Int, scope: Scope = .whole) throws(Unrecognised) -> Value {
        isEntry(p) ? try sequence(column: column, scope: scope) : try mapping(column: column, scope: scope)
    }

    /// Keys at `column`, the first at `p` (possibly after a `- ` on the same line).
    mutating func mapping(column: Int, scope: Scope = .whole) throws(Unrecognised) -> Value {
        try enter()
        let first = keys.count, firstValue = values.count
        var seen: Set<String> = []  // filled once the mapping is large
        var skipped: [String] = []  // keys pruned, for the duplicate check
        var rules: YAMLPruning.Keys?
        if case .keys(let given) = scope { rules = given }
        let isObject: Bool, isDocument: Bool
        switch scope {
        case .document: (isObject, isDocument) = (true, true)
        case .object: (isObject, isDocument) = (true, false)
        default: (isObject, isDocument) = (false, false)
        }
        // Rules the same for every kind (a count's) apply from an object's first key: keys before `kind` (a ConfigMap's
        // `data`, most of its bytes) need not wait for it to be known. A document's `items` is still read as objects.
        if rules == nil, isObject, let sameForAll = pruning?.kindIndependent { rules = sameForAll }
        var kind: Value?
        var itemsPruned = false
        while true {
            let key = try key()
            // Duplicates fall back, so that YAMLReader reports them. Small mappings are searched, large ones hashed.
            let count = keys.count - first
            if count > 32 {
                if !seen.insert(key).inserted { throw Unrecognised() }
            } else if keys.contains(key, from: first) {
                throw Unrecognised()
            } else if count == 32 {
                seen = keys.set(from: first)
                seen.insert(key)
            }
            if !skipped.isEmpty, skipped.contains(key) { throw Unrecognised() }
            var inner = Scope.whole
            if isDocument && key == "items" {
                inner = .objects
            } else if let rules {
                let decided = rules.rules(for: key)
                if decided.skip {
                    skipped.append(key)
                    try skipValue(column: column)
                    guard let next = try nextContentLine(), next >= column else { break }
                    if next > column || isEntry(p) { throw Unrecognised() }
                    continue
                }
                inner = decided.inside.map(Scope.keys) ?? .whole
            }
            keys.push(key)
            nodesLeft -= 2  // the key and its value, as libyaml's reader counts them
            if nodesLeft < 0 { throw Unrecognised() }
            let pruneBefore = skippedValues
            let value = try valueAfterColon(column: column, scope: inner)
            values.push(value)
            if isObject && key == "kind" {
                kind = value
                if let pruning, case .scalar(let name) = value { rules = pruning.rules(forKind: name) }
            }
            if case .objects = inner, skippedValues > pruneBefore { itemsPruned = true }
            guard let next = try nextContentLine(), next >= column else { break }
            if next > column || isEntry(p) { throw Unrecognised() }
        }
        // Items are objects only in a List (`ObjectDocuments`): pruned inside another kind's `items`, the document is
        // read again whole.
        if itemsPruned {
            let isList = kind.map { $0.isNull || $0.string?.hasSuffix("List") == true } ?? true
            if !isList { throw Unrecognised() }
        }
        rewindLine()
        depth -= 1
        return .mapping(Fields(distinctKeys: keys.take(from: first), values: values.take(from: firstValue)))
    }

    /// Moves past the value of a key at `column` unread (`YAMLPruning`): the rest of the key's line, then every line
    /// blank or indented deeper and, when the value starts on the next line with a `- ` at the key's column (a
    /// sequence as `oc` writes it), the entries of that sequence; `p` is left at the start of the parent's next line.
    /// A tab in an indentation falls back, as it would if the value were read. What such a value holds cannot change
    /// the result: the caller drops it.
    mutating func skipValue(column: Int) throws(Unrecognised) {
        skippedValues += 1
        while byte(p) == space { p += 1 }
        let inline = byte(p) != newline && byte(p) != 0
        var firstLine = true
        var sequenceAtColumn = false
        p = endOfLine(from: p)
        while p < count {
            lineStart = p
            var q = p
            while byte(q) == space { q += 1 }
            let c = byte(q)
            if c == newline {
                p = q + 1
                continue
            }
            if c == tab { throw Unrecognised() }
            if c == 0 {
                p = q
                break
            }
            let indent = q - lineStart
            if firstLine && !inline && indent == column && isEntry(q) { sequenceAtColumn = true }
            firstLine = false
            guard indent > column || (sequenceAtColumn && indent == column && isEntry(q)) else {
                p = lineStart
                return
            }
            p = endOfLine(from: q)
        }
        lineStart = p
    }

    /// Just past the line feed that ends the line holding `i`, or the end of input.
    func endOfLine(from i: Int) -> Int {
        guard i < count, let found = memchr(base + i, Int32(newline), count - i) else { return count }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + 1
    }

    /// Entries whose `-` is at `column`, the first at `p`.
    mutating func sequence(column: Int, scope: Scope = .whole) throws(Unrecognised) -> Value {
        try enter()
        let first = values.count
        let itemScope = scope.ofItems
        while true {
            p += 1
            nodesLeft -= 1
            if nodesLeft < 0 { throw Unrecognised() }
            values.push(try entry(column: column, scope: itemScope))
            guard let next = try nextContentLine(), next >= column else { break }
            if next > column { throw Unrecognised() }
            // Anything else at this column belongs to the parent mapping (a `- ` at its key's column), which checks it.
            if !isEntry(p) { break }
        }
        rewindLine()
        depth -= 1
        return .sequence(values.take(from: first))
    }

    /// A mapping key and its `:`: a plain or quoted scalar on one line that libyaml takes as a simple key.
    mutating func key() throws(Unrecognised) -> String {
        let start = p
        let key: String
        if byte(p) == singleQuote || byte(p) == doubleQuote {
            let (text, oneLine) = try quoted(minColumn: 0)
            guard oneLine else { throw Unrecognised() }
            while byte(p) == space { p += 1 }
            key = text
        } else {
            guard isPlainStart(p) else { throw Unrecognised() }
            let (end, atColon) = try plainLine(start: start)
            guard atColon else { throw Unrecognised() }
            key = isNullWord(start, end) ? "" : text(start, end)  // YAMLReader's key for a null
        }
        // libyaml forgets a possible simple key after 1024 characters; stay well inside that.
        guard byte(p) == colon, isBlankOrEnd(p + 1), p - start <= 1000 else { throw Unrecognised() }
        p += 1
        return key
    }

    /// What follows `key:` in a mapping at `column`: a value on the same line, or on the next lines a nested
    /// collection, a sequence whose `-` is at the key's column, or nothing (null).
    mutating func valueAfterColon(column: Int, scope: Scope = .whole) throws(Unrecognised) -> Value {
        while byte(p) == space { p += 1 }
        guard byte(p) == newline || byte(p) == 0 else { return try inlineValue(parentColumn: column) }
        try finishLine()
        guard let next = try nextContentLine() else { return .null }
        if next > column { return try blockCollection(column: next, scope: scope) }
        if next == column && isEntry(p) { return try sequence(column: column, scope: scope) }
        rewindLine()
        return .null
    }

    /// What follows a `-` of a sequence at `column`.
    mutating func entry(column: Int, scope: Scope = .whole) throws(Unrecognised) -> Value {
        while byte(p) == space { p += 1 }
        if byte(p) == newline || byte(p) == 0 {
            try finishLine()
            guard let next = try nextContentLine() else { return .null }
            if next > column { return try blockCollection(column: next, scope: scope) }
            rewindLine()
            return .null
        }
        let here = p - lineStart
        if isEntry(p) { return try sequence(column: here) }
        // A scalar, or the first key of a mapping at this column (`- name: x`): scan it to find out.
        let start = p
        switch byte(p) {
        case singleQuote, doubleQuote:
            let (text, oneLine) = try quoted(minColumn: column + 1)
            var q = p
            while byte(q) == space { q += 1 }
            if oneLine && byte(q) == colon && isBlankOrEnd(q + 1) {
                p = start
                return try mapping(column: here, scope: scope)
            }
            try finishLine()
            return .scalar(text)
        case pipe, greater, openBrace, openBracket:
            return try inlineValue(parentColumn: column)
        default:
            guard isPlainStart(p) else { throw Unrecognised() }
            let (end, atColon) = try plainLine(start: start)
            if atColon {
                p = start
                return try mapping(column: here, scope: scope)
            }
            return try plainScalar(start: start, firstLineEnd: end, minColumn: column + 1)
        }
    }

    /// A value on the same line as its key or `-`, inside a collection at `parentColumn`.
    mutating func inlineValue(parentColumn: Int) throws(Unrecognised) -> Value {
        switch byte(p) {
        case singleQuote, doubleQuote:
            let (text, _) = try quoted(minColumn: parentColumn + 1)
            try finishLine()
            return .scalar(text)
        case pipe, greater:
            return try blockScalar(parentColumn: parentColumn)
        case openBrace, openBracket:
            let isMapping = byte(p) == openBrace
            guard byte(p + 1) == (isMapping ? closeBrace : closeBracket) else { throw Unrecognised() }
            try enter()
            depth -= 1
            p += 2
            try finishLine()
            return isMapping ? .mapping(Fields()) : .sequence([])
        default:
            let start = p
            guard isPlainStart(p) else { throw Unrecognised() }
            let (end, atColon) = try plainLine(start: start)
            if atColon { throw Unrecognised() }  // `a: b: c`
            return try plainScalar(start: start, firstLineEnd: end, minColumn: parentColumn + 1)
        }
    }

    // MARK: Plain scalars

    /// Whether libyaml would start a plain scalar at `i` in block context.
    func isPlainStart(_ i: Int) -> Bool {
        switch byte(i) {
        case dash, 0x3F /* ? */, colon:
            return !isBlankOrEnd(i + 1)
        case 0x2C /* , */, openBracket, closeBracket, openBrace, closeBrace, hash, 0x26 /* & */, 0x2A /* * */,
            0x21 /* ! */, pipe, greater, singleQuote, doubleQuote, 0x25 /* % */, 0x40 /* @ */, 0x60 /* ` */,
            space, tab, newline, 0:
            return false
        default:
            return true
        }
    }

    /// Reads one line of a plain scalar from `start` (its first non-blank character). Returns where its text ends
    /// (trailing blanks left out) and whether it stopped at a `: `, leaving `p` at the `:` or the line's end.
    /// A comment (` #`) is outside the subset.
    mutating func plainLine(start: Int) throws(Unrecognised) -> (end: Int, atColon: Bool) {
        p = start
        var end = start
        while true {
            let run = p
            while p < count && !Self.mattersInPlain(base[p]) { p += 1 }
            if p > run { end = p }
            switch byte(p) {
            case newline, 0:
                return (end, false)
            case colon where isBlankOrEnd(p + 1):
                return (end, true)
            case hash where p == start || byte(p - 1) == space || byte(p - 1) == tab:
                throw Unrecognised()
            case space, tab:
                p += 1
            default:  // `:` or `#` inside the text
                p += 1
                end = p
            }
        }
    }

    /// Line feed, tab, space, `#` and `:`: the bytes at which `plainLine` has something to decide.
    @inline(__always) static func mattersInPlain(_ c: UInt8) -> Bool {
        let mask: UInt64 = 1 << 0x0A | 1 << 0x09 | 1 << 0x20 | 1 << 0x23 | 1 << 0x3A
        return c < 64 && mask >> UInt64(c) & 1 == 1
    }

    /// A plain scalar whose first line is `start..<firstLineEnd`, with `p` at that line's end: continuation lines
    /// indented at least `minColumn` are folded as libyaml folds them (one break becomes a space, each further
    /// break a newline, leading and trailing blanks dropped).
    mutating func plainScalar(start: Int, firstLineEnd: Int, minColumn: Int) throws(Unrecognised) -> Value {
        var folded = false
        while byte(p) == newline {
            var breaks = 0
            var q = p
            var nextLineStart = lineStart
            while byte(q) == newline {
                breaks += 1
                q += 1
                nextLineStart = q
                while byte(q) == space { q += 1 }
                if byte(q) == tab { throw Unrecognised() }
            }
            if byte(q) == 0 || q - nextLineStart < minColumn {
                p = nextLineStart
                lineStart = nextLineStart
                break
            }
            if !folded {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: firstLineEnd - start))
                folded = true
            }
            if breaks == 1 { scratch.append(space) } else { scratch.append(contentsOf: repeatElement(newline, count: breaks - 1)) }
            lineStart = nextLineStart
            let (end, atColon) = try plainLine(start: q)
            if atColon { throw Unrecognised() }  // a multi-line key, or `: ` inside a continuation line
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + q, count: end - q))
        }
        if !folded {
            return isNullWord(start, firstLineEnd) ? .null : .scalar(text(start, firstLineEnd))
        }
        return .scalar(String(decoding: scratch, as: UTF8.self))
    }

    /// `~`, `null`, `Null`, `NULL`: the plain spellings `YAMLReader` reads as null.
    func isNullWord(_ start: Int, _ end: Int) -> Bool {
        switch end - start {
        case 1: return byte(start) == 0x7E
        case 4:
            let word = (byte(start), byte(start + 1), byte(start + 2), byte(start + 3))
            return word == (0x6E, 0x75, 0x6C, 0x6C) || word == (0x4E, 0x75, 0x6C, 0x6C) || word == (0x4E, 0x55, 0x4C, 0x4C)
        default: return false
        }
    }

    // MARK: Quoted scalars

    /// A single- or double-quoted scalar from its opening quote; `p` ends after the closing quote. Returns its
    /// text and whether it closed on the line where it opened. Continuation lines must be indented at least
    /// `minColumn`, as yaml.v2 writes them (libyaml does not check, so this only narrows the subset).
    mutating func quoted(minColumn: Int) throws(Unrecognised) -> (String, oneLine: Bool) {
        let quote = byte(p)
        let start = p + 1
        // Most are one line without escapes: their text is the bytes between the quotes.
        var q = start
        while true {
            let c = byte(q)
            if c == quote && !(quote == singleQuote && byte(q + 1) == singleQuote) {
                p = q + 1
                return (text(start, q), true)
            }
            if c == quote || c == newline || c == 0 || (c == backslash && quote == doubleQuote) { break }
            q += 1
        }
        return try foldedQuoted(start: start, double: quote == doubleQuote, minColumn: minColumn)
    }

    /// The general case of `quoted`, following libyaml's `yaml_parser_scan_flow_scalar`: runs of non-blank
    /// characters (with `''` and backslash escapes), and between them blanks kept within a line, or line breaks
    /// folded (one break a space, each further break a newline, an escaped break nothing).
    mutating func foldedQuoted(start: Int, double: Bool, minColumn: Int) throws(Unrecognised) -> (String, oneLine: Bool) {
        let quote = double ? doubleQuote : singleQuote
        scratch.removeAll(keepingCapacity: true)
        var oneLine = true
        p = start
        while true {
            // libyaml refuses a document marker at the start of a line inside a quoted scalar.
            if p == lineStart && p + 2 < count
                && (byte(p) == dash && byte(p + 1) == dash && byte(p + 2) == dash
                    || byte(p) == dot && byte(p + 1) == dot && byte(p + 2) == dot)
            {
                throw Unrecognised()
            }
            if byte(p) == 0 { throw Unrecognised() }  // unterminated
            var leadingBlanks = false
            nonBlank: while true {
                let c = byte(p)
                switch c {
                case space, tab, newline, 0:
                    break nonBlank
                case singleQuote where !double && byte(p + 1) == singleQuote:
                    scratch.append(singleQuote)
                    p += 2
                case quote:
                    break nonBlank
                case backslash where double:
                    if byte(p + 1) == newline {  // escaped line break: joined without a space
                        p += 2
                        lineStart = p
                        oneLine = false
                        leadingBlanks = true
                        break nonBlank
                    }
                    try escape()
                default:
                    scratch.append(c)
                    p += 1
                }
            }
            if byte(p) == quote { break }
            let blanksStart = p
            var blanksEnd = p
            var leadingBreak = false
            var trailingBreaks = 0
            while true {
                let c = byte(p)
                if c == space || c == tab {
                    if leadingBlanks && c == tab { throw Unrecognised() }  // a tab indenting a continuation line
                    p += 1
                    if !leadingBlanks { blanksEnd = p }
                } else if c == newline {
                    if leadingBlanks { trailingBreaks += 1 } else { leadingBreak = true }
                    leadingBlanks = true
                    oneLine = false
                    p += 1
                    lineStart = p
                } else {
                    break
                }
            }
            if leadingBlanks && p - lineStart < minColumn { throw Unrecognised() }
            if leadingBlanks {
                if leadingBreak && trailingBreaks == 0 {
                    scratch.append(space)
                } else {
                    scratch.append(contentsOf: repeatElement(newline, count: trailingBreaks))
                }
            } else {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + blanksStart, count: blanksEnd - blanksStart))
            }
        }
        p += 1
        return (String(decoding: scratch, as: UTF8.self), oneLine)
    }

    /// One backslash escape of a double-quoted scalar at `p`, appended to `scratch` as libyaml decodes it.
    mutating func escape() throws(Unrecognised) {
        var hexDigits = 0
        switch byte(p + 1) {
        case 0x30 /* 0 */: scratch.append(0x00)
        case 0x61 /* a */: scratch.append(0x07)
        case 0x62 /* b */: scratch.append(0x08)
        case 0x74 /* t */, tab: scratch.append(0x09)
        case 0x6E /* n */: scratch.append(0x0A)
        case 0x76 /* v */: scratch.append(0x0B)
        case 0x66 /* f */: scratch.append(0x0C)
        case 0x72 /* r */: scratch.append(0x0D)
        case 0x65 /* e */: scratch.append(0x1B)
        case space, doubleQuote, backslash: scratch.append(byte(p + 1))
        case 0x4E /* N */: scratch.append(contentsOf: [0xC2, 0x85])
        case 0x5F /* _ */: scratch.append(contentsOf: [0xC2, 0xA0])
        case 0x4C /* L */: scratch.append(contentsOf: [0xE2, 0x80, 0xA8])
        case 0x50 /* P */: scratch.append(contentsOf: [0xE2, 0x80, 0xA9])
        case 0x78 /* x */: hexDigits = 2
        case 0x75 /* u */: hexDigits = 4
        case 0x55 /* U */: hexDigits = 8
        default: throw Unrecognised()  // also `\/` and `\'`, which only some libyaml versions accept
        }
        p += 2
        guard hexDigits > 0 else { return }
        var value: UInt32 = 0
        for k in 0..<hexDigits {
            guard let digit = Self.hexValue(byte(p + k)) else { throw Unrecognised() }
            value = value &<< 4 | digit
        }
        // libyaml refuses surrogates and values past U+10FFFF, exactly what Unicode.Scalar refuses.
        guard let scalar = Unicode.Scalar(value) else { throw Unrecognised() }
        scratch.append(contentsOf: scalar.utf8)
        p += hexDigits
    }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    // MARK: Block scalars

    /// A literal (`|`) or folded (`>`) block scalar from its indicator, inside a collection at `parentColumn`,
    /// following libyaml's `yaml_parser_scan_block_scalar`; `p` ends at the start of the line after it.
    mutating func blockScalar(parentColumn: Int) throws(Unrecognised) -> Value {
        let literal = byte(p) == pipe
        p += 1
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var increment = 0
        if byte(p) == plus || byte(p) == dash {
            chomping = byte(p) == plus ? 1 : -1
            p += 1
            if let digit = indentationIndicator() { increment = digit }
        } else if let digit = indentationIndicator() {
            increment = digit
            if byte(p) == plus || byte(p) == dash {
                chomping = byte(p) == plus ? 1 : -1
                p += 1
            }
        }
        if byte(p) == 0x30 { throw Unrecognised() }  // an indentation indicator of 0 is an error
        try finishLine()
        var indent = increment > 0 ? parentColumn + increment : 0
        scratch.removeAll(keepingCapacity: true)
        var trailingBreaks = try blockScalarBreaks(indent: &indent, parentColumn: parentColumn)
        var leadingBreak = false
        var leadingBlank = false
        while p - lineStart == indent && byte(p) != 0 {
            let trailingBlank = byte(p) == space || byte(p) == tab
            if !literal && leadingBreak && !leadingBlank && !trailingBlank {
                if trailingBreaks == 0 { scratch.append(space) }
            } else if leadingBreak {
                scratch.append(newline)
            }
            leadingBreak = false
            scratch.append(contentsOf: repeatElement(newline, count: trailingBreaks))
            trailingBreaks = 0
            leadingBlank = byte(p) == space || byte(p) == tab
            let contentStart = p
            while byte(p) != newline && byte(p) != 0 { p += 1 }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + contentStart, count: p - contentStart))
            if byte(p) == newline {
                leadingBreak = true
                p += 1
                lineStart = p
            }
            trailingBreaks = try blockScalarBreaks(indent: &indent, parentColumn: parentColumn)
        }
        if chomping != -1 && leadingBreak { scratch.append(newline) }
        if chomping == 1 { scratch.append(contentsOf: repeatElement(newline, count: trailingBreaks)) }
        if byte(p) != 0 { rewindLine() }  // the line that ended the scalar starts with spaces only
        return .scalar(String(decoding: scratch, as: UTF8.self))
    }

    /// A digit 1-9 after `|` or `>`, consumed.
    mutating func indentationIndicator() -> Int? {
        let c = byte(p)
        guard c >= 0x31 && c <= 0x39 else { return nil }
        p += 1
        return Int(c - 0x30)
    }

    /// libyaml's `yaml_parser_scan_block_scalar_breaks`: skips indentation and empty lines, counting the breaks,
    /// and settles the indentation from the first lines if no indicator gave it.
    mutating func blockScalarBreaks(indent: inout Int, parentColumn: Int) throws(Unrecognised) -> Int {
        var breaks = 0
        var maxIndent = 0
        while true {
            while (indent == 0 || p - lineStart < indent) && byte(p) == space { p += 1 }
            maxIndent = max(maxIndent, p - lineStart)
            if (indent == 0 || p - lineStart < indent) && byte(p) == tab { throw Unrecognised() }
            guard byte(p) == newline else { break }
            breaks += 1
            p += 1
            lineStart = p
        }
        if indent == 0 { indent = max(maxIndent, parentColumn + 1, 1) }
        return breaks
    }
}
