/// A compact binary form of a decoded object: decoding it is a copy of bytes, not a YAML parse. The explorer's index
/// stores objects so (`get -o yaml` and `describe` answer without re-reading the dump), and the loader holds pods that
/// wait for the walk's end so (`PodsAwaitingEvents`): a few kilobytes each instead of a tree of allocations. Key
/// order is kept.
///
/// Layout: a tag byte (0 null, 1 scalar, 2 sequence, 3 mapping), then for a scalar its UTF-8 length (LEB128) and
/// bytes, for a sequence its count and items, for a mapping its count and key/value pairs.
public enum ValueCodec {
    public static func encode(_ value: Value) -> [UInt8] {
        // One pass into a scratch buffer that doubles when full, then one copy out: appending byte by byte to a growing
        // array cost 600 instructions a node, and measuring the tree first walked it twice (a held pod has seventy
        // nodes; the explorer's index encodes every object).
        var writer = Writer(capacity: 4096)
        defer { writer.base.deallocate() }
        writer.write(value)
        return [UInt8](UnsafeBufferPointer(start: writer.base, count: writer.offset))
    }

    /// Nil for bytes this codec did not write (a damaged or foreign index row).
    public static func decode(_ bytes: [UInt8]) -> Value? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.offset == bytes.count else { return nil }
        return value
    }

    /// Writes into memory it owns, growing it as needed.
    private struct Writer {
        var base: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var offset = 0

        init(capacity: Int) {
            base = .allocate(capacity: capacity)
            self.capacity = capacity
        }

        /// Room for `n` more bytes.
        @inline(__always)
        mutating func reserve(_ n: Int) {
            if offset + n > capacity { grow(to: offset + n) }
        }

        @inline(never)
        mutating func grow(to needed: Int) {
            let larger = max(needed, capacity * 2)
            let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            moved.update(from: base, count: offset)
            base.deallocate()
            base = moved
            capacity = larger
        }

        mutating func write(_ value: Value) {
            // A tag and a count take at most 11 bytes (a count is at most ten LEB128 bytes).
            reserve(11)
            switch value {
            case .null:
                byte(0)
            case .scalar(let text):
                byte(1)
                string(text)
            case .sequence(let items):
                byte(2)
                count(items.count)
                // Over the stored items: iterating the array retained and released each one.
                items.withUnsafeBufferPointer { items in
                    for item in items { write(item) }
                }
            case .mapping(let fields):
                byte(3)
                count(fields.count)
                fields.keys.withUnsafeBufferPointer { keys in
                    fields.values.withUnsafeBufferPointer { values in
                        for i in 0..<keys.count {
                            string(keys[i])
                            write(values[i])
                        }
                    }
                }
            }
        }

        @inline(__always)
        mutating func byte(_ b: UInt8) {
            base[offset] = b
            offset += 1
        }

        /// LEB128: seven bits a byte. The caller reserved the room.
        @inline(__always)
        mutating func count(_ count: Int) {
            var n = UInt64(count)
            while n >= 0x80 {
                byte(UInt8(n & 0x7F) | 0x80)
                n >>= 7
            }
            byte(UInt8(n))
        }

        mutating func string(_ text: String) {
            // The stored bytes when the string has them (always, for what the YAML readers make), else a copy.
            if let done = text.utf8.withContiguousStorageIfAvailable({ bytes(UnsafeRawBufferPointer($0)) }) { return done }
            var text = text
            text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
        }

        /// A string's UTF-8 with its length before it.
        @inline(__always)
        mutating func bytes(_ source: UnsafeRawBufferPointer) {
            let n = source.count
            reserve(n + 10)
            count(n)
            guard let from = source.baseAddress else { return }
            UnsafeMutableRawPointer(base + offset).copyMemory(from: from, byteCount: n)
            offset += n
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
