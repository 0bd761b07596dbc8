import FathomSpaces

/// The bookkeeping every strategy shares, so that the hard budget is built into each of them the same way:
/// feasibility (hard limits first, then latency), the latency and accuracy caches, the separate counts of accuracy
/// queries and latency evaluations, the history, and the stopping rule.
///
/// A strategy proposes candidates with `propose(_:)`, which queries accuracy only for a feasible candidate not seen
/// before; it may look at feasibility alone with `isFeasible(_:)` (a latency evaluation, no query, no history).
final class SearchSession {
    let request: SearchRequest
    let accuracySource: any AccuracySource
    let latencySource: any LatencySource
    var rng: SeededGenerator

    private var latencies: [Architecture: LatencyEstimate] = [:]
    private var accuracies: [Architecture: Candidate] = [:]
    private var proposed: Set<Architecture> = []
    private(set) var history: [SearchRecord] = []
    /// Every queried candidate, in query order.
    private(set) var queried: [Candidate] = []
    /// Every latency the source returned, in evaluation order.
    private(set) var evaluated: [(arch: Architecture, ms: Double)] = []
    private var idleProposals = 0
    private var fastest: (arch: Architecture, ms: Double)?

    var space: SearchSpace { request.space }
    var queriesLeft: Int { request.queries - queried.count }
    /// Whether latency evaluations are cheap enough to spend on choosing proposals (see `LatencySource.isCheap`).
    var latencyIsCheap: Bool { latencySource.isCheap }
    /// True once the query budget is spent or `patience` proposals in a row made no new query.
    var isDone: Bool { queriesLeft <= 0 || idleProposals >= request.patience }

    init(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws {
        try request.validate()
        self.request = request
        accuracySource = accuracy
        latencySource = latency
        rng = SeededGenerator(seed: request.seed)
    }

    /// The latency of `arch`, asked of the source once per architecture.
    func latency(of arch: Architecture) throws -> LatencyEstimate {
        if let known = latencies[arch] { return known }
        let estimate = try latencySource.latency(of: arch)
        latencies[arch] = estimate
        evaluated.append((arch, estimate.ms))
        if fastest.map({ estimate.ms < $0.ms }) ?? true { fastest = (arch, estimate.ms) }
        return estimate
    }

    /// The first hard limit `arch` breaks (`latency` or a limit's name) with its latency if asked; nil if feasible.
    private func violation(of arch: Architecture) throws -> (name: String, latency: LatencyEstimate?)? {
        if let limit = request.limits.first(where: { $0.measure(arch) > $0.maximum }) { return (limit.name, nil) }
        let estimate = try latency(of: arch)
        return request.withinBudget(estimate) ? nil : ("latency", estimate)
    }

    /// Whether `arch` meets every hard limit. Costs at most one latency evaluation, no query, leaves no history.
    func isFeasible(_ arch: Architecture) throws -> Bool {
        try violation(of: arch) == nil
    }

    /// Whether `arch` has been queried already (its accuracy is known).
    func isQueried(_ arch: Architecture) -> Bool { accuracies[arch] != nil }

    /// A strategy's candidate: nil if it breaks a hard limit (never queried), or if it is new and no query is left;
    /// otherwise its accuracy, from the cache or from one new query.
    func propose(_ arch: Architecture) throws -> Candidate? {
        if let known = accuracies[arch] {
            idleProposals += 1
            return known
        }
        if let broken = try violation(of: arch) {
            idleProposals += 1
            if proposed.insert(arch).inserted {
                history.append(SearchRecord(arch: arch, latency: broken.latency, accuracy: nil, score: nil, feasible: false,
                                            query: nil, violated: broken.name))
            }
            return nil
        }
        guard queriesLeft > 0 else { return nil }
        let accuracy = try accuracySource.accuracy(of: arch)
        let candidate = Candidate(arch: arch, accuracy: accuracy, score: accuracySource.ranksByScore ? try accuracySource.rankingScore(of: arch) : accuracy, latency: try latency(of: arch))
        accuracies[arch] = candidate
        proposed.insert(arch)
        queried.append(candidate)
        idleProposals = 0
        history.append(SearchRecord(arch: arch, latency: candidate.latency, accuracy: candidate.accuracy, score: candidate.score, feasible: true,
                                    query: queried.count, violated: nil))
        return candidate
    }

    /// Proposes uniform random samples until one is feasible (rejection sampling), or the search is done.
    func proposeRandomFeasible() throws -> Candidate? {
        while !isDone {
            if let candidate = try propose(space.sample(using: &rng)) { return candidate }
        }
        return nil
    }

    /// The result: the best queried candidate by ranking score, or `noFeasibleCandidate` with the fastest one seen.
    func result(strategy: String, paretoFront: [Candidate] = [], notes: [String] = []) throws -> SearchResult {
        guard let best = queried.max(by: isWorse) else {
            throw SearchError.noFeasibleCandidate(fastestSeen: fastest?.arch, fastestMs: fastest?.ms)
        }
        return SearchResult(strategy: strategy, best: best, queries: queried.count, latencyEvaluations: evaluated.count,
                            history: history, paretoFront: paretoFront, notes: notes,
                            accuracySource: accuracySource.id, latencySource: latencySource.id)
    }

    /// Orders by ranking score, then lower latency; `max(by:)` keeps the earliest of equals.
    private func isWorse(_ a: Candidate, _ b: Candidate) -> Bool {
        a.score != b.score ? a.score < b.score : a.latency.ms > b.latency.ms
    }

    /// Runs `body` on a fresh session and returns its result: the one entry point every strategy uses.
    static func run(_ strategy: String, _ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource,
                    _ body: (SearchSession) throws -> (front: [Candidate], notes: [String])) throws -> SearchResult {
        let session = try SearchSession(request, accuracy: accuracy, latency: latency)
        let extra = try body(session)
        return try session.result(strategy: strategy, paretoFront: extra.front, notes: extra.notes)
    }
}
