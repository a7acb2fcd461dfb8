import Foundation
import MustardTestSupport
import Testing

/// The hostile corpus (`Scripts/make-hostile-corpus.py`), case by case: what is still analysed, which load issue
/// names the damage, the exit code; never a crash, a hang or a file written anywhere.
@Suite("Hostile and damaged dumps")
struct HostileCorpusTests {
    /// Made once per test run in a temporary folder.
    static let corpus: String = {
        let folder = TestSupport.temporaryFolder().appendingPathComponent("hostile").path
        let made = try? TestSupport.run("/usr/bin/env", ["python3", TestSupport.root.appendingPathComponent("Scripts/make-hostile-corpus.py").path, folder])
        precondition(made?.code == 0, "make-hostile-corpus.py failed: \(made?.stderr ?? "")")
        return folder
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let exit: Int32
        let issue: String?
        var arguments: [String] = []
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "truncated-gzip-30.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-gzip-60.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-gzip-90.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "truncated-xz.tar.xz", exit: 3, issue: "truncated or corrupt xz stream"),
        Case(file: "truncated-zstd.tar.zst", exit: 3, issue: "truncated or corrupt zstd stream"),
        Case(file: "flipped-byte.tar.gz", exit: 3, issue: "corrupt gzip stream (incorrect data check)"),
        Case(file: "corrupt-tar-header.tar", exit: 3, issue: "damaged archive: libarchive skipped"),
        Case(file: "bad-central-directory.zip", exit: 3, issue: "zip central directory unreadable"),
        Case(file: "odd-names-and-links.tar.gz", exit: 0, issue: "link to /etc/shadow not followed"),
        Case(file: "nested-corrupt.tar.gz", exit: 3, issue: "truncated gzip input"),
        Case(file: "yaml-tabs.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "yaml-anchors.tar.gz", exit: 0, issue: nil),
        Case(file: "yaml-duplicate-keys.tar.gz", exit: 0, issue: "duplicate key 'name'"),
        Case(file: "yaml-deep-nesting.tar.gz", exit: 3, issue: "nested deeper than 256 levels"),
        Case(file: "yaml-billion-laughs.tar.gz", exit: 3, issue: "possible billion-laughs"),
        Case(file: "binary-yaml.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "empty-yaml.tar.gz", exit: 0, issue: "empty file"),
        Case(file: "oc-error-text.tar.gz", exit: 3, issue: "failed `oc` command"),
        Case(file: "huge-line.tar.gz", exit: 3, issue: "larger than the 128 MiB limit"),
        Case(file: "gzip-bomb.tar.gz", exit: 3, issue: "more than 256 MiB decompressed", arguments: ["--max-total-bytes", "256"]),
        Case(file: "inject-names.tar.gz", exit: 3, issue: "not readable as YAML"),
        Case(file: "inject-progress.tar.bz2", exit: 0, issue: nil),
        Case(file: "secrets-quoted.tar.gz", exit: 0, issue: "not a Kubernetes object"),
    ]

    @Test("Each case: the expected exit code and load issue, the valid part still analysed, nothing written", arguments: cases)
    func hostile(_ c: Case) throws {
        let workdir = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(workdir) }
        let path = Self.corpus + "/" + c.file
        let run = try TestSupport.mustard(["analyze", path, "-f", "json"] + c.arguments, in: workdir)
        #expect(run.code == c.exit, "\(c.file): \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let issues = (json["loadIssues"] as? [[String: Any]]) ?? []
        if let expected = c.issue {
            #expect(issues.contains { ($0["message"] as? String)?.contains(expected) == true }, "\(c.file): no issue with '\(expected)' in \(issues)")
        } else {
            #expect(issues.isEmpty)
        }
        if c.exit == 3 { #expect(issues.contains { $0["damaged"] as? Bool == true }) }
        // The valid inspect tree in every case was still read and checked.
        #expect((json["input"] as? [String: Any])?["clusters"] as? [String] == ["inspect.local.1"] || c.file.hasPrefix("odd-names"))
        let outcomes = (json["outcomes"] as? [[String: Any]]) ?? []
        #expect(outcomes.first { $0["rule"] as? String == "k8s/pod-failing" }?["status"] as? String == "passed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workdir.path).isEmpty, "nothing written to the working folder")
    }
}

/// Issue 10, items 2 and 3: input that made mustard superlinear or unbounded. Each case runs in a child whose
/// time and peak memory are measured by the kernel: it must end within 60 s (it is killed after that) and stay
/// under 512 MB, whatever the archive declares.
@Suite("Hostile dumps: linear time, bounded memory")
struct HostileBoundsTests {
    static let maxSeconds = 60.0
    static let maxRSSKB = 512 * 1024

    /// The corpus' cases; here `issue` is, for exit 2, text of the error on standard error.
    typealias Case = HostileCorpusTests.Case

    static let cases: [Case] = [
        Case(file: "yaml-flow-list.tar.gz", exit: 0, issue: nil),
        Case(file: "yaml-flow-mapping.tar.gz", exit: 0, issue: nil),
        Case(file: "yaml-repeated-tag.tar.gz", exit: 0, issue: nil),
        Case(file: "yaml-many-values.tar.gz", exit: 3, issue: "more than 4000000 values in one file"),
        Case(file: "migmigration-conditions.tar.gz", exit: 0, issue: nil),
        Case(file: "controller-log-run-lines.tar.gz", exit: 0, issue: "older matching lines not kept"),
        Case(file: "redos-lines.tar.gz", exit: 1, issue: nil),
        Case(file: "bzip2-bomb.tar.bz2", exit: 3, issue: "over 1000 times its size (a compression bomb)"),
        Case(file: "fifo", exit: 2, issue: "a FIFO (named pipe), not a regular file; not opened"),
        Case(file: "folder-with-fifo", exit: 0, issue: "a FIFO (named pipe), not a regular file: skipped, never opened"),
        Case(file: "xz-2gib-dictionary.tar.xz", exit: 3, issue: "the xz stream needs 2048 MiB of memory to decompress"),
        Case(file: "long-link-names.tar.gz", exit: 0, issue: "…and 100 more issue(s) like this one: link to /xxxx"),
    ]

    @Test("Each case: exit code, load issue, ≤ 60 s and ≤ 512 MB peak RSS", arguments: cases)
    func bounded(_ c: Case) throws {
        let workdir = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(workdir) }
        let path = HostileCorpusTests.corpus + "/" + c.file
        let run = try BoundedRun(TestSupport.mustardBinary, ["analyze", path, "-f", "json"] + c.arguments, in: workdir, seconds: Self.maxSeconds)
        print("hostile bounds: \(c.file): exit \(run.code), \(String(format: "%.2f", run.elapsed)) s, \(run.maxRSSKB / 1024) MB peak RSS, report \(run.stdout.utf8.count) bytes")
        #expect(!run.killed, "\(c.file): still running after \(Self.maxSeconds) s, killed")
        #expect(run.maxRSSKB <= Self.maxRSSKB, "\(c.file): \(run.maxRSSKB / 1024) MB peak RSS")
        #expect(run.code == c.exit, "\(c.file): \(run.stderr.prefix(2000))")
        #expect(run.stdout.utf8.count < 16 << 20, "\(c.file): a report of \(run.stdout.utf8.count) bytes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workdir.path).isEmpty, "nothing written to the working folder")
        if c.exit == 2 {
            if let expected = c.issue { #expect(run.stderr.contains(expected), "\(c.file): \(run.stderr.prefix(2000))") }
            return
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let issues = (json["loadIssues"] as? [[String: Any]]) ?? []
        if let expected = c.issue {
            #expect(issues.contains { ($0["message"] as? String)?.contains(expected) == true }, "\(c.file): no issue with '\(expected)' in \(issues.prefix(5))")
        }
        if c.exit == 3 { #expect(issues.contains { $0["damaged"] as? Bool == true }) }
        // The valid inspect tree of every case is still read and checked.
        #expect((json["input"] as? [String: Any])?["clusters"] as? [String] == ["inspect.local.1"] || c.exit == 3)
        let outcomes = (json["outcomes"] as? [[String: Any]]) ?? []
        // The crash-looping pod of the ReDoS case is a finding (exit 1); elsewhere no pod fails.
        let podFailing = outcomes.first { $0["rule"] as? String == "k8s/pod-failing" }?["status"] as? String
        if c.exit == 0 { #expect(podFailing == "passed") } else if c.exit == 1 { #expect(podFailing == "findings") }
    }
}

extension HostileBoundsTests {
    /// The bound is real: a child that outlives it is killed, with the processes it started.
    @Test("A child past its time is killed")
    func killsAtTheBound() throws {
        let workdir = TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(workdir) }
        let run = try BoundedRun("/bin/sh", ["-c", "sleep 30 & sleep 30"], in: workdir, seconds: 1)
        #expect(run.killed)
        #expect(run.elapsed < 10)
    }
}

/// A child run with its own wait4: its exit code, elapsed time and peak RSS, killed (its whole process group) once
/// `seconds` have passed. The peak comes from GNU time when there is one: a child spawned from this process starts
/// with this process's peak (Linux keeps ru_maxrss across exec), which wait4 alone would report.
struct BoundedRun {
    var code: Int32 = -1
    var stdout = ""
    var stderr = ""
    var elapsed = 0.0
    var maxRSSKB = 0
    var killed = false

    init(_ program: String, _ arguments: [String], in directory: URL, seconds: Double) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bounded-\(UUID().uuidString)")
        defer {
            for suffix in [".out", ".err", ".rss"] { try? FileManager.default.removeItem(atPath: out.path + suffix) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, out.path + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The child starts in `directory`: run it through env's --chdir (coreutils), simplest with posix_spawn.
        let time = "/usr/bin/time"
        let timed = FileManager.default.isExecutableFile(atPath: time)
        let argv = (timed ? [time, "-f", "%M", "-o", out.path + ".rss"] : []) + ["/usr/bin/env", "-C", directory.path, program] + arguments
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own, so a timeout kills mustard and not only time.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let env = ["PATH=/usr/bin:/bin", "NO_COLOR=1"]
        var cArgv = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let start = Date()
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgv, &cEnv)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
            if Date().timeIntervalSince(start) > seconds {
                kill(-pid, SIGKILL)
                killed = true
                _ = wait4(pid, &status, 0, &usage)
                break
            }
            usleep(20_000)
        }
        elapsed = Date().timeIntervalSince(start)
        maxRSSKB = usage.ru_maxrss
        if timed, !killed, let text = try? String(contentsOfFile: out.path + ".rss", encoding: .utf8),
            let kb = text.split(whereSeparator: \.isNewline).last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        {
            maxRSSKB = kb
        }
        // WIFEXITED / WEXITSTATUS by hand: the macros are not imported into Swift.
        code = status & 0x7F == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
        stdout = (try? String(contentsOfFile: out.path + ".out", encoding: .utf8)) ?? ""
        stderr = (try? String(contentsOfFile: out.path + ".err", encoding: .utf8)) ?? ""
    }
}
