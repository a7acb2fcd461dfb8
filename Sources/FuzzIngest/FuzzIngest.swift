import Foundation
import MustardKit

/// libFuzzer's entry: archive bytes in, every report format out. Any crash, hang or sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    analyzeForFuzzing(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

func analyzeForFuzzing(_ bytes: [UInt8]) {
    var options = AnalysisOptions()
    // Small limits keep each run quick; they are themselves under test.
    options.limits.maxTotalBytes = 64 << 20
    options.limits.maxEntryBytes = 8 << 20
    options.limits.maxEntries = 20_000
    guard let analyzer = try? Analyzer(options: options), let report = try? analyzer.analyze(bytes: bytes, name: "fuzz-input") else { return }
    for format in ReportFormat.allCases {
        _ = format.renderer(color: false, verbose: true, timeline: true).render(report)
    }
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
            analyzeForFuzzing([UInt8](data))
            print("ok: \(path)")
        }
    }
}
#endif
