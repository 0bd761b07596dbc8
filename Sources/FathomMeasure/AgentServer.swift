import Foundation

/// The agent side of `fathom agent --stdio`: answers one JSON request per line with one JSON reply per line. A line
/// that is not a valid request gets an error reply and the server keeps serving; end of input ends it.
public struct AgentServer {
    public let agent: any MeasurementAgent

    /// A server measuring with `agent` (a `LocalAgent` in `fathom agent`).
    public init(agent: any MeasurementAgent) { self.agent = agent }

    /// Serves until `readLine` returns nil, passing each reply line to `write`.
    public func serve(readLine: () -> String?, write: (String) -> Void) {
        while let line = readLine() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            write(reply(to: line))
        }
    }

    /// The reply line to one request line.
    public func reply(to line: String) -> String {
        var request: AgentRequest?
        var reply: AgentReply
        do {
            request = try MeasureJSON.decoder.decode(AgentRequest.self, from: Data(line.utf8))
            reply = try answer(request!)
        } catch let error as DecodingError {
            reply = AgentReply(id: nil, ok: false, op: nil, error: "not a request: \(Self.explain(error))")
        } catch {
            reply = AgentReply(id: request?.id, ok: false, op: request?.op, error: "\(error)")
        }
        return (try? MeasureJSON.line(reply)) ?? #"{"error":"cannot encode the reply","ok":false}"#
    }

    private func answer(_ request: AgentRequest) throws -> AgentReply {
        var reply = AgentReply(id: request.id, ok: true, op: request.op)
        switch request.op {
        case "fingerprint": reply.device = try agent.device()
        case "measure", "per_layer": reply.measurements = try agent.measure(try request.measurementRequest())
        default:
            throw MeasureError.badRequest(reason: "unknown op '\(request.op)'; known: \(AgentRequest.ops.joined(separator: ", "))")
        }
        return reply
    }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case let .dataCorrupted(context): return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case let .keyNotFound(key, _): return "missing \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        @unknown default: return "\(error)"
        }
    }
}
