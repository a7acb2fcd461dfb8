import Foundation
import MustardReport
import MustardModel

/// An object as JSON or YAML text, the way `oc get -o json|yaml` prints it.
///
/// The dump's YAML reader keeps every scalar as text (`Value`), so whether `3` was a number or the string "3" is
/// decided here, as Kubernetes' schema decides it: values of string maps (labels, annotations, data…) and
/// fields that are always strings (`name`, `value`, `resourceVersion`…) stay strings; elsewhere an unquoted-looking
/// integer, float, `true`/`false` or `null` is written as such.
public enum ValueText {
    /// Maps whose values are strings whatever they look like.
    static let stringMaps: Set<String> = [
        "labels", "annotations", "data", "stringData", "binaryData", "nodeSelector", "matchLabels", "selector",
    ]
    /// Fields that are strings in every Kubernetes and MTC schema mustard prints.
    static let stringFields: Set<String> = [
        "name", "namespace", "value", "resourceVersion", "uid", "generateName", "message", "reason", "image", "version",
        "hostname", "key", "path", "type", "status", "phase",
    ]

    enum Scalar { case string(String), plain(String) }

    static func typed(_ text: String, key: String?, parent: String?) -> Scalar {
        if let parent, stringMaps.contains(parent) { return .string(text) }
        if let key, stringFields.contains(key) { return .string(text) }
        return looksTyped(text) ? .plain(text) : .string(text)
    }

    /// An integer, a float, a bool or null as YAML 1.2's core schema spells them.
    static func looksTyped(_ text: String) -> Bool {
        if text == "true" || text == "false" || text == "null" { return true }
        guard !text.isEmpty, text.count <= 40 else { return false }
        let body = text.first == "-" ? text.dropFirst() : Substring(text)
        guard let first = body.first, first.isASCII, first.isNumber else { return false }
        // No leading zeros (`007` is a string), one optional fraction and exponent.
        if body.count > 1, first == "0", body.dropFirst().first?.isNumber == true { return false }
        return Double(String(body)) != nil && body.allSatisfy { $0.isASCII && ($0.isNumber || ".eE+-".contains($0)) }
    }

    // MARK: - JSON

    /// Pretty JSON with two-space indentation, keys in the object's order.
    public static func json(_ value: Value) -> String {
        var out = ""
        writeJSON(value, key: nil, parent: nil, indent: 0, into: &out)
        return out + "\n"
    }

    /// JSON on one line, without spaces (a table cell's, as `oc` prints an object in a column).
    public static func compactJSON(_ value: Value) -> String {
        var out = ""
        writeJSON(value, key: nil, parent: nil, indent: nil, into: &out)
        return out
    }

    /// `indent` nil: on one line.
    private static func writeJSON(_ value: Value, key: String?, parent: String?, indent: Int?, into out: inout String) {
        let pad = indent.map { String(repeating: "  ", count: $0 + 1) } ?? "", closePad = indent.map { String(repeating: "  ", count: $0) } ?? ""
        let open = indent == nil ? "" : "\n", comma = indent == nil ? "," : ",\n", colon = indent == nil ? ":" : ": "
        let inner = indent.map { $0 + 1 }
        switch value {
        case .null:
            out += "null"
        case .scalar(let text):
            switch typed(text, key: key, parent: parent) {
            case .plain(let p): out += p
            case .string(let s): out += jsonString(s)
            }
        case .sequence(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + open
            for (i, item) in items.enumerated() {
                out += pad
                writeJSON(item, key: nil, parent: key, indent: inner, into: &out)
                out += i == items.count - 1 ? open : comma
            }
            out += closePad + "]"
        case .mapping(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{" + open
            var i = 0
            for (k, item) in fields {
                out += pad + jsonString(k) + colon
                writeJSON(item, key: k, parent: key, indent: inner, into: &out)
                i += 1
                out += i == fields.count ? open : comma
            }
            out += closePad + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Control, bidi and line-separator characters: escaped, so the output cannot drive a terminal.
                if Neutralizer.isUnsafe(scalar.value) {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: - YAML

    /// Block YAML as `oc` writes it: two spaces a level, a sequence's dashes at its key's indentation.
    public static func yaml(_ value: Value) -> String {
        var out = ""
        switch value {
        case .mapping(let fields) where !fields.isEmpty:
            writeMapping(fields, parent: nil, indent: 0, into: &out)
        case .sequence(let items) where !items.isEmpty:
            writeSequence(items, parent: nil, indent: 0, into: &out)
        default:
            out += inline(value, key: nil, parent: nil) + "\n"
        }
        return out
    }

    private static func writeMapping(
        _ fields: Fields, parent: String?, indent: Int, firstLinePrefixed: Bool = false, into out: inout String
    ) {
        let pad = String(repeating: " ", count: indent)
        var first = true
        for (key, item) in fields {
            let lead = first && firstLinePrefixed ? "" : pad
            first = false
            out += lead + yamlKey(key) + ":"
            switch item {
            case .mapping(let inner) where !inner.isEmpty:
                out += "\n"
                writeMapping(inner, parent: key, indent: indent + 2, into: &out)
            case .sequence(let items) where !items.isEmpty:
                out += "\n"
                writeSequence(items, parent: key, indent: indent, into: &out)
            default:
                out += " " + inline(item, key: key, parent: parent) + "\n"
            }
        }
    }

    private static func writeSequence(_ items: [Value], parent: String?, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            out += pad + "- "
            switch item {
            case .mapping(let inner) where !inner.isEmpty:
                writeMapping(inner, parent: parent, indent: indent + 2, firstLinePrefixed: true, into: &out)
            case .sequence(let inner) where !inner.isEmpty:
                out += "\n"
                writeSequence(inner, parent: parent, indent: indent + 2, into: &out)
            default:
                out += inline(item, key: nil, parent: parent) + "\n"
            }
        }
    }

    private static func inline(_ value: Value, key: String?, parent: String?) -> String {
        switch value {
        case .null: return "null"
        case .mapping: return "{}"
        case .sequence: return "[]"
        case .scalar(let text):
            switch typed(text, key: key, parent: parent) {
            case .plain(let p): return p
            case .string(let s): return yamlString(s)
            }
        }
    }

    private static func yamlKey(_ key: String) -> String {
        needsQuotes(key) ? yamlString(key, force: true) : key
    }

    /// A string scalar, quoted only where plain text would read back as something else.
    static func yamlString(_ text: String, force: Bool = false) -> String {
        if !force, !needsQuotes(text) { return text }
        return jsonString(text)  // JSON's double-quoted string is YAML's too, as `oc` quotes.
    }

    static let yamlReserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n", ".inf", "-.inf", "+.inf", ".nan",
    ]

    static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if yamlReserved.contains(text.lowercased()) || looksTyped(text) { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) || first == " " || last == " " { return true }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        // Numbers, times and versions: quoted as `oc` quotes them, so no reader takes them for numbers or dates.
        if first.properties.numericType != nil || first == "+" || first == "." { return true }
        return text.unicodeScalars.contains { Neutralizer.isUnsafe($0.value) || $0 == "\t" }
    }
}
