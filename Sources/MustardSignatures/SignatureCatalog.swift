import Foundation
import MustardModel
import MustardYAML

/// Where a quoted message comes from; a signature may be limited to some of them (`where:` in the catalog).
public enum MessageOrigin: String, Sendable, CaseIterable {
    /// A condition's message (MTC CRs, pods, DVMs).
    case condition
    /// A Velero Backup, Restore or PodVolumeBackup/Restore status, or velero describe output.
    case veleroStatus = "velero-status"
    /// A Kubernetes event's message (or the controller's log line forwarding one).
    case event
    /// A log line (controller, Velero, restic/node-agent, rsync).
    case log
    /// A container status: waiting or terminated reason and message.
    case status
}

/// One step of a signature's fix, as a template: `{{name}}` is filled from the dump.
public struct SignatureStep: Sendable, Equatable {
    public let title: String
    /// The cluster it runs on, as a template (`{{cluster}}`, `{{host}}`, `{{remote}}`).
    public let cluster: String
    public let command: String
    public let verify: String
    /// What `verify` prints when the fix worked (shown beside it, never appended to the command).
    public let expect: String
}

/// The upstream file a signature's text was checked against.
public struct SignatureSource: Sendable, Equatable {
    public let repo: String
    public let file: String
}

/// A known error message: how to recognise it, its cause in plain words, the fix that follows, and what evidence
/// decides when the text alone cannot (docs/signatures.md).
/// A class: the catalog hands each one to every evidence text of every finding, and a struct of this many references
/// was copied at each call.
public final class Signature: Sendable {
    public let id: String
    public let title: String
    /// Substrings, any of which must occur (case-sensitive).
    public let any: [String]
    /// A regular expression (ICU syntax) that must match; its named groups become template values.
    public let regex: NSRegularExpression?
    public let regexPattern: String?
    /// Empty: any origin.
    public let origins: Set<MessageOrigin>
    /// Kinds of the finding's subject the signature speaks about (`subjects:`); empty: any. The same network error
    /// means a wrong storage endpoint on a MigStorage and an unreachable API server on a MigCluster.
    public let subjects: Set<String>
    public let sources: [SignatureSource]
    public let cause: String
    public let fix: [SignatureStep]
    /// What evidence would decide between causes the text leaves open; empty when the text decides.
    public let decide: String
    /// Ids of more specific signatures: when one of them matches the same text, this one does not.
    public let unless: [String]
    /// A fixture dump (path from the package root) in which this signature must be named.
    public let fixture: String

    public init(
        id: String, title: String, any: [String], regex: NSRegularExpression?, regexPattern: String?, origins: Set<MessageOrigin>,
        subjects: Set<String>, sources: [SignatureSource], cause: String, fix: [SignatureStep], decide: String, unless: [String],
        fixture: String
    ) {
        self.id = id
        self.title = title
        self.any = any
        self.regex = regex
        self.regexPattern = regexPattern
        self.origins = origins
        self.subjects = subjects
        self.sources = sources
        self.cause = cause
        self.fix = fix
        self.decide = decide
        self.unless = unless
        self.fixture = fixture
    }

    /// The named values the text gives (the regex's named groups), or nil when the text does not match.
    public func match(_ text: String, origin: MessageOrigin?) -> [String: String]? {
        match(text, origin: origin) { text.containsLikeFoundation(any[$0]) }
    }

    /// The same, `holds(i)` telling whether `any[i]` occurs in the text (the catalog answers from one scan).
    func match(_ text: String, origin: MessageOrigin?, holds: (Int) -> Bool) -> [String: String]? {
        if let origin, !origins.isEmpty, !origins.contains(origin) { return nil }
        if !any.isEmpty, !any.indices.contains(where: holds) { return nil }
        guard let regex else { return any.isEmpty ? nil : [:] }
        // Bounded input: quotes are cut long before this, and the catalog's patterns are linear in practice.
        let bounded = String(text.utf8.prefix(4096)) ?? text
        let range = NSRange(bounded.startIndex..., in: bounded)
        guard let m = regex.firstMatch(in: bounded, range: range) else { return nil }
        var values: [String: String] = [:]
        for name in Self.groupNames(regexPattern ?? "") {
            let r = m.range(withName: name)
            if r.location != NSNotFound, let sr = Range(r, in: bounded) { values[name] = String(bounded[sr]) }
        }
        return values
    }

    /// `(?<name>` groups in a pattern, in order.
    static func groupNames(_ pattern: String) -> [String] {
        var names: [String] = []
        var rest = pattern[...]
        while let open = rest.range(of: "(?<") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: ">") else { break }
            let name = after[..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.append(String(name)) }
            rest = after[close...]
        }
        return names
    }
}

