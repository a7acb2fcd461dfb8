import Foundation
import MustardModel
import MustardRules

/// SARIF 2.1.0 (`--format sarif`), for SARIF viewers and code-scanning tools: one run whose driver lists every
/// registered rule as a reporting descriptor and whose results are the findings, located in the files inside the
/// dump as a viewer finds them once the dump is extracted — each nested archive extracted beside itself, as `tar -xf`
/// in its folder does — relative to the `DUMP` base; the archive chain is kept in the location's properties. Keys
/// sorted and absent values
/// left out (the schema has no `null`s), so the same dump always gives the same bytes.
public struct SARIFRenderer: ReportRenderer {
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The tool's page for SARIF viewers. The project has no public home yet: change it here when it does.
    public static let informationURI = "https://example.invalid/mustard"
    /// The `uriBaseId` of every location: the must-gather itself.
    public static let dumpBase = "DUMP"

    /// The rules described in the driver; results point into this list with `ruleIndex`.
    public var rules: [RuleDescription]

    public init(rules: [RuleDescription] = RuleRegistry.all.map(\.ruleDescription)) {
        self.rules = rules.sorted { $0.id < $1.id }
    }

    public func render(_ report: AnalysisReport) -> String {
        // SARIF's texts are shown by viewers as they are: neutralised like the text report's.
        Neutralizer.json(document(report.neutralized()).text(pretty: true)) + "\n"
    }

