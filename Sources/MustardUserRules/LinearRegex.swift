/// A regular expression matched in time linear in the text, for patterns applied to text from the dump.
///
/// Revived from the secret scrubber's history (commit f1d3d1e) for rule files: a user's pattern runs on text from the
/// dump, so it must not be able to hang an analysis. The rule loader also caps the pattern's length and compiled size
/// (`programSize`) and the text a pattern sees (`UserRuleLimits`), which bounds the memo below.
///
/// Why: Swift's `Regex` (like ICU's) backtracks without memory, so a pattern such as `\b(?:[A-Za-z0-9]+[_-])*token`
/// re-scans a long run from every start: a 60 KB log line of `a-a-a-…` took minutes. This engine backtracks in the
/// same priority order — the same leftmost-first matches and captures as Perl or Swift — but remembers each
/// (branch, position) that already failed and never tries it again, so every pattern costs at most
/// O(branches × text) per text, whatever the text.
///
/// The syntax is the common subset: literals and escapes (`\.`, `\$`, `\\`…), classes (`[a-z0-9_-]`, `[^"\\]`,
/// `\s \S \d \D \w \W`, `[\s\S]`), `.`, groups (capturing, `(?:…)`), alternation, the quantifiers `* + ? {m} {m,}
/// {m,n}` and their lazy forms, `^ $ \b \B`, a leading or inline `(?i)`, and negative or positive lookahead of
/// bounded length. Anything else (lookbehind, backreferences, possessive quantifiers) is refused at compile time.
/// `\b` is a boundary between an ASCII word character and anything else, not Unicode's word segmentation; `$` is
/// the end of the text only. Matching is per Unicode scalar, not per grapheme cluster.
public struct LinearRegex: Sendable {
    public struct CompileError: Error, CustomStringConvertible {
        public let pattern: String
        public let reason: String
        public var description: String { "cannot compile \(pattern): \(reason)" }
    }

    fileprivate let program: Program
    /// Capturing groups, not counting the whole match.
    public var groupCount: Int { program.groups }
    /// Instructions and branch points of the compiled pattern: what a search's memory grows with (× text length).
    public var programSize: (instructions: Int, splits: Int) {
        (program.op.count + program.subprograms.reduce(0) { $0 + $1.op.count }, program.splits + program.subprograms.reduce(0) { $0 + $1.splits })
    }

    /// Whether the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        var runner = Runner(program: program, text: Array(text.unicodeScalars))
        return runner.firstMatch(from: 0) != nil
    }

    public init(_ pattern: String) throws {
        var parser = Parser(pattern: Array(pattern.unicodeScalars), source: pattern)
        let node = try parser.parseAll()
        program = try Compiler.compile(node, groups: parser.groups, source: pattern)
    }

    /// A match: the ranges of the whole match (index 0) and of each group (nil when it did not take part), in
    /// offsets of `unicodeScalars`.
    public struct Match {
        public let ranges: [Range<Int>?]
    }

    /// The non-overlapping matches in `text`, left to right.
    public func matches(in scalars: [Unicode.Scalar]) -> [Match] {
        var runner = Runner(program: program, text: scalars)
        var found: [Match] = []
        var start = 0
        while start <= scalars.count {
            guard let m = runner.firstMatch(from: start) else { break }
            found.append(m)
            guard let whole = m.ranges[0] else { break }
            start = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
        }
        return found
    }

    /// `text` with every match replaced by `replacement(match, scalars)`.
    public func replacing(in text: String, _ replacement: (Match, [Unicode.Scalar]) -> String) -> String {
        let scalars = Array(text.unicodeScalars)
        let found = matches(in: scalars)
        if found.isEmpty { return text }
        var out = String.UnicodeScalarView()
        var at = 0
        for m in found {
            guard let whole = m.ranges[0] else { continue }
            out.append(contentsOf: scalars[at..<whole.lowerBound])
            out.append(contentsOf: replacement(m, scalars).unicodeScalars)
            at = whole.upperBound
        }
        out.append(contentsOf: scalars[at...])
        return String(out)
    }
}

// MARK: - Syntax

