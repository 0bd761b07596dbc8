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

    /// Predicts 85% of the true latency and says how unsure it is: a spread of 10% of the prediction, or none.
    struct Unsure: LatencySource {
        let id = "synthetic:unsure"
        let problem: SyntheticProblem
        let reportsSpread: Bool
        var isCheap: Bool { true }

        func latency(of arch: Architecture) throws -> LatencyEstimate {
            let ms = 0.85 * problem.latency(of: arch)
            return LatencyEstimate(ms: ms, origin: .predicted(model: "unsure"), spreadMs: reportsSpread ? 0.1 * ms : nil)
        }
    }

    /// A band of two spreads checks exactly the predictions within two of their own standard deviations of the budget;
    /// a prediction without a spread is an error, not a silent unchecked answer.
    @Test func aBandInSpreadsFollowsEachPredictionsOwnUncertainty() throws {
        let problem = Self.problem
        let checked = BorderlineCheckedLatencySource(predicted: Unsure(problem: problem, reportsSpread: true), truth: TableLatency(problem: problem),
                                                     budgetMs: problem.budgetMs, band: .spreads(2))
        var expectedChecks = 0
        for arch in problem.architectures.prefix(200) {
            let predicted = 0.85 * problem.latency(of: arch)
            let answer = try checked.latency(of: arch)
            let near = abs(predicted - problem.budgetMs) <= 2 * 0.1 * predicted
            expectedChecks += near ? 1 : 0
            #expect(answer.ms == (near ? problem.latency(of: arch) : predicted))
        }
        #expect(expectedChecks > 0 && checked.checks == expectedChecks)
        let blind = BorderlineCheckedLatencySource(predicted: Unsure(problem: problem, reportsSpread: false), truth: TableLatency(problem: problem),
                                                   budgetMs: problem.budgetMs, band: .spreads(2))
        #expect(throws: SearchError.self) { try blind.latency(of: problem.architectures[0]) }
    }

    @Test func onlyAnswersNearTheBudgetComeFromTheDevice() throws {
        let problem = Self.problem
        let checked = BorderlineCheckedLatencySource(predicted: Optimistic(problem: problem), truth: TableLatency(problem: problem),
                                                     budgetMs: problem.budgetMs, band: .fraction(0.2))
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
                                                    budgetMs: problem.budgetMs, band: .fraction(0.2), maxChecks: 3)
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
                                                             budgetMs: problem.budgetMs, band: .fraction(0.2))
                let result = try SearchStrategies.named(name).search(request, accuracy: SpyAccuracy(problem), latency: checked)
                #expect(problem.isFeasible(result.best.arch), "\(name) seed \(seed)")
                #expect(checked.checks > 0)
            }
        }
        #expect(overBudgetUnchecked > 0, "the optimistic predictor must mislead unchecked searches for this test to mean anything")
    }
}
