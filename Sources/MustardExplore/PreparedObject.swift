import MustardDump
import MustardModel

/// An object made ready for the index on a decoding thread: Secret values removed, its columns worked out, its
/// body encoded. Nothing here touches the database.
struct PreparedObject: Sendable {
    let cluster: String
    let kind: String
    let group: String
    let apiVersion: String
    let namespace: String?
    let name: String
    let created: Timestamp?
    /// When it happened, for sorting events; the creation time for other objects.
    let sortTime: Timestamp?
    /// `key=value` lines, sorted, for label selectors.
    let labels: String
    let involved: (kind: String?, namespace: String?, name: String?)
    let eventType: String?
    let source: SourceRef
    /// Nil when the layout waits for the dump's CRDs (a custom resource without built-in columns).
    let row: String?
    let wide: String?
    let body: [UInt8]
    /// For a CustomResourceDefinition: the kind it defines and its printer columns.
    let definedKind: (info: KindInfo, columns: [PrinterColumn])?

    init(_ raw: Value, cluster: String, source: SourceRef) {
        let body = Self.withoutManagedFields(Redaction.withoutSecretValues(raw))
        let metadata = body["metadata"]
        self.cluster = cluster
        kind = body["kind"].string ?? ""
        apiVersion = body["apiVersion"].string ?? ""
        group = KubeObject.group(ofAPIVersion: apiVersion)
        namespace = metadata["namespace"].string
        name = metadata["name"].string ?? ""
        created = metadata["creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:))
        labels = metadata["labels"].stringMap.map { pair in
            let line = "\(pair.key)=\(pair.value)"
            return line.containsUTF8Byte(0x0A) ? line.replacingOccurrences(of: "\n", with: " ") : line
        }.sorted().joined(separator: "\n")
        self.source = source
        if kind == "Event" {
            let object = EventPrinter.involved(body)
            involved = (object["kind"].string, object["namespace"].string, object["name"].string)
            eventType = body["type"].string
            sortTime = EventPrinter.lastSeen(body)
        } else {
            involved = (nil, nil, nil)
            eventType = nil
            sortTime = created
        }
        if Printers.hasFixedLayout(kind, group: group) {
            let layout = Printers.layout(kind: kind, crdColumns: nil)
            row = CellCoding.encode(Redaction.scrubbed(layout.cells(body)))
            wide = CellCoding.encode(Redaction.scrubbed(layout.wideCells(body)))
        } else {
            row = nil
            wide = nil
        }
        self.body = ValueCodec.encode(body)
        definedKind = kind == "CustomResourceDefinition" ? Self.definition(ofCRD: body) : nil
    }
}

extension PreparedObject {
    /// The kind a CustomResourceDefinition defines, with its names and printer columns; nil without `spec.names.kind`.
    /// Reads only what `definitionPruning` keeps.
    static func definition(ofCRD crd: Value) -> (info: KindInfo, columns: [PrinterColumn])? {
        guard let defined = crd[path: "spec.names.kind"].string else { return nil }
        let names = crd[path: "spec.names"]
        let info = KindInfo(
            kind: defined, group: crd[path: "spec.group"].string ?? "",
            plural: names["plural"].string ?? KindCatalog.guessedPlural(of: defined),
            shortNames: names["shortNames"].array.compactMap(\.string).map { $0.lowercased() },
            namespaced: crd[path: "spec.scope"].string != "Cluster")
        return (info, PrinterColumn.of(crd: crd))
    }

    /// What of a CustomResourceDefinition `definition(ofCRD:)` and an object's identity need: its schemas, most of its
    /// bytes, are moved past unread.
    static let definitionPruning = YAMLPruning(byKind: [
        "CustomResourceDefinition": .keeping(
            ["apiVersion", "kind", "metadata", "spec"],
            inside: [
                ("metadata", .keeping(["name", "namespace"])),
                (
                    "spec",
                    .keeping(
                        ["group", "names", "scope", "versions", "additionalPrinterColumns"],
                        inside: [("versions", .eachItem(.keeping(["name", "served", "storage", "additionalPrinterColumns"])))])
                ),
            ])
    ])

    /// `metadata.managedFields` left out, as `oc get -o yaml` leaves it out unless asked (`--show-managed-fields`):
    /// server-side apply's bookkeeping, often the largest part of an object.
    static func withoutManagedFields(_ body: Value) -> Value {
        guard case .mapping(var object) = body, case .mapping(var metadata)? = object["metadata"], metadata["managedFields"] != nil else {
            return body
        }
        metadata["managedFields"] = nil
        object["metadata"] = .mapping(metadata)
        return .mapping(object)
    }
}

/// What the index keeps of a Secret: its keys, never its values.
enum Redaction {
    static let lastApplied = ObjectSlimmer.lastApplied

    /// `ObjectSlimmer.withoutSecretValues`, plus the copy of the Secret that `kubectl apply` leaves in an annotation.
    static func withoutSecretValues(_ body: Value) -> Value {
        guard body["kind"].string == "Secret" else { return body }
        guard case .mapping(var object) = ObjectSlimmer.withoutSecretValues(body) else { return body }
        if case .mapping(var metadata)? = object["metadata"], case .mapping(var annotations)? = metadata["annotations"],
            annotations[lastApplied] != nil
        {
            annotations[lastApplied] = .scalar(SecretScrubber.placeholder)
            metadata["annotations"] = .mapping(annotations)
            object["metadata"] = .mapping(metadata)
        }
        return .mapping(object)
    }

    /// Cells' texts passed through `SecretScrubber` once, as the index is made, not at each query.
    static func scrubbed(_ cells: [Cell]) -> [Cell] {
        cells.map { cell in
            if case .text(let text) = cell { return .text(SecretScrubber.scrub(text)) }
            return cell
        }
    }

    /// Every text of an object passed through `SecretScrubber` (tokens and passwords in env values, args, messages).
    static func scrubbed(_ value: Value) -> Value {
        switch value {
        case .null: return .null
        case .scalar(let text): return .scalar(SecretScrubber.scrub(text))
        case .sequence(let items): return .sequence(items.map(scrubbed))
        case .mapping(let fields): return .mapping(fields.mapValues(scrubbed))
        }
    }
}

import Foundation
