import MustardModel
import MustardRules

/// A rule or suppression file that cannot be used: the file, the line and the field, and what is wrong.
public struct RuleFileError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Error, Sendable {
        public let line: Int?
        public let field: String?
        public let message: String

        public init(line: Int?, field: String?, message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }

    public let file: String
    public let problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// `rules.d/a.yaml:12: match.where[0].regex: …`, as compilers write it.
    public var description: String {
        let location = problem.line.map { "\(file):\($0)" } ?? file
        return location + ": " + (problem.field.map { "\($0): " } ?? "") + problem.message
    }
}

/// What a rule file says, checked: `docs/rule-files.md` documents each field, `docs/rule-file.schema.json` mirrors
/// this decoder for editors and CI (a test validates every rule file in the repository, and a broken one, against it).
public struct RuleFile: Sendable {
    public let id: String
    public let name: String
    public let severity: Severity
    public let category: String
    public let summary: String
    public let rationale: String
    public let references: [String]
    /// Example dumps, as written (relative to the rule file) and resolved (from the working directory).
    public let fires: [String]
    public let quiet: [String]
    public let match: Match
    public let finding: FindingTemplate
    /// The rule file's path, for messages; `<shipped>/NAME.yaml` for the ones built in.
    public let path: String
    /// A built-in rule whose findings this file restates: when both run, the built-in's (richer) finding for the same
    /// subject is kept and this one's is not shown twice.
    public let restates: String?

    /// The objects or log lines a rule looks at.
    public enum Match: Sendable {
        case objects(ObjectMatch)
        case logs(LogMatch)
    }
}

/// For each object of a kind where the predicates hold (and, per `related`, some related object does or does not).
public struct ObjectMatch: Sendable {
    public let kind: String
    public let group: String?
    public let resource: String
    public let namespace: Glob?
    public let name: Glob?
    public let cluster: Glob?
    public let labels: [(key: String, value: Glob)]
    public let predicates: [FieldPredicate]
    public let conditions: [ConditionMatch]
    public let events: [EventMatch]
    public let logs: [LineMatch]
    public let related: [RelatedMatch]
}

/// "and related Y where …": objects of another kind on the same cluster, found by a field of the first.
public struct RelatedMatch: Sendable {
    /// The name templates use: `{{ plan.metadata.name }}`.
    public let alias: String
    public let kind: String
    public let group: String?
    public let resource: String
    /// The field of the outer object holding the related object's name.
    public let joinField: FieldPath
    /// The field of the outer object holding its namespace; nil: the outer object's own namespace (or cluster-scoped).
    public let joinNamespaceField: FieldPath?
    public let predicates: [FieldPredicate]
    public let conditions: [ConditionMatch]
    /// True: the rule fires when no such object exists (a dangling reference).
    public let absent: Bool
}

/// `status.conditions[]` entry that must be there (or, `missing: true`, a type that must not be there as True).
public struct ConditionMatch: Sendable {
    public let type: Glob
    public let status: Glob?
    public let reason: Glob?
    /// MTC's own severity of a condition: Critical, Error, Warn, Required, Advisory.
    public let category: Glob?
    public let message: BoundedRegex?
    /// The condition type is absent or not True.
    public let notTrue: Bool
}

/// An event about the object: reason, message, and how recent, relative to the gather time.
public struct EventMatch: Sendable {
    public let reason: Glob?
    public let message: BoundedRegex?
    public let type: Glob?
    public let within: Double?
}

/// A log line: a substring that decides which lines the single pass keeps, an optional pattern over those, how recent.
public struct LineMatch: Sendable {
    public let contains: String
    public let regex: BoundedRegex?
    public let within: Double?
}

/// Log lines of named pods: a finding per pod with matching lines.
public struct LogMatch: Sendable {
    public let pod: Glob
    public let namespace: Glob?
    public let cluster: Glob?
    public let line: LineMatch
}

/// A field path with one comparison. A class: every healthy pod is offered to every rule file's comparisons, and
/// copying a struct of this many references for each test cost a fifth of the tests.
public final class FieldPredicate: Sendable {
    public enum Comparison: Sendable {
        case equals(String), notEquals(String), isIn([String]), notIn([String]), regex(BoundedRegex), exists(Bool)
        case greaterThan(Double), lessThan(Double), olderThan(Double), newerThan(Double)
    }

    public let path: FieldPath
    public let comparison: Comparison

    public init(path: FieldPath, comparison: Comparison) {
        self.path = path
        self.comparison = comparison
    }
}

/// The texts of a finding, filled from the matched objects.
public struct FindingTemplate: Sendable {
    public let title: Template
    public let explanation: Template
    public let evidence: Template?
    public let remediation: [StepTemplate]
}

