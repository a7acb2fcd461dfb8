import MustardModel

/// Parts of Kubernetes objects the fast parser moves past without reading, because the caller drops them anyway
/// (the loader's `ObjectSlimmer`): a healthy pod's environment, probes and mounts are most of its YAML, and building
/// them into values only to free them was a large share of loading a dump of many pods.
///
/// Rules apply from an object's root mapping — a document, or an item of a document's `items` — once its `kind:` is
/// read (`oc` writes keys sorted, so `kind` comes before `metadata`, `spec` and `status`); keys before it are read
/// whole. The result must be what the caller's own dropping gives from the whole object: the caller drops the same
/// parts again, and a test compares both ways on every real dump. Only `OCYAMLParser` prunes; libyaml, the fallback,
/// reads everything.
public struct YAMLPruning: Sendable {
    /// What to do with the keys of one mapping.
    public indirect enum Keys: Sendable {
        /// These keys are skipped; those in `inside` are read under their own rules, the others whole.
        case dropping([String], inside: [(String, Keys)] = [])
        /// Only these keys are read (those in `inside` under their own rules); the others are skipped.
        case keeping([String], inside: [(String, Keys)] = [])
        /// Only the keys whose text holds this are read, whole.
        case keepingContaining(String)
        /// A sequence: each of its mappings under these rules.
        case eachItem(Keys)
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
}

extension YAMLPruning.Keys {
    /// Whether `key` of a mapping under these rules is skipped, and if not, the rules for its value (nil: whole).
    /// The sets are a few names each: searched by `==`, which compares small strings in place, instead of hashed
    /// (hashing every key of every pod cost more than the pruning saved).
    func rules(for key: String) -> (skip: Bool, inside: YAMLPruning.Keys?) {
        switch self {
        case .dropping(let dropped, let inside):
            return Self.holds(dropped, key) ? (true, nil) : (false, Self.rules(inside, key))
        case .keeping(let kept, let inside):
            return Self.holds(kept, key) ? (false, Self.rules(inside, key)) : (true, nil)
        case .keepingContaining(let text): return (!key.containsBytes(text), nil)
        case .eachItem: return (false, nil)
        }
    }

    private static func holds(_ names: [String], _ key: String) -> Bool {
        for name in names where name == key { return true }
        return false
    }

    private static func rules(_ inside: [(String, YAMLPruning.Keys)], _ key: String) -> YAMLPruning.Keys? {
        for (name, rules) in inside where name == key { return rules }
        return nil
    }
}