/// A signature that matched a text, with the values its regex captured.
public struct SignatureMatch: Sendable {
    public let signature: Signature
    public let captures: [String: String]
}

/// Why the catalog could not be read; a test makes sure the embedded one always is.
public struct SignatureCatalogError: Error, CustomStringConvertible {
    public let description: String
}

/// The catalog of known error signatures, decoded from the YAML embedded in the binary.
public struct SignatureCatalog: Sendable {
    public let signatures: [Signature]
    /// Every signature's `any` substrings, searched in one pass over a text.
    private let scan: NeedleScan
    /// By signature, then by `any` entry: the entry's needle in `scan`, nil when it is not searched by bytes.
    private let needleOfAny: [[Int?]]

    /// The catalog shipped in the binary (`signatures.yaml`); empty only if it failed to decode, which a test forbids.
    public static let builtIn: SignatureCatalog = (try? SignatureCatalog(yaml: PackageResources.signatures_yaml)) ?? SignatureCatalog(signatures: [])

    /// Why the built-in catalog does not decode, or nil.
    public static var builtInError: String? {
        do {
            _ = try SignatureCatalog(yaml: PackageResources.signatures_yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    public init(signatures: [Signature]) {
        self.signatures = signatures
        let scan = NeedleScan(signatures.flatMap(\.any))
        self.scan = scan
        needleOfAny = signatures.map { $0.any.map { scan.index[$0] } }
        refusesByScan = needleOfAny.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 != nil } }
    }

    /// Whether the one pass (`NeedleScan`) can refuse a text: every signature has `any` substrings (a catalog made
    /// in code may have one without, decided by its regex alone), all of them answered by the pass, none by Foundation.
    private let refusesByScan: Bool

    /// False when no signature can match `text`: the one pass finds none of the catalog's substrings, and each
    /// signature needs one of its own (`match.any`, which the decoded catalog requires). Most quoted statements hold
    /// none, and answering them here spares the run's cache of matches a key and a look-up each (rule files quoting
    /// thousands of objects).
    public func mayMatch(_ text: String) -> Bool {
        guard refusesByScan, let scanned = scan.answers(in: text) else { return true }
        return scanned.contains { $0 != false }
    }

    /// Decodes a catalog; every entry must have an id, a cause, a match and a fixture, and every regex must compile.
    public init(yaml bytes: [UInt8]) throws {
        let documents = try YAMLReader().documents(bytes).documents
        guard let root = documents.first else { throw SignatureCatalogError(description: "empty catalog") }
        guard root["version"].int == 1 else { throw SignatureCatalogError(description: "catalog version must be 1") }
        var out: [Signature] = []
        var ids = Set<String>()
        for (index, entry) in root["signatures"].array.enumerated() {
            func required(_ key: String) throws -> String {
                guard let v = entry[key].string, !v.isEmpty else {
                    throw SignatureCatalogError(description: "signature \(entry["id"].string ?? "#\(index)"): `\(key)` is missing")
                }
                return v
            }
            let id = try required("id")
            guard ids.insert(id).inserted else { throw SignatureCatalogError(description: "signature \(id) is defined twice") }
            let any = entry[path: "match.any"].array.compactMap(\.string)
            let pattern = entry[path: "match.regex"].string
            var regex: NSRegularExpression?
            if let pattern {
                do { regex = try NSRegularExpression(pattern: pattern) } catch {
                    throw SignatureCatalogError(description: "signature \(id): regex does not compile: \(error)")
                }
            }
            guard !any.isEmpty else {
                throw SignatureCatalogError(description: "signature \(id): `match` needs `any` (with a regex: text the regex cannot match without)")
            }
            var origins = Set<MessageOrigin>()
            for w in entry["where"].array.compactMap(\.string) {
                guard let origin = MessageOrigin(rawValue: w) else { throw SignatureCatalogError(description: "signature \(id): unknown origin `\(w)`") }
                origins.insert(origin)
            }
            let steps = try entry["fix"].array.map { step in
                guard let title = step["title"].string, let command = step["command"].string, let cluster = step["cluster"].string else {
                    throw SignatureCatalogError(description: "signature \(id): a fix step needs title, cluster and command")
                }
                return SignatureStep(
                    title: title, cluster: cluster, command: command, verify: step["verify"].string ?? "", expect: step["expect"].string ?? "")
            }
            guard !steps.isEmpty else { throw SignatureCatalogError(description: "signature \(id): `fix` has no step") }
            let sources = entry["source"].array.compactMap { s in s["repo"].string.map { SignatureSource(repo: $0, file: s["file"].string ?? "") } }
            guard !sources.isEmpty else { throw SignatureCatalogError(description: "signature \(id): `source` is missing") }
            out.append(Signature(
                id: id, title: try required("title"), any: any, regex: regex, regexPattern: pattern, origins: origins,
                subjects: Set(entry["subjects"].array.compactMap(\.string)),
                sources: sources, cause: try required("cause"), fix: steps, decide: entry["decide"].string ?? "",
                unless: entry["unless"].array.compactMap(\.string), fixture: try required("fixture")))
        }
        for s in out { for u in s.unless where !ids.contains(u) { throw SignatureCatalogError(description: "signature \(s.id): unless names unknown \(u)") } }
        self.init(signatures: out)
    }

    /// The signatures a text matches, in catalog order, less those a more specific match excludes (`unless`).
    public func matches(_ text: String, origin: MessageOrigin? = nil, subject: String? = nil) -> [SignatureMatch] {
        // Each needle's answer, from one pass over the text (nil: a text the bytes cannot answer for).
        let scanned = scan.answers(in: text)
        let found = signatures.indices.compactMap { k -> SignatureMatch? in
            let s = signatures[k]
            if let subject, !s.subjects.isEmpty, !s.subjects.contains(subject) { return nil }
            let captures = s.match(text, origin: origin) { i in
                guard let scanned, let needle = needleOfAny[k][i], let answer = scanned[needle] else { return text.containsLikeFoundation(s.any[i]) }
                return answer
            }
            return captures.map { SignatureMatch(signature: s, captures: $0) }
        }
        let ids = Set(found.map(\.signature.id))
        return found.filter { m in !m.signature.unless.contains(where: ids.contains) }
    }

    public func signature(id: String) -> Signature? { signatures.first { $0.id == id } }
}

/// Substrings found in one pass over a text's bytes, with `ByteSearch.asciiContains`'s answer for each: a finding's
/// statements are searched for every signature's substrings, and a search per substring and statement was most of
/// what signature advice cost. Each needle is indexed by its first three bytes; the pass looks up only the positions
/// whose three bytes some needle starts with (a bit table), then compares the needles that start there.
struct NeedleScan: Sendable {
    /// The needles searched by bytes: ASCII, at least three bytes, no CR or LF (as `asciiContains` requires).
    private let needles: [[UInt8]]
    /// Needle text → its place in `needles`.
    let index: [String: Int]
    /// A bit for each 16-bit hash of a needle's first three bytes.
    private let starts: [UInt64]
    private let byStart: [UInt32: [Int]]

    init(_ texts: [String]) {
        var needles: [[UInt8]] = []
        var index: [String: Int] = [:]
        var starts = [UInt64](repeating: 0, count: 1024)
        var byStart: [UInt32: [Int]] = [:]
        for text in texts where index[text] == nil {
            let bytes = Array(text.utf8)
            guard bytes.count >= 3, bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }) else { continue }
            index[text] = needles.count
            let key = Self.key(bytes[0], bytes[1], bytes[2])
            starts[Int(Self.hash(key) >> 6)] |= 1 << (Self.hash(key) & 63)
            byStart[key, default: []].append(needles.count)
            needles.append(bytes)
        }
        self.needles = needles
        self.index = index
        self.starts = starts
        self.byStart = byStart
    }

