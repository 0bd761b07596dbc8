import FathomSearch
import FathomSpaces
import Foundation

/// Compares search strategies on a table where every architecture's accuracy and latency are known: for each device
/// and budget, the oracle is the most accurate architecture within the budget, and each strategy's regret is the
/// oracle's accuracy minus the accuracy of its answer. The table's accuracies are test accuracies, so regret measures
/// the optimiser, not generalisation.
public struct SearchBenchmark {
    /// One strategy on one device and budget, over all seeds.
    public struct Row: Sendable {
        public let device: String
        public let budget: String
        public let budgetMs: Double
        public let strategy: String
        public let oracleAccuracy: Double
        public let seeds: Int
        public let meanRegret: Double
        public let medianRegret: Double
        /// Fraction of seeds whose answer is within the budget by the table.
        public let feasibleRate: Double
        /// Fraction of seeds whose answer, searched on ``SearchBenchmark/searchLatency``, was over budget by the table
        /// and replaced in verification (0 when searching on the table itself).
        public let replacedRate: Double
        /// Fraction of seeds that queried the oracle's accuracy.
        public let oracleRate: Double
        /// Mean query index at which the oracle's accuracy was first reached, over seeds that reached it.
        public let meanQueriesToOracle: Double?
        /// Mean latency evaluations per search.
        public let meanLatencyEvaluations: Double
        /// Mean borderline predictions checked on the table per search (``SearchBenchmark/borderline``), 0 without.
        public let meanChecks: Double
        /// Mean microseconds per accuracy query spent in the search (strategy logic plus table look-ups).
        public let microsecondsPerQuery: Double
    }

    public let space: SearchSpace
    public let accuracy: any AccuracySource
    public let latencyTable: ArchitectureTable
    public let devices: [String]
    public let budgets: [BudgetSpec]
    public let budgetLabels: [String]
    public let strategies: [any SearchStrategy]
    public let seeds: Int
    public let queries: Int
    /// The latency the strategies search on for a device, when not the device's table (a predictor, say); the answer
    /// is then verified on the table (``AnswerVerifier``) and replaced if over budget, as a real search verifies by measurement.
    public var searchLatency: ((_ device: String) throws -> any LatencySource)?
    /// With ``searchLatency``: predictions this near the budget are checked on the table
    /// (``BorderlineCheckedLatencySource``), as a search would measure them.
    public var borderline: BorderlineCheckedLatencySource.Band?
    /// The most borderline checks per search.
    public var borderlineMaxChecks = Int.max

    public init(space: SearchSpace, accuracy: any AccuracySource, latencyTable: ArchitectureTable, devices: [String],
                budgets: [String], strategies: [any SearchStrategy], seeds: Int, queries: Int) throws {
        self.space = space
        self.accuracy = accuracy
        self.latencyTable = latencyTable
        self.devices = devices
        self.budgets = try budgets.map(BudgetSpec.init)
        self.budgetLabels = budgets
        self.strategies = strategies
        self.seeds = seeds
        self.queries = queries
    }

    /// Runs every strategy × seed on every device × budget; `progress` gets a line after each device/budget pair.
    public func run(progress: (String) -> Void = { _ in }) throws -> [Row] {
        let accuracies = try latencyTable.architectures.map { try accuracy.accuracy(of: $0) }
        var rows: [Row] = []
        for device in devices {
            let source = try TableLatencySource(table: latencyTable, column: device)
            let searched = try searchLatency?(device) ?? source
            for (budget, label) in zip(budgets, budgetLabels) {
                let budgetMs = budget.resolve(latencies: source.values)
                let oracle = zip(accuracies, source.values).filter { $0.1 <= budgetMs }.map(\.0).max() ?? -.infinity
                for strategy in strategies {
                    rows.append(try evaluate(strategy, device: device, table: source, searched: searched, budget: label, budgetMs: budgetMs,
                                             oracle: oracle))
                }
                progress("\(device) \(label) (\(String(format: "%.4g", budgetMs)) ms): done")
            }
        }
        return rows
    }

