import Foundation
import MustardModel

/// The Kubernetes objects a YAML file holds: one object, a `List`'s items, or several documents; and what is wrong
/// with it (empty, not YAML, `oc` error text instead of objects). Shared by the analysis and the explore index.
public enum ObjectDocuments {
    /// All that telling objects apart and counting them by kind reads (`apiVersion`, `kind`, `metadata.name` and
    /// `metadata.namespace`): the rest, most of the bytes, is moved past unread. The same for every kind, so it applies
    /// from an object's first key (`YAMLPruning.kindIndependent`): a ConfigMap's `data`, which sorts before `kind`, is
    /// skipped too.
    public static let identityPruning = YAMLPruning(
        byKind: [:], otherKinds: .keeping(["apiVersion", "kind", "metadata"], inside: [("metadata", .keeping(["name", "namespace"]))]))

    public static func decode(_ bytes: [UInt8], path: String, yaml: YAMLReader) -> (objects: [(Value, SourceRef)], issues: [LoadIssue]) {
        var objects: [(Value, SourceRef)] = []
        var issues: [LoadIssue] = []
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return ([], [LoadIssue(path: path, severity: .info, message: "empty file")])
        }
        let decoded: (documents: [Value], warnings: [String])
        do { decoded = try yaml.documents(bytes) } catch {
            return ([], [LoadIssue(path: path, severity: .error, message: "not readable as YAML, skipped: \(error)", damaged: true)])
        }
        for warning in decoded.warnings { issues.append(LoadIssue(path: path, severity: .warning, message: warning)) }
        for document in decoded.documents {
            switch document {
            case .null:
                continue
            case .mapping where document["kind"].string != nil || !document["items"].array.isEmpty:
                if document["kind"].string?.hasSuffix("List") == true || document["kind"].isNull {
                    for (index, item) in document["items"].array.enumerated() {
                        objects.append((item, SourceRef(path: path, listIndex: index)))
                    }
                } else {
                    objects.append((document, SourceRef(path: path)))
                }
            default:
                issues.append(notAnObject(bytes, path: path))
            }
        }
        return (objects, issues)
    }

    /// A document that is no Kubernetes object: usually `oc` error text redirected into the file, which can
    /// even parse as YAML (`error: the server doesn't have a resource type "events"` is a one-key mapping).
    static func notAnObject(_ bytes: [UInt8], path: String) -> LoadIssue {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        let quoted = SecretScrubber.scrub(String(firstLine.trimmingCharacters(in: .whitespaces).prefix(160)))
        let lower = quoted.lowercased()
        let looksLikeError = ["error", "unable", "the server", "no resources found", "warning:"].contains { lower.hasPrefix($0) }
        if looksLikeError {
            return LoadIssue(
                path: path, severity: .error,
                message:
                    "holds the text of a failed `oc` command instead of objects: \"\(quoted)\"; what it should hold is missing from the analysis",
                damaged: true)
        }
        return LoadIssue(
            path: path, severity: .warning,
            message: "holds YAML that is not a Kubernetes object (no `kind`), starting \"\(quoted)\"; skipped")
    }
}
