import FathomSpaces

/// Relaxed search with Frank-Wolfe steps (HardCoRe-NAS, Nayman et al. 2021), for accuracy sources without a
/// relaxed forward (tables): every gene gets a probability vector; under an additive latency model the expected
/// latency is linear in them, so the relaxed feasible set is a product of simplices cut by one half-space, and
/// Frank-Wolfe steps (`SimplexKnapsackOracle` as the linear oracle, step size 2/(t+2)) stay inside it. The objective
/// is the multilinear extension of `AccuracySurrogate`, refitted after every query.
///
/// Each round: maximise the surrogate over the relaxed feasible set, decode the argmax per gene, repair it to the
/// nearest architecture the latency source itself finds feasible (`repair`), and query it; when it was queried
/// already, query the unqueried feasible architecture the surrogate rates best among its neighbours, those of the most
/// accurate queried architectures and a batch of uniform samples (else a feasible random sample).
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
    /// Uniform samples the surrogate screens alongside those neighbourhoods.
    public var screened: Int

    /// Defaults tuned on a synthetic space for budgets of a few hundred queries.
    public init(initialSamples: Int = 10, steps: Int = 30, pairWeight: Double = 0.5, ridge: Double = 0.03, elite: Int = 3,
                screened: Int = 100) {
        self.initialSamples = initialSamples
        self.steps = steps
        self.pairWeight = pairWeight
        self.ridge = ridge
        self.elite = elite
        self.screened = screened
    }

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        guard initialSamples > 0, steps > 0, pairWeight >= 0, ridge > 0, elite >= 0, screened >= 0 else {
            throw SearchError.invalidSetting(name: "frank-wolfe initialSamples/steps/pairWeight/ridge/elite/screened",
                                             value: "\(initialSamples)/\(steps)/\(pairWeight)/\(ridge)/\(elite)/\(screened)",
                                             expected: "positive values (elite and screened may be 0)")
        }
        return try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            let exact = (latency as? any AdditiveLatencySource)?.additiveModel
            let layout = ChoiceLayout(choices: session.space.genes.map(\.choices))
            var surrogate = AccuracySurrogate(pairWeight: pairWeight, ridge: ridge, layout: layout)
            while session.queried.count < initialSamples, try session.proposeRandomFeasible() != nil {}
            while !session.isDone {
                surrogate.add(newIn: session.queried)
                let model = exact ?? AdditiveLatencyModel.fitted(to: session.evaluated, layout: layout)
                var target: Architecture?
                if let model, let relaxed = relaxedOptimum(surrogate, model, budget: request.latencyBudgetMs) {
                    target = try repair(decode(relaxed, layout, session.space), model: model, surrogate, session)
                }
                try query(near: target, surrogate, model, session)
            }
            return ([], notes(exact: exact != nil, session))
        }
    }

    /// Frank-Wolfe from the oracle's answer at the uniform point: the relaxed maximiser of the surrogate within the
    /// expected-latency budget (flat in the surrogate's layout), or nil when even the cheapest choices exceed it.
    func relaxedOptimum(_ surrogate: AccuracySurrogate, _ model: AdditiveLatencyModel, budget: Double) -> [Double]? {
        let layout = surrogate.layout, costs = model.costs.flatMap { $0 }
        let oracle = { (p: [Double]) in
            SimplexKnapsackOracle.maximise(gains: surrogate.gradient(p), costs: costs, capacity: budget - model.constant,
                                           layout: layout)
        }
        guard var point = oracle(layout.uniform) else { return nil }
        for t in 1..<steps {
            guard let vertex = oracle(point) else { break }
            let rate = 2 / Double(t + 2)
            for c in point.indices { point[c] += rate * (vertex[c] - point[c]) }
        }
        return point
    }

    /// The most probable choice per gene.
    private func decode(_ point: [Double], _ layout: ChoiceLayout, _ space: SearchSpace) -> Architecture {
        space.canonical((0..<layout.genes).map { gene in
            let columns = layout.columns(gene)
            return (columns.max { point[$0] < point[$1] } ?? columns.lowerBound) - columns.lowerBound
        })
    }

    /// The nearest architecture the source finds feasible: while infeasible, move to the neighbour the surrogate rates
    /// best among those the model finds faster. Nil if the model runs out of faster neighbours first.
    private func repair(_ arch: Architecture, model: AdditiveLatencyModel, _ surrogate: AccuracySurrogate,
                        _ session: SearchSession) throws -> Architecture? {
        var current = arch
        while try !session.isFeasible(current) {
            let ms = model.latency(of: current)
            let faster = session.space.neighbours(of: current).filter { model.latency(of: $0) < ms }
            guard let next = faster.map({ ($0, surrogate.predict($0)) }).max(by: { $0.1 < $1.1 }) else { return nil }
            current = next.0
        }
        return current
    }

    /// Queries `target` if it is new; otherwise the unqueried feasible architecture the surrogate rates best among the
    /// neighbours of `target` and of the `elite` most accurate queried ones and `screened` uniform samples (those the
    /// latency model puts over budget are not asked of the source).
    private func query(near target: Architecture?, _ surrogate: AccuracySurrogate, _ model: AdditiveLatencyModel?,
                       _ session: SearchSession) throws {
        if let target, !session.isQueried(target), try session.propose(target) != nil { return }
        let elites = session.queried.sorted { $0.score > $1.score }.prefix(elite).map(\.arch)
        let anchors = (target.map { [$0] } ?? []) + elites
        let samples = (0..<screened).map { _ in session.space.sample(using: &session.rng) }
        var seen = Set<Architecture>()
        let pool = (anchors.flatMap(session.space.neighbours(of:)) + samples)
            .filter { !session.isQueried($0) && (model?.latency(of: $0) ?? 0) <= session.request.latencyBudgetMs
                && seen.insert($0).inserted }
        for arch in pool.map({ ($0, surrogate.predict($0)) }).sorted(by: { $0.1 > $1.1 }).map(\.0) {
            if try session.isFeasible(arch), try session.propose(arch) != nil { return }
        }
        _ = try session.proposeRandomFeasible()
    }

    /// Says where the relaxed feasibility guarantee does not hold.
    private func notes(exact: Bool, _ session: SearchSession) -> [String] {
        let checked = "every queried and returned architecture was checked against the latency source itself"
        var notes: [String] = []
        if !exact {
            notes.append("latency source \(session.latencySource.id) is not additive: Frank-Wolfe used an additive model "
                + "fitted to the latencies evaluated so far, so the relaxed feasibility is heuristic; " + checked)
        }
        if case .elastic = session.space.family {
            notes.append("space \(session.space.name) has genes that only some architectures use: the expected latency "
                + "treats every gene as active, so the relaxed feasibility is heuristic; " + checked)
        }
        return notes
    }
}
