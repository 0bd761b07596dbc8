/// How long and how often to time one network; the protocol `Timer` follows.
///
/// Defaults: warm up for at least 3 runs and 0.2 s; then time at least 10 runs and stop as soon as the 95% interval of
/// the median is within ±2%; give up after 10 s or 2000 runs and say so (`converged == false`).
public struct TimingPolicy: Codable, Equatable, Sendable {
    public var warmupRuns = 3
    public var warmupSeconds = 0.2
    public var minRuns = 10
    public var maxRuns = 2000
    public var targetRelativeHalfWidth = 0.02
    public var maxSeconds = 10.0

    public init() {}
}

/// The outcome of timing one workload under a `TimingPolicy`.
public struct TimingResult: Codable, Equatable, Sendable {
    public let summary: TimingSummary
    /// True when the interval reached the target; false when the time or run cap stopped it.
    public let converged: Bool
    public let warmupRuns: Int
    /// Seconds spent, warm-up included.
    public let seconds: Double
}
