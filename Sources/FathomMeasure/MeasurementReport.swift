import Foundation

/// One measurement as `fathom measure --json` prints it (through `MeasureJSON`, so keys come out snake_case:
/// `median_ms`, `p10_ms`, `p90_ms`, `ci_low_ms`, `ci_high_ms`, `runs`, `device`, `source`, …).
public struct MeasurementReport: Encodable, Sendable {
    public let space: String
    public let arch: String
    public let device: String
    /// Always `measured`.
    public let source = "measured"
    public let medianMs: Double
    public let p10Ms: Double
    public let p90Ms: Double
    public let ciLowMs: Double
    public let ciHighMs: Double
    public let runs: Int
    public let outliers: Int
    public let converged: Bool
    public let reused: Bool
    /// Set when a stored measurement was not reused because the calibration drifted: the relative drift.
    public let calibrationDrift: Double?
    public let context: MeasurementContext
    public let measuredAt: Date
    public let seconds: Double
    public let perLayer: ProfileReport?

    /// A per-layer profile with its totals.
    public struct ProfileReport: Encodable, Sendable {
        public let layers: [LayerTiming]
        public let byOp: [OpKindTotal]
        public let runs: Int
        public let sumOfLayersMs: Double
        public let networkMs: Double
        /// Sum of layer medians over the whole-network median.
        public let ratio: Double
    }

    /// The report of a session's result.
    public init(_ result: SessionMeasurement) {
        let m = result.measurement, s = m.summary
        space = m.space
        arch = m.arch
        device = m.device
        medianMs = s.medianMs
        p10Ms = s.p10Ms
        p90Ms = s.p90Ms
        ciLowMs = s.ciLowMs
        ciHighMs = s.ciHighMs
        runs = s.runs
        outliers = s.outliers
        converged = m.converged
        reused = result.reused
        calibrationDrift = result.calibrationDrift
        context = m.context
        measuredAt = m.measuredAt
        seconds = m.seconds
        perLayer = m.profile.map {
            ProfileReport(layers: $0.layers, byOp: $0.byOp, runs: $0.runs, sumOfLayersMs: $0.sumOfLayersMs, networkMs: $0.networkMs, ratio: $0.ratio)
        }
    }
}