/// A set of scalars: ranges, with the `\s`/`\w`/`\d` families, possibly negated.
private struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var spaces = false, notSpaces = false, words = false, notWords = false, digits = false, notDigits = false
    var negated = false

    func contains(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        var hit = ranges.contains { $0.contains(v) }
        if !hit {
            hit = (spaces && isSpace(s)) || (notSpaces && !isSpace(s)) || (words && isWord(s)) || (notWords && !isWord(s))
                || (digits && isDigit(s)) || (notDigits && !isDigit(s))
        }
        return hit != negated
    }

    /// Adds the other case of ASCII letters, for `(?i)`.
    mutating func foldCase() {
        for r in ranges {
            let lower = max(r.lowerBound, 0x41), upper = min(r.upperBound, 0x5A)
            if lower <= upper { ranges.append((lower + 0x20)...(upper + 0x20)) }
            let lower2 = max(r.lowerBound, 0x61), upper2 = min(r.upperBound, 0x7A)
            if lower2 <= upper2 { ranges.append((lower2 - 0x20)...(upper2 - 0x20)) }
        }
    }
}

private func isSpace(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x80 ? (s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D)) : s.properties.isWhitespace
}

private func isDigit(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x80 ? (s.value >= 0x30 && s.value <= 0x39) : s.properties.numericType == .decimal
}

private func isWord(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F }
    return s.properties.isAlphabetic || s.properties.numericType != nil
}

private indirect enum Node {
    case empty
    case set(ScalarSet)
    case concat([Node])
    case alternation([Node])
    case repeatNode(Node, min: Int, max: Int?, greedy: Bool)
    case capture(Node, index: Int)
    case assertion(Assertion)
    case lookahead(Node, negated: Bool)

    /// The longest text it can match; nil when unbounded.
    var maxLength: Int? {
        switch self {
        case .empty, .assertion, .lookahead: return 0
        case .set: return 1
        case .concat(let parts):
            var total = 0
            for p in parts {
                guard let n = p.maxLength else { return nil }
                total += n
            }
            return total
        case .alternation(let parts):
            var longest = 0
            for p in parts {
                guard let n = p.maxLength else { return nil }
                longest = Swift.max(longest, n)
            }
            return longest
        case .repeatNode(let node, _, let max, _):
            guard let max, let n = node.maxLength else { return nil }
            return n * max
        case .capture(let node, _): return node.maxLength
        }
    }
}

private enum Assertion: Sendable {
    case start, end, wordBoundary, notWordBoundary
}

private struct Parser {
    let pattern: [Unicode.Scalar]
    let source: String
    var i = 0
    var groups = 0
    var caseInsensitive = false

    init(pattern: [Unicode.Scalar], source: String) {
        self.pattern = pattern
        self.source = source
    }

    func fail(_ reason: String) -> LinearRegex.CompileError { LinearRegex.CompileError(pattern: source, reason: reason) }

    var peek: Unicode.Scalar? { i < pattern.count ? pattern[i] : nil }

    mutating func parseAll() throws -> Node {
        let node = try alternation()
        if i < pattern.count { throw fail("unexpected ')' at \(i)") }
        return node
    }

