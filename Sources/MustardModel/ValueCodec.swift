/// A compact binary form of a decoded object: decoding it is a copy of bytes, not a YAML parse. The explorer's index
/// stores objects so (`get -o yaml` and `describe` answer without re-reading the dump), and the loader holds pods that
/// wait for the walk's end so (`PodsAwaitingEvents`): a few kilobytes each instead of a tree of allocations. Key
/// order is kept.
///
/// Layout: a tag byte (0 null, 1 scalar, 2 sequence, 3 mapping), then for a scalar its UTF-8 length (LEB128) and
/// bytes, for a sequence its count and items, for a mapping its count and key/value pairs.
public enum ValueCodec {
    public static func encode(_ value: Value) -> [UInt8] {
        // Measured, then written in place: appending byte by byte to a growing array cost 600 instructions a node,
        // and a held pod has seventy nodes.
        let size = encodedSize(value)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var writer = Writer(base: buffer.baseAddress!)
            writer.write(value)
            precondition(writer.offset == size, "ValueCodec measured \(size) bytes and wrote \(writer.offset)")
            count = size
        }
    }

    /// Nil for bytes this codec did not write (a damaged or foreign index row).
    public static func decode(_ bytes: [UInt8]) -> Value? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.offset == bytes.count else { return nil }
        return value
    }

    private static func encodedSize(_ value: Value) -> Int {
        switch value {
        case .null: return 1
        case .scalar(let text): return 1 + stringSize(text)
        case .sequence(let items):
            var size = 1 + countSize(items.count)
            for item in items { size += encodedSize(item) }
            return size
        case .mapping(let fields):
            var size = 1 + countSize(fields.count)
            for key in fields.keys { size += stringSize(key) }
            for item in fields.values { size += encodedSize(item) }
            return size
        }
    }

    private static func stringSize(_ text: String) -> Int {
        let n = text.utf8.count
        return countSize(n) + n
    }

    /// LEB128: seven bits a byte.
    private static func countSize(_ count: Int) -> Int {
        var n = UInt64(count), size = 1
        while n >= 0x80 {
            n >>= 7
            size += 1
        }
        return size
    }

    /// Writes into memory `encodedSize` measured.
    private struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        var offset = 0

        mutating func write(_ value: Value) {
            switch value {
            case .null:
                byte(0)
            case .scalar(let text):
                byte(1)
                string(text)
            case .sequence(let items):
                byte(2)
                count(items.count)
                for item in items { write(item) }
            case .mapping(let fields):
                byte(3)
                count(fields.count)
                // By index: the mapping's iterator boxes each pair, a visible cost over a whole dump.
                let keys = fields.keys, values = fields.values
                for i in keys.indices {
                    string(keys[i])
                    write(values[i])
                }
            }
        }

        @inline(__always)
        mutating func byte(_ b: UInt8) {
            base[offset] = b
            offset += 1
        }

        mutating func count(_ count: Int) {
            var n = UInt64(count)
            repeat {
                let low = UInt8(n & 0x7F)
                n >>= 7
                byte(n == 0 ? low : low | 0x80)
            } while n != 0
        }

        mutating func string(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                count(bytes.count)
                guard let source = bytes.baseAddress else { return }
                (base + offset).update(from: source, count: bytes.count)
                offset += bytes.count
            }
        }
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