    /// One strategy over all seeds: searched on `searched`, answers verified on `table` when that is another source.
    private func evaluate(_ strategy: any SearchStrategy, device: String, table: TableLatencySource, searched: any LatencySource,
                          budget: String, budgetMs: Double, oracle: Double) throws -> Row {
        var regrets: [Double] = [], feasible = 0, replaced = 0, reached: [Int] = [], evaluations = 0, checks = 0, seconds = 0.0, queriesMade = 0
        let verifier = AnswerVerifier(truth: table, space: space, budgetMs: budgetMs, strict: false)
        for seed in 0..<seeds {
            let request = SearchRequest(space: space, latencyBudgetMs: budgetMs, queries: queries, seed: UInt64(seed))
            let start = Date()
            let checked = borderline.map { BorderlineCheckedLatencySource(predicted: searched, truth: table, budgetMs: budgetMs, band: $0,
                                                                                 maxChecks: borderlineMaxChecks) }
            let result = try strategy.search(request, accuracy: accuracy, latency: checked ?? searched)
            seconds += Date().timeIntervalSince(start)
            checks += checked?.checks ?? 0
            if let hit = result.history.first(where: { $0.accuracy == oracle })?.query { reached.append(hit) }
            evaluations += result.latencyEvaluations
            queriesMade += result.queries
            var answer = result.best
            if searched.id != table.id {
                do {
                    let verification = try verifier.verify(result)
                    if verification.replaced { replaced += 1 }
                    answer = verification.chosen
                } catch ExperimentError.noFeasibleArchitecture {
                    // No queried candidate holds on the table: the search failed, the whole oracle is its regret.
                    replaced += 1
                    regrets.append(oracle)
                    continue
                }
            }
            regrets.append(oracle - answer.accuracy)
            if try table.latency(of: answer.arch).ms <= budgetMs { feasible += 1 }
        }
        let sorted = regrets.sorted()
        return Row(device: device, budget: budget, budgetMs: budgetMs, strategy: strategy.name, oracleAccuracy: oracle, seeds: seeds,
                   meanRegret: regrets.reduce(0, +) / Double(seeds),
                   medianRegret: seeds % 2 == 1 ? sorted[seeds / 2] : (sorted[seeds / 2 - 1] + sorted[seeds / 2]) / 2,
                   feasibleRate: Double(feasible) / Double(seeds), replacedRate: Double(replaced) / Double(seeds), oracleRate: Double(reached.count) / Double(seeds),
                   meanQueriesToOracle: reached.isEmpty ? nil : Double(reached.reduce(0, +)) / Double(reached.count),
                   meanLatencyEvaluations: Double(evaluations) / Double(seeds), meanChecks: Double(checks) / Double(seeds),
                   microsecondsPerQuery: seconds * 1e6 / Double(max(queriesMade, 1)))
    }

    /// The rows as CSV with a header.
    public static func csv(_ rows: [Row]) -> String {
        let header = "device,budget,budget_ms,strategy,oracle_accuracy,seeds,mean_regret,median_regret,feasible_rate,replaced_rate,oracle_rate,mean_queries_to_oracle,mean_latency_evaluations,mean_checks,us_per_query"
        return ([header] + rows.map { r in
            [r.device, r.budget, "\(r.budgetMs)", r.strategy, "\(r.oracleAccuracy)", "\(r.seeds)", "\(r.meanRegret)", "\(r.medianRegret)",
             "\(r.feasibleRate)", "\(r.replacedRate)", "\(r.oracleRate)", r.meanQueriesToOracle.map { "\($0)" } ?? "", "\(r.meanLatencyEvaluations)", "\(r.meanChecks)",
             String(format: "%.2f", r.microsecondsPerQuery)].joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }
}
