import FathomSpaces

/// Local search with first improvement and restarts (White et al., UAI 2021, "Local search is state of the art for
/// NAS benchmarks"), budget-first: from the current architecture, its feasible, not yet queried neighbours
/// (`SearchSpace.neighbours(of:)`, every single-gene change) are proposed from the slowest to the fastest, and the
/// search moves to the first one more accurate than the current; when none is, it restarts from the slowest of
/// `restartPool` feasible random samples. Infeasible neighbours are never queried.
///
/// Before a restart, on a cheap latency source, the search widens: up to `wideProbes[0]` neighbours two genes away,
/// then up to `wideProbes[1]` three genes away, are proposed the same way (slowest feasible first). At a tight budget
/// the current architecture sits on the budget's edge, where a better one often needs some genes made faster and
/// others slower at once, which no single change reaches. On NAS-Bench-201 tables (HELP's 19 devices, 20 seeds, 300
/// queries) this lowered local search's mean regret at the 25th-percentile budget from 0.235 to 0.045 points and at
/// the median from 0.114 to 0.076 (probe counts chosen from 0–40 on those same cells).
///
/// Why budget-first: under a hard latency budget the most accurate feasible networks are, as a rule, those that use
/// most of the budget (accuracy grows with compute), so the neighbours closest to the budget are the likeliest
/// improvements. Ordering costs latency evaluations (every neighbour's, before any query), never accuracy queries, so
/// it is done on cheap latency sources (tables, predictors); on NAS-Bench-201 tables it lowered the mean regret at 300
/// queries from about 0.20 to 0.13 points over HELP's 19 devices and three budgets. On a measured source neighbours
/// are proposed in random order and restarts are plain feasible samples, so each query costs about one measurement.
/// First improvement rather than best improvement: a step costs only the queries up to the first better neighbour.
///
/// Neighbours of equal latency (common on devices that report whole milliseconds) are ordered by the accuracy a
/// surrogate fitted to the queries so far predicts (Frank-Wolfe's ``AccuracySurrogate``), most promising first. On
/// HELP's NB201 tables (19 devices, 3 budgets, 20 seeds) this lowered the mean regret from 0.047 to 0.044 points, most
/// on the whole-millisecond phones at the 25th-percentile budget (essential_ph_1 0.194 → 0.063, samsung_s7 0.205 → 0.154).
///
/// Every second restart, once `guidedAfter` architectures are queried, starts instead from the architecture the
/// surrogate rates best among `guidedPool` feasible samples: the slowest sample keeps the search at the budget's edge,
/// the surrogate's favourite takes it to a region the queries so far point to, often further below the budget. At the
/// median budget the best architectures of NB201 are often two convolutions with `none` edges at 89–93% of the budget,
/// which restarts at the edge rarely reach. On HELP's tables at the 25th and 50th percentile budgets (38 cells, 20
/// seeds) this took the cells where local search's mean regret exceeds 0.10 from 6 to 4, and to 1 where no other
/// strategy does better (samsung_s7 p25 0.154 → 0.113, 2080ti_1 p50 0.128 → under 0.10, titanxp_32 p50 0.101 → under
/// 0.10); it costs 2080ti_256 p25 (0.206 → 0.398, where NSGA-II reaches 0.094). Every restart guided, or a pool of 300,
/// did worse.
///
/// On a cheap latency source the last queries (about `finalQueries`: the step under way when they are reached may use
/// some) go to the surrogate's favourite among the unqueried feasible architectures within two genes of the five most
/// accurate ones queried: by then the surrogate has seen most of the search, and the best architectures found have near
/// neighbours that the first-improvement walk left unasked. On the same 38 cells this took local search's cells over
/// 0.10 from 4 to 1 (samsung_s7 p25 0.113 → under 0.10; 2080ti_256 p25 stays at 0.40).
public struct LocalSearch: SearchStrategy {
    public let name = "local"
    /// Feasible random samples a restart chooses the slowest of.
    public var restartPool: Int
    /// Neighbours proposed before a restart at two, three, … genes away (cheap latency sources only).
    public var wideProbes: [Int]
    /// Feasible random samples a guided restart (every second one) takes the surrogate's favourite of.
    public var guidedPool: Int
    /// Queries before restarts are guided.
    public var guidedAfter: Int
    /// Queries kept for the end, spent on the surrogate's favourites near the best architectures (cheap latency only).
    public var finalQueries: Int

