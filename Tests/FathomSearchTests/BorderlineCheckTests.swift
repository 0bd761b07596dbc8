import FathomSearch
import FathomSpaces
import Testing

/// A predictor that is wrong near the budget, checked on the device there (``BorderlineCheckedLatencySource``).
@Suite struct BorderlineCheckTests {
    static let problem = try! SyntheticProblem()

    /// Predicts 85% of the true latency: many architectures just over the budget look feasible.
    struct Optimistic: LatencySource {
        let id = "synthetic:optimistic"
        let problem: SyntheticProblem
        var isCheap: Bool { true }

        func latency(of arch: Architecture) throws -> LatencyEstimate {
            LatencyEstimate(ms: 0.85 * problem.latency(of: arch), origin: .predicted(model: "optimistic"))
        }
    }

    @Test func onlyAnswersNearTheBudgetComeFromTheDevice() throws {
        let problem = Self.problem
        let checked = BorderlineCheckedLatencySource(predicted: Optimistic(problem: problem), truth: TableLatency(problem: problem),
                                                     budgetMs: problem.budgetMs, band: 0.2)
        var expectedChecks = 0
        for arch in problem.architectures.prefix(200) {
            let predicted = 0.85 * problem.latency(of: arch)
            let answer = try checked.latency(of: arch)
            if abs(predicted - problem.budgetMs) <= 0.2 * problem.budgetMs {
                expectedChecks += 1
                #expect(answer.ms == problem.latency(of: arch) && answer.origin == .table(column: "synthetic"))
            } else {
                #expect(answer.ms == predicted)
            }
        }
        #expect(expectedChecks > 0 && checked.checks == expectedChecks)

        // With a cap, checks stop there and the predictions decide.
        let capped = BorderlineCheckedLatencySource(predicted: Optimistic(problem: problem), truth: TableLatency(problem: problem),
                                                    budgetMs: problem.budgetMs, band: 0.2, maxChecks: 3)
        let answers = try problem.architectures.prefix(200).map { try capped.latency(of: $0).origin }
        #expect(capped.checks == 3 && answers.filter { $0 == .table(column: "synthetic") }.count == 3)
    }

    /// With a band wide enough to cover the predictor's error at the budget, every feasibility decision near the budget
    /// is the device's, so no answer is over budget on the device; without the check some are.
    @Test func checkedSearchesReturnOnlyAnswersWithinBudgetOnTheDevice() throws {
        let problem = Self.problem
        var overBudgetUnchecked = 0
        for name in ["random", "evolution", "local", "nsga2", "reinforce"] {
            for seed in UInt64(0)..<3 {
                let request = problem.request(queries: 60, seed: seed)
                let plain = try SearchStrategies.named(name).search(request, accuracy: SpyAccuracy(problem), latency: Optimistic(problem: problem))
                if !problem.isFeasible(plain.best.arch) { overBudgetUnchecked += 1 }
                let checked = BorderlineCheckedLatencySource(predicted: Optimistic(problem: problem), truth: TableLatency(problem: problem),
                                                             budgetMs: problem.budgetMs, band: 0.2)
                let result = try SearchStrategies.named(name).search(request, accuracy: SpyAccuracy(problem), latency: checked)
                #expect(problem.isFeasible(result.best.arch), "\(name) seed \(seed)")
                #expect(checked.checks > 0)
            }
        }
        #expect(overBudgetUnchecked > 0, "the optimistic predictor must mislead unchecked searches for this test to mean anything")
    }
}
