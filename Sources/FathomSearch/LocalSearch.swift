import FathomSpaces

/// Local search with first improvement and random restarts (White et al., UAI 2021, "Local search is state of the
/// art for NAS benchmarks"): from the current architecture, the space's neighbours (`SearchSpace.neighbours(of:)`,
/// every single-gene change) are proposed in a random order and the search moves to the first one more accurate than
/// the current; when none is, it restarts from a feasible random sample. Infeasible neighbours are skipped unqueried.
///
/// First improvement rather than best improvement: a step costs only the queries up to the first better neighbour,
/// which matters when a neighbourhood holds tens of architectures and the budget a few hundred queries.
public struct LocalSearch: SearchStrategy {
    public let name = "local"

    /// Local search has no settings.
    public init() {}

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            var current = try session.proposeRandomFeasible()
            while let here = current, !session.isDone {
                current = nil
                for neighbour in session.rng.shuffled(session.space.neighbours(of: here.arch)) where !session.isDone {
                    if let next = try session.propose(neighbour), next.accuracy > here.accuracy {
                        current = next
                        break
                    }
                }
                if current == nil { current = try session.proposeRandomFeasible() }
            }
            return ([], [])
        }
    }
}
