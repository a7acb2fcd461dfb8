import MustardExplore

/// "Did you mean …?" for a mistyped subcommand or rule id.
enum Suggestions {
    /// The subcommand a word most likely meant: within two edits of its name, or a prefix of it (`rule`, `analyse`).
    static func subcommand(for word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        guard !names.contains(lowered) else { return nil }
        return names.first { $0.hasPrefix(lowered) && lowered.count >= 3 }
            ?? names.map { ($0, distance(lowered, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    /// The rule id meant by a word: the one whose name after the category matches (`migration-stuck`), else the
    /// shortest it begins, else the nearest within a third of its length.
    static func closest(to word: String, among ids: [String]) -> String? {
        let lowered = word.lowercased()
        if let exact = ids.first(where: { $0.split(separator: "/").last.map(String.init) == lowered }) { return exact }
        if let exact = ids.first(where: { $0.lowercased() == lowered }) { return exact }
        // The start of an id, past its category (`mtc/stage-pod-image` for `mtc/stage-pod-image-misconfigured`).
        if let slash = lowered.firstIndex(of: "/"), lowered[slash...].count > 3,
            let started = ids.filter({ $0.lowercased().hasPrefix(lowered) }).min(by: { $0.count < $1.count }) {
            return started
        }
        let scored = ids.map { id -> (String, Int) in
            let name = id.split(separator: "/").last.map(String.init) ?? id
            return (id, min(distance(lowered, id), distance(lowered, name)))
        }
        return scored.filter { $0.1 <= max(2, lowered.count / 3) }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance over characters (the library's, which names kinds, names and clusters the same way).
    static func distance(_ a: String, _ b: String) -> Int { EditDistance.between(a, b) }
}
