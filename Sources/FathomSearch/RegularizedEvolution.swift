import FathomSpaces

/// Regularized (aging) evolution (Real et al., AAAI 2019) with the hard limits built in: the population starts from
/// feasible random samples; each cycle a tournament of `sampleSize` members (drawn with replacement) picks the most
/// accurate as parent, its mutation becomes the child and the oldest member dies. An infeasible child is never
/// admitted: the mutation is re-drawn (up to `redraws` times, then a new tournament).
public struct RegularizedEvolution: SearchStrategy {
    public let name = "evolution"
    /// Members alive at once.
    public var population: Int
    /// Tournament size.
    public var sampleSize: Int
    /// Mutations tried per tournament before a new tournament is held.
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
                    if rival.accuracy > parent.accuracy { parent = rival }
                }
                for _ in 0..<redraws where !session.isDone {
                    if let child = try session.propose(session.space.mutate(parent.arch, using: &session.rng)) {
                        members.append(child)
                        members.removeFirst()
                        break
                    }
                }
            }
            return ([], [])
        }
    }
}
