import MustardModel

/// Parts of Kubernetes objects the fast parser moves past without reading, because the caller drops them anyway
/// (the loader's `ObjectSlimmer`): a healthy pod's environment, probes and mounts are most of its YAML, and building
/// them into values only to free them was a large share of loading a dump of many pods.
///
/// Rules apply from an object's root mapping — a document, or an item of a document's `items` — once its `kind:` is
/// read (`oc` writes keys sorted, so `kind` comes before `metadata`, `spec` and `status`); keys before it are read
/// whole, unless no kind has rules of its own (`kindIndependent`: then they apply from the first key). The result must
/// be what the caller's own dropping gives from the whole object: the caller drops the same parts again, and a test
/// compares both ways on every real dump. Only `OCYAMLParser` prunes; libyaml, the fallback, reads everything.
public struct YAMLPruning: Sendable {
    /// What to do with the keys of one mapping. A class, not an indirect enum: an enum's boxes are held by pointers
    /// with tag bits in them, which LeakSanitizer does not follow from a global (the fuzz target saw the rules as leaked).
    public final class Keys: Sendable {
        /// The names read (`keeping`) or skipped (`dropping`).
        let names: [String]
        let keepsNames: Bool
        /// Rules for the values of some of the keys read; the others are read whole.
        let inside: [(name: String, rules: Keys)]
        /// Only the keys whose text holds this are read, whole.
        let containing: String?
        /// A sequence: each of its mappings under these rules.
        let item: Keys?

        /// Every name in `names` and `inside` is `String.isCanonicallyUnique`: keys are compared by length first.
        let namesAreUnique: Bool

        private init(names: [String], keepsNames: Bool, inside: [(name: String, rules: Keys)], containing: String? = nil, item: Keys? = nil) {
            namesAreUnique = (names + inside.map(\.name)).allSatisfy(\.isCanonicallyUnique)
            self.names = names
            self.keepsNames = keepsNames
            self.inside = inside
            self.containing = containing
            self.item = item
        }

        /// These keys are skipped; those in `inside` are read under their own rules, the others whole.
        public static func dropping(_ names: [String], inside: [(String, Keys)] = []) -> Keys {
            Keys(names: names, keepsNames: false, inside: inside.map { (name: $0.0, rules: $0.1) })
        }

        /// Only these keys are read (those in `inside` under their own rules); the others are skipped.
        public static func keeping(_ names: [String], inside: [(String, Keys)] = []) -> Keys {
            Keys(names: names, keepsNames: true, inside: inside.map { (name: $0.0, rules: $0.1) })
        }

        /// Only the keys whose text holds `text` are read, whole.
        public static func keepingContaining(_ text: String) -> Keys { Keys(names: [], keepsNames: false, inside: [], containing: text) }

        /// A sequence: each of its mappings under `rules`.
        public static func eachItem(_ rules: Keys) -> Keys { Keys(names: [], keepsNames: false, inside: [], item: rules) }

        /// Whether `key` of a mapping under these rules is skipped, and if not, the rules for its value (nil: whole).
        /// The lists are a few names each: searched (`String.isSameText(asUnique:)`) instead of hashed
        /// (hashing every key of every pod cost more than the pruning saved).
        func rules(for key: String) -> (skip: Bool, inside: Keys?) {
            if let containing { return (!key.containsBytes(containing), nil) }
            if item != nil { return (false, nil) }
            var named = false
            for name in names where namesAreUnique ? key.isSameText(asUnique: name) : name == key {
                named = true
                break
            }
            guard named == keepsNames else { return (true, nil) }
            for entry in inside where namesAreUnique ? key.isSameText(asUnique: entry.name) : entry.name == key { return (false, entry.rules) }
            return (false, nil)
        }
    }

    /// The rules for objects of a kind (`kind:` value).
    public var byKind: [String: Keys]
    /// The rules for objects of any other kind; nil: read whole.
    public var otherKinds: Keys?

    public init(byKind: [String: Keys], otherKinds: Keys? = nil) {
        self.byKind = byKind
        self.otherKinds = otherKinds
    }

    func rules(forKind kind: String) -> Keys? { byKind[kind] ?? otherKinds }

    /// The rules of every kind, when no kind has its own: they need not wait for an object's `kind`.
    var kindIndependent: Keys? { byKind.isEmpty ? otherKinds : nil }
}
