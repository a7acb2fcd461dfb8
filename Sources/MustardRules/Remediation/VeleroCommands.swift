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

    /// The restic (MTC 1.4-1.7) or node-agent (MTC 1.8, Velero 1.10+: DaemonSet and pods `node-agent`, label
    /// `name=node-agent`, vmware-tanzu/velero `pkg/install/daemonset.go`) pod that copies volumes on `node`.
    static func fileSystemBackupPod(on node: String?, in cluster: Cluster?) -> Pod? {
        guard let node else { return nil }
        return cluster?.pods.first { ($0.name.hasPrefix("restic-") || $0.name.hasPrefix("node-agent-")) && $0.nodeName == node }
    }

    /// The daemonset's name (and its pods' `name` label): `node-agent` when the cluster runs node-agent pods.
    static func fileSystemBackupName(in cluster: Cluster?) -> String {
        cluster?.pods.contains { $0.name.hasPrefix("node-agent-") } == true ? "node-agent" : "restic"
    }

    /// Lists that daemonset's pods with their nodes.
    static func listFileSystemBackupPods(in cluster: Cluster?) -> String {
        "oc \(MTCCommands.ns) get pods -l name=\(fileSystemBackupName(in: cluster)) -o wide"
    }

    static let resticTimeoutCheck =
        MTCCommands.controllerSetting("restic_timeout")
}
