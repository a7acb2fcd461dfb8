import MustardModel

/// A compact binary form of a decoded object for the index: decoding it is a copy of bytes, not a YAML parse, so
/// `get -o yaml` and `describe` answer from the index without re-reading the dump. Key order is kept.
///
/// Layout: a tag byte (0 null, 1 scalar, 2 sequence, 3 mapping), then for a scalar its UTF-8 length (LEB128) and
/// bytes, for a sequence its count and items, for a mapping its count and key/value pairs.
enum ValueCodec {
    static func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return out
    }

    /// Nil for bytes this codec did not write (a damaged or foreign index row).
    static func decode(_ bytes: [UInt8]) -> Value? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.offset == bytes.count else { return nil }
        return value
    }

    private static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(0)
        case .scalar(let text):
            out.append(1)
            writeString(text, into: &out)
        case .sequence(let items):
            out.append(2)
            writeCount(items.count, into: &out)
            for item in items { write(item, into: &out) }
        case .mapping(let fields):
            out.append(3)
            writeCount(fields.count, into: &out)
            // By index: the mapping's iterator boxes each pair, a visible cost over a whole dump.
            let keys = fields.keys, values = fields.values
            for i in keys.indices {
                writeString(keys[i], into: &out)
                write(values[i], into: &out)
            }
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        writeCount(text.utf8.count, into: &out)
        out.appendUTF8(of: text)
    }

    private static func writeCount(_ count: Int, into out: inout [UInt8]) {
        var n = UInt64(count)
        repeat {
            let byte = UInt8(n & 0x7F)
            n >>= 7
            out.append(n == 0 ? byte : byte | 0x80)
        } while n != 0
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func count() -> Int? {
            var n: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count, shift < 63 {
                let byte = bytes[offset]
                offset += 1
                n |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return n <= UInt64(bytes.count) ? Int(n) : nil }
                shift += 7
            }
            return nil
        }

        mutating func string() -> String? {
            guard let n = count(), offset + n <= bytes.count else { return nil }
            defer { offset += n }
            return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
        }

        mutating func value(depth: Int) -> Value? {
            guard offset < bytes.count, depth < 512 else { return nil }
            let tag = bytes[offset]
            offset += 1
            switch tag {
            case 0:
                return .null
            case 1:
                return string().map(Value.scalar)
            case 2:
                guard let n = count() else { return nil }
                var items: [Value] = []
                items.reserveCapacity(n)
                for _ in 0..<n {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                }
                return .sequence(items)
            case 3:
                guard let n = count() else { return nil }
                var keys: [String] = [], values: [Value] = []
                keys.reserveCapacity(n)
                values.reserveCapacity(n)
                for _ in 0..<n {
                    guard let key = string(), let item = value(depth: depth + 1) else { return nil }
                    keys.append(key)
                    values.append(item)
                }
                // Keys were distinct when written; a duplicate means the row is not ours.
                guard Set(keys).count == keys.count else { return nil }
                return .mapping(Fields(distinctKeys: keys, values: values))
            default:
                return nil
            }
        }
    }
}