    func document(_ report: AnalysisReport) -> JSON {
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let i = report.input
        var run: [String: JSON] = [
            "tool": ["driver": .object(compact([
                "name": .string(report.tool.name),
                "version": .string(report.tool.version),
                "semanticVersion": .string(report.tool.version),
                "informationUri": .string(Self.informationURI),
                "rules": .array(rules.map(descriptor)),
            ]))],
            "originalUriBaseIds": [
                Self.dumpBase: ["description": ["text": .string("The folder the must-gather \(i.path) (\(i.format)) was extracted into, each nested archive extracted in its own folder (tar -xf in place); each location's properties name the archives its file is inside.")]]
            ],
            "columnKind": "unicodeCodePoints",
            "results": .array(report.findings.map { result($0, ruleIndex: index[$0.rule]) } + report.suppressed.map { suppressed($0, ruleIndex: index[$0.finding.rule]) }),
            "invocations": [.object(invocation(report))],
            "properties": .object(compact([
                "input": .object(compact([
                    "path": .string(i.path), "format": .string(i.format), "gatheredAt": JSON(i.gatheredAt?.description),
                    "gatheredAtSource": .string(i.gatheredAtSource.rawValue), "gatheredAtPath": JSON(i.gatheredAtPath),
                    "layouts": .array(i.layouts.map(JSON.string)), "clusters": .array(i.clusters.map(JSON.string)),
                    "entries": .int(i.entries), "nestedArchives": .int(i.nestedArchives),
                ])),
                "summary": .object(Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, JSON.int(report.count($0))) })),
                "hiddenFindings": .int(report.hiddenFindings),
                "outcomes": .array(report.outcomes.map { .object(compact(["rule": .string($0.rule), "status": .string($0.status.rawValue), "reason": JSON($0.reason)])) }),
            ])),
        ]
        if report.findings.isEmpty, report.suppressed.isEmpty { run["results"] = .array([]) }
        return [
            "$schema": .string(Self.schemaURI),
            "version": "2.1.0",
            "runs": [.object(run)],
        ]
    }

    /// critical and error → error, warning → warning, info → note.
    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    func descriptor(_ d: RuleDescription) -> JSON {
        var text = "\(d.summary)\n\n\(d.rationale)"
        var markdown = "**\(d.summary)**\n\n\(d.rationale)"
        if !d.references.isEmpty {
            text += "\n\nReferences:\n" + d.references.map { "- \($0)" }.joined(separator: "\n")
            markdown += "\n\nReferences:\n\n" + d.references.map { "- <\($0)>" }.joined(separator: "\n")
        }
        return .object(compact([
            "id": .string(d.id),
            "name": .string(d.name),
            "shortDescription": ["text": .string(d.summary)],
            "fullDescription": ["text": .string(d.rationale)],
            "help": ["text": .string(text), "markdown": .string(markdown)],
            "helpUri": d.references.first.map(JSON.string),
            "defaultConfiguration": ["level": .string(Self.level(d.severity))],
            "properties": ["category": .string(d.category), "severity": .string(d.severity.rawValue), "tags": [.string(d.category)]],
        ]))
    }

    func result(_ f: Finding, ruleIndex: Int?) -> JSON {
        let primary = f.evidence.first
        var location: [String: JSON] = [
            "logicalLocations": [.object(compact([
                "name": .string(f.subject.name),
                "fullyQualifiedName": .string([f.cluster, f.subject.namespace, f.subject.kind, f.subject.name].compactMap { $0 }.joined(separator: "/")),
                "kind": "object",
                "properties": .object(compact(["kind": .string(f.subject.kind), "namespace": JSON(f.subject.namespace), "cluster": JSON(f.cluster)])),
            ]))]
        ]
        if let primary {
            location.merge(evidenceLocation(primary, id: nil)) { _, new in new }
        }
        return .object(compact([
            "ruleId": .string(f.rule),
            "ruleIndex": ruleIndex.map(JSON.int),
            "level": .string(Self.level(f.severity)),
            "message": ["text": .string("\(f.title)\n\n\(f.explanation)")],
            "locations": [.object(location)],
            "relatedLocations": f.evidence.count > 1
                ? .array(f.evidence.dropFirst().enumerated().map { .object(evidenceLocation($1, id: $0 + 1)) }) : nil,
            "partialFingerprints": ["mustardFindingId/v1": .string(f.id)],
            "properties": .object(compact([
                "id": .string(f.id),
                "severity": .string(f.severity.rawValue),
                "cluster": JSON(f.cluster),
                "subject": reference(f.subject),
                "related": f.related.isEmpty ? nil : .array(f.related.map(reference)),
                "namespaces": .array(f.namespaces.map(JSON.string)),
                "causedBy": .array(f.causedBy.map(JSON.string)),
                "causes": .array(f.causes.map(JSON.string)),
                "remediation": .array(f.remediation.map {
                    .object(compact(["title": .string($0.title), "cluster": JSON($0.cluster), "command": .string($0.command), "verify": JSON($0.verify), "expect": JSON($0.expect)]))
                }),
                "references": .array(f.references.map(JSON.string)),
            ])),
        ]))
    }

    /// A suppressed finding: a result with SARIF's `suppressions` (external: a suppression file), the reason as its
    /// justification, so viewers show it apart.
    func suppressed(_ s: SuppressedFinding, ruleIndex: Int?) -> JSON {
        guard case .object(var object) = result(s.finding, ruleIndex: ruleIndex) else { return result(s.finding, ruleIndex: ruleIndex) }
        object["suppressions"] = [.object(compact([
            "kind": "external", "status": "accepted", "justification": .string(s.reason),
            "properties": .object(compact(["suppression": .string(s.source), "expires": JSON(s.expires)])),
        ]))]
        return .object(object)
    }

    /// A file in the dump, with the line and the field in the object when known.
    func evidenceLocation(_ e: Evidence, id: Int?) -> [String: JSON] {
        let extracted = Self.extracted(e.path)
        var physical: [String: JSON] = ["artifactLocation": ["uri": .string(Self.uri(extracted.path)), "uriBaseId": .string(Self.dumpBase)]]
        if let line = e.line, line >= 1 { physical["region"] = ["startLine": .int(line)] }
        return compact([
            "id": id.map(JSON.int),
            "physicalLocation": .object(physical),
            "message": ["text": .string(e.statement)],
            "properties": .object(compact([
                "field": JSON(e.field), "at": JSON(e.at?.description), "path": .string(e.path),
                "archives": extracted.archives.isEmpty ? nil : .array(extracted.archives.map(JSON.string)),
            ])),
        ])
    }

    func invocation(_ report: AnalysisReport) -> [String: JSON] {
        compact([
            "executionSuccessful": .bool(true),
            "toolExecutionNotifications": report.loadIssues.isEmpty && report.missingData.isEmpty && report.expiredSuppressions.isEmpty ? nil : .array(report.missingData.map { missing in
                .object([
                    "level": .string("warning"),
                    "message": ["text": .string("\(missing.headline): \(missing.detail). Ask the customer for: \(missing.ask)")],
                    "properties": ["missingData": .bool(true), "ask": .string(missing.ask)],
                ])
            } + report.expiredSuppressions.map { e in
                .object(["level": "warning", "message": ["text": .string("Expired: \(e.line)")], "properties": ["suppression": .string(e.source), "expires": .string(e.expires)]])
            } + report.loadIssues.map { issue in
                .object([
                    "level": .string(issue.severity == .error ? "error" : issue.severity == .warning ? "warning" : "note"),
                    "message": ["text": .string(issue.message)],
                    "locations": [["physicalLocation": ["artifactLocation": ["uri": .string(Self.uri(Self.extracted(issue.path).path)), "uriBaseId": .string(Self.dumpBase)]]]],
                    "properties": ["damaged": .bool(issue.damaged), "path": .string(issue.path)],
                ])
            }),
        ])
    }

    func reference(_ r: ResourceRef) -> JSON {
        .object(compact(["kind": .string(r.kind), "namespace": JSON(r.namespace), "name": .string(r.name)]))
    }

    /// Where a file inside nested archives lies once they are extracted in place: `a/b.tar.gz!/c/d.yaml` is
    /// `a/c/d.yaml` (tar -xf b.tar.gz in `a/`), inside the archives `a/b.tar.gz`. Viewers cannot open `!/` paths.
    public static func extracted(_ path: String) -> (path: String, archives: [String]) {
        let steps = path.components(separatedBy: "!/")
        guard steps.count > 1 else { return (path, []) }
        var archives: [String] = []
        var current = steps[0]
        for step in steps.dropFirst() {
            archives.append(current)
            let folder = current.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            current = folder.isEmpty ? step : folder + "/" + step
        }
        return (current, archives)
    }

    /// A path inside the dump as a relative URI reference: percent-encoding only what a URI path cannot hold, so
    /// `a.tar.gz!/b/c.yaml` stays readable. `:` is encoded too, so that no first segment reads as a scheme.
    public static func uri(_ path: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=@/".utf8)
        var out = ""
        for byte in path.utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// An object without its absent (`null`) members: SARIF's schema types them and has no nulls.
    private func compact(_ members: [String: JSON?]) -> [String: JSON] {
        members.compactMapValues { value in
            guard let value, case .null = value else { return value }
            return nil
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
}
