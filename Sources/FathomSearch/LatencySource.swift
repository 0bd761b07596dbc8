import FathomSpaces

/// Where a search gets an architecture's latency on the target device: a table, a predictor or the measurement agent.
public protocol LatencySource {
    /// Names the source, e.g. `table:latency.csv:pixel3`, `predictor:help-pixel3.json` or `measure:<device>`.
    var id: String { get }
    /// The latency of `arch` with where it came from; throws when the source cannot answer for it.
    func latency(of arch: Architecture) throws -> LatencyEstimate
    /// Whether an answer costs next to nothing (a table look-up, a prediction) rather than a measurement. Strategies
    /// spend extra latency evaluations to choose their proposals only on cheap sources.
    var isCheap: Bool { get }
}

extension LatencySource {
    /// Unless a source says otherwise, its answers are taken to cost a measurement.
    public var isCheap: Bool { false }
}

/// A latency in milliseconds together with its origin, so every figure that reaches a user says where it came from.
public struct LatencyEstimate: Hashable, Sendable {
    /// How a latency was obtained.
    public enum Origin: Hashable, Sendable {
        /// Timed on the device by the measurement agent: `ms` is the median of `runs` runs, with the 10th and 90th
        /// percentile and an upper confidence bound of the median.
        case measured(p10: Double, p90: Double, runs: Int, upperBound: Double)
        /// Estimated by the predictor named `model`.
        case predicted(model: String)
        /// Read from a latency table's `column`.
        case table(column: String)
    }

    /// The latency in milliseconds (the median for a measurement).
    public var ms: Double
    public var origin: Origin
    /// For a prediction whose model knows its uncertainty: the standard deviation (ms) of a measurement around `ms`.
    public var spreadMs: Double?

    /// Pairs a latency with its origin (and, for a prediction, its spread).
    public init(ms: Double, origin: Origin, spreadMs: Double? = nil) {
        self.ms = ms
        self.origin = origin
        self.spreadMs = spreadMs
    }

    /// The figure a strict budget compares: a measurement's upper confidence bound, otherwise `ms`.
    public var upperBoundMs: Double {
        if case let .measured(_, _, _, upperBound) = origin { return upperBound }
        return ms
    }
}
