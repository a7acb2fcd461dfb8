import MustardModel

/// How one kind is shown by `get`: its columns (NAME first, AGE last, as `oc` does), the wide ones, and the cells
/// of an object.
struct KindLayout: Sendable {
    let columns: [String]
    let wideColumns: [String]
    let cells: @Sendable (Value) -> [Cell]
    let wideCells: @Sendable (Value) -> [Cell]
}

/// The layouts of the kinds mustard prints like `oc get` does, and NAME, the CRD's printer columns and AGE for the
/// rest.
enum Printers {
    static func name(_ o: Value) -> Cell { .text(o[path: "metadata.name"].string ?? "") }
    static func age(_ o: Value) -> Cell { .age(o[path: "metadata.creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:))) }
    static func text(_ o: Value, _ path: String, or fallback: String = "<none>") -> Cell {
        .text(o[path: path].string.flatMap { $0.isEmpty ? nil : $0 } ?? fallback)
    }

    /// Kinds whose layout does not depend on a CRD in the dump: their rows are made as the dump streams.
    static func hasFixedLayout(_ kind: String, group: String) -> Bool {
        fixed[kind] != nil || PrinterColumn.builtIn[kind] != nil || !group.contains(".") || group.hasSuffix(".k8s.io")
    }

    static func layout(kind: String, crdColumns: [PrinterColumn]?) -> KindLayout {
        if let layout = fixed[kind] { return layout }
        let columns = crdColumns ?? PrinterColumn.builtIn[kind] ?? []
        let normal = columns.filter { $0.priority == 0 }, wide = columns.filter { $0.priority > 0 }
        return KindLayout(
            columns: ["NAME"] + normal.map { $0.name.uppercased() } + ["AGE"], wideColumns: wide.map { $0.name.uppercased() },
            cells: { o in [name(o)] + normal.map { $0.cell(o) } + [age(o)] }, wideCells: { o in wide.map { $0.cell(o) } })
    }

    static let fixed: [String: KindLayout] = [
        "Pod": KindLayout(
            columns: PodPrinter.columns, wideColumns: PodPrinter.wideColumns, cells: PodPrinter.cells, wideCells: PodPrinter.wideCells),
        "Event": KindLayout(
            columns: EventPrinter.columns, wideColumns: EventPrinter.wideColumns, cells: EventPrinter.cells,
            wideCells: EventPrinter.wideCells),
        "Namespace": KindLayout(
            columns: ["NAME", "STATUS", "AGE"], wideColumns: [], cells: { [name($0), text($0, "status.phase", or: ""), age($0)] },
            wideCells: { _ in [] }),
        "Node": KindLayout(
            columns: ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            wideColumns: ["INTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
            cells: { o in [name(o), .text(nodeStatus(o)), .text(nodeRoles(o)), age(o), text(o, "status.nodeInfo.kubeletVersion", or: "")] },
            wideCells: { o in
                let internalIP =
                    o[path: "status.addresses"].array.first { $0["type"].string == "InternalIP" }?["address"].string ?? "<none>"
                return [
                    .text(internalIP), text(o, "status.nodeInfo.osImage"), text(o, "status.nodeInfo.kernelVersion"),
                    text(o, "status.nodeInfo.containerRuntimeVersion"),
                ]
            }),
        "Deployment": KindLayout(
            columns: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], wideColumns: ["CONTAINERS", "IMAGES", "SELECTOR"],
            cells: { o in
                [
                    name(o), .text("\(o[path: "status.readyReplicas"].int ?? 0)/\(o[path: "spec.replicas"].int ?? 1)"),
                    .text(String(o[path: "status.updatedReplicas"].int ?? 0)), .text(String(o[path: "status.availableReplicas"].int ?? 0)),
                    age(o),
                ]
            },
            wideCells: containersImagesSelector),
        "StatefulSet": KindLayout(
            columns: ["NAME", "READY", "AGE"], wideColumns: ["CONTAINERS", "IMAGES"],
            cells: { o in [name(o), .text("\(o[path: "status.readyReplicas"].int ?? 0)/\(o[path: "spec.replicas"].int ?? 1)"), age(o)] },
            wideCells: { Array(containersImagesSelector($0).prefix(2)) }),
        "DaemonSet": KindLayout(
            columns: ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
            wideColumns: ["CONTAINERS", "IMAGES", "SELECTOR"],
            cells: { o in
                let s = o["status"]
                let selector = o[path: "spec.template.spec.nodeSelector"].stringMap.sorted { $0.key < $1.key }.map {
                    "\($0.key)=\($0.value)"
                }
                return [name(o)]
                    + ["desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable"]
                    .map { .text(String(s[$0].int ?? 0)) } + [.text(selector.isEmpty ? "<none>" : selector.joined(separator: ",")), age(o)]
            },
            wideCells: containersImagesSelector),
        "ReplicaSet": KindLayout(
            columns: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], wideColumns: ["CONTAINERS", "IMAGES", "SELECTOR"],
            cells: { o in
                [
                    name(o), .text(String(o[path: "spec.replicas"].int ?? 0)), .text(String(o[path: "status.replicas"].int ?? 0)),
                    .text(String(o[path: "status.readyReplicas"].int ?? 0)), age(o),
                ]
            },
            wideCells: containersImagesSelector),
        "Service": KindLayout(
            columns: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], wideColumns: ["SELECTOR"],
            cells: { o in
                let ports = o[path: "spec.ports"].array.map { p -> String in
                    let port = p["port"].string ?? ""
                    let node = p["nodePort"].string.map { ":\($0)" } ?? ""
                    return "\(port)\(node)/\(p["protocol"].string ?? "TCP")"
                }
                let external =
                    o[path: "status.loadBalancer.ingress"].array.compactMap { $0["ip"].string ?? $0["hostname"].string }
                    + o[path: "spec.externalIPs"].array.compactMap(\.string)
                return [
                    name(o), text(o, "spec.type", or: "ClusterIP"), text(o, "spec.clusterIP"),
                    .text(external.isEmpty ? "<none>" : external.joined(separator: ",")),
                    .text(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), age(o),
                ]
            },
            wideCells: { o in
                let selector = o[path: "spec.selector"].stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                return [.text(selector.isEmpty ? "<none>" : selector.joined(separator: ","))]
            }),
        "PersistentVolumeClaim": KindLayout(
            columns: ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"], wideColumns: ["VOLUMEMODE"],
            cells: { o in
                [
                    name(o), text(o, "status.phase", or: ""), text(o, "spec.volumeName", or: ""),
                    text(o, "status.capacity.storage", or: ""),
                    .text(accessModes(o[path: "status.accessModes"])), text(o, "spec.storageClassName", or: ""), age(o),
                ]
            },
            wideCells: { [text($0, "spec.volumeMode", or: "Filesystem")] }),
        "PersistentVolume": KindLayout(
            columns: ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "REASON", "AGE"],
            wideColumns: ["VOLUMEMODE"],
            cells: { o in
                let claim = o[path: "spec.claimRef"]
                let claimText = claim.isNull ? "" : "\(claim["namespace"].string ?? "")/\(claim["name"].string ?? "")"
                return [
                    name(o), text(o, "spec.capacity.storage", or: ""), .text(accessModes(o[path: "spec.accessModes"])),
                    text(o, "spec.persistentVolumeReclaimPolicy", or: ""), text(o, "status.phase", or: ""), .text(claimText),
                    text(o, "spec.storageClassName", or: ""), text(o, "status.reason", or: ""), age(o),
                ]
            },
            wideCells: { [text($0, "spec.volumeMode", or: "Filesystem")] }),
        "ConfigMap": KindLayout(
            columns: ["NAME", "DATA", "AGE"], wideColumns: [],
            cells: { o in [name(o), .text(String((o["data"].mapping?.count ?? 0) + (o["binaryData"].mapping?.count ?? 0))), age(o)] },
            wideCells: { _ in [] }),
        "Secret": KindLayout(
            columns: ["NAME", "TYPE", "DATA", "AGE"], wideColumns: [],
            cells: { o in [name(o), text(o, "type", or: ""), .text(String(o["data"].mapping?.count ?? 0)), age(o)] },
            wideCells: { _ in [] }),
        "Job": KindLayout(
            columns: ["NAME", "COMPLETIONS", "AGE"], wideColumns: ["CONTAINERS", "IMAGES", "SELECTOR"],
            cells: { o in [name(o), .text("\(o[path: "status.succeeded"].int ?? 0)/\(o[path: "spec.completions"].int ?? 1)"), age(o)] },
            wideCells: containersImagesSelector),
        "ClusterOperator": KindLayout(
            columns: ["NAME", "VERSION", "AVAILABLE", "PROGRESSING", "DEGRADED", "SINCE", "MESSAGE"], wideColumns: [],
            cells: { o in
                let conditions = o[path: "status.conditions"].array
                func condition(_ type: String) -> Value { conditions.first { $0["type"].string == type } ?? .null }
                let since = ["Available", "Progressing", "Degraded"].compactMap {
                    condition($0)["lastTransitionTime"].string.flatMap(Timestamp.init(rfc3339:))
                }.max()
                let version = o[path: "status.versions"].array.first { $0["name"].string == "operator" }?["version"].string ?? ""
                return [
                    name(o), .text(version), .text(condition("Available")["status"].string ?? ""),
                    .text(condition("Progressing")["status"].string ?? ""), .text(condition("Degraded")["status"].string ?? ""),
                    .age(since), .text(condition("Degraded")["message"].string ?? condition("Available")["message"].string ?? ""),
                ]
            },
            wideCells: { _ in [] }),
    ]

