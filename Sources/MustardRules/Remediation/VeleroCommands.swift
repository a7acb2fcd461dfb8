import MustardModel

/// Commands that read Velero's own view of a Backup or Restore, through the velero pod (best-practices
/// `05-troubleshooting.md`), and other commands shared by the outcome rules.
enum VeleroCommands {
    static func describe(_ kind: String, _ name: String) -> String {
        "oc \(MTCCommands.ns) exec deployment/velero -c velero -- ./velero \(kind) describe \(shellQuote(name)) --details"
    }

    static func logs(_ kind: String, _ name: String) -> String {
        "oc \(MTCCommands.ns) exec deployment/velero -c velero -- ./velero \(kind) logs \(shellQuote(name)) | grep -iE 'level=(error|warning)'"
    }

    /// Raises the Restic timeout the operator renders into Velero (default 1h).
    static func raiseResticTimeout(_ value: String) -> String {
        let patch = "{\"spec\":{\"restic_timeout\":\(jsonString(value))}}"
        return "oc \(MTCCommands.ns) patch migrationcontroller \(MTC.controllerName) --type merge -p \(shellQuote(patch))"
    }

    static let resticTimeoutCheck =
        "oc \(MTCCommands.ns) get migrationcontroller \(MTC.controllerName) -o jsonpath='{.spec.restic_timeout}{\"\\n\"}'"
}
