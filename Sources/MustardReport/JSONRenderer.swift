import Foundation
import MustardModel
import MustardRules

/// The JSON contract, version 1 (`docs/json-report.md`). Keys sorted, absent values as `null`, so the same dump
/// always gives the same bytes and scripts can rely on every key being there.
public struct JSONRenderer: ReportRenderer {
    public init() {}

    public func render(_ report: AnalysisReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Document(report)), let text = String(data: data, encoding: .utf8) else {
            return "{}\n"
        }
        return text + "\n"
    }

    private struct Document: Encodable {
        let report: AnalysisReport
        init(_ report: AnalysisReport) { self.report = report }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(AnalysisReport.schemaVersion, forKey: "schemaVersion")
            try c.encode(["name": report.tool.name, "version": report.tool.version], forKey: "tool")
            try c.encode(InputJSON(report.input), forKey: "input")
            var summary: [String: Int] = [:]
            for s in Severity.allCases { summary[s.rawValue] = report.count(s) }
            try c.encode(summary, forKey: "summary")
            try c.encode(report.findings.map(FindingJSON.init), forKey: "findings")
            try c.encode(report.outcomes.map(OutcomeJSON.init), forKey: "outcomes")
            try c.encode(report.loadIssues.map(LoadIssueJSON.init), forKey: "loadIssues")
        }
    }

    private struct InputJSON: Encodable {
        let i: AnalysisReport.Input
        init(_ i: AnalysisReport.Input) { self.i = i }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(i.path, forKey: "path")
            try c.encode(i.format, forKey: "format")
            try c.encode(i.gatheredAt, forKey: "gatheredAt")
            try c.encode(i.gatheredAtSource, forKey: "gatheredAtSource")
            try c.encode(i.gatheredAtPath, forKey: "gatheredAtPath")
            try c.encode(i.layouts, forKey: "layouts")
            try c.encode(i.clusters, forKey: "clusters")
            try c.encode(i.entries, forKey: "entries")
            try c.encode(i.nestedArchives, forKey: "nestedArchives")
        }
    }

    private struct FindingJSON: Encodable {
        let f: Finding
        init(_ f: Finding) { self.f = f }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(f.id, forKey: "id")
            try c.encode(f.rule, forKey: "rule")
            try c.encode(f.severity, forKey: "severity")
            try c.encode(f.title, forKey: "title")
            try c.encode(f.cluster, forKey: "cluster")
            try c.encode(RefJSON(f.subject), forKey: "subject")
            try c.encode(f.related.map(RefJSON.init), forKey: "related")
            try c.encode(f.explanation, forKey: "explanation")
            try c.encode(f.evidence.map(EvidenceJSON.init), forKey: "evidence")
            try c.encode(f.causedBy, forKey: "causedBy")
            try c.encode(f.causes, forKey: "causes")
            try c.encode(f.remediation.map(StepJSON.init), forKey: "remediation")
            try c.encode(f.references, forKey: "references")
        }
    }

    private struct RefJSON: Encodable {
        let r: ResourceRef
        init(_ r: ResourceRef) { self.r = r }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(r.kind, forKey: "kind")
            try c.encode(r.namespace, forKey: "namespace")
            try c.encode(r.name, forKey: "name")
        }
    }

    private struct EvidenceJSON: Encodable {
        let e: Evidence
        init(_ e: Evidence) { self.e = e }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(e.statement, forKey: "statement")
            try c.encode(e.path, forKey: "path")
            try c.encode(e.field, forKey: "field")
            try c.encode(e.line, forKey: "line")
            try c.encode(e.at, forKey: "at")
        }
    }

    private struct StepJSON: Encodable {
        let s: RemediationStep
        init(_ s: RemediationStep) { self.s = s }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(s.title, forKey: "title")
            try c.encode(s.cluster, forKey: "cluster")
            try c.encode(s.command, forKey: "command")
            try c.encode(s.verify, forKey: "verify")
        }
    }

    private struct OutcomeJSON: Encodable {
        let o: RuleOutcome
        init(_ o: RuleOutcome) { self.o = o }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(o.rule, forKey: "rule")
            try c.encode(o.status.rawValue, forKey: "status")
            try c.encode(o.reason, forKey: "reason")
        }
    }

    private struct LoadIssueJSON: Encodable {
        let l: LoadIssue
        init(_ l: LoadIssue) { self.l = l }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(l.path, forKey: "path")
            try c.encode(l.severity.rawValue, forKey: "severity")
            try c.encode(l.message, forKey: "message")
            try c.encode(l.damaged, forKey: "damaged")
        }
    }

    private struct Key: CodingKey, ExpressibleByStringLiteral {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { stringValue = value }
    }
}
