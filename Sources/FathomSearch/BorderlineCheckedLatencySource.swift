import FathomSpaces

/// A cheap latency source (a predictor) checked on the device near the budget: a predicted latency within `band`
/// of the budget is replaced by the device's own (`truth`: the measurement agent, or a table in benchmarks).
/// Feasibility decisions and the budget-first orderings of strategies hinge on those answers, and that is where a
/// predictor that ranks well is least sure; far from the budget the prediction decides. The search asks each
/// architecture's latency once (``SearchSession`` caches it), so each check is one measurement; they are counted.
public final class BorderlineCheckedLatencySource: LatencySource {
    /// How near the budget a prediction must be to be checked.
    public enum Band: Sendable, Equatable {
        /// Within this fraction of the budget, for every prediction alike.
        case fraction(Double)
        /// Within this many of the prediction's own standard deviations (``LatencyEstimate/spreadMs``): wide where the
        /// predictor is unsure (a device unlike those it knows), narrow where it is sure, so the checks go where a
        /// prediction could fall on either side of the budget.
        case spreads(Double)
    }

    public let predicted: any LatencySource
    public let truth: any LatencySource
    public let budgetMs: Double
    public let band: Band
    /// The most answers taken from `truth`; past it the predictions decide (and verification still checks the answer).
    public let maxChecks: Int
    /// Answers taken from `truth` so far.
    public private(set) var checks = 0

    public init(predicted: any LatencySource, truth: any LatencySource, budgetMs: Double, band: Band, maxChecks: Int = .max) {
        self.predicted = predicted
        self.truth = truth
        self.budgetMs = budgetMs
        self.band = band
        self.maxChecks = maxChecks
    }

    public var id: String { predicted.id }
    public var isCheap: Bool { predicted.isCheap }

    /// - Throws: what the sources throw; `SearchError.invalidSetting` with a ``Band/spreads(_:)`` band when the
    ///   prediction carries no spread.
    public func latency(of arch: Architecture) throws -> LatencyEstimate {
        let estimate = try predicted.latency(of: arch)
        let halfWidth = try halfWidth(estimate)
        guard checks < maxChecks, abs(estimate.ms - budgetMs) <= halfWidth else { return estimate }
        checks += 1
        return try truth.latency(of: arch)
    }

    /// How far from the budget (ms) `estimate` is checked.
    private func halfWidth(_ estimate: LatencyEstimate) throws -> Double {
        switch band {
        case let .fraction(fraction): return fraction * budgetMs
        case let .spreads(count):
            guard let spread = estimate.spreadMs else {
                throw SearchError.invalidSetting(name: "borderline band", value: "\(count) spreads of \(predicted.id)",
                                                 expected: "a predictor that reports its uncertainty (the device mixture)")
            }
            return count * spread
        }
    }
}
