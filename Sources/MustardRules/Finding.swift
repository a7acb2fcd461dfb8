import MustardModel

/// How much a finding matters. Ordered from most to least severe.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case critical, error, warning, info

    var rank: Int {
        switch self {
        case .critical: 0
        case .error: 1
        case .warning: 2
        case .info: 3
        }
    }
    public static func < (l: Severity, r: Severity) -> Bool { l.rank > r.rank }
}

/// The Kubernetes object a finding is about.
public struct ResourceRef: Sendable, Hashable {
    public let kind: String
    public let namespace: String?
    public let name: String

    public init(kind: String, namespace: String?, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init(_ object: KubeObject) {
        self.init(kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name)
    }

    /// `MigMigration openshift-migration/abc`.
    public var display: String { namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)" }
}

/// One fact behind a finding, with the file in the dump (and field, line, time) it came from.
public struct Evidence: Sendable, Hashable {
    public let statement: String
    public let path: String
    public let field: String?
    public let line: Int?
    public let at: Timestamp?

    public init(_ statement: String, path: String, field: String? = nil, line: Int? = nil, at: Timestamp? = nil) {
        self.statement = statement
        self.path = path
        self.field = field
        self.line = line
        self.at = at
    }

    /// Evidence from a field of an object; `field` is a path in the object, e.g. `status.phase`.
    public init(_ statement: String, object: KubeObject, field: String? = nil, at: Timestamp? = nil) {
        let prefix = object.source.listIndex.map { "items[\($0)]" }
        let full = [prefix, field].compactMap { $0 }.joined(separator: ".")
        self.init(statement, path: object.source.path, field: full.isEmpty ? nil : full, at: at)
    }

    /// Evidence from a kept log line.
    public init(_ statement: String, log: LogLine) {
        self.init(statement, path: log.source.path, line: log.lineNumber, at: log.time)
    }
}

/// One step of a fix: what to do, where, the command, and how to check it worked.
public struct RemediationStep: Sendable, Hashable {
    public let title: String
    /// The cluster to run it on (the dump's name for it).
    public let cluster: String?
    public let command: String
    /// Commands that show whether the fix worked; plain shell, never with the expected output appended.
    public let verify: String?
    /// What `verify` prints once the fix worked, in words (its own field so `verify` stays valid shell).
    public let expect: String?

    public init(title: String, cluster: String?, command: String, verify: String?, expect: String? = nil) {
        self.title = title
        self.cluster = cluster
        self.command = command
        self.verify = verify
        self.expect = verify == nil ? nil : expect
    }
}

/// A diagnosis: what is wrong, on which object, the evidence, and the fix.
///
/// Its parts live in one shared box, copied only when a copy is changed: findings are copied at every stage after
/// the rules (ordering, linking, advice, restatements, rendering), and rule files make thousands of them; a copy of
/// seventeen references took as many atomic retains on memory long cold, a fifth of the files' extra CPU after loading.
public struct Finding: Sendable {
    private final class Parts: @unchecked Sendable {
        // Sendable: `var` members change only through `Finding`'s setters, on a box no other finding shares.
        let id: String
        let rule: String
        let severity: Severity
        let title: String
        let cluster: String?
        let subject: ResourceRef
        let related: [ResourceRef]
        let namespaces: [String]
        let explanation: String
        let evidence: [Evidence]
        var causedBy: [String]
        var causes: [String]
        var confirmedCauses: [String]
        let remediation: [RemediationStep]
        let references: [String]

        init(
            id: String, rule: String, severity: Severity, title: String, cluster: String?, subject: ResourceRef, related: [ResourceRef],
            namespaces: [String], explanation: String, evidence: [Evidence], causedBy: [String], causes: [String],
            confirmedCauses: [String], remediation: [RemediationStep], references: [String]
        ) {
            self.id = id
            self.rule = rule
            self.severity = severity
            self.title = title
            self.cluster = cluster
            self.subject = subject
            self.related = related
            self.namespaces = namespaces
            self.explanation = explanation
            self.evidence = evidence
            self.causedBy = causedBy
            self.causes = causes
            self.confirmedCauses = confirmedCauses
            self.remediation = remediation
            self.references = references
        }

        func copy() -> Parts {
            Parts(
                id: id, rule: rule, severity: severity, title: title, cluster: cluster, subject: subject, related: related,
                namespaces: namespaces, explanation: explanation, evidence: evidence, causedBy: causedBy, causes: causes,
                confirmedCauses: confirmedCauses, remediation: remediation, references: references)
        }
    }

    private var parts: Parts