    /// Local search restarting from the slowest of `restartPool` feasible samples, or every second time after
    /// `guidedAfter` queries the surrogate's favourite of `guidedPool`, after up to `wideProbes[i]` neighbours `i + 2`
    /// genes away, keeping about `finalQueries` for the surrogate's favourites near the best architectures.
    public init(restartPool: Int = 20, wideProbes: [Int] = [10, 20], guidedPool: Int = 100, guidedAfter: Int = 20, finalQueries: Int = 30) {
        self.restartPool = restartPool
        self.wideProbes = wideProbes
        self.guidedPool = guidedPool
        self.guidedAfter = guidedAfter
        self.finalQueries = finalQueries
    }

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        guard restartPool > 0, guidedPool > 0, finalQueries >= 0 else {
            throw SearchError.invalidSetting(name: "local restart pool/guided pool/final queries",
                                             value: "\(restartPool)/\(guidedPool)/\(finalQueries)",
                                             expected: "positive pools and a non-negative count")
        }
        return try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            var surrogate = AccuracySurrogate(pairWeight: 0.5, ridge: 0.03, layout: ChoiceLayout(choices: session.space.genes.map(\.choices)))
            var restarts = 0
            var current = try restart(session, surrogate, number: restarts)
            let reserve = session.latencyIsCheap ? finalQueries : 0
            while let here = current, !session.isDone, session.queriesLeft > reserve {
                var ring = session.space.neighbours(of: here.arch), seen = Set(ring + [here.arch])
                current = try firstImprovement(on: here, among: ring, limit: .max, session, &surrogate)
                for probes in wideProbes where current == nil && session.latencyIsCheap {
                    ring = nextRing(ring, seen: &seen, session.space)
                    current = try firstImprovement(on: here, among: ring, limit: probes, session, &surrogate)
                }
                if current == nil {
                    restarts += 1
                    current = try restart(session, surrogate, number: restarts)
                }
            }
            while !session.isDone, session.latencyIsCheap, let next = try favouriteNearBest(session, &surrogate) {
                guard try session.propose(next) != nil else { break }
            }
            return ([], [])
        }
    }

    /// Proposes up to `limit` of `neighbours` in ``order(_:_:)`` and returns the first more accurate than `here`.
    private func firstImprovement(on here: Candidate, among neighbours: [Architecture], limit: Int, _ session: SearchSession,
                                  _ surrogate: inout AccuracySurrogate) throws -> Candidate? {
        surrogate.add(newIn: session.queried)
        for neighbour in try order(session.rng.shuffled(neighbours), session, surrogate).prefix(limit) where !session.isDone {
            if let next = try session.propose(neighbour), next.score > here.score { return next }
        }
        return nil
    }

    /// The unqueried feasible architecture the surrogate (refitted to every query so far) rates best within two genes of
    /// the five most accurate queried ones; nil if there is none.
    private func favouriteNearBest(_ session: SearchSession, _ surrogate: inout AccuracySurrogate) throws -> Architecture? {
        surrogate.add(newIn: session.queried)
        var near = Set<Architecture>()
        for best in session.queried.sorted(by: { $0.score > $1.score }).prefix(5) {
            let ring = session.space.neighbours(of: best.arch)
            var seen = Set(ring + [best.arch])
            near.formUnion(ring)
            near.formUnion(nextRing(ring, seen: &seen, session.space))
        }
        var favourite: (arch: Architecture, predicted: Double)?
        for arch in near.sorted(by: { $0.genes.lexicographicallyPrecedes($1.genes) }) where !session.isQueried(arch) {
            guard try session.isFeasible(arch) else { continue }
            let predicted = surrogate.predict(arch)
            if predicted > favourite?.predicted ?? -.infinity { favourite = (arch, predicted) }
        }
        return favourite?.arch
    }

    /// The architectures one gene further away than `ring` (its neighbours not yet in `seen`, which grows by them), in
    /// a fixed order, so that a seed decides the search.
    private func nextRing(_ ring: [Architecture], seen: inout Set<Architecture>, _ space: SearchSpace) -> [Architecture] {
        var next = Set<Architecture>()
        for arch in ring { next.formUnion(space.neighbours(of: arch).filter { !seen.contains($0) }) }
        seen.formUnion(next)
        return next.sorted { $0.genes.lexicographicallyPrecedes($1.genes) }
    }

    /// The neighbours to propose, in order: on a cheap latency source the feasible unqueried ones from the slowest
    /// (equal latencies by the surrogate's prediction, then in the shuffled order); on a measured one, the shuffled
    /// order itself, each measured only when proposed.
    private func order(_ shuffled: [Architecture], _ session: SearchSession, _ surrogate: AccuracySurrogate) throws -> [Architecture] {
        guard session.latencyIsCheap else { return shuffled }
        var neighbours: [(arch: Architecture, ms: Double, predicted: Double)] = []
        for neighbour in shuffled where !session.isQueried(neighbour) {
            if try session.isFeasible(neighbour) {
                neighbours.append((neighbour, try session.latency(of: neighbour).ms, surrogate.count > 0 ? surrogate.predict(neighbour) : 0))
            }
        }
        return neighbours.enumerated().sorted { ($0.element.ms, $0.element.predicted, -$0.offset) > ($1.element.ms, $1.element.predicted, -$1.offset) }.map(\.element.arch)
    }

    /// Proposes the slowest of up to `restartPool` feasible, unqueried random samples (drawn by rejection, costing
    /// latency evaluations only), or for an even `number` once the surrogate has `guidedAfter` points, the one it rates
    /// best of `guidedPool`; plain rejection sampling when none turns up in `50 ×` the pool's draws, or when latency
    /// evaluations cost a measurement.
    private func restart(_ session: SearchSession, _ surrogate: AccuracySurrogate, number: Int) throws -> Candidate? {
        guard session.latencyIsCheap else { return try session.proposeRandomFeasible() }
        let guided = surrogate.count >= guidedAfter && number % 2 == 0, pool = guided ? guidedPool : restartPool
        var best: (arch: Architecture, score: Double)?
        var found = 0
        for _ in 0..<(50 * pool) where found < pool && !session.isDone {
            let arch = session.space.sample(using: &session.rng)
            guard !session.isQueried(arch), try session.isFeasible(arch) else { continue }
            found += 1
            let score = guided ? surrogate.predict(arch) : try session.latency(of: arch).ms
            if score > best?.score ?? -.infinity { best = (arch, score) }
        }
        guard let best else { return try session.proposeRandomFeasible() }
        return try session.propose(best.arch)
    }
}
