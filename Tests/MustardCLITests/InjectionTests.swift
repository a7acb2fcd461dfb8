import Foundation
import MustardReport
import MustardTestSupport
import Testing

/// Escape sequences, bidi controls and newlines planted in a dump's file names, condition messages, log lines
/// and login error reach no terminal and forge no report line, in any format, in the batch summary, in the
/// progress line or on standard error (issue 10, item 4).
@Suite("Terminal and report injection")
struct InjectionTests {
    /// Retitles the terminal, clears it, fakes a red severity, reverses what follows, isolates, marks, and forges
    /// a line of its own.
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[1;31m[CRITICAL] fake\u{1B}[0m \u{202E}evil\u{202C}\u{2066}x\u{2069}\u{200F}\u{061C}\r\n[CRITICAL] forged"
    /// The same in a YAML double-quoted scalar.
    static let hostileYAML = #""\e]0;pwned\a\e[2J\e[1;31m[CRITICAL] fake\e[0m \u202Eevil\u202C\u2066x\u2069\u200F\u061C\r\n[CRITICAL] forged""#
    /// The same in a JSON string (a zap log line).
    static let hostileJSON = #"\u001b]0;pwned\u0007\u001b[2J\u001b[1;31m[CRITICAL] fake\u001b[0m \u202eevil\u202c\u2066x\u2069\u200f\u061c\r\n[CRITICAL] forged"#
    /// How the reports show it.
    static let escaped = #"\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[1;31m[CRITICAL] fake\u{1B}[0m \u{202E}evil\u{202C}\u{2066}x\u{2069}\u{200F}\u{61C}\u{0D}\u{0A}[CRITICAL] forged"#

    /// The stage-image-stuck sample with the hostile text in a migration's pipeline message, controller log lines
    /// (JSON-escaped and raw), a login error and its cluster's name, and the name of a folder holding broken YAML.
    static func plantedDump(in folder: URL) throws -> String {
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.copyItem(atPath: TestSupport.sample("stage-image-stuck"), toPath: dump.path)
        let files = try #require(FileManager.default.enumerator(atPath: dump.path)).compactMap { $0 as? String }
        let stuck = "3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8"
        let migration = dump.appendingPathComponent(try #require(files.first { $0.hasSuffix("migmigration-\(stuck).yml") }))
        let yaml = try String(contentsOf: migration, encoding: .utf8)
        #expect(yaml.contains("- message: Waiting for stage pods to be created."))
        try yaml.replacing("- message: Waiting for stage pods to be created.", with: "- message: \(hostileYAML)")
            .write(to: migration, atomically: true, encoding: .utf8)
        let log = dump.appendingPathComponent(try #require(files.first { $0.contains("logs/migration-controller-") && $0.hasSuffix("current.log") }))
        let line = { (message: String) in
            #"{"level":"info","ts":1795180000.1,"logger":"migration","msg":"Found abnormal event for Stage Pod","migMigration":"\#(stuck)","Pod":"mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm","eventType":"Warning","eventReason":"Failed","eventMessage":"\#(message)"}"#
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data(("\n" + line(hostileJSON) + "\n" + line(hostile.replacing("\r\n", with: " ")) + "\n").utf8))
        try handle.close()
        let mg = try #require(files.first { $0.hasSuffix("must-gather/clusters/host/namespaces/openshift-migration/openshift-migration.yaml") })
            .replacing("clusters/host/namespaces/openshift-migration/openshift-migration.yaml", with: "")
        let login = dump.appendingPathComponent(mg + "clusters/extra\(hostile)/login_error.txt")
        try FileManager.default.createDirectory(at: login.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "error: \(hostile)\n".write(to: login, atomically: true, encoding: .utf8)
        // A crash-looping pod whose name is hostile: its name reaches the remediation commands.
        let pods = dump.appendingPathComponent("inspect.local.2471/namespaces/mssql-persistent/core/pods.yaml")
        let pod = """
            - apiVersion: v1
              kind: Pod
              metadata:
                name: "crash\\e]0;pwned\\a\\n[CRITICAL] forged"
                namespace: mssql-persistent
                creationTimestamp: "2026-11-20T09:00:00Z"
              spec:
                containers:
                - image: quay.io/acme/web:1.0
                  name: web
              status:
                phase: Running
                containerStatuses:
                - image: quay.io/acme/web:1.0
                  name: web
                  ready: false
                  restartCount: 12
                  state:
                    waiting:
                      reason: CrashLoopBackOff
                      message: \(hostileYAML)

            """
        var podList = try String(contentsOf: pods, encoding: .utf8)
        let items = try #require(podList.firstRange(of: "\nitems:\n"))
        podList.replaceSubrange(items, with: "\nitems:\n" + pod)
        try podList.write(to: pods, atomically: true, encoding: .utf8)
        let broken = dump.appendingPathComponent("inspect.local.2471/namespaces/demo\(hostile)/core/pods.yaml")
        try FileManager.default.createDirectory(at: broken.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "\tnot yaml\n".write(to: broken, atomically: true, encoding: .utf8)
        return dump.path
    }

    /// Raw controls and bidi controls in an output. On a terminal, mustard's own colours (`ESC[…m`), the
    /// progress line's erase (`ESC[K`) and the terminal's carriage returns are allowed, nothing else.
    static func rawControls(_ s: String, terminal: Bool) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var found: [String] = []
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x1B, terminal, i + 1 < scalars.count, scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" { j += 1 }
                if j < scalars.count, scalars[j] == "m" || scalars[j] == "K" {
                    i = j + 1
                    continue
                }
            }
            let allowed = v == 0x0A || v == 0x09 || (terminal && v == 0x0D)
            let bidi = [0x061C, 0x200E, 0x200F, 0x2028, 0x2029].contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            if !allowed, v < 0x20 || (0x7F...0x9F).contains(v) || bidi {
                found.append("U+\(String(v, radix: 16, uppercase: true)) after \(String(String.UnicodeScalarView(scalars[max(0, i - 20)..<i])).debugDescription)")
            }
            i += 1
        }
        return found
    }

    /// Lines that start (after indentation, table and list marks, colours) with the forged severity.
    static func forgedLines(_ s: String) -> [String] {
        s.split(whereSeparator: \.isNewline).map { line in
            line.replacing(#/\x1B\[[0-9;]*[mK]/#, with: "").drop { " \t|>-*#".contains($0) }
        }.filter { $0.hasPrefix("[CRITICAL] forged") || $0.hasPrefix("[CRITICAL] fake") }.map(String.init)
    }

    /// Runs mustard on a pseudo-terminal (Python's `pty`): standard output and error both go to it, as in a shell.
    static func onPTY(_ arguments: [String], noColor: Bool, extraEnvironment: [String: String] = [:]) throws -> (code: Int32, output: String) {
        let script = """
            import os, pty, sys
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out = b""
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        var environment = ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"]
        if noColor { environment["NO_COLOR"] = "1" }
        environment.merge(extraEnvironment) { _, extra in extra }
        let run = try TestSupport.run("/usr/bin/env", ["python3", "-c", script, TestSupport.mustardBinary] + arguments, environment: environment)
        return (run.code, "\(run.stdout)")
    }

    @Test("The neutraliser: controls, DEL, C1, bidi and separators escaped; tab and clean text untouched; JSON decodes back")
    func neutralizer() throws {
        #expect(Neutralizer.text("a\u{1B}[2Jb\u{7}\u{7F}\u{9B}\u{202E}\u{2067}\u{2028}\u{200E}\u{61C}\r\n") == #"a\u{1B}[2Jb\u{07}\u{7F}\u{9B}\u{202E}\u{2067}\u{2028}\u{200E}\u{61C}\u{0D}\u{0A}"#)
        let clean = "Back-off pulling image \"quay.io/x:1\"\t— ✔ 名前 é"
        #expect(Neutralizer.text(clean) == clean)
        #expect(Neutralizer.command("oc get pod 'a\u{1B}b' \\\n  -o yaml") == #"oc get pod 'a\u{1B}b' \"# + "\n  -o yaml")
        let json = Neutralizer.json("{\"k\": \"a\u{202E}b\u{85}c\"}")
        #expect(json == #"{"k": "a\u202eb\u0085c"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(decoded == ["k": "a\u{202E}b\u{85}c"])
        // The JSON pass first looks at bytes: every scalar past ASCII (and a sample of the other planes) is escaped
        // exactly when the scalar walk calls it unsafe, also at the text's end where its bytes are cut short.
        for value in Array(UInt32(0x7F)...0xFFFF) + Array(stride(from: UInt32(0x10000), through: 0x10FFFF, by: 4093)) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in ["\"a\(scalar)b\"", "\(scalar)"] {
                #expect((Neutralizer.json(text) != text) == Neutralizer.isUnsafe(value), "U+\(String(value, radix: 16))")
            }
        }
    }

    @Test("The neutraliser's escaping by bytes equals the scalar walk: each scalar alone, next to ASCII and to others")
    func neutralizerByBytes() {
        // What `Neutralizer.text` did scalar by scalar before it worked over bytes.
        func scalarWalk(_ s: String) -> String {
            var out = ""
            for scalar in s.unicodeScalars {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += Neutralizer.isUnsafe(scalar.value) ? "\\u{\(hex.count < 2 ? "0" + hex : hex)}" : String(scalar)
            }
            return out
        }
        let samples =
            Array(UInt32(0)...0x2FF) + Array(0x600...0x61F) + Array(0x2000...0x206F) + Array(0xFFF0...0x1_0010) + [0x1F600, 0x10FFFF]
        let scalars = samples.compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            for text in ["\(scalar)", "a\(scalar)b", "\(scalar)\(scalar)é\n"] {
                #expect(Neutralizer.text(text) == scalarWalk(text), "U+\(String(scalar.value, radix: 16))")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let picked = (0..<Int.random(in: 1...12, using: &generator)).map { _ in scalars.randomElement(using: &generator)! }
            let text = String(String.UnicodeScalarView(picked))
            #expect(Neutralizer.text(text) == scalarWalk(text), "\(Array(text.unicodeScalars.map(\.value)))")
        }
    }

    @Test("Every format shows the planted text escaped; none holds a raw control, a bidi control or a forged line",
          arguments: ["text", "markdown", "json", "sarif", "html"])
    func formats(format: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        let run = try TestSupport.mustard(["analyze", dump, "-f", format, "--verbose", "--timeline"])
        #expect(run.code == 3, "\(run.stderr)")
        #expect(Self.rawControls(run.stdout, terminal: false).isEmpty, "\(Self.rawControls(run.stdout, terminal: false).prefix(5))")
        #expect(Self.forgedLines(run.stdout).isEmpty, "\(Self.forgedLines(run.stdout))")
        #expect(Self.rawControls(run.stderr, terminal: false).isEmpty)
        if format == "json" {
            // JSON keeps the dump's exact strings (escaped by the encoding): a script gets the real file name back.
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let paths = ((json["loadIssues"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
            #expect(paths.contains { $0.contains("demo" + Self.hostile) }, "\(paths)")
            #expect(run.stdout.contains(#"\u202eevil\u202c"#))
        } else {
            // The planted name, message, log line and login error were all read and shown, escaped.
            // SARIF is JSON: backslashes doubled; HTML escapes quotes.
            // The text report wraps between words: undone before counting.
            let text = format == "sarif" ? run.stdout.replacing(#"\\"#, with: #"\"#) : format == "html" ? run.stdout.replacing("&#39;", with: "'")
                : format == "text" ? run.stdout.replacing(#/\n +/#, with: " ") : run.stdout
            let shown = text.components(separatedBy: Self.escaped).count - 1
            #expect(shown >= 5, "\(shown) escaped copies in \(format)")
            // In commands the name is spelled for the shell: exact, and nothing raw.
            #expect(text.contains(#"describe pod $'crash\x1B]0;pwned\x07\x0A[CRITICAL] forged'"#), "the hostile pod's command")
        }
    }

    @Test("On a terminal, only mustard's own colours are escape sequences; with NO_COLOR there are none")
    func terminal() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let dump = try Self.plantedDump(in: folder)
        for verbose in [[], ["--verbose", "--timeline"]] {
            let colour = try Self.onPTY(["analyze", dump] + verbose, noColor: false)
            #expect(colour.code == 3)
            #expect(colour.output.contains("\u{1B}[1m"), "coloured on a terminal")
            #expect(Self.rawControls(colour.output, terminal: true).isEmpty, "\(Self.rawControls(colour.output, terminal: true).prefix(5))")
            #expect(!colour.output.contains("\u{1B}[1;31m[CRITICAL] fake"), "the dump's own colour code is not passed through")
            #expect(Self.forgedLines(colour.output).isEmpty, "\(Self.forgedLines(colour.output))")
            #expect(colour.output.contains(Self.escaped))
            let plain = try Self.onPTY(["analyze", dump] + verbose, noColor: true)
            // Only the progress line's erase may remain (a slow machine shows it, colour or not).
            #expect(!plain.output.replacing("\u{1B}[K", with: "").contains("\u{1B}"))
            #expect(Self.rawControls(plain.output, terminal: true).isEmpty)
            #expect(Self.forgedLines(plain.output).isEmpty)
        }
    }

    @Test("The progress line shows an entry's hostile name escaped")
    func progressLine() throws {
        // The line shows after a second by default; this dump takes about one, so the test asks for it sooner.
        let run = try Self.onPTY(
            ["analyze", HostileCorpusTests.corpus + "/inject-progress.tar.bz2"], noColor: false, extraEnvironment: ["MUSTARD_PROGRESS_AFTER": "0.1"])
        #expect(run.code == 0)
        #expect(run.output.contains("mustard: reading "), "the dump takes long enough for a progress line")
        #expect(run.output.contains(#"\u{1B}[1;31m[CRITICAL] fake\u{1B}[0m \u{202E}evil"#), "the name's last 60 characters, escaped")
        #expect(Self.rawControls(run.output, terminal: true).isEmpty, "\(Self.rawControls(run.output, terminal: true).prefix(5))")
        #expect(Self.forgedLines(run.output).isEmpty)
    }

    @Test("Error messages naming a file are escaped on standard error")
    func errors() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let bad = folder.appendingPathComponent("bad\(Self.hostile).tar.gz")
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]).write(to: bad)
        let run = try TestSupport.mustard(["analyze", bad.path])
        #expect(run.code == 2)
        #expect(run.stderr.contains("bad" + Self.escaped), "\(run.stderr)")
        #expect(Self.rawControls(run.stderr, terminal: false).isEmpty)
        #expect(Self.forgedLines(run.stderr).isEmpty)
        let tty = try Self.onPTY(["analyze", bad.path], noColor: false)
        #expect(tty.code == 2)
        #expect(Self.rawControls(tty.output, terminal: true).isEmpty)
    }

    @Test("Tracing on standard error escapes the names of nested archives")
    func tracing() throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var inner = TarWriter()
        inner.add("inspect.local.1/namespaces/demo/demo.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        var outer = TarWriter()
        outer.add(name: Array("nested\(Self.hostile).tar".utf8), contents: inner.archive)
        let path = folder.appendingPathComponent("outer.tar").path
        try outer.write(to: path)
        let run = try TestSupport.mustard(["analyze", path, "--log-level", "debug", "-f", "json"])
        #expect(run.stderr.contains("opening nested archive"), "\(run.stderr)")
        #expect(run.stderr.contains("nested" + Self.escaped))
        #expect(Self.rawControls(run.stderr, terminal: false).isEmpty, "\(Self.rawControls(run.stderr, terminal: false).prefix(5))")
        #expect(Self.forgedLines(run.stderr).isEmpty)
    }

    @Test("The batch summary, its JSON lines and its errors show hostile dump names and cluster names escaped",
          arguments: ["text", "markdown", "json"])
    func batch(format: String) throws {
        let folder = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let queue = folder.appendingPathComponent("queue")
        try FileManager.default.createDirectory(at: queue, withIntermediateDirectories: true)
        let dump = try Self.plantedDump(in: folder)
        _ = try TestSupport.pack(dump, as: "queue/stuck\(Self.hostile).tar.gz", in: folder)
        try FileManager.default.copyItem(atPath: TestSupport.sample("healthy-migration.tar.gz"), toPath: queue.appendingPathComponent("healthy.tar.gz").path)
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]).write(to: queue.appendingPathComponent("unreadable\(Self.hostile).tar.gz"))
        let out = folder.appendingPathComponent("reports")
        let run = try TestSupport.mustard(["analyze", queue.path, "-f", format, "--output-dir", out.path])
        #expect(run.code == 3, "\(run.stderr)")
        for text in [run.stdout, run.stderr] {
            #expect(Self.rawControls(text, terminal: false).isEmpty, "\(Self.rawControls(text, terminal: false).prefix(5))")
            #expect(Self.forgedLines(text).isEmpty, "\(Self.forgedLines(text))")
        }
        if format != "json" {
            #expect(run.stdout.contains("stuck" + Self.escaped), "\(run.stdout)")
            #expect(run.stdout.contains("extra" + Self.escaped), "the hostile cluster's name, escaped")
            #expect(run.stdout.split(separator: "\n").count == (format == "markdown" ? 5 : 4), "a header (and rule) and one row a dump")
        }
        #expect(run.stderr.contains("unreadable" + Self.escaped), "\(run.stderr)")
        for report in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            let text = try String(contentsOfFile: out.appendingPathComponent(report).path, encoding: .utf8)
            #expect(Self.rawControls(text, terminal: false).isEmpty, "\(report)")
            #expect(Self.forgedLines(text).isEmpty, "\(report)")
        }
    }
}
