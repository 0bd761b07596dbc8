import FathomGraph
import FathomNN

/// Where an exported network's weights come from (`--weights`).
///
/// Only seeded random weights exist so far (`seeded:SEED`, the same values `NetworkParameters(graph:seed:)` gives
/// every executor); supernet and trained weights arrive with the supernet.
public enum WeightsSource: Equatable, Sendable, CustomStringConvertible {
    /// He-uniform weights from `NetworkParameters(graph:seed:)`.
    case seeded(UInt64)

    /// The forms `--weights` accepts, for help and error messages.
    public static let forms = "seeded:SEED (a non-negative integer)"

    /// Reads `seeded:SEED`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "seeded", let seed = UInt64(parts[1]) else {
            throw ONNXError.unsupportedWeights(value: text, supported: Self.forms)
        }
        self = .seeded(seed)
    }

    public var description: String {
        switch self {
        case let .seeded(seed): return "seeded:\(seed)"
        }
    }

    /// The parameters of `graph` from this source.
    public func parameters(for graph: NetworkGraph) -> NetworkParameters {
        switch self {
        case let .seeded(seed): return NetworkParameters(graph: graph, seed: seed)
        }
    }
}
