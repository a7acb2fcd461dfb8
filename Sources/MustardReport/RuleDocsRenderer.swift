import MustardRules

/// The rule catalog for people: `mustard rules list`, `mustard rules explain ID`, and `docs/rules.md`.
/// One source for the docs and the CLI: the rules' own descriptions.
public enum RuleDocs {
    /// One line per rule: id, severity, category, summary.
    public static func list(_ descriptions: [RuleDescription]) -> String {
        let idWidth = descriptions.map(\.id.count).max() ?? 0
        let rows = descriptions.sorted { $0.id < $1.id }.map { d in
            d.id.padding(idWidth) + "  " + d.severity.rawValue.padding(8) + "  " + d.category.padding(5) + "  " + d.summary
        }
        return (["ID".padding(idWidth) + "  " + "SEVERITY" + "  " + "CAT  " + "  SUMMARY"] + rows).joined(separator: "\n") + "\n"
    }

    /// Everything a rule says about itself, for a terminal.
    public static func explain(_ d: RuleDescription) -> String {
        var out = ["\(d.id) — \(d.name)", "severity: \(d.severity.rawValue)   category: \(d.category)", "", d.summary, "", "Why:", d.rationale]
        out += ["", "Evidence it reads:"] + evidenceLines(d).map { "  - " + $0 }
        out += ["", "References:"] + d.references.map { "  - " + $0 }
        out += ["", "Example dumps where it fires:"] + d.triggeringExamples.map { "  - " + $0 }
        out += ["", "Example dumps where it must not:"] + d.nonTriggeringExamples.map { "  - " + $0 }
        return out.joined(separator: "\n") + "\n"
    }

    /// `docs/rules.md`, generated; a test fails when the committed file is stale.
    public static func markdown(_ descriptions: [RuleDescription]) -> String {
        var md = [
            "# Rules", "",
            "Generated from the rules' own descriptions by `make docs` (`mustard rules docs`); do not edit by hand.", "",
            "| Rule | Severity | Category | Summary |", "|---|---|---|---|",
        ]
        let sorted = descriptions.sorted { $0.id < $1.id }
        for d in sorted { md.append("| [`\(d.id)`](#\(anchor(d.id))) | \(d.severity.rawValue) | \(d.category) | \(d.summary) |") }
        for d in sorted {
            md += ["", "## \(d.id)", "", "**\(d.name)** — severity \(d.severity.rawValue), category \(d.category).", "", d.summary, "", d.rationale, ""]
            md += ["Evidence it reads:", ""] + evidenceLines(d).map { "- " + $0 }
            md += ["", "References:", ""] + d.references.map { "- <\($0)>" }
            md += ["", "Fires on: " + d.triggeringExamples.map { "`\($0)`" }.joined(separator: ", ") + "."]
            md += ["", "Must not fire on: " + d.nonTriggeringExamples.map { "`\($0)`" }.joined(separator: ", ") + "."]
        }
        return md.joined(separator: "\n") + "\n"
    }

    private static func evidenceLines(_ d: RuleDescription) -> [String] {
        var lines: [String] = []
        if !d.requirements.resources.isEmpty { lines.append("objects: " + d.requirements.resources.sorted().map(\.description).joined(separator: ", ")) }
        for log in d.requirements.logs {
            var where_: [String] = []
            if !log.podPrefixes.isEmpty { where_.append("logs of pods " + log.podPrefixes.map { "\($0)*" }.joined(separator: ", ")) }
            if !log.migplanFilePrefixes.isEmpty { where_.append("migplans files " + log.migplanFilePrefixes.map { "\($0)*" }.joined(separator: ", ")) }
            lines.append(where_.joined(separator: " and ") + ": lines with " + log.patterns.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if lines.isEmpty { lines.append("the dump as a whole") }
        return lines
    }

    private static func anchor(_ id: String) -> String {
        String(id.lowercased().compactMap { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : nil })
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