    mutating func alternation() throws -> Node {
        var branches = [try concatenation()]
        while peek == "|" {
            i += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func concatenation() throws -> Node {
        var parts: [Node] = []
        while let c = peek, c != "|", c != ")" {
            if c == "(", i + 2 < pattern.count, pattern[i + 1] == "?", pattern[i + 2] == "i", i + 3 < pattern.count, pattern[i + 3] == ")" {
                // An inline (?i): case-insensitive from here to the end of the enclosing group.
                caseInsensitive = true
                i += 4
                continue
            }
            let atom = try self.atom()
            parts.append(try quantified(atom))
        }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    mutating func quantified(_ atom: Node) throws -> Node {
        guard let c = peek else { return atom }
        var min = 0, max: Int?
        switch c {
        case "*": i += 1
        case "+": min = 1; i += 1
        case "?": max = 1; i += 1
        case "{":
            guard let (lo, hi, end) = counted() else { return atom }
            min = lo
            max = hi
            i = end
        default: return atom
        }
        var greedy = true
        if peek == "?" {
            greedy = false
            i += 1
        } else if peek == "+" {
            throw fail("possessive quantifiers are not supported")
        }
        if let max, max < min { throw fail("{\(min),\(max)}: the maximum is below the minimum") }
        if min > 1000 || (max ?? 0) > 1000 { throw fail("counted repetition over 1000") }
        if case .assertion = atom { throw fail("quantified assertion") }
        return .repeatNode(atom, min: min, max: max, greedy: greedy)
    }

    /// `{m}`, `{m,}`, `{m,n}` at `i`: the counts and where it ends; nil when it is a literal brace.
    func counted() -> (Int, Int?, Int)? {
        var j = i + 1
        func number() -> Int? {
            var n: Int?
            while j < pattern.count, pattern[j].value >= 0x30, pattern[j].value <= 0x39 {
                n = (n ?? 0) * 10 + Int(pattern[j].value - 0x30)
                if (n ?? 0) > 100_000 { return nil }
                j += 1
            }
            return n
        }
        guard let lo = number() else { return nil }
        if j < pattern.count, pattern[j] == "}" { return (lo, lo, j + 1) }
        guard j < pattern.count, pattern[j] == "," else { return nil }
        j += 1
        let hi = number()
        guard j < pattern.count, pattern[j] == "}" else { return nil }
        return (lo, hi, j + 1)
    }

    mutating func atom() throws -> Node {
        guard let c = peek else { throw fail("unexpected end") }
        i += 1
        switch c {
        case "(":
            return try group()
        case "[":
            return .set(try bracket())
        case ".":
            var set = ScalarSet()
            set.ranges = [0x0A...0x0D, 0x85...0x85, 0x2028...0x2029]
            set.negated = true
            return .set(set)
        case "^": return .assertion(.start)
        case "$": return .assertion(.end)
        case "\\":
            return try escape()
        case "*", "+", "?":
            throw fail("nothing to repeat at \(i - 1)")
        default:
            return .set(literal(c.value))
        }
    }

    func literal(_ v: UInt32) -> ScalarSet {
        var set = ScalarSet()
        set.ranges = [v...v]
        if caseInsensitive { set.foldCase() }
        return set
    }

    mutating func group() throws -> Node {
        let saved = caseInsensitive
        defer { caseInsensitive = saved }
        if peek == "?" {
            i += 1
            guard let kind = peek else { throw fail("unterminated group") }
            i += 1
            switch kind {
            case ":":
                let inner = try alternation()
                try close()
                return inner
            case "!", "=":
                let inner = try alternation()
                try close()
                // Bounded lookahead keeps each test constant-time.
                guard inner.maxLength != nil else { throw fail("lookahead of unbounded length") }
                return .lookahead(inner, negated: kind == "!")
            case "i":
                if peek == ":" {
                    i += 1
                    caseInsensitive = true
                    let inner = try alternation()
                    try close()
                    return inner
                }
                throw fail("unsupported group flag")
            default:
                throw fail("unsupported group (?\(kind)")
            }
        }
        groups += 1
        let index = groups
        let inner = try alternation()
        try close()
        return .capture(inner, index: index)
    }

    mutating func close() throws {
        guard peek == ")" else { throw fail("missing ')'") }
        i += 1
    }

    mutating func escape() throws -> Node {
        guard let c = peek else { throw fail("trailing backslash") }
        i += 1
        switch c {
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        default:
            var set = ScalarSet()
            try classEscape(c, into: &set)
            return .set(set)
        }
    }

    /// An escape inside or outside brackets, added to `set`.
    func classEscape(_ c: Unicode.Scalar, into set: inout ScalarSet) throws {
        switch c {
        case "s": set.spaces = true
        case "S": set.notSpaces = true
        case "d": set.digits = true
        case "D": set.notDigits = true
        case "w": set.words = true
        case "W": set.notWords = true
        case "n": set.ranges.append(0x0A...0x0A)
        case "t": set.ranges.append(0x09...0x09)
        case "r": set.ranges.append(0x0D...0x0D)
        default:
            let v = c.value
            let isAlnum = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
            if isAlnum { throw fail("unsupported escape \\\(c)") }  // backreferences, \p, \x…
            set.ranges.append(contentsOf: self.literal(v).ranges)
        }
    }

    mutating func bracket() throws -> ScalarSet {
        var set = ScalarSet()
        if peek == "^" {
            set.negated = true
            i += 1
        }
        var first = true
        while true {
            guard let c = peek else { throw fail("missing ']'") }
            if c == "]" && !first { i += 1; break }
            first = false
            i += 1
            var low: UInt32
            if c == "\\" {
                guard let e = peek else { throw fail("trailing backslash") }
                i += 1
                if "sSdDwW".unicodeScalars.contains(e) {
                    try classEscape(e, into: &set)
                    continue
                }
                var one = ScalarSet()
                try classEscape(e, into: &one)
                guard one.ranges.count >= 1 else { continue }
                low = one.ranges[0].lowerBound
            } else if c == "[" {
                throw fail("nested classes are not supported")
            } else {
                low = c.value
            }
            // A range `a-z`, unless the `-` is last.
            if peek == "-", i + 1 < pattern.count, pattern[i + 1] != "]" {
                i += 1
                guard var high = peek?.value else { throw fail("missing ']'") }
                i += 1
                if high == 0x5C /* \ */ {
                    guard let e = peek else { throw fail("trailing backslash") }
                    i += 1
                    high = e.value
                }
                guard low <= high else { throw fail("reversed range") }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
        if caseInsensitive { set.foldCase() }
        return set
    }
}

// MARK: - Program

private enum Instruction: Sendable {
    case set(ScalarSet)
    /// Try `first`, then `second`: the order is the priority.
    case split(Int, Int)
    case jump(Int)
    case save(Int)
    case assertion(Assertion)
    case lookahead(program: Int, negated: Bool)
    case match
}

fileprivate struct Program: Sendable {
    var instructions: [Instruction] = []
    /// Lookahead bodies, each a program of its own.
    var subprograms: [Program] = []
    var groups = 0
    /// Which instructions are splits, numbered for the memo.
    var splitIndex: [Int] = []
    var splits = 0
    /// Scalars that can start a match (ASCII), or nil when anything can (then every position is tried).
    var firstASCII: [Bool]?
    var firstMayBeNonASCII = true
    /// The instructions flattened for the matcher: an operation code and two arguments each, and each set's
    /// ASCII members as two 64-bit masks (debug builds spent most of their time copying enum payloads).
    var op: [Int] = [], argA: [Int] = [], argB: [Int] = []
    var sets: [ScalarSet] = []
    var asciiMasks: [UInt64] = []
    /// For each instruction, the ASCII scalars a match can read first from it (two masks), and whether it can
    /// go on without reading one or read a non-ASCII scalar: a split skips a branch the next scalar cannot enter.
    var entryMasks: [UInt64] = []
    var entryOpen: [Bool] = []
}

/// Operation codes of `Program.op`.
private enum Op {
    static let set = 0, split = 1, jump = 2, save = 3, assertion = 4, lookahead = 5, match = 6
}

private enum Compiler {
    static func compile(_ node: Node, groups: Int, source: String) throws -> Program {
        var program = Program()
        program.groups = groups
        emit(.save(0), into: &program)
        try emit(node, into: &program, source: source)
        emit(.save(1), into: &program)
        emit(.match, into: &program)
        finish(&program)
        program.firstASCII = firstSet(node).map { set in
            (0..<128).map { v in set.contains { $0.contains(Unicode.Scalar(UInt8(v))) } }
        }
        if let sets = firstSet(node) {
            program.firstMayBeNonASCII = sets.contains { s in s.negated || s.notSpaces || s.notWords || s.notDigits || s.words || s.spaces || s.digits || s.ranges.contains { $0.upperBound >= 0x80 } }
        }
        return program
    }

    static func finish(_ program: inout Program) {
        program.splitIndex = program.instructions.map { _ in -1 }
        for (k, inst) in program.instructions.enumerated() {
            var op = Op.match, a = 0, b = 0
            switch inst {
            case .set(let set):
                op = Op.set
                a = program.sets.count
                program.sets.append(set)
                var low: UInt64 = 0, high: UInt64 = 0
                for v in 0..<128 where set.contains(Unicode.Scalar(UInt8(v))) {
                    if v < 64 { low |= 1 << UInt64(v) } else { high |= 1 << UInt64(v - 64) }
                }
                program.asciiMasks += [low, high]
            case .split(let first, let second):
                op = Op.split
                a = first
                b = second
                program.splitIndex[k] = program.splits
                program.splits += 1
            case .jump(let to):
                op = Op.jump
                a = to
            case .save(let slot):
                op = Op.save
                a = slot
            case .assertion(let assertion):
                op = Op.assertion
                switch assertion {
                case .start: a = 0
                case .end: a = 1
                case .wordBoundary: a = 2
                case .notWordBoundary: a = 3
                }
            case .lookahead(let sub, let negated):
                op = Op.lookahead
                a = sub
                b = negated ? 1 : 0
            case .match:
                op = Op.match
            }
            program.op.append(op)
            program.argA.append(a)
            program.argB.append(b)
        }
        for pc in program.op.indices {
            let (low, high, open) = entry(program, from: pc)
            program.entryMasks += [low, high]
            program.entryOpen.append(open)
        }
    }

    /// What `Program.entryMasks` holds for `pc`: following jumps, splits, saves and zero-width tests (they only
    /// narrow) to the sets that read the first scalar. Open when a match, a non-ASCII scalar or a cycle is reachable.
    static func entry(_ p: Program, from start: Int) -> (UInt64, UInt64, Bool) {
        var low: UInt64 = 0, high: UInt64 = 0, open = false
        var seen = Set<Int>()
        var pending = [start]
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch p.op[pc] {
            case Op.set:
                let set = p.argA[pc]
                low |= p.asciiMasks[2 * set]
                high |= p.asciiMasks[2 * set + 1]
                let s = p.sets[set]
                if s.negated || s.notSpaces || s.notWords || s.notDigits || s.words || s.spaces || s.digits
                    || s.ranges.contains(where: { $0.upperBound >= 0x80 }) { open = true }
            case Op.split:
                pending.append(p.argA[pc])
                pending.append(p.argB[pc])
            case Op.jump:
                pending.append(p.argA[pc])
            case Op.save, Op.assertion, Op.lookahead:
                pending.append(pc + 1)
            default:
                open = true
            }
        }
        return (low, high, open)
    }

    static func emit(_ inst: Instruction, into p: inout Program) { p.instructions.append(inst) }

    static func emit(_ node: Node, into p: inout Program, source: String) throws {
        switch node {
        case .empty: break
        case .set(let s): emit(.set(s), into: &p)
        case .concat(let parts): for part in parts { try emit(part, into: &p, source: source) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = p.instructions.count
                    emit(.split(split + 1, -1), into: &p)
                    try emit(branch, into: &p, source: source)
                    jumps.append(p.instructions.count)
                    emit(.jump(-1), into: &p)
                    p.instructions[split] = .split(split + 1, p.instructions.count)
                } else {
                    try emit(branch, into: &p, source: source)
                }
            }
            for j in jumps { p.instructions[j] = .jump(p.instructions.count) }
        case .capture(let inner, let index):
            emit(.save(2 * index), into: &p)
            try emit(inner, into: &p, source: source)
            emit(.save(2 * index + 1), into: &p)
        case .assertion(let a): emit(.assertion(a), into: &p)
        case .lookahead(let inner, let negated):
            var sub = Program()
            try emit(inner, into: &sub, source: source)
            emit(.match, into: &sub)
            finish(&sub)
            p.subprograms.append(sub)
            emit(.lookahead(program: p.subprograms.count - 1, negated: negated), into: &p)
        case .repeatNode(let inner, let min, let max, let greedy):
            if p.instructions.count > 100_000 { throw LinearRegex.CompileError(pattern: source, reason: "program too large") }
            for _ in 0..<min { try emit(inner, into: &p, source: source) }
            if let max {
                // Optional copies, nested: x{2,4} is xx(x(x)?)?
                var exits: [Int] = []
                for _ in min..<max {
                    let split = p.instructions.count
                    emit(.split(-1, -1), into: &p)
                    exits.append(split)
                    try emit(inner, into: &p, source: source)
                }
                let end = p.instructions.count
                for split in exits { p.instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1) }
            } else {
                let loop = p.instructions.count
                emit(.split(-1, -1), into: &p)
                try emit(inner, into: &p, source: source)
                emit(.jump(loop), into: &p)
                let end = p.instructions.count
                p.instructions[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
            }
        }
    }

    /// The sets one of which the first scalar of any match is in; nil when a match may be empty or start anywhere.
    static func firstSet(_ node: Node) -> [ScalarSet]? {
        switch node {
        case .empty, .lookahead: return nil
        case .assertion: return nil
        case .set(let s): return [s]
        case .capture(let inner, _): return firstSet(inner)
        case .alternation(let branches):
            var all: [ScalarSet] = []
            for b in branches {
                guard let f = firstSet(b) else { return nil }
                all += f
            }
            return all
        case .repeatNode(let inner, let min, _, _):
            return min > 0 ? firstSet(inner) : nil
        case .concat(let parts):
            // Leading assertions and lookaheads only narrow; zero-width, so look past them.
            var all: [ScalarSet] = []
            for part in parts {
                switch part {
                case .assertion, .lookahead: continue
                case .repeatNode(let inner, 0, _, _):
                    // Optional: its first scalars or the next part's.
                    guard let f = firstSet(inner) else { return nil }
                    all += f
                    continue
                default:
                    guard let f = firstSet(part) else { return nil }
                    return all + f
                }
            }
            return nil
        }
    }
}

// MARK: - Matching

/// Backtracking in priority order, with a memo of (split, position) pairs that failed: each is explored once per
/// text, so a search costs O(splits × text) at most, and a match found is the one Perl would find.
private struct Runner {
    let program: Program
    let scalars: [Unicode.Scalar]
    let text: [UInt32]
    /// Bit (split × (count + 1) + position): that split at that position already failed.
    var failed: [UInt64]
    var subRunners: [Runner]
    // Reused by every search: captures, the backtracking stack (tagged pairs), the marks a search made.
    var caps: [Int]
    var stack: [Int] = []
    var marked: [Int] = []

    init(program: Program, text scalars: [Unicode.Scalar]) {
        self.program = program
        self.scalars = scalars
        text = scalars.map(\.value)
        failed = Array(repeating: 0, count: (program.splits * (scalars.count + 1) + 63) / 64)
        subRunners = program.subprograms.map { Runner(program: $0, text: scalars) }
        caps = Array(repeating: -1, count: 2 * (program.groups + 1))
    }

    mutating func firstMatch(from start: Int) -> LinearRegex.Match? {
        var s = start
        let n = text.count
        while s <= n {
            if let first = program.firstASCII {
                if s == n { return nil }
                let v = text[s]
                if v < 128 ? !first[Int(v)] : !program.firstMayBeNonASCII {
                    s += 1
                    continue
                }
            }
            if run(at: s) {
                var ranges: [Range<Int>?] = []
                for g in 0...program.groups {
                    let a = caps[2 * g], b = caps[2 * g + 1]
                    ranges.append(a >= 0 && b >= a ? a..<b : nil)
                }
                return LinearRegex.Match(ranges: ranges)
            }
            s += 1
        }
        return nil
    }

    /// Whether the program matches at `pos`, anchored (for lookahead).
    mutating func matches(at pos: Int) -> Bool { run(at: pos) }

    /// Whether a match starts at `start`; its captures are then in `caps`.
    ///
    /// Marks are made when a split is entered; a search that fails explored everything it marked, but one that
    /// succeeds left some unfinished, so its marks are cleared: they are at most the work that search did.
    private mutating func run(at start: Int) -> Bool {
        marked.removeAll(keepingCapacity: true)
        guard search(at: start) else { return false }
        for bit in marked { failed[bit >> 6] &= ~(1 << UInt64(bit & 63)) }
        return true
    }

    private static let restoreTag = -1

    /// Whether the scalar at `pos` can start what `pc` reads (always at the end of the text or when open).
    /// Static, with what it reads passed in: a method of the struct made debug builds copy the whole runner.
    private static func mayEnter(_ pc: Int, at pos: Int, _ text: [UInt32], _ entryMasks: [UInt64], _ entryOpen: [Bool]) -> Bool {
        if entryOpen[pc] || pos >= text.count { return true }
        let v = text[pos]
        if v < 64 { return entryMasks[2 * pc] & (1 << UInt64(v)) != 0 }
        if v < 128 { return entryMasks[2 * pc + 1] & (1 << UInt64(v - 64)) != 0 }
        return false
    }

    private mutating func search(at start: Int) -> Bool {
        // Locals: a debug build checks and retains on every access to a stored property.
        let op = program.op, argA = program.argA, argB = program.argB, masks = program.asciiMasks
        let splitIndex = program.splitIndex, entryMasks = program.entryMasks, entryOpen = program.entryOpen
        let text = self.text, scalars = self.scalars, sets = program.sets
        var caps = self.caps, stack = self.stack, marked = self.marked, failed = self.failed
        self.stack = []
        self.marked = []
        self.failed = []
        defer {
            self.caps = caps
            self.stack = stack
            self.marked = marked
            self.failed = failed
        }
        for k in caps.indices { caps[k] = -1 }
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        stack.append(start)
        let n = text.count
        let width = n + 1
        while let second = stack.popLast(), let first = stack.popLast() {
            if first < 0 {
                // A capture to put back: (−1 − slot, value).
                caps[-1 - first] = second
                continue
            }
            var pc = first, pos = second
            thread: while true {
                switch op[pc] {
                case Op.match:
                    return true
                case Op.set:
                    guard pos < n else { break thread }
                    let v = text[pos]
                    let set = argA[pc]
                    if v < 64 {
                        guard masks[2 * set] & (1 << UInt64(v)) != 0 else { break thread }
                    } else if v < 128 {
                        guard masks[2 * set + 1] & (1 << UInt64(v - 64)) != 0 else { break thread }
                    } else {
                        guard sets[set].contains(scalars[pos]) else { break thread }
                    }
                    pos += 1
                    pc += 1
                case Op.jump:
                    pc = argA[pc]
                case Op.save:
                    let slot = argA[pc]
                    stack.append(-1 - slot)
                    stack.append(caps[slot])
                    caps[slot] = pos
                    pc += 1
                case Op.assertion:
                    guard Self.holds(argA[pc], at: pos, text) else { break thread }
                    pc += 1
                case Op.lookahead:
                    let negated = argB[pc] == 1
                    guard subRunners[argA[pc]].matches(at: pos) != negated else { break thread }
                    pc += 1
                default:  // split
                    let bit = splitIndex[pc] * width + pos
                    // Reached before and failed (or being explored at this position): nothing new here.
                    if failed[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { break thread }
                    failed[bit >> 6] |= 1 << UInt64(bit & 63)
                    marked.append(bit)
                    let a = argA[pc], b = argB[pc]
                    let enterA = Self.mayEnter(a, at: pos, text, entryMasks, entryOpen)
                    let enterB = Self.mayEnter(b, at: pos, text, entryMasks, entryOpen)
                    if enterA {
                        if enterB {
                            stack.append(b)
                            stack.append(pos)
                        }
                        pc = a
                    } else if enterB {
                        pc = b
                    } else {
                        break thread
                    }
                }
            }
        }
        return false
    }

    /// 0 start, 1 end, 2 word boundary, 3 not a word boundary.
    private static func holds(_ assertion: Int, at pos: Int, _ text: [UInt32]) -> Bool {
        switch assertion {
        case 0: return pos == 0
        case 1: return pos == text.count
        default:
            let before = pos > 0 && isASCIIWord(text[pos - 1])
            let after = pos < text.count && isASCIIWord(text[pos])
            return (before != after) == (assertion == 2)
        }
    }
}

/// Word characters for `\b`: ASCII only. Next to an ASCII letter this finds every boundary Unicode's word rules
/// find and more (`key:value`, `é|token`), so a pattern anchored with `\b` at an ASCII word matches at least where
/// Swift's `Regex` does: the scrubber may redact more, never less.
private func isASCIIWord(_ v: UInt32) -> Bool {
    (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
}
