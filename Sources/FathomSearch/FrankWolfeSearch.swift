import FathomSpaces

/// Relaxed search with Frank-Wolfe steps (HardCoRe-NAS, Nayman et al. 2021), for accuracy sources without a
/// relaxed forward (tables): every gene gets a probability vector; under an additive latency model the expected
/// latency is linear in them, so the relaxed feasible set is a product of simplices cut by one half-space, and
/// Frank-Wolfe steps (`SimplexKnapsackOracle` as the linear oracle, step size 2/(t+2)) stay inside it. The objective
/// is the multilinear extension of `AccuracySurrogate`, refitted after every query.
///
/// Each round: maximise the surrogate over the relaxed feasible set, decode the argmax per gene, repair it to the
/// nearest architecture the latency source itself finds feasible (`repair`), and query it; when it was queried
/// already, query the unqueried feasible neighbour (of it or of the most accurate queried architectures) that the
/// surrogate rates best, else a feasible random sample.
///
/// The guarantee on the relaxed point holds for an `AdditiveLatencySource` on a space whose genes are always active.
/// Otherwise an additive model is fitted to the latencies evaluated so far and the result's notes say the relaxed
/// feasibility is heuristic; every queried and returned architecture is still checked against the source itself.
public struct FrankWolfeSearch: SearchStrategy {
    public let name = "frank-wolfe"
    /// Feasible random queries before the first surrogate fit.
    public var initialSamples: Int
    /// Frank-Wolfe steps per round.
    public var steps: Int
    /// The surrogate's weight of pairwise gene interactions (γ).
    public var pairWeight: Double
    /// The surrogate's ridge.
    public var ridge: Double
    /// How many of the most accurate queried architectures lend their neighbourhoods when the relaxed optimum was
    /// queried already.
    public var elite: Int

    /// Defaults tuned on a synthetic space for budgets of a few hundred queries.
    public init(initialSamples: Int = 10, steps: Int = 30, pairWeight: Double = 0.5, ridge: Double = 0.03, elite: Int = 3) {
        self.initialSamples = initialSamples
        self.steps = steps
        self.pairWeight = pairWeight
        self.ridge = ridge
        self.elite = elite
    }

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        guard initialSamples > 0, steps > 0, pairWeight >= 0, ridge > 0, elite >= 0 else {
            throw SearchError.invalidSetting(name: "frank-wolfe initialSamples/steps/pairWeight/ridge/elite",
                                             value: "\(initialSamples)/\(steps)/\(pairWeight)/\(ridge)/\(elite)",
                                             expected: "positive values (elite may be 0)")
        }
        return try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            let exact = (latency as? any AdditiveLatencySource)?.additiveModel
            let choices = session.space.genes.map(\.choices)
            var surrogate = AccuracySurrogate(pairWeight: pairWeight, ridge: ridge)
            while session.queried.count < initialSamples, try session.proposeRandomFeasible() != nil {}
            while !session.isDone {
                for candidate in session.queried[surrogate.count...] { surrogate.add(candidate.arch, accuracy: candidate.accuracy) }
                let model = exact ?? AdditiveLatencyModel.fitted(to: session.evaluated, choices: choices)
                var target: Architecture?
                if let model, let relaxed = relaxedOptimum(surrogate, model, choices: choices, budget: request.latencyBudgetMs) {
                    target = try repair(decode(relaxed, session.space), model: model, surrogate, session)
                }
                try query(near: target, surrogate, session)
            }
            return ([], notes(exact: exact != nil, session))
        }
    }

    /// Frank-Wolfe from the oracle's answer at the uniform point: the relaxed maximiser of the surrogate within the
    /// expected-latency budget, or nil when even the cheapest choices exceed it.
    func relaxedOptimum(_ surrogate: AccuracySurrogate, _ model: AdditiveLatencyModel, choices: [Int], budget: Double) -> [[Double]]? {
        let oracle = { (p: [[Double]]) in
            SimplexKnapsackOracle.maximise(gains: surrogate.gradient(p), costs: model.costs, capacity: budget - model.constant)
        }
        guard var point = oracle(choices.map { Array(repeating: 1 / Double($0), count: $0) }) else { return nil }
        for t in 1..<steps {
            guard let vertex = oracle(point) else { break }
            let rate = 2 / Double(t + 2)
            for i in point.indices {
                for j in point[i].indices { point[i][j] += rate * (vertex[i][j] - point[i][j]) }
            }
        }
        return point
    }

    /// The most probable choice per gene.
    private func decode(_ point: [[Double]], _ space: SearchSpace) -> Architecture {
        space.canonical(point.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 })
    }

    /// The nearest architecture the source finds feasible: while infeasible, move to the neighbour the surrogate rates
    /// best among those the model finds faster. Nil if the model runs out of faster neighbours first.
    private func repair(_ arch: Architecture, model: AdditiveLatencyModel, _ surrogate: AccuracySurrogate,
                        _ session: SearchSession) throws -> Architecture? {
        var current = arch
        while try !session.isFeasible(current) {
            let ms = model.latency(of: current)
            let faster = session.space.neighbours(of: current).filter { model.latency(of: $0) < ms }
            guard let next = faster.max(by: { surrogate.predict($0) < surrogate.predict($1) }) else { return nil }
            current = next
        }
        return current
    }

    /// Queries `target` if it is new; otherwise the unqueried feasible architecture the surrogate rates best among
    /// the neighbours of `target` and of the `elite` most accurate queried ones; otherwise a feasible random sample.
    private func query(near target: Architecture?, _ surrogate: AccuracySurrogate, _ session: SearchSession) throws {
        if let target, !session.isQueried(target), try session.propose(target) != nil { return }
        let anchors = (target.map { [$0] } ?? []) + session.queried.sorted { $0.accuracy > $1.accuracy }.prefix(elite).map(\.arch)
        var seen = Set<Architecture>()
        let pool = anchors.flatMap(session.space.neighbours(of:)).filter { !session.isQueried($0) && seen.insert($0).inserted }
        for arch in pool.map({ ($0, surrogate.predict($0)) }).sorted(by: { $0.1 > $1.1 }).map(\.0) {
            if try session.isFeasible(arch), try session.propose(arch) != nil { return }
        }
        _ = try session.proposeRandomFeasible()
    }

    private func notes(exact: Bool, _ session: SearchSession) -> [String] {
        var notes: [String] = []
        if !exact {
            notes.append("latency source \(session.latencySource.id) is not additive: Frank-Wolfe used an additive model fitted to the latencies evaluated so far, so the relaxed feasibility is heuristic; every queried and returned architecture was checked against the source itself")
        }
        if case .elastic = session.space.family {
            notes.append("space \(session.space.name) has genes that only some architectures use: the expected latency treats every gene as active, so the relaxed feasibility is heuristic; every queried and returned architecture was checked against the latency source")
        }
        return notes
    }
}
