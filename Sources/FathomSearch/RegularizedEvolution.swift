import FathomSpaces

/// Regularized (aging) evolution (Real et al., AAAI 2019) with the hard limits built in: the population starts from
/// feasible random samples; each cycle a tournament of `sampleSize` members (drawn with replacement) picks the most
/// accurate as parent, `redraws` mutations of it are drawn, and the slowest feasible one not yet queried becomes the
/// child (budget-first, as in ``LocalSearch``: under a hard budget the most accurate networks use most of it); the
/// oldest member dies. An infeasible child is never admitted. Choosing among the mutations costs latency evaluations,
/// not queries, so it is done on cheap latency sources (tables, predictors); on NAS-Bench-201 tables (19 devices × 3
/// budgets, 300 queries) it lowered the mean regret from 0.31 to 0.22. On a measured source the first feasible new
/// mutation becomes the child, so each query costs about one measurement.
public struct RegularizedEvolution: SearchStrategy {
    public let name = "evolution"
    /// Members alive at once.
    public var population: Int
    /// Tournament size.
    public var sampleSize: Int
    /// Mutations drawn per tournament; the slowest feasible one becomes the child.
    public var redraws: Int

    /// Defaults tuned on a synthetic space for budgets of a few hundred queries.
    public init(population: Int = 20, sampleSize: Int = 5, redraws: Int = 10) {
        self.population = population
        self.sampleSize = sampleSize
        self.redraws = redraws
    }

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        guard population > 0, (1...population).contains(sampleSize), redraws > 0 else {
            throw SearchError.invalidSetting(name: "evolution population/sample/redraws",
                                             value: "\(population)/\(sampleSize)/\(redraws)", expected: "population ≥ 1, 1 ≤ sample ≤ population, redraws ≥ 1")
        }
        return try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            var members: [Candidate] = []
            while members.count < population, let member = try session.proposeRandomFeasible() {
                members.append(member)
            }
            while !session.isDone, !members.isEmpty {
                var parent = session.rng.element(of: members)
                for _ in 1..<sampleSize {
                    let rival = session.rng.element(of: members)
                    if rival.score > parent.score { parent = rival }
                }
                var slowest: (arch: Architecture, ms: Double)?
                for _ in 0..<redraws where slowest == nil || session.latencyIsCheap {
                    let child = session.space.mutate(parent.arch, using: &session.rng)
                    guard !session.isQueried(child), try session.isFeasible(child) else { continue }
                    let ms = try session.latency(of: child).ms
                    if ms > slowest?.ms ?? -.infinity { slowest = (child, ms) }
                }
                // With no feasible new mutation, one plain mutation is proposed: it is answered from the cache or
                // ruled out, and counts towards the session's patience, so a search stuck here ends.
                let proposal = slowest?.arch ?? session.space.mutate(parent.arch, using: &session.rng)
                if let child = try session.propose(proposal) {
                    members.append(child)
                    members.removeFirst()
                }
            }
            return ([], [])
        }
    }
}
