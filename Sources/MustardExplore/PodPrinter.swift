import MustardModel

/// `oc get pods`: NAME READY STATUS RESTARTS AGE, and with `-o wide` IP NODE NOMINATED NODE READINESS GATES.
/// STATUS is worked out as kubectl's `printPod` does, from the phase, the init containers and the containers.
enum PodPrinter {
    static let columns = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    static let wideColumns = ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]

    static func cells(_ pod: Value) -> [Cell] {
        let state = status(pod)
        return [
            .text(pod[path: "metadata.name"].string ?? ""),
            .text("\(state.ready)/\(state.total)"),
            .text(state.reason),
            .text(String(state.restarts)),
            .age(pod[path: "metadata.creationTimestamp"].string.flatMap(Timestamp.init(rfc3339:))),
        ]
    }

    static func wideCells(_ pod: Value) -> [Cell] {
        let gates = pod[path: "spec.readinessGates"].array
        let conditions = pod[path: "status.conditions"].array
        let readyGates = gates.filter { gate in
            conditions.contains { $0["type"].string == gate["conditionType"].string && $0["status"].string == "True" }
        }.count
        return [
            .text(pod[path: "status.podIP"].string ?? "<none>"),
            .text(pod[path: "spec.nodeName"].string ?? "<none>"),
            .text(pod[path: "status.nominatedNodeName"].string ?? "<none>"),
            .text(gates.isEmpty ? "<none>" : "\(readyGates)/\(gates.count)"),
        ]
    }

    struct State: Equatable {
        var ready = 0
        var total = 0
        var restarts = 0
        var reason = ""
    }

    /// kubectl's `printPod` (pkg/printers/internalversion/printers.go), without sidecar init containers.
    static func status(_ pod: Value) -> State {
        var state = State()
        state.total = pod[path: "spec.containers"].array.count
        state.reason = pod[path: "status.phase"].string ?? ""
        if let reason = pod[path: "status.reason"].string, !reason.isEmpty { state.reason = reason }

        var initializing = false
        let initCount = pod[path: "spec.initContainers"].array.count
        for (i, container) in pod[path: "status.initContainerStatuses"].array.enumerated() {
            state.restarts += container["restartCount"].int ?? 0
            let terminated = container[path: "state.terminated"], waiting = container[path: "state.waiting"]
            if !terminated.isNull, terminated["exitCode"].int == 0 { continue }
            initializing = true
            if !terminated.isNull {
                if let reason = terminated["reason"].string, !reason.isEmpty {
                    state.reason = "Init:" + reason
                } else if let signal = terminated["signal"].int, signal != 0 {
                    state.reason = "Init:Signal:\(signal)"
                } else {
                    state.reason = "Init:ExitCode:\(terminated["exitCode"].int ?? 0)"
                }
            } else if let reason = waiting["reason"].string, !reason.isEmpty, reason != "PodInitializing" {
                state.reason = "Init:" + reason
            } else {
                state.reason = "Init:\(i)/\(initCount)"
            }
            break
        }
        if !initializing {
            state.restarts = 0
            var hasRunning = false
            for container in pod[path: "status.containerStatuses"].array.reversed() {
                state.restarts += container["restartCount"].int ?? 0
                let terminated = container[path: "state.terminated"], waiting = container[path: "state.waiting"]
                if let reason = waiting["reason"].string, !reason.isEmpty {
                    state.reason = reason
                } else if let reason = terminated["reason"].string, !reason.isEmpty {
                    state.reason = reason
                } else if !terminated.isNull {
                    if let signal = terminated["signal"].int, signal != 0 {
                        state.reason = "Signal:\(signal)"
                    } else {
                        state.reason = "ExitCode:\(terminated["exitCode"].int ?? 0)"
                    }
                } else if container["ready"].bool == true, !container[path: "state.running"].isNull {
                    hasRunning = true
                    state.ready += 1
                }
            }
            if state.reason == "Completed", hasRunning {
                let ready = pod[path: "status.conditions"].array.contains { $0["type"].string == "Ready" && $0["status"].string == "True" }
                state.reason = ready ? "Running" : "NotReady"
            }
        }
        if !pod[path: "metadata.deletionTimestamp"].isNull {
            state.reason = pod[path: "status.reason"].string == "NodeLost" ? "Unknown" : "Terminating"
        }
        return state
    }
}
