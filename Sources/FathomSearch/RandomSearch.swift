import FathomSpaces

/// Random search with rejection: draw uniformly until a candidate meets the hard limits, then query it (the
/// baseline of every NAS comparison; Li & Talwalkar 2019, "Random search and reproducibility for NAS").
public struct RandomSearch: SearchStrategy {
    public let name = "random"

    /// Random search has no settings.
    public init() {}

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            while try session.proposeRandomFeasible() != nil {}
            return ([], [])
        }
    }
}