    /// Stable within a dump: `<rule>#<what it is about>`.
    public var id: String { parts.id }
    public var rule: String { parts.rule }
    public var severity: Severity { parts.severity }
    public var title: String { parts.title }
    public var cluster: String? { parts.cluster }
    public var subject: ResourceRef { parts.subject }
    public var related: [ResourceRef] { parts.related }
    /// Application namespaces the finding concerns (a plan's namespaces, a pod's namespace), for `--namespace`.
    public var namespaces: [String] { parts.namespaces }
    public var explanation: String { parts.explanation }
    public var evidence: [Evidence] { parts.evidence }
    /// Ids of findings that cause this one. Set by the rule; ids of findings not in the report are dropped.
    public internal(set) var causedBy: [String] {
        get { parts.causedBy }
        set { own().causedBy = newValue }
    }
    /// Ids of findings this one causes: filled in by the engine from the others' `causedBy`.
    public internal(set) var causes: [String] {
        get { parts.causes }
        set { own().causes = newValue }
    }
    /// The `causedBy` ids the rule confirmed (`CauseLink.confirmed`): they must resolve when their rules run.
    public internal(set) var confirmedCauses: [String] {
        get { parts.confirmedCauses }
        set { own().confirmedCauses = newValue }
    }
    public var remediation: [RemediationStep] { parts.remediation }
    public var references: [String] { parts.references }

    /// The box, this finding's alone: copied first when another finding shares it.
    private mutating func own() -> Parts {
        if !isKnownUniquelyReferenced(&parts) { parts = parts.copy() }
        return parts
    }

    public init(
        id: String, rule: String, severity: Severity, title: String, cluster: String?, subject: ResourceRef,
        related: [ResourceRef] = [], namespaces: [String] = [], explanation: String, evidence: [Evidence], causedBy: [String] = [],
        remediation: [RemediationStep] = [], references: [String] = []
    ) {
        parts = Parts(
            id: id, rule: rule, severity: severity, title: title, cluster: cluster, subject: subject, related: related,
            namespaces: Array(Set(namespaces + [subject.namespace].compactMap { $0 } + related.compactMap(\.namespace))).sorted(),
            explanation: explanation, evidence: evidence, causedBy: causedBy, causes: [], confirmedCauses: [], remediation: remediation,
            references: references)
    }
}

extension Finding {
    /// The finding with secret-looking values removed from every text that quotes the dump, each cut to
    /// `QuoteBound.quotedBytes`: the last guard before a report. Remediation commands are built by the rules and left as they are.
    public func scrubbingSecrets() -> Finding {
        let title = QuoteBound.scrubbed(self.title), explanation = QuoteBound.scrubbed(self.explanation)
        let evidence = self.evidence.map { Evidence(QuoteBound.scrubbed($0.statement), path: $0.path, field: $0.field, line: $0.line, at: $0.at) }
        // Most findings quote nothing to scrub or cut: they stay as they are, their parts shared.
        if title == self.title, explanation == self.explanation, evidence == self.evidence { return self }
        return with(title: title, explanation: explanation, evidence: evidence)
    }

    /// The same finding with other texts; subject, links, confirmations and namespaces kept.
    func with(title: String? = nil, explanation: String? = nil, evidence: [Evidence]? = nil, remediation: [RemediationStep]? = nil) -> Finding {
        var f = self
        f.parts = Parts(
            id: id, rule: rule, severity: severity, title: title ?? self.title, cluster: cluster, subject: subject, related: related,
            namespaces: namespaces, explanation: explanation ?? self.explanation, evidence: evidence ?? self.evidence, causedBy: causedBy,
            causes: causes, confirmedCauses: confirmedCauses, remediation: remediation ?? self.remediation, references: references)
        return f
    }
}

extension Finding {
    /// The finding with `text` applied to every string it carries that names something in the dump (id, title,
    /// cluster, subject and related names, namespaces, explanation, evidence statements and paths, links, step
    /// titles, references) and `command` to the remediation commands; rule, kinds, severity, fields, lines and
    /// times stay, unless `kept` maps rule, kinds and fields too (neutralising a report, which leaves no string).
    /// Used to redact a report: the same `text` on ids and links keeps causes pointing at effects.
    public func mappingTexts(_ text: (String) -> String, command: (String) -> String, kept: (String) -> String = { $0 }) -> Finding {
        func ref(_ r: ResourceRef) -> ResourceRef { ResourceRef(kind: kept(r.kind), namespace: r.namespace.map(text), name: text(r.name)) }
        var f = Finding(
            id: text(id), rule: kept(rule), severity: severity, title: text(title), cluster: cluster.map(text), subject: ref(subject),
            related: related.map(ref), namespaces: namespaces.map(text), explanation: text(explanation),
            evidence: evidence.map { Evidence(text($0.statement), path: text($0.path), field: $0.field.map(kept), line: $0.line, at: $0.at) },
            causedBy: causedBy.map(text),
            remediation: remediation.map {
                RemediationStep(title: text($0.title), cluster: $0.cluster.map(text), command: command($0.command), verify: $0.verify.map(command),
                    expect: $0.expect.map(text))
            },
            references: references.map(text))
        f.causes = causes.map(text)
        return f
    }
}
