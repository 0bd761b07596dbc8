/// How well a predictor did on one device's test queries: ranks, milliseconds and budget decisions.
public struct PredictorScores: Sendable, Equatable, Codable {
    /// The device evaluated.
    public let device: String
    /// Target-device measurements the predictor was given.
    public let trainingSamples: Int
    /// Test queries scored.
    public let testQueries: Int
    /// Spearman's rho between predicted and measured latency.
    public let spearman: Double
    /// Kendall's tau-b.
    public let kendall: Double
    /// Pearson's r.
    public let pearson: Double
    /// Mean absolute percentage error, as a fraction.
    public let mape: Double
    /// The budget (ms) of the decision scored below: the median measured latency of the test queries.
    public let budget: Double
    /// The fraction of test queries whose "within budget?" call is right.
    public let budgetAccuracy: Double
    /// For a predictor that reports its uncertainty (``LatencyPredictor/predictSpread(_:)``): the fraction of test
    /// queries measured within two of its standard deviations of its prediction (about 0.95 when it is calibrated).
    public let spreadCoverage: Double?

    /// Scores `predicted` against `actual` latencies (ms) of the same test queries, and `spreads` (ms, when the
    /// predictor reports them) against the errors.
    public init(device: String, trainingSamples: Int, predicted: [Double], actual: [Double], spreads: [Double]? = nil) {
        self.device = device
        self.trainingSamples = trainingSamples
        self.testQueries = actual.count
        spearman = RankMetrics.spearman(predicted, actual)
        kendall = RankMetrics.kendallTauB(predicted, actual)
        pearson = RankMetrics.pearson(predicted, actual)
        mape = RankMetrics.meanAbsolutePercentageError(predicted, actual)
        budget = RankMetrics.median(actual)
        budgetAccuracy = RankMetrics.budgetDecisionAccuracy(predicted, actual, budget: budget)
        spreadCoverage = spreads.map { spreads in
            let covered = actual.indices.filter { abs(predicted[$0] - actual[$0]) <= 2 * spreads[$0] }
            return Double(covered.count) / Double(max(actual.count, 1))
        }
    }
}
