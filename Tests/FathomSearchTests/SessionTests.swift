@testable import FathomSearch
import FathomSpaces
import Testing

/// The accounting every strategy shares: the accuracy cache, the separate counts, hard limits before latency,
/// strict budgets, and bad requests.
@Suite struct SessionTests {
    static let problem = try! SyntheticProblem()

    /// A latency source that counts its calls and reports a measured spread.
    final class CountingLatency: LatencySource {
        let id = "synthetic:agent"
        let problem: SyntheticProblem
        private(set) var calls = 0
        init(_ problem: SyntheticProblem) { self.problem = problem }

        func latency(of arch: Architecture) throws -> LatencyEstimate {
            calls += 1
            let ms = problem.latency(of: arch)
            return LatencyEstimate(ms: ms, origin: .measured(p10: ms * 0.95, p90: ms * 1.1, runs: 20, upperBound: ms * 1.05))
        }
    }

    func session(limits: [HardLimit] = [], strict: Bool = false) throws -> (SearchSession, SpyAccuracy, CountingLatency) {
        let spy = SpyAccuracy(Self.problem), latency = CountingLatency(Self.problem)
        var request = Self.problem.request(queries: 5, seed: 1)
        request.limits = limits
        request.strict = strict
        return (try SearchSession(request, accuracy: spy, latency: latency), spy, latency)
    }

    var feasible: Architecture { Self.problem.optimum }
    var infeasible: Architecture { Self.problem.unconstrainedOptimum }

    @Test func aRepeatedArchitectureIsAnsweredFromTheCache() throws {
        let (session, spy, latency) = try session()
        let first = try #require(try session.propose(feasible))
        let again = try #require(try session.propose(feasible))
        #expect(first == again)
        #expect(spy.queried == [feasible] && session.queried.count == 1)
        #expect(latency.calls == 1 && session.evaluated.count == 1)
        #expect(session.history.count == 1 && session.history[0].query == 1)
    }

    @Test func anInfeasibleArchitectureIsNeverQueried() throws {
        let (session, spy, latency) = try session()
        #expect(try session.propose(infeasible) == nil)
        #expect(try session.propose(infeasible) == nil)
        #expect(spy.queried.isEmpty && latency.calls == 1)
        #expect(session.history.count == 1)
        #expect(session.history[0].violated == "latency" && session.history[0].latency?.ms == Self.problem.latency(of: infeasible))
        #expect(throws: SearchError.noFeasibleCandidate(fastestSeen: infeasible, fastestMs: Self.problem.latency(of: infeasible))) {
            try session.result(strategy: "test")
        }
    }

    @Test func hardLimitsComeBeforeLatency() throws {
        let noSecondChoice = HardLimit(name: "params_m", maximum: 0) { arch in Double(arch.genes.filter { $0 == 2 }.count) }
        let (session, spy, latency) = try session(limits: [noSecondChoice])
        let heavy = Architecture(genes: [2, 0, 0, 0, 0, 0])
        #expect(try session.propose(heavy) == nil)
        #expect(latency.calls == 0 && spy.queried.isEmpty)
        #expect(session.history[0].violated == "params_m" && session.history[0].latency == nil)
        let light = Architecture(genes: [0, 0, 0, 0, 0, 0])
        #expect(try session.propose(light) != nil)
    }

    @Test func strictBudgetsCompareTheUpperBound() throws {
        let problem = Self.problem
        let edge = try #require(problem.architectures.filter(problem.isFeasible).max { problem.latency(of: $0) < problem.latency(of: $1) })
        #expect(problem.latency(of: edge) * 1.05 > problem.budgetMs)
        #expect(try session().0.isFeasible(edge))
        #expect(try !session(strict: true).0.isFeasible(edge))
    }

    @Test func theQueryBudgetIsKept() throws {
        let (session, spy, _) = try session()
        for arch in Self.problem.architectures.filter(Self.problem.isFeasible).prefix(8) { _ = try session.propose(arch) }
        #expect(spy.queried.count == 5 && session.isDone)
        let result = try session.result(strategy: "test")
        #expect(result.queries == 5 && result.best.arch == spy.queried.max { Self.problem.accuracy(of: $0) < Self.problem.accuracy(of: $1) })
    }

    @Test func badRequestsAreRefused() throws {
        let strategy = try SearchStrategies.named("random")
        for budget in [-1.0, 0, .nan, .infinity] {
            let request = Self.problem.request(queries: 10, seed: 1, budgetMs: budget)
            #expect(throws: SearchError.self) {
                try strategy.search(request, accuracy: SpyAccuracy(Self.problem), latency: TableLatency(problem: Self.problem))
            }
        }
        #expect(throws: SearchError.invalidSetting(name: "queries", value: "0", expected: "a positive count")) {
            try strategy.search(Self.problem.request(queries: 0, seed: 1), accuracy: SpyAccuracy(Self.problem),
                                latency: TableLatency(problem: Self.problem))
        }
        #expect(throws: SearchError.invalidSetting(name: "local restart pool/guided pool/final queries", value: "20/0/30",
                                                  expected: "positive pools and a non-negative count")) {
            try LocalSearch(guidedPool: 0).search(Self.problem.request(queries: 10, seed: 1), accuracy: SpyAccuracy(Self.problem),
                                                  latency: TableLatency(problem: Self.problem))
        }
        #expect(throws: SearchError.unknownStrategy("annealing", allowed: SearchStrategies.names)) {
            try SearchStrategies.named("annealing")
        }
        #expect(SearchStrategies.all.map(\.name) == ["random", "evolution", "local", "nsga2", "frank-wolfe", "reinforce"])
        #expect("\(SearchError.invalidBudget(-1))".contains("invalid latency budget -1.0 ms"))
    }
}
