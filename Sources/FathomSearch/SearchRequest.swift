import FathomSpaces

/// What a search is asked: the space, the hard latency budget (and any further limits), the work budget in accuracy
/// queries, and the seed that makes it repeatable.
public struct SearchRequest: Sendable {
    public var space: SearchSpace
    /// The hard latency budget in ms: a candidate over it is never queried nor returned.
    public var latencyBudgetMs: Double
    /// The number of accuracy queries (the expensive call) the search may make; a repeated architecture is free.
    public var queries: Int
    /// Every random choice of the search derives from this seed.
    public var seed: UInt64
    /// Further hard limits (parameters, FLOPs, memory).
    public var limits: [HardLimit]
    /// Compare a measured latency's upper confidence bound, not its median, with the budget.
    public var strict: Bool
    /// A search stops early after this many proposals in a row that made no new accuracy query (the feasible set
    /// is exhausted, or nothing feasible is being found).
    public var patience: Int

    /// A request; `limits`, `strict` and `patience` have defaults.
    public init(space: SearchSpace, latencyBudgetMs: Double, queries: Int, seed: UInt64,
                limits: [HardLimit] = [], strict: Bool = false, patience: Int = 1000) {
        self.space = space
        self.latencyBudgetMs = latencyBudgetMs
        self.queries = queries
        self.seed = seed
        self.limits = limits
        self.strict = strict
        self.patience = patience
    }

    /// Whether a latency is within the budget (by its upper bound when `strict`).
    public func withinBudget(_ latency: LatencyEstimate) -> Bool {
        (strict ? latency.upperBoundMs : latency.ms) <= latencyBudgetMs
    }

    func validate() throws {
        guard latencyBudgetMs.isFinite, latencyBudgetMs > 0 else { throw SearchError.invalidBudget(latencyBudgetMs) }
        for (name, value) in [("queries", queries), ("patience", patience)] where value <= 0 {
            throw SearchError.invalidSetting(name: name, value: "\(value)", expected: "a positive count")
        }
    }
}
