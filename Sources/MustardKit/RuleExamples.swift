import Foundation
import MustardRules
import MustardUserRules

/// `mustard rules test`: each rule file's examples, run through the whole analysis as `mustard analyze` would.
public enum RuleExamples {
    public struct Result: Sendable {
        public let rule: String
        public let example: String
        public let mustFire: Bool
        public let ok: Bool
        public let detail: String

        public var line: String {
            "\(ok ? "PASS" : "FAIL")  \(rule)  \(mustFire ? "fires on" : "quiet on")  \(example): \(detail)"
        }
    }

    public static func run(_ rules: [UserRule]) -> [Result] {
        rules.flatMap { rule in
            rule.ruleDescription.triggeringExamples.map { check(rule, $0, mustFire: true) }
                + rule.ruleDescription.nonTriggeringExamples.map { check(rule, $0, mustFire: false) }
        }
    }

    static func check(_ rule: UserRule, _ example: String, mustFire: Bool) -> Result {
        let id = rule.file.id
        func result(_ ok: Bool, _ detail: String) -> Result { Result(rule: id, example: example, mustFire: mustFire, ok: ok, detail: detail) }
        guard FileManager.default.fileExists(atPath: example) else { return result(false, "no such example dump") }
        var options = AnalysisOptions()
        options.userRules = [rule]
        options.focus.rules = [id]
        let report: AnalysisReport
        do { report = try Analyzer(options: options).analyze(example) } catch { return result(false, "not analysed: \(error)") }
        guard let outcome = report.outcomes.first(where: { $0.rule == id }) else { return result(false, "the rule did not run") }
        switch (outcome.status, mustFire) {
        case (.findings, true):
            let found = report.findings.filter { $0.rule == id }
            let commands = found.flatMap { $0.remediation.flatMap { [$0.command] + ($0.verify.map { [$0] } ?? []) } }
            if let broken = commands.lazy.compactMap(ShellSyntax.problem).first { return result(false, "a printed command does not parse: \(broken)") }
            return result(true, "\(found.count) finding(s): \(found.first?.title ?? "")")
        case (.findings, false):
            return result(false, "fired: \(report.findings.first { $0.rule == id }?.title ?? "")")
        case (.passed, true):
            return result(false, "stayed quiet: \(outcome.reason ?? "")")
        case (.passed, false):
            return result(true, "passed: \(outcome.reason ?? "")")
        case (.skipped, _):
            return result(false, "skipped, which proves nothing: \(outcome.reason ?? "")")
        }
    }
}

/// Whether a command parses as bash (`bash -n`): a rule file's static text around its quoted holes must be valid shell.
enum ShellSyntax {
    /// nil when it parses (or no bash is installed to ask), else bash's complaint.
    static func problem(_ command: String) -> String? {
        let bash = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let bash else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bash)
        process.arguments = ["-n", "-c", command]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "\(command) — \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// `mustard rules new ID`: a rule file that passes `rules test` as written, and the two example dumps it reads.
public enum RuleSkeleton {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `NAME.yaml`, `NAME/fires/…` and `NAME/quiet/…` into `folder`; returns the paths written. Never overwrites.
    public static func write(id: String, into folder: String) throws -> [String] {
        let parts = id.split(separator: "/")
        guard parts.count == 2 else { throw Failure(description: "an id is namespace/name, e.g. site/velero-oomkilled") }
        let name = String(parts[1])
        let ruleFile = folder + "/" + name + ".yaml"
        let files: [(String, String)] = [
            (ruleFile, ruleText(id: id, name: name)),
            (folder + "/" + name + "/fires/inspect.local.1/timestamp", timestamp),
            (folder + "/" + name + "/fires/inspect.local.1/namespaces/demo/core/pods.yaml", pods(restarts: 12)),
            (folder + "/" + name + "/quiet/inspect.local.1/timestamp", timestamp),
            (folder + "/" + name + "/quiet/inspect.local.1/namespaces/demo/core/pods.yaml", pods(restarts: 0)),
        ]
        for (path, _) in files where FileManager.default.fileExists(atPath: path) {
            throw Failure(description: "\(path) exists; not overwritten")
        }
        // Checked before anything is written: the skeleton must be a valid rule file.
        do { _ = try RuleFile.decode(Array(ruleText(id: id, name: name).utf8), path: ruleFile) } catch { throw Failure(description: error.description) }
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        return files.map(\.0)
    }

    static let timestamp = "2026-01-01 10:00:00.000000000 +0000 UTC m=+0.000000001\n2026-01-01 10:00:10.000000000 +0000 UTC m=+10.000000001\n"

    static func pods(restarts: Int) -> String {
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata:
            name: web-1
            namespace: demo
            creationTimestamp: "2026-01-01T08:00:00Z"
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: quay.io/example/web:1.0
          status:
            phase: Running
            containerStatuses:
            - name: web
              image: quay.io/example/web:1.0
              ready: \(restarts == 0)
              restartCount: \(restarts)

        """
    }

    static func ruleText(id: String, name: String) -> String {
        """
        # A mustard rule file: docs/rule-files.md describes every field. `mustard rules test .` runs the examples.
        id: \(id)
        name: Pod restarting often
        severity: warning
        summary: A container of the pod has restarted more than 5 times.
        rationale: >-
          Say why this matters to a support engineer and what usually causes it.
        references:
          - https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
        examples:
          fires: [\(name)/fires]
          quiet: [\(name)/quiet]
        match:
          kind: Pod
          labels:
            app: web
          where:
            - field: status.containerStatuses[*].restartCount
              greaterThan: 5
        finding:
          title: "Pod {{ object.metadata.namespace }}/{{ object.metadata.name }} restarts often on cluster {{ cluster }}"
          explanation: >-
            Its containers restarted {{ object.status.containerStatuses[*].restartCount }} time(s).
          remediation:
            - title: "Read the previous log of pod {{ object.metadata.name }}"
              command: "oc -n {{ object.metadata.namespace }} logs {{ object.metadata.name }} --all-containers --previous"
              verify: "oc -n {{ object.metadata.namespace }} get pod {{ object.metadata.name }} -o jsonpath='{.status.containerStatuses[*].restartCount}'"
              expect: "the same count as before, a while later"

        """
    }
}
