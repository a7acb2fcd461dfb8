/// Where a piece of evidence came from: the file in the dump, the cluster, the item in a List.
public struct SourceRef: Sendable, Hashable, Comparable {
    /// Path inside the dump; `!/` marks a step into a nested archive.
    public let path: String
    /// Index of the object inside a `kind: List` file, when it came from one.
    public let listIndex: Int?

    public init(path: String, listIndex: Int? = nil) {
        self.path = path
        self.listIndex = listIndex
    }

    public static func < (l: SourceRef, r: SourceRef) -> Bool {
        (l.path, l.listIndex ?? -1) < (r.path, r.listIndex ?? -1)
    }
}

/// An owner reference (`metadata.ownerReferences[]`).
public struct OwnerReference: Sendable, Hashable {
    public let kind: String
    public let name: String
    public let uid: String
}

/// `metadata`, the part every object shares. Name, namespace, uid and creation time are read once; labels,
/// annotations and owners are read from the object when asked, so they are not held twice.
public struct ObjectMeta: Sendable {
    public let name: String
    public let namespace: String?
    public let uid: String?
    public let creationTimestamp: Timestamp?
    private let raw: Value

    public init(_ v: Value) {
        raw = v
        name = v["name"].string ?? ""
        namespace = v["namespace"].string
        uid = v["uid"].string
        creationTimestamp = v["creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
    }

    public var labels: [String: String] { raw["labels"].stringMap }
    public var annotations: [String: String] { raw["annotations"].stringMap }
    /// One label's value, without building the whole map (hot: every pod is asked for its MTC labels).
    public func label(_ key: String) -> String? { raw["labels"][key].string }
    public func annotation(_ key: String) -> String? { raw["annotations"][key].string }
    public var generateName: String? { raw["generateName"].string }
    public var ownerReferences: [OwnerReference] {
        raw["ownerReferences"].array.map {
            OwnerReference(kind: $0["kind"].string ?? "", name: $0["name"].string ?? "", uid: $0["uid"].string ?? "")
        }
    }
}

/// Any Kubernetes object found in the dump, with the cluster and file it came from.
public struct KubeObject: Sendable {
    public let apiVersion: String
    public let kind: String
    public let metadata: ObjectMeta
    /// The whole object as decoded (Secret values already removed).
    public let body: Value
    /// The cluster the dump says it was gathered from.
    public let cluster: String
    public let source: SourceRef

    public init(body: Value, cluster: String, source: SourceRef) {
        self.body = body
        apiVersion = body["apiVersion"].string ?? ""
        kind = body["kind"].string ?? ""
        metadata = ObjectMeta(body["metadata"])
        self.cluster = cluster
        self.source = source
    }

    /// The API group: `migration.openshift.io` for `migration.openshift.io/v1alpha1`, "" for `v1`.
    public var group: String { Self.group(ofAPIVersion: apiVersion) }

    /// The API group an `apiVersion` names.
    public static func group(ofAPIVersion apiVersion: String) -> String {
        // `split(separator: "/")` by UTF-8 bytes, counting its non-empty parts: rule files' tests ask this of every
        // object they look at, and `split` cost thousands of instructions a call. `apps/v1` → `apps`, `v1` → ``.
        let bytes = apiVersion.utf8
        var parts = 0
        var first: Range<String.Index>?
        var start = bytes.startIndex
        var i = start
        while true {
            let atEnd = i == bytes.endIndex
            if atEnd || bytes[i] == UInt8(ascii: "/") {
                if start != i {
                    parts += 1
                    if first == nil { first = start..<i }
                }
                if atEnd { break }
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        return parts == 2 ? first.map { String(apiVersion[$0]) } ?? "" : ""
    }

    /// `kind/namespace/name` for messages.
    public var reference: String {
        metadata.namespace.map { "\(kind) \($0)/\(metadata.name)" } ?? "\(kind) \(metadata.name)"
    }
}

/// A condition as MTC and Kubernetes write them (`status.conditions[]`).
public struct Condition: Sendable, Hashable {
    public let type: String
    public let status: String
    public let reason: String?
    public let category: String?
    public let message: String?
    public let lastTransitionTime: Timestamp?
    public let durable: Bool

    public init(_ v: Value) {
        type = v["type"].string ?? ""
        status = v["status"].string ?? ""
        reason = v["reason"].string
        category = v["category"].string
        message = v["message"].string
        lastTransitionTime = v["lastTransitionTime"].string.flatMap(Timestamp.init(rfc3339:))
        durable = v["durable"].bool ?? false
    }

    public var isTrue: Bool { status == "True" }

    static func list(_ v: Value) -> [Condition] { v.array.map(Condition.init) }
}

extension Array where Element == Condition {
    /// The condition of that type whose status is True.
    public func active(_ type: String) -> Condition? { first { $0.type == type && $0.isTrue } }
}
