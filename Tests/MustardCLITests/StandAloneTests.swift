import Foundation
import MustardTestSupport
import Testing

/// A clone of this repository with nothing beside it must pass its tests: no tracked file may point outside the
/// repository, neither with `../` climbing above its root nor with an absolute path of some machine.
@Suite("The repository stands alone")
struct StandAloneTests {
    /// Deliberate traversal names: inputs the hostile tests feed the archive reader, not references to files.
    static let traversalInputs: Set<String> = ["Scripts/make-hostile-corpus.py", "Tests/MustardArchiveTests/ArchiveTests.swift"]

    /// Tracked files, from git; the real public data under `Tests/RealData` is third-party text and not ours to check.
    static func trackedFiles() throws -> [String] {
        let listing = try TestSupport.run("/usr/bin/env", ["git", "-C", TestSupport.root.path, "ls-files", "-z"])
        try #require(listing.code == 0, "git ls-files failed: \(listing.stderr)")
        return listing.stdout.split(separator: "\0").map(String.init).filter { !$0.hasPrefix("Tests/RealData/") }
    }

    /// Each `../` chain that starts a path (not one inside `a/../b`), resolved from the file's folder.
    static func escapingReferences(in text: String, file: String) -> [String] {
        let depth = file.split(separator: "/").count - 1
        var found: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let characters = Array(line.utf8)
            var index = 0
            while index + 2 < characters.count {
                let startsPath = index == 0 || !(characters[index - 1] == UInt8(ascii: "/") || characters[index - 1] == UInt8(ascii: "."))
                guard startsPath, characters[index] == UInt8(ascii: "."), characters[index + 1] == UInt8(ascii: "."),
                      characters[index + 2] == UInt8(ascii: "/") else { index += 1; continue }
                var ups = 0, end = index
                while end + 2 < characters.count, characters[end] == UInt8(ascii: "."), characters[end + 1] == UInt8(ascii: "."),
                      characters[end + 2] == UInt8(ascii: "/") { ups += 1; end += 3 }
                if ups > depth { found.append(String(line)) }
                index = end
            }
        }
        return found
    }

    /// Home and work folders of some machine (spelt in parts so that this file does not match itself).
    static let machinePaths = ["work", "home", "Users", "root"].map { "/" + $0 + "/" }

    @Test("No tracked file refers to a path outside the repository")
    func noOutsideReferences() throws {
        let files = try Self.trackedFiles()
        #expect(files.count > 100, "git ls-files listed only \(files.count) files")
        var offenders: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: TestSupport.root.appendingPathComponent(file).path),
                  !data.contains(0), let text = String(data: data, encoding: .utf8) else { continue }
            if !Self.traversalInputs.contains(file) {
                offenders += Self.escapingReferences(in: text, file: file).map { "\(file): \($0)" }
            }
            for path in Self.machinePaths where text.contains(path) { offenders.append("\(file): absolute path \(path)") }
        }
        #expect(offenders.isEmpty, "references outside the repository:\n\(offenders.joined(separator: "\n"))")
    }

    @Test("The check itself: a climb above the root is caught, a climb within the repository is not")
    func detector() {
        #expect(Self.escapingReferences(in: "see ../elsewhere/data/x", file: "README.md").count == 1)
        #expect(Self.escapingReferences(in: "see ../README.md", file: "docs/rules.md").isEmpty)
        #expect(Self.escapingReferences(in: "see ../../x", file: "docs/rules.md").count == 1)
        #expect(Self.escapingReferences(in: #"cd "$(dirname "$0")/../..""#, file: "Scripts/fuzz/run.sh").isEmpty)
        #expect(Self.escapingReferences(in: "a/../b", file: "x.swift").isEmpty)
    }

    @Test("The real public data and the SARIF schema the tests read are in the repository, with their licences")
    func bundledData() {
        for path in [
            "Tests/RealData/README.md", "Tests/Schemas/README.md", "Tests/Schemas/sarif-schema-2.1.0.json",
            "Tests/Schemas/sarif-LICENSE.md",
        ] + TestSupport.mustGatherCleanDumps.map({ "Tests/RealData/\($0)" }) {
            #expect(FileManager.default.fileExists(atPath: TestSupport.root.appendingPathComponent(path).path), "missing \(path)")
        }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: TestSupport.realdata(""))) ?? []
        for folder in folders where folder.contains("__") {
            let licence = ["LICENSE", "LICENSE.txt"].contains {
                FileManager.default.fileExists(atPath: TestSupport.realdata("\(folder)/\($0)"))
            }
            #expect(licence, "Tests/RealData/\(folder) has no licence file")
        }
    }
}
