import Foundation

/// Writes tar archives byte by byte, so tests can make entries no well-behaved tool would: `..` names,
/// absolute paths, names that are not UTF-8, links, devices.
public struct TarWriter {
    public enum EntryType: UInt8 {
        case file = 0x30, hardlink = 0x31, symlink = 0x32, characterDevice = 0x33, directory = 0x35, fifo = 0x36
    }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Adds an entry; `name` is raw bytes (up to 100).
    public mutating func add(name: [UInt8], type: EntryType = .file, contents: [UInt8] = [], linkTarget: String = "") {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int, length: Int) {
            for (i, b) in field.prefix(length).enumerated() { header[offset + i] = b }
        }
        func octal(_ value: Int, length: Int) -> [UInt8] {
            Array(String(String(value, radix: 8).suffix(length - 1)).leftPadded(to: length - 1).utf8) + [0]
        }
        put(name, at: 0, length: 100)
        put(octal(0o644, length: 8), at: 100, length: 8)
        put(octal(0, length: 8), at: 108, length: 8)
        put(octal(0, length: 8), at: 116, length: 8)
        put(octal(type == .file ? contents.count : 0, length: 12), at: 124, length: 12)
        put(octal(1_700_000_000, length: 12), at: 136, length: 12)
        put(Array(repeating: 0x20, count: 8), at: 148, length: 8)
        header[156] = type.rawValue
        put(Array(linkTarget.utf8), at: 157, length: 100)
        put(Array("ustar\u{0}00".utf8), at: 257, length: 8)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(Array(String(String(sum, radix: 8)).leftPadded(to: 6).utf8) + [0, 0x20], at: 148, length: 8)
        bytes += header
        if type == .file {
            bytes += contents
            bytes += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
        }
    }

    public mutating func add(_ name: String, _ contents: String) {
        add(name: Array(name.utf8), contents: Array(contents.utf8))
    }

    /// The archive with its two end blocks.
    public var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    public func write(to path: String) throws {
        try Data(archive).write(to: URL(fileURLWithPath: path))
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
