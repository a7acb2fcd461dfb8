/// A label selector as `-l` takes it: `app=web,tier!=db,env in (prod,stage),!canary,release`.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case notExists(String)
    }

    public let requirements: [Requirement]

    public init(parsing text: String) throws {
        var requirements: [Requirement] = []
        for part in Self.split(text) {
            let term = part.trimmingCharacters(in: .whitespaces)
            guard !term.isEmpty else { throw ExploreError.badSelector(text) }
            if let r = term.range(of: " notin ") ?? term.range(of: " in ") {
                let key = term[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let list = term[r.upperBound...].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty, list.hasPrefix("("), list.hasSuffix(")") else { throw ExploreError.badSelector(text) }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                requirements.append(term[r].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let r = term.range(of: "!=") {
                requirements.append(
                    .notEquals(
                        term[..<r.lowerBound].trimmingCharacters(in: .whitespaces),
                        term[r.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                let key = term[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { throw ExploreError.badSelector(text) }
                requirements.append(.equals(key, term[r.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if term.hasPrefix("!") {
                requirements.append(.notExists(String(term.dropFirst()).trimmingCharacters(in: .whitespaces)))
            } else if term.allSatisfy({ !$0.isWhitespace && !"()".contains($0) }) {
                requirements.append(.exists(term))
            } else {
                throw ExploreError.badSelector(text)
            }
        }
        guard !requirements.isEmpty else { throw ExploreError.badSelector(text) }
        self.requirements = requirements
    }

    /// Splits on the commas outside parentheses.
    private static func split(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        return parts
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .isIn(let k, let values): return labels[k].map(values.contains) ?? false
            case .notIn(let k, let values): return labels[k].map { !values.contains($0) } ?? true
            case .exists(let k): return labels[k] != nil
            case .notExists(let k): return labels[k] == nil
            }
        }
    }
}

import Foundation
