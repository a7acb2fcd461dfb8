/// Names one finding: its rule and what it is about (`host/<migration>`, `source-cluster`…). A rule builds the keys
/// of its own findings, and of the findings it names as causes, only through the owning rule's `key(…)`: a link
/// cannot be misspelt, and renaming a rule's scope changes every link to it at once.
public struct FindingKey: Hashable, Sendable {
    public let rule: String
    public let scope: String

    public init(rule: String, scope: String) {
        self.rule = rule
        self.scope = scope
    }

    /// The finding's id in reports: `rule#scope`.
    public var id: String { "\(rule)#\(scope)" }
}

/// A cause a finding names.
public enum CauseLink: Hashable, Sendable {
    /// The cause was detected from the same evidence by the same detection the other rule uses: when that rule runs,
    /// its finding is in the report. A confirmed link that does not resolve is a bug, and a test fails on it.
    case confirmed(FindingKey)
    /// A cause the other rule may or may not report (it weighs evidence this rule does not); linked when it does.
    case ifReported(FindingKey)

    public var key: FindingKey {
        switch self {
        case .confirmed(let key), .ifReported(let key): return key
        }
    }

    public var isConfirmed: Bool { if case .confirmed = self { return true } else { return false } }
}

extension Finding {
    /// A finding named by its key, with its causes as typed links.
    public init(
        key: FindingKey, severity: Severity, title: String, cluster: String?, subject: ResourceRef, related: [ResourceRef] = [],
        namespaces: [String] = [], explanation: String, evidence: [Evidence], causes links: [CauseLink] = [],
        remediation: [RemediationStep] = [], references: [String] = []
    ) {
        self.init(
            id: key.id, rule: key.rule, severity: severity, title: title, cluster: cluster, subject: subject, related: related,
            namespaces: namespaces, explanation: explanation, evidence: evidence, causedBy: links.map(\.key.id),
            remediation: remediation, references: references)
        confirmedCauses = links.filter(\.isConfirmed).map(\.key.id)
    }
}
