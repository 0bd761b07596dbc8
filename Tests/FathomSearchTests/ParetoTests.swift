@testable import FathomSearch
import FathomSpaces
import Testing

/// NSGA-II's sorting and its returned front.
@Suite struct ParetoTests {
    func candidate(_ accuracy: Double, _ ms: Double) -> Candidate {
        Candidate(arch: Architecture(genes: [Int(accuracy), Int(ms)]), accuracy: accuracy,
                  latency: LatencyEstimate(ms: ms, origin: .table(column: "t")))
    }

    @Test func frontsAndCrowding() {
        let items = [candidate(90, 10), candidate(80, 5), candidate(85, 12), candidate(70, 4), candidate(80, 6), candidate(90, 10)]
        let fronts = ParetoSorting.fronts(items)
        #expect(fronts == [[0, 1, 3, 5], [2, 4]])
        let crowding = ParetoSorting.crowding(items, front: [0, 1, 3])
        #expect(crowding[0] == .infinity && crowding[2] == .infinity)
        #expect(abs(crowding[1] - ((90.0 - 70) / 20 + (10.0 - 4) / 6)) < 1e-12)
    }

    @Test func nsga2ReturnsTheNonDominatedQueriedCandidates() throws {
        let problem = try SyntheticProblem()
        let result = try NSGA2().search(problem.request(queries: 80, seed: 2), accuracy: SpyAccuracy(problem),
                                        latency: TableLatency(problem: problem))
        let front = result.paretoFront
        #expect(!front.isEmpty && front.contains(result.best))
        #expect(zip(front, front.dropFirst()).allSatisfy { $0.latency.ms <= $1.latency.ms && $0.accuracy < $1.accuracy })
        let queried = result.history.filter { $0.query != nil }
        for record in queried {
            let point = Candidate(arch: record.arch, accuracy: record.accuracy!, latency: record.latency!)
            #expect(!front.contains { ParetoSorting.dominates(point, $0) })
            #expect(front.contains(point) || front.contains { ParetoSorting.dominates($0, point) })
        }
    }

    @Test func crossoverChildrenStayFeasibleAndRepeatable() throws {
        let problem = try SyntheticProblem()
        func run() throws -> (SearchResult, SpyAccuracy) {
            let spy = SpyAccuracy(problem)
            let result = try NSGA2(crossoverRate: 0.9).search(problem.request(queries: 60, seed: 5), accuracy: spy,
                                                              latency: TableLatency(problem: problem))
            return (result, spy)
        }
        let (result, spy) = try run()
        #expect(spy.queried.allSatisfy(problem.isFeasible) && result.queries == 60)
        #expect(try run().0.history == result.history)
    }
}