    private static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 { UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c) }
    private static func hash(_ key: UInt32) -> UInt32 { (key &* 0x9E37_79B1) >> 16 }

    /// By needle: true or false, or nil where Foundation must answer (a match followed by a byte past ASCII), as
    /// `ByteSearch.asciiContains` answers; nil for the whole text when it holds a character canonically equal to
    /// ASCII. A test compares both on the catalog and on texts outside ASCII.
    func answers(in text: String) -> [Bool?]? {
        var text = text
        return text.withUTF8 { t -> [Bool?]? in
            let outsideASCII = t.contains(where: { $0 >= 0x80 })
            if outsideASCII, ByteSearch.holdsASCIISingleton(t) { return nil }
            var found = [Bool?](repeating: false, count: needles.count)
            guard t.count >= 3, let base = t.baseAddress else { return found }
            for i in 0...(t.count - 3) {
                let key = Self.key(t[i], t[i + 1], t[i + 2])
                let h = Self.hash(key)
                guard starts[Int(h >> 6)] & (1 << (h & 63)) != 0, let candidates = byStart[key] else { continue }
                for j in candidates where found[j] != true {
                    let needle = needles[j]
                    let after = i + needle.count
                    guard after <= t.count, needle.withUnsafeBufferPointer({ memcmp(base + i, $0.baseAddress!, needle.count) == 0 }) else { continue }
                    // Past ASCII, a match followed by a byte past ASCII may end inside a combining sequence: unsure.
                    if !outsideASCII || after == t.count || t[after] < 0x80 { found[j] = true } else { found[j] = nil }
                }
            }
            return found
        }
    }
}
