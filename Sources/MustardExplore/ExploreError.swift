/// Why a query has no answer: a usage error, each with the names the user most likely meant.
public enum ExploreError: Error, Equatable, CustomStringConvertible {
    case unknownKind(String, suggestions: [String])
    case notFound(kind: String, name: String, scope: String, suggestions: [String])
    case unknownCluster(String, known: [String])
    case unknownNamespace(String, suggestions: [String])
    /// The name is in several namespaces or clusters: `-n` or `--cluster` must say which.
    case ambiguous(what: String, candidates: [String])
    case noLog(pod: String, reason: String)
    case badSelector(String)
    case badDuration(String)

    public var description: String {
        func meant(_ names: [String]) -> String {
            names.isEmpty ? "" : "; did you mean " + names.map { "`\($0)`" }.joined(separator: " or ") + "?"
        }
        switch self {
        case .unknownKind(let word, let suggestions):
            return "the dump has no resource type \"\(word)\"\(meant(suggestions)) (`mustard ls DUMP` lists the kinds it holds)"
        case .notFound(let kind, let name, let scope, let suggestions):
            return "\(kind) \"\(name)\" not found\(scope.isEmpty ? "" : " in \(scope)")\(meant(suggestions))"
        case .unknownCluster(let name, let known):
            let near = EditDistance.nearest(name, among: known)
            return "the dump has no cluster \"\(name)\"\(meant(near)) (clusters: \(known.joined(separator: ", ")))"
        case .unknownNamespace(let name, let suggestions):
            return "the dump has no namespace \"\(name)\"\(meant(suggestions))"
        case .ambiguous(let what, let candidates):
            return "\(what) is in several places: \(candidates.joined(separator: ", ")); say which with -n NAMESPACE or --cluster CLUSTER"
        case .noLog(let pod, let reason):
            return "no log of pod \"\(pod)\": \(reason)"
        case .badSelector(let text):
            return
                "cannot read label selector \"\(text)\": use key=value, key!=value, key, !key, key in (a,b) or key notin (a,b), comma-separated"
        case .badDuration(let text):
            return "cannot read duration \"\(text)\": use a number with s, m, h or d (e.g. 90s, 15m, 2h, 1d)"
        }
    }
}
