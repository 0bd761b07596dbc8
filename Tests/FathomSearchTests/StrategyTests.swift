@testable import FathomSearch
import FathomSpaces
import Testing

/// Every strategy on the synthetic problem (6 genes × 3 choices, 729 architectures, 292 within the budget, the
/// unconstrained optimum over it): it finds the known constrained optimum, never queries nor returns an infeasible
/// candidate, repeats itself exactly per seed, and reports when nothing is feasible.
@Suite struct StrategyTests {
    static let problem = try! SyntheticProblem()
    static let seeds: [UInt64] = [1, 2, 3, 4, 5]

    /// Queries each strategy gets and how many of the 5 seeds must find the optimum. Measured in release over 30
    /// seeds at 150 queries: evolution 30/30, frank-wolfe 30/30, reinforce 28/30, nsga2 27/30, random 11/30 (about
    /// 150 of 292 feasible architectures get queried), local 11/30 (first-improvement ends at the budget's edge in
    /// local optima); at 300 queries random finds it 29/30 and local 30/30, so those two get 300 here.
    static let bar: [String: (queries: Int, hits: Int)] = [
        "random": (300, 4), "evolution": (150, 5), "local": (300, 4),
        "nsga2": (150, 4), "frank-wolfe": (150, 5), "reinforce": (150, 4),
    ]

    /// Runs `name`; the property tests use 60 queries (enough to exercise every phase, cheap in debug builds).
    func run(_ name: String, queries: Int = 60, seed: UInt64, budgetMs: Double? = nil) throws -> (SearchResult, SpyAccuracy) {
        let spy = SpyAccuracy(Self.problem)
        let result = try SearchStrategies.named(name).search(Self.problem.request(queries: queries, seed: seed, budgetMs: budgetMs),
                                                             accuracy: spy, latency: TableLatency(problem: Self.problem))
        return (result, spy)
    }

    @Test func theProblemIsConstrained() {
        let problem = Self.problem
        #expect(problem.architectures.count == 729)
        #expect(problem.architectures.filter(problem.isFeasible).count == 292)
        #expect(!problem.isFeasible(problem.unconstrainedOptimum))
        let accuracies = problem.architectures.filter(problem.isFeasible).map(problem.accuracy(of:)).sorted(by: >)
        #expect(accuracies[0] > accuracies[1])
    }

    @Test(arguments: SearchStrategies.names) func findsTheConstrainedOptimum(_ name: String) throws {
        let bar = try #require(Self.bar[name])
        let hits = try Self.seeds.filter { try run(name, queries: bar.queries, seed: $0).0.best.arch == Self.problem.optimum }
        #expect(hits.count >= bar.hits, "\(name) found the optimum with seeds \(hits)")
    }

    /// On a source whose answers cost a measurement, budget-first strategies spend about one latency evaluation per
    /// proposal instead of ranking many: the same search on a table evaluates more latencies (each architecture's at
    /// most once, so on this 729-architecture space the difference is bounded).
    @Test(arguments: ["evolution", "local"]) func measuredSourcesAreNotSpentOnRankingProposals(_ name: String) throws {
        let request = Self.problem.request(queries: 100, seed: 1, budgetMs: nil)
        let cheap = try SearchStrategies.named(name).search(request, accuracy: SpyAccuracy(Self.problem), latency: TableLatency(problem: Self.problem))
        let measured = try SearchStrategies.named(name).search(request, accuracy: SpyAccuracy(Self.problem), latency: MeasuredLatency(problem: Self.problem))
        #expect(measured.latencyEvaluations < 2 * measured.history.count, "\(measured.latencyEvaluations) for \(measured.history.count) proposals")
        #expect(cheap.latencyEvaluations > measured.latencyEvaluations, "\(cheap.latencyEvaluations) against \(measured.latencyEvaluations)")
    }

    @Test(arguments: SearchStrategies.names) func neverQueriesNorReturnsAnInfeasibleCandidate(_ name: String) throws {
        let problem = Self.problem
        for seed in Self.seeds.prefix(2) {
            let (result, spy) = try run(name, seed: seed)
            #expect(spy.queried.allSatisfy(problem.isFeasible))
            #expect(problem.isFeasible(result.best.arch))
            #expect(result.best.latency.ms == problem.latency(of: result.best.arch))
            #expect(result.best.accuracy == problem.accuracy(of: result.best.arch))
            #expect(result.paretoFront.allSatisfy { problem.isFeasible($0.arch) })
            for record in result.history {
                #expect(record.feasible == problem.isFeasible(record.arch))
                #expect((record.accuracy != nil) == record.feasible && (record.query != nil) == record.feasible)
                #expect(record.feasible == (record.violated == nil))
            }
            #expect(result.best.accuracy == spy.queried.map(problem.accuracy(of:)).max())
        }
    }

    /// Strategies rank by the source's ranking score and report its accuracy: with the score upside down, the answer
    /// is the least accurate queried candidate, with its own accuracy.
    @Test(arguments: SearchStrategies.names) func ranksByTheSourcesScoreAndReportsTheAccuracy(_ name: String) throws {
        let problem = Self.problem
        let result = try SearchStrategies.named(name).search(problem.request(queries: 60, seed: 1, budgetMs: nil), accuracy: UpsideDownScore(problem),
                                                             latency: TableLatency(problem: problem))
        let queried = result.history.filter(\.feasible)
        #expect(result.best.accuracy == problem.accuracy(of: result.best.arch) && result.best.score == -result.best.accuracy)
        #expect(result.best.accuracy == queried.compactMap(\.accuracy).min())
        #expect(queried.allSatisfy { $0.score == $0.accuracy.map { -$0 } })
    }

    @Test(arguments: SearchStrategies.names) func sameSeedSameHistoryOtherSeedOtherHistory(_ name: String) throws {
        let first = try run(name, seed: 11).0
        let again = try run(name, seed: 11).0
        let other = try run(name, seed: 12).0
        #expect(first.history == again.history)
        #expect(first.best == again.best && first.latencyEvaluations == again.latencyEvaluations)
        #expect(first.history != other.history)
    }

    @Test(arguments: SearchStrategies.names) func repeatedArchitecturesCostNoQuery(_ name: String) throws {
        let (result, spy) = try run(name, seed: 3)
        #expect(Set(spy.queried).count == spy.queried.count)
        #expect(result.queries == spy.queried.count && result.queries <= 60)
        #expect(result.history.compactMap(\.query) == Array(1...result.queries))
        #expect(Set(result.history.map(\.arch)).count == result.history.count)
    }

    @Test(arguments: SearchStrategies.names) func aBudgetBelowEveryLatencyFindsNothing(_ name: String) throws {
        let fastest = Self.problem.architectures.map(Self.problem.latency(of:)).min()!
        let spy = SpyAccuracy(Self.problem)
        let request = SearchRequest(space: Self.problem.space, latencyBudgetMs: fastest * 0.99, queries: 50, seed: 1, patience: 200)
        #expect {
            _ = try SearchStrategies.named(name).search(request, accuracy: spy, latency: TableLatency(problem: Self.problem))
        } throws: { error in
            guard case let .noFeasibleCandidate(arch, ms) = error as? SearchError, let arch, let ms else { return false }
            return ms == Self.problem.latency(of: arch) && ms >= fastest && ms > request.latencyBudgetMs
        }
        #expect(spy.queried.isEmpty)
    }
}