    static func containersImagesSelector(_ o: Value) -> [Cell] {
        let containers = o[path: "spec.template.spec.containers"].array
        let selector = o[path: "spec.selector.matchLabels"].stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return [
            .text(containers.compactMap { $0["name"].string }.joined(separator: ",")),
            .text(containers.compactMap { $0["image"].string }.joined(separator: ",")),
            .text(selector.isEmpty ? "<none>" : selector.joined(separator: ",")),
        ]
    }

    static func accessModes(_ modes: Value) -> String {
        let short = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"]
        return modes.array.compactMap { $0.string.map { short[$0] ?? $0 } }.joined(separator: ",")
    }

    static func nodeStatus(_ o: Value) -> String {
        let ready = o[path: "status.conditions"].array.first { $0["type"].string == "Ready" }
        var status = ready?["status"].string == "True" ? "Ready" : "NotReady"
        if ready == nil { status = "Unknown" }
        if o[path: "spec.unschedulable"].bool == true { status += ",SchedulingDisabled" }
        return status
    }

    static func nodeRoles(_ o: Value) -> String {
        let prefix = "node-role.kubernetes.io/"
        let roles = o[path: "metadata.labels"].stringMap.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            .sorted()
        return roles.isEmpty ? "<none>" : roles.joined(separator: ",")
    }
}
