import Foundation
import Logging
import MCP
import MustardKit

/// `mustard mcp`: a Model Context Protocol server over stdio. Standard output carries the protocol only; logs go
/// to standard error through swift-log.
public enum MustardMCPServer {
    /// Serves until the client closes standard input.
    public static func run(session: DumpSession, logger: Logger) async throws {
        let server = Server(
            name: "mustard", version: mustardVersion, title: "mustard",
            instructions: """
                Diagnoses OpenShift must-gathers (MTC first). Call analyze for the verdict and root causes, explain for a \
                finding's evidence and fix, timeline for a migration's story. Results are JSON; lists come in pages.
                """,
            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ToolCatalog.all.map(\.spec)) }
        await server.withMethodHandler(CallTool.self) { params in
            await call(params.name, params.arguments ?? [:], session: session, logger: logger)
        }
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
    }

    /// One tool call: its JSON result as text (and as structured content), or a tool error saying what was wrong.
    static func call(_ name: String, _ arguments: [String: Value], session: DumpSession, logger: Logger) async -> CallTool.Result {
        guard let tool = ToolCatalog.all.first(where: { $0.spec.name == name }) else {
            return failure("no tool \(name); the tools are: \(ToolCatalog.all.map(\.spec.name).joined(separator: ", "))")
        }
        do {
            let value = try await tool.run(arguments, session)
            let text = try encode(value)
            guard text.utf8.count <= Paging.maxCharacters else {
                return failure("the result is \(text.utf8.count) bytes, more than \(Paging.maxCharacters): ask for a smaller page (limit)")
            }
            return .init(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: Optional(value), isError: false)
        } catch {
            logger.info("tool call failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return failure("\(error)")
        }
    }

    static func failure(_ message: String) -> CallTool.Result {
        .init(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    static func encode(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
