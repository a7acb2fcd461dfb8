import Foundation
import MustardModel
import MustardRules

/// The JSON contract, version 2 (`docs/json-report.md`). Keys sorted, absent values as `null`, so the same dump
/// always gives the same bytes and scripts can rely on every key being there.
public struct JSONRenderer: ReportRenderer {
    /// One line per document (for batch output as JSON lines) instead of indented.
    public var compact: Bool

    public init(compact: Bool = false) { self.compact = compact }

    public func render(_ report: AnalysisReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Self.document(report)), let text = String(data: data, encoding: .utf8) else {
            return "{}\n"
        }
        // The values stay the dump's exact strings (scripts match paths and names); only their encoding is inert.
        return Neutralizer.json(text) + "\n"
    }

    static func document(_ report: AnalysisReport) -> JSON {
        let i = report.input
        return [
            "schemaVersion": .int(AnalysisReport.schemaVersion),
            "tool": ["name": .string(report.tool.name), "version": .string(report.tool.version)],
            "input": [
                "path": .string(i.path), "format": .string(i.format), "gatheredAt": JSON(i.gatheredAt?.description),
                "gatheredAtSource": .string(i.gatheredAtSource.rawValue), "gatheredAtPath": JSON(i.gatheredAtPath),
                "layouts": .array(i.layouts.map(JSON.string)), "clusters": .array(i.clusters.map(JSON.string)),
                "entries": .int(i.entries), "nestedArchives": .int(i.nestedArchives),
            ],
            "summary": .object(Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, JSON.int(report.count($0))) })),
            "findings": .array(report.findings.map(finding)),
            "outcomes": .array(report.outcomes.map { ["rule": .string($0.rule), "status": .string($0.status.rawValue), "reason": JSON($0.reason)] }),
            "hiddenFindings": .int(report.hiddenFindings),
            "missingData": .array(report.missingData.map { ["headline": .string($0.headline), "detail": .string($0.detail), "ask": .string($0.ask)] }),
            "suppressed": .array(report.suppressed.map {
                ["finding": finding($0.finding), "reason": .string($0.reason), "suppression": .string($0.source), "expires": JSON($0.expires)]
            }),
            "expiredSuppressions": .array(report.expiredSuppressions.map {
                ["rule": .string($0.rule), "subject": JSON($0.subject), "cluster": JSON($0.cluster), "reason": .string($0.reason),
                 "expires": .string($0.expires), "suppression": .string($0.source)]
            }),
            "timeline": .array(report.timelines.map(timeline)),
            "loadIssues": .array(report.loadIssues.map {
                ["path": .string($0.path), "severity": .string($0.severity.rawValue), "message": .string($0.message), "damaged": .bool($0.damaged)]
            }),
        ]
    }

    static func finding(_ f: Finding) -> JSON {
        [
            "id": .string(f.id), "rule": .string(f.rule), "severity": .string(f.severity.rawValue), "title": .string(f.title),
            "cluster": JSON(f.cluster), "subject": reference(f.subject), "related": .array(f.related.map(reference)),
            "namespaces": .array(f.namespaces.map(JSON.string)),
            "explanation": .string(f.explanation),
            "evidence": .array(f.evidence.map {
                ["statement": .string($0.statement), "path": .string($0.path), "field": JSON($0.field),
                 "line": $0.line.map(JSON.int) ?? .null, "at": JSON($0.at?.description)]
            }),
            "causedBy": .array(f.causedBy.map(JSON.string)), "causes": .array(f.causes.map(JSON.string)),
            "remediation": .array(f.remediation.map {
                ["title": .string($0.title), "cluster": JSON($0.cluster), "command": .string($0.command), "verify": JSON($0.verify), "expect": JSON($0.expect)]
            }),
            "references": .array(f.references.map(JSON.string)),
        ]
    }

    static func timeline(_ t: MigrationTimeline) -> JSON {
        [
            "migration": .string(t.migration), "plan": JSON(t.plan), "cluster": .string(t.cluster),
            "namespaces": .array(t.namespaces.map(JSON.string)),
            "entries": .array(t.entries.map {
                ["at": .string($0.at.description), "kind": .string($0.kind.rawValue), "text": .string($0.text), "cluster": JSON($0.cluster),
                 "path": JSON($0.path), "field": JSON($0.field), "line": $0.line.map(JSON.int) ?? .null]
            }),
        ]
    }

    static func reference(_ r: ResourceRef) -> JSON {
        ["kind": .string(r.kind), "namespace": JSON(r.namespace), "name": .string(r.name)]
    }
}

/// A JSON value whose absent fields are written as `null` rather than left out.
enum JSON: Encodable, ExpressibleByDictionaryLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(_ string: String?) { self = string.map(JSON.string) ?? .null }

    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
