import ArgumentParser
import FathomExperiments
import FathomGraph
import FathomSearch
import FathomSpaces
import Foundation

/// `fathom search`: the most accurate architecture under a hard latency budget.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the most accurate architecture whose latency is within a hard budget.",
        discussion: """
        Example:
          fathom search nasbench201 --accuracy table:device-measurements/help/nasbench201/accuracy.csv:cifar10_test \\
            --latency table:device-measurements/help/nasbench201/latency.csv:pixel3 --budget-ms 20 \\
            --strategy evolution --queries 300 --seed 0 --json
          fathom search nasbench201 --accuracy table:device-measurements/help/nasbench201/accuracy.csv:cifar10_test \\
            --latency predictor:adapted.json --budget-ms 1.5 --strategy frank-wolfe --queries 100 --json
        The answer is verified on the budget's device (--verify; by default a fresh measurement here, or through
        --agent, for measure and predictor sources, and the table itself for a table source). An answer over budget
        there is replaced by the most accurate queried candidate that verifies within it.
        --borderline F checks a predictor's answers within F of the budget on that ground truth as the search goes: the
        feasibility decisions near the budget, where a predictor is least sure, are then the device's. --borderline-spread Z
        checks those within Z of the prediction's own standard deviations instead (the device mixture reports them).
        Exit status 3 when no architecture meets the budget.
        """
    )

    @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
    @Option(help: "Accuracy source: table:PATH:COLUMN (or supernet:DIR).") var accuracy: String
    @Option(help: "Latency source: table:PATH:COLUMN, predictor:MODEL.json or measure.") var latency: String
    @Option(name: .customLong("budget-ms"), help: "The hard latency budget in ms.") var budgetMs: Double
    @Option(help: "Strategy: \(SearchStrategies.names.joined(separator: ", ")).") var strategy: String = "evolution"
    @Option(help: "Accuracy queries the search may make.") var queries: Int = 300
    @Option(help: "Seed of every random choice.") var seed: UInt64 = 0
    @Flag(help: "Compare a measured latency's upper confidence bound with the budget.") var strict = false
    @Option(name: .customLong("max-params-m"), help: "A further hard limit: parameters in millions.") var maxParamsM: Double?
    @Option(name: .customLong("max-flops-m"), help: "A further hard limit: FLOPs in millions (NAS-Bench-201's counting).") var maxFlopsM: Double?
    @Option(help: "Ground truth that verifies the answer: measure or table:PATH:COLUMN (default: see above).") var verify: String?
    @OptionGroup(title: "Borderline checks (predictor latency)") var borderline: BorderlineOptions
    @OptionGroup(title: "Measurement (measure sources)") var measurement: MeasurementOptions
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard budgetMs.isFinite, budgetMs > 0 else { throw ValidationError("--budget-ms must be a positive number of ms, got \(budgetMs)") }
        guard queries > 0 else { throw ValidationError("--queries must be positive, got \(queries)") }
        for (name, value) in [("--max-params-m", maxParamsM), ("--max-flops-m", maxFlopsM)] {
            if let value, !(value.isFinite && value > 0) { throw ValidationError("\(name) must be a positive number, got \(value)") }
        }
    }

    struct Output: Encodable {
        let space: String
        let strategy: String
        let arch: String
        let accuracy: Double
        let accuracy_source: String
        let latency_ms: Double
        let latency_source: String
        let latency_p90_ms: Double?
        let latency_upper_ms: Double?
        let search_latency_ms: Double
        let search_latency_source: String
        let verified_candidates: Int
        /// Predictions checked on the ground truth during the search (--borderline).
        let borderline_checks: Int
        let budget_ms: Double
        let flops_m: Double
        let params_m: Double
        let queries: Int
        let latency_evaluations: Int
        let seed: UInt64
        let notes: [String]
    }

    func run() throws {
        let searchSpace = try SearchSpace.load(space)
        let factory = SourceFactory(space: searchSpace, spaceArgument: space)
        factory.measurement = measurement.settings()
        let accuracySource = try factory.accuracySource(accuracy)
        let predicted = try factory.latencySource(latency)
        let request = SearchRequest(space: searchSpace, latencyBudgetMs: budgetMs, queries: queries, seed: seed,
                                    limits: GraphLimits.make(space: searchSpace, maxParamsM: maxParamsM, maxFlopsM: maxFlopsM), strict: strict)
        let result: SearchResult, verification: Verification
        var checked: BorderlineCheckedLatencySource?
        do {
            if borderline.band != nil {
                guard predicted is PredictorLatencySource else { throw ValidationError("--borderline checks a predictor: give --latency predictor:MODEL.json") }
                checked = borderline.checked(predicted, truth: try factory.verificationSource(verify, latency: latency), budgetMs: budgetMs)
            }
            result = try SearchStrategies.named(strategy).search(request, accuracy: accuracySource, latency: checked ?? predicted)
            // The search's own checks and the verification are both the ground truth's: one session serves both.
            let truth = try checked?.truth ?? factory.verificationSource(verify, latency: latency)
            verification = try AnswerVerifier(truth: truth, space: searchSpace, budgetMs: budgetMs, strict: strict).verify(result) { check in
                guard !check.withinBudget else { return }
                printNote(String(format: "verification: %@ is %.4g ms on %@ (the search saw %.4g ms): over budget, trying the next best",
                                 searchSpace.format(check.arch), check.truth.ms, truth.id, check.searchLatency.ms))
            }
        } catch let SearchError.noFeasibleCandidate(arch, ms) {
            try fail(ExperimentError.noFeasibleArchitecture(budgetMs: budgetMs, fastestArch: arch.map(searchSpace.format), fastestMs: ms))
        } catch let error as ExperimentError {
            guard case .noFeasibleArchitecture = error else { throw error }
            try fail(error)
        }
        let chosen = verification.chosen
        let graph = try NetworkGraph(space: searchSpace, arch: chosen.arch)
        var p90: Double?, upper: Double?
        if case let .measured(_, b, _, u) = chosen.latency.origin { p90 = b; upper = u }
        let out = Output(space: space, strategy: result.strategy, arch: searchSpace.format(chosen.arch), accuracy: chosen.accuracy,
                         accuracy_source: result.accuracySource, latency_ms: chosen.latency.ms, latency_source: verification.source,
                         latency_p90_ms: p90, latency_upper_ms: upper, search_latency_ms: verification.searchLatency.ms,
                         search_latency_source: result.latencySource, verified_candidates: verification.checks.count, borderline_checks: checked?.checks ?? 0,
                         budget_ms: budgetMs, flops_m: Double(graph.flops) / 1e6, params_m: Double(graph.parameters) / 1e6, queries: result.queries, latency_evaluations: result.latencyEvaluations, seed: seed, notes: result.notes)
        if json { return try printJSONLine(out) }
        print(textTable(header: ["result", "value"], rows: [
            ["arch", out.arch], ["accuracy", String(format: "%.4f  (%@)", out.accuracy, out.accuracy_source)],
            ["latency", String(format: "%.4f ms  (%@), budget %.4f ms", out.latency_ms, out.latency_source, budgetMs)],
            ["search saw", String(format: "%.4f ms  (%@)", out.search_latency_ms, out.search_latency_source)],
            ["verified candidates", "\(out.verified_candidates)"], ["borderline checks", "\(out.borderline_checks)"],
            ["FLOPs / params", String(format: "%.2f M / %.3f M", out.flops_m, out.params_m)],
            ["strategy", out.strategy], ["accuracy queries", "\(out.queries)"], ["latency evaluations", "\(out.latency_evaluations)"],
        ] + out.notes.map { ["note", $0] }))
    }

    /// Prints that no architecture meets the budget and exits with status 3.
    private func fail(_ error: ExperimentError) throws -> Never {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        throw ExitCode(3)
    }
}