public struct StepTemplate: Sendable {
    public let title: Template
    public let command: Template
    public let verify: Template?
    /// What `verify` prints when the fix worked, kept apart so `verify` stays a command `bash -n` parses.
    public let expect: Template?
}

/// A shell-style pattern: `*` any run, `?` one character; everything else literal. Matched in linear time.
public struct Glob: Sendable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]
    /// The common shapes, matched without copying the text: rules test every object of their kind.
    /// A literal and a prefix are compared as UTF-8 bytes: the same scalars are the same bytes, and a scalar prefix
    /// is a byte prefix (UTF-8 is a prefix code); bytes compare without decoding.
    private enum Shape: Sendable { case anything, literal, prefix(String), general }
    private let shape: Shape

    public init(_ pattern: String) {
        self.pattern = pattern
        scalars = Array(pattern.unicodeScalars)
        let wild = scalars.firstIndex { $0 == "*" || $0 == "?" }
        if let wild {
            let rest = scalars[wild...]
            if rest.allSatisfy({ $0 == "*" }) {
                shape = wild == 0 ? .anything : .prefix(String(String.UnicodeScalarView(scalars[..<wild])))
            } else {
                shape = .general
            }
        } else {
            shape = .literal
        }
    }

    public var description: String { pattern }
    /// No wildcard: the pattern names one value.
    public var literal: String? { pattern.contains("*") || pattern.contains("?") ? nil : pattern }
    /// The text before the first wildcard (pod-name prefixes for the log scanner).
    public var prefix: String { String(pattern.prefix { $0 != "*" && $0 != "?" }) }

    private static func bytes(of text: String, startWith head: String) -> Bool {
        var text = text, head = head
        return text.withUTF8 { t in head.withUTF8 { h in h.count <= t.count && UnsafeBufferPointer(rebasing: t[..<h.count]).elementsEqual(h) } }
    }

    /// Greedy with one backtrack point: the classic linear wildcard match.
    public func matches(_ text: String) -> Bool {
        switch shape {
        case .anything: return true
        case .literal: return text.utf8.count == pattern.utf8.count && Self.bytes(of: text, startWith: pattern)
        case .prefix(let head): return Self.bytes(of: text, startWith: head)
        case .general: break
        }
        let t = Array(text.unicodeScalars)
        var p = 0, s = 0, star = -1, mark = 0
        while s < t.count {
            if p < scalars.count, scalars[p] == "?" || scalars[p] == t[s] {
                p += 1
                s += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = p
                mark = s
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                s = mark
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}

/// A `LinearRegex` with the limits rule files live under: the pattern's length and compiled size, and the text it is
/// shown (a longer text is cut), so the memo stays under a few megabytes and a search linear in a bounded text.
public struct BoundedRegex: Sendable {
    public static let maxPatternLength = 1024
    public static let maxSplits = 2048
    public static let maxText = 8192

    public let pattern: String
    let regex: LinearRegex
    /// The pattern when it holds no character the regex syntax gives a meaning to (`restarting failed container`):
    /// matching it is finding it, byte for byte, which is what the regex answers, at a fraction of the cost (a
    /// message clause tests every event of a pod it reads).
    let literal: String?

    /// What `LinearRegex` reads as other than itself, anywhere in a pattern.
    static let metacharacters = Set("\\.^$|?*+()[]{}".unicodeScalars)

    public init(_ pattern: String) throws(RuleFileError.Problem) {
        guard pattern.unicodeScalars.count <= Self.maxPatternLength else {
            throw .init(line: nil, field: nil, message: "pattern longer than \(Self.maxPatternLength) characters")
        }
        do {
            regex = try LinearRegex(pattern)
        } catch {
            throw .init(line: nil, field: nil, message: "\(error)")
        }
        guard regex.programSize.splits <= Self.maxSplits else {
            throw .init(line: nil, field: nil, message: "pattern too complex (\(regex.programSize.splits) branch points; at most \(Self.maxSplits))")
        }
        self.pattern = pattern
        literal = !pattern.isEmpty && !pattern.unicodeScalars.contains(where: Self.metacharacters.contains) ? pattern : nil
    }

    /// Whether the pattern matches in the text's first `maxText` scalars.
    public func matches(_ text: String) -> Bool {
        // A text of at most `maxText` bytes has at most that many scalars: nothing to cut. UTF-8 is self-synchronising,
        // so a byte match of a whole pattern starts and ends on scalar boundaries.
        if let literal, text.utf8.count <= Self.maxText { return text.containsBytes(literal) }
        return matchesByRegex(text)
    }

    func matchesByRegex(_ text: String) -> Bool {
        let cut = text.unicodeScalars.count > Self.maxText ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.maxText))) : text
        return regex.matches(cut)
    }
}

