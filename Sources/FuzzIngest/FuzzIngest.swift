import Foundation
import MustardDump
import MustardKit
import MustardModel

/// libFuzzer's entry. `MUSTARD_FUZZ` picks what the bytes are: `ingest` (default) an archive, whole path to every
/// report format; `yaml` a YAML file for the fast `oc` reader and libyaml, which must agree; `log` a controller log
/// inside a minimal MTC gather, for the log scanner and the time and secret parsing behind it. Any crash, hang or
/// sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@discardableResult
func fuzzOne(_ bytes: [UInt8]) -> AnalysisReport? {
    switch fuzzTarget {
    case "yaml":
        fuzzYAML(bytes)
        return nil
    case "log":
        return analyzeForFuzzing(tar(["must-gather/clusters/host/namespaces/openshift-migration/logs/migration-controller-6f7b9d-x2x4c/current.log": bytes]))
    default:
        return analyzeForFuzzing(bytes)
    }
}

let fuzzTarget = ProcessInfo.processInfo.environment["MUSTARD_FUZZ"] ?? "ingest"

/// The fast reader answers only what it is sure of and hands the rest to libyaml: either way the documents must be
/// those libyaml alone reads, and both must fail alike.
func fuzzYAML(_ bytes: [UInt8]) {
    var both = YAMLReader()
    both.maxAliasNodes = 10_000
    var libyaml = both
    libyaml.fastPath = false
    let fast = try? both.documents(bytes).documents
    let slow = try? libyaml.documents(bytes).documents
    guard fast == slow else { fatalError("the fast YAML path and libyaml disagree on \(bytes.count) bytes") }
}

/// A ustar archive of the given files, enough for libarchive: the log scanner fuzzed through the real walk.
func tar(_ files: [String: [UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for (name, content) in files.sorted(by: { $0.key < $1.key }) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(String(content.count, radix: 8).suffix(11)).leftPadded(to: 11), at: 124)
        put("14000000000", at: 136)
        put("        ", at: 148)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8)).leftPadded(to: 6), at: 148)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        out += header + content + [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }
    return out + [UInt8](repeating: 0, count: 1024)
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

@discardableResult
func analyzeForFuzzing(_ bytes: [UInt8]) -> AnalysisReport? {
    var options = AnalysisOptions()
    // Small limits keep each run quick; they are themselves under test.
    options.limits.maxTotalBytes = 64 << 20
    options.limits.maxEntryBytes = 8 << 20
    options.limits.maxEntries = 20_000
    guard let analyzer = try? Analyzer(options: options), let report = try? analyzer.analyze(bytes: bytes, name: "fuzz-input") else { return nil }
    for format in ReportFormat.allCases {
        _ = format.renderer(color: false, verbose: true, timeline: true).render(report)
    }
    return report
}

#if FUZZING
// SwiftPM links an executable with `--defsym main=FuzzIngest_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzIngest_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzIngest(data, size) }
}
#else
/// Without the fuzzer: replays the inputs named on the command line (a crash file from `make fuzz`, say).
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                continue
            }
            let report = fuzzOne([UInt8](data))
            print("ok: \(path)" + (report.map { " (clusters: \($0.input.clusters.joined(separator: ",")), load issues: \($0.loadIssues.count))" } ?? ""))
        }
    }
}
#endif
