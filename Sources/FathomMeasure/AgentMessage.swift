import Foundation

/// A request's `id`, echoed in its reply: a number or a string, as the client chose.
public enum AgentMessageID: Codable, Equatable, Sendable {
    case number(Int)
    case text(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        }
    }
}

/// One line of the agent protocol from client to agent (JSON, snake_case keys):
/// `{"id":1,"op":"measure","space":"nasbench201","arch":"…","batch":1,"threads":2,"keep_dead_edges":false}`.
///
/// Ops: `fingerprint` (the device and a fresh calibration), `measure` (`arch` or `archs`, timed interleaved; optional
/// `batch` 1, `threads` all cores, `keep_dead_edges` false, `per_layer` false, `min_runs`, `max_seconds`), `per_layer`
/// (`measure` with a per-layer profile). Other timing settings are the agent's defaults.
public struct AgentRequest: Codable, Equatable, Sendable {
    public var id: AgentMessageID?
    public var op: String
    public var space: String?
    public var arch: String?
    public var archs: [String]?
    public var batch: Int?
    public var threads: Int?
    public var keepDeadEdges: Bool?
    public var perLayer: Bool?
    public var minRuns: Int?
    public var maxSeconds: Double?

    /// The ops an agent serves.
    public static let ops = ["fingerprint", "measure", "per_layer"]

    /// A request for `op` with nothing else set.
    public init(id: AgentMessageID?, op: String) {
        self.id = id
        self.op = op
    }

    /// A `measure` request carrying `request`.
    public init(id: AgentMessageID?, measuring request: MeasurementRequest) {
        self.init(id: id, op: request.perLayer ? "per_layer" : "measure")
        space = request.space
        archs = request.archs
        batch = request.batch
        threads = request.threads
        keepDeadEdges = request.keepsDeadEdges
        minRuns = request.policy.minRuns
        maxSeconds = request.policy.maxSeconds
    }

    /// The measurement this `measure` or `per_layer` request asks for, or why it is not a valid one.
    public func measurementRequest() throws -> MeasurementRequest {
        guard let space else { throw MeasureError.badRequest(reason: "\(op) needs \"space\"") }
        let list = archs ?? arch.map { [$0] } ?? []
        guard !list.isEmpty else { throw MeasureError.badRequest(reason: "\(op) needs \"arch\" or \"archs\"") }
        var policy = TimingPolicy()
        if let minRuns { policy.minRuns = minRuns }
        if let maxSeconds { policy.maxSeconds = maxSeconds }
        guard policy.minRuns > 0, policy.maxSeconds > 0 else { throw MeasureError.badRequest(reason: "min_runs and max_seconds must be positive") }
        return MeasurementRequest(space: space, archs: list, batch: batch ?? 1, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                  keepsDeadEdges: keepDeadEdges ?? false, policy: policy, perLayer: op == "per_layer" || perLayer == true)
    }
}

/// One line of the agent protocol from agent to client: `ok` with `device` or `measurements`, or `ok: false` with an
/// `error` sentence. `id` echoes the request's.
public struct AgentReply: Codable, Equatable, Sendable {
    public var id: AgentMessageID?
    public var ok: Bool
    public var op: String?
    public var error: String?
    public var device: DeviceReport?
    public var measurements: [NetworkMeasurement]?

    /// A reply; set `device` or `measurements` after.
    public init(id: AgentMessageID?, ok: Bool, op: String?, error: String? = nil) {
        self.id = id
        self.ok = ok
        self.op = op
        self.error = error
    }
}

/// The JSON conventions of the agent protocol and of `fathom measure --json`: snake_case keys, sorted, dates as
/// seconds since 1970, one object per line.
public enum MeasureJSON {
    /// An encoder following the conventions.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder following the conventions.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    /// `value` as one line of JSON (no newline).
    public static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
