import Foundation
import MustardKit

/// Paths and helpers shared by the test targets: fixtures, samples, the shared real dumps, packing trees into
/// real archives with the system's tools, and running the built `mustard` binary as a user does.
public enum TestSupport {
    /// The package root, found from this file's path.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/\(name)").path }
    public static func sample(_ name: String) -> String { root.appendingPathComponent("Samples/\(name)").path }

    /// `Tests/RealData/<relative>`: real public dumps and objects, copied with their licences (see its README).
    public static func realdata(_ relative: String) -> String {
        root.appendingPathComponent("Tests/RealData/\(relative)").path
    }

    /// `Tests/Schemas/<name>`: the official schemas reports are validated against (see its README).
    public static func schema(_ name: String) -> String {
        root.appendingPathComponent("Tests/Schemas/\(name)").path
    }

    /// Runs `python3` (from the PATH) with the given arguments.
    public static func python(_ arguments: [String]) throws -> (code: Int32, stdout: String, stderr: String) {
        try run("/usr/bin/env", ["python3"] + arguments)
    }

    public static let mustGatherCleanDumps = ["aws", "azure", "vsphere"].map {
        "openshift__must-gather-clean/test/files/must-gather-\($0).tar.xz"
    }

    /// A fresh temporary folder, removed by the caller with `cleanUp`.
    public static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mustard-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// Packs a tree with `Scripts/pack-dump.sh`; the extension of `name` picks the format.
    public static func pack(_ tree: String, as name: String, in folder: URL) throws -> String {
        let out = folder.appendingPathComponent(name).path
        let result = try run(root.appendingPathComponent("Scripts/pack-dump.sh").path, [tree, out])
        guard result.code == 0 else { throw PackError(message: result.stderr) }
        return out
    }

    public struct PackError: Error { public let message: String }

    /// Runs a program, returning its exit code and output.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil, in directory: URL? = nil
    ) throws -> (code: Int32, stdout: String, stderr: String) {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting, so a large report cannot fill the pipe and block the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }

    /// The `mustard` binary `swift build` made for these tests.
    public static var mustardBinary: String {
        let options: [String?] = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("mustard").path,
            Bundle.main.bundleURL.appendingPathComponent("mustard").path,
            root.appendingPathComponent(".build/debug/mustard").path,
        ]
        let candidates = options.compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    /// Runs `mustard` with the given arguments, as a user would.
    public static func mustard(_ arguments: [String], in directory: URL? = nil) throws -> (code: Int32, stdout: String, stderr: String) {
        try run(mustardBinary, arguments, environment: ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"], in: directory)
    }

    /// Analyses a dump with the library.
    /// `only`: run just these rules (`--rule`), so the loader reads only what they declare they need.
    public static func analyze(_ path: String, stuckAfterMinutes: Double = 30, only: [String] = []) throws -> AnalysisReport {
        var options = AnalysisOptions()
        options.rules.stuckAfterSeconds = stuckAfterMinutes * 60
        options.focus.rules = only
        return try Analyzer(options: options).analyze(path)
    }
}
