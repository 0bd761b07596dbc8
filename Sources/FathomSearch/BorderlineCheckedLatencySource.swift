import FathomSpaces

/// A cheap latency source (a predictor) checked on the device near the budget: a predicted latency within `band`
/// (a fraction of the budget) of the budget is replaced by the device's own (`truth`: the measurement agent, or a
/// table in benchmarks). Feasibility decisions and the budget-first orderings of strategies hinge on those answers,
/// and that is where a predictor that ranks well is least sure; far from the budget the prediction decides. The
/// search asks each architecture's latency once (``SearchSession`` caches it), so each check is one measurement;
/// they are counted.
public final class BorderlineCheckedLatencySource: LatencySource {
    public let predicted: any LatencySource
    public let truth: any LatencySource
    public let budgetMs: Double
    public let band: Double
    /// The most answers taken from `truth`; past it the predictions decide (and verification still checks the answer).
    public let maxChecks: Int
    /// Answers taken from `truth` so far.
    public private(set) var checks = 0

    public init(predicted: any LatencySource, truth: any LatencySource, budgetMs: Double, band: Double, maxChecks: Int = .max) {
        self.predicted = predicted
        self.truth = truth
        self.budgetMs = budgetMs
        self.band = band
        self.maxChecks = maxChecks
    }

    public var id: String { predicted.id }
    public var isCheap: Bool { predicted.isCheap }

    public func latency(of arch: Architecture) throws -> LatencyEstimate {
        let estimate = try predicted.latency(of: arch)
        guard checks < maxChecks, abs(estimate.ms - budgetMs) <= band * budgetMs else { return estimate }
        checks += 1
        return try truth.latency(of: arch)
    }
}
