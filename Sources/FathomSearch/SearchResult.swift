import FathomSpaces

/// A queried, feasible architecture with its accuracy, the score strategies rank it by, and its latency.
public struct Candidate: Hashable, Sendable {
    public let arch: Architecture
    public let accuracy: Double
    /// ``AccuracySource/rankingScore(of:)``: the accuracy, or a score that ranks more faithfully.
    public let score: Double
    public let latency: LatencyEstimate

    /// Pairs an architecture with its accuracy, ranking score (by default the accuracy) and latency.
    public init(arch: Architecture, accuracy: Double, score: Double? = nil, latency: LatencyEstimate) {
        self.arch = arch
        self.accuracy = accuracy
        self.score = score ?? accuracy
        self.latency = latency
    }
}

/// One architecture a strategy proposed, in the order it was first proposed.
public struct SearchRecord: Hashable, Sendable {
    public let arch: Architecture
    /// Nil when a cheaper hard limit ruled it out before its latency was asked.
    public let latency: LatencyEstimate?
    /// Nil for an infeasible candidate: it was never queried.
    public let accuracy: Double?
    /// Its ranking score (``Candidate/score``), nil if infeasible.
    public let score: Double?
    public let feasible: Bool
    /// The 1-based index of the accuracy query it cost, nil if infeasible.
    public let query: Int?
    /// The limit it broke (`latency`, or a `HardLimit`'s name), nil if feasible.
    public let violated: String?
}

/// What a search returns: always a feasible answer (an infeasible search throws `SearchError.noFeasibleCandidate`).
public struct SearchResult: Sendable {
    /// The strategy's name (`evolution`, …).
    public let strategy: String
    /// The best queried candidate by ranking score (ties: the faster, then the earlier one); within every hard limit.
    public let best: Candidate
    /// Accuracy queries made (repeated architectures were answered from the cache and cost none).
    public let queries: Int
    /// Calls to the latency source (each architecture at most once).
    public let latencyEvaluations: Int
    /// Every architecture proposed, once, in order.
    public let history: [SearchRecord]
    /// The non-dominated queried candidates by (ranking score max, latency min), for multi-objective strategies (NSGA-II);
    /// empty otherwise. Sorted by latency.
    public let paretoFront: [Candidate]
    /// Caveats a user should read (e.g. a heuristic feasibility guarantee).
    public let notes: [String]
    /// The ids of the sources used.
    public let accuracySource: String
    public let latencySource: String
}
