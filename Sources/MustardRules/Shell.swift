import MustardModel

/// Quotes a word for a POSIX shell: unchanged when it is plainly safe, else in single quotes. A word from the dump
/// holding control or bidi characters (a newline, an escape) is spelled with `$'…'` escapes instead, so the
/// command stays exact and no such character reaches the report raw.
public func shellQuote(_ word: String) -> String {
    // Byte for byte: every safe character is one ASCII byte, so a word is all safe characters exactly when it is all
    // safe bytes (built once, not per word: remediation of thousands of findings quotes every name).
    if !word.isEmpty, word.everyUTF8Byte({ shellSafeBytes[Int($0)] }) { return word }
    guard word.unicodeScalars.contains(where: isControlOrBidi) else { return "'" + word.replacing("'", with: "'\\''") + "'" }
    var out = "$'"
    for scalar in word.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "'": out += "\\'"
        default:
            if scalar.value < 0x80, isControlOrBidi(scalar) {
                out += "\\x" + hex(scalar.value, digits: 2)
            } else if isControlOrBidi(scalar) {
                out += "\\u" + hex(scalar.value, digits: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "'"
}

private let shellSafeBytes: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,".utf8 { table[Int(byte)] = true }
    return table
}()

/// JSON string literal for a value placed inside a `-p '{...}'` patch; control and bidi characters as `\uXXXX`.
func jsonString(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if isControlOrBidi(ch) {
                out += "\\u" + hex(ch.value, digits: 4)
            } else {
                out.unicodeScalars.append(ch)
            }
        }
    }
    return out + "\""
}

/// C0 controls (tab too), DEL, C1 controls, bidi controls and the line and paragraph separators.
func isControlOrBidi(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
    default: return false
    }
}

private func hex(_ value: UInt32, digits: Int) -> String {
    let h = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - h.count)) + h
}