/// A field path: `status.phase`, `status.containerStatuses[*].state.waiting.reason`, `metadata.labels["app.kubernetes.io/name"]`.
/// `[*]` takes every item of a list, `[N]` one; a comparison holds when it holds for any value the path reaches.
public struct FieldPath: Sendable, CustomStringConvertible {
    public enum Step: Sendable { case key(String), every, index(Int) }
    public let steps: [Step]
    public let description: String
    /// `description.hashValue`, for `OfferedObject.known(_:hash:)`.
    public let hash: Int

    public static let maxSteps = 32
    /// Values one path may reach (`[*]` of `[*]` of …): past it the rest is not looked at.
    public static let maxValues = 10_000

    public init(_ text: String) throws(RuleFileError.Problem) {
        var steps: [Step] = []
        var i = text.startIndex
        var key = ""
        func fail(_ why: String) -> RuleFileError.Problem { .init(line: nil, field: nil, message: "field path '\(text)': \(why)") }
        while i < text.endIndex {
            let c = text[i]
            if c == "." {
                if !key.isEmpty { steps.append(.key(key)); key = "" }
                i = text.index(after: i)
            } else if c == "[" {
                if !key.isEmpty { steps.append(.key(key)); key = "" }
                guard let close = text[i...].firstIndex(of: "]") else { throw fail("'[' without ']'") }
                let inner = String(text[text.index(after: i)..<close])
                if inner == "*" {
                    steps.append(.every)
                } else if let n = Int(inner), n >= 0 {
                    steps.append(.index(n))
                } else if inner.count >= 2, inner.hasPrefix("\""), inner.hasSuffix("\"") {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw fail("[\(inner)] is neither [*], [N] nor [\"key\"]")
                }
                i = text.index(after: close)
            } else {
                key.append(c)
                i = text.index(after: i)
            }
        }
        if !key.isEmpty { steps.append(.key(key)) }
        guard !steps.isEmpty else { throw fail("empty") }
        guard steps.count <= Self.maxSteps else { throw fail("more than \(Self.maxSteps) steps") }
        self.steps = steps
        description = text
        hash = text.hashValue
    }

    /// Every value the path reaches in `value` (nulls left out), at most `maxValues`.
    public func values(in value: Value) -> [Value] {
        // One walk, no list per step, when under the cap (the same values in the same order); past it, the lists.
        if let values = valuesUnderCap(in: value) { return values }
        var current = [value]
        for step in steps {
            var next: [Value] = []
            for v in current {
                switch step {
                case .key(let k): next.append(v[k])
                case .every: next.append(contentsOf: v.array)
                case .index(let n): let items = v.array; if n < items.count { next.append(items[n]) }
                }
                if next.count >= Self.maxValues { break }
            }
            current = next.filter { !$0.isNull }
            if current.isEmpty { return [] }
        }
        return current
    }

    /// Every value the path reaches, in the order `contains(in:where:)` visits them, when that walk would visit them
    /// all (fewer than `maxValues`); nil otherwise. A comparison over these values then answers as one that walks
    /// the path, and several comparisons of the same field share one walk.
    public func valuesUnderCap(in value: Value) -> [Value]? {
        var found: [Value] = []
        var budget = Self.maxValues
        _ = visit(value, step: 0, budget: &budget) { found.append($0); return false }
        return budget > 0 ? found : nil
    }

    /// Whether some value the path reaches satisfies `test`, without building the list of values: the hot check,
    /// run on every object of a rule's kind. Visits at most `maxValues` values, like `values(in:)`.
    public func contains(in value: Value, where test: (Value) -> Bool) -> Bool {
        var budget = Self.maxValues
        return visit(value, step: 0, budget: &budget, test)
    }

    private func visit(_ value: Value, step: Int, budget: inout Int, _ test: (Value) -> Bool) -> Bool {
        if value.isNull { return false }
        guard step < steps.count else {
            budget -= 1
            return test(value)
        }
        switch steps[step] {
        case .key(let k):
            return visit(value[k], step: step + 1, budget: &budget, test)
        case .index(let n):
            let items = value.array
            return n < items.count ? visit(items[n], step: step + 1, budget: &budget, test) : false
        case .every:
            for item in value.array {
                if budget <= 0 { return false }
                if visit(item, step: step + 1, budget: &budget, test) { return true }
            }
            return false
        }
    }

    /// Whether the path goes through a Secret's data (which templates may never print).
    public var readsSecretData: Bool {
        guard case .key(let first)? = steps.first else { return false }
        return first == "data" || first == "stringData"
    }
}
