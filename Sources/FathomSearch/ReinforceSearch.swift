import FathomSpaces

/// REINFORCE with rejection (TabNAS, Yang et al., NeurIPS 2022): a factorised categorical policy proposes
/// architectures; an infeasible one is rejected before any accuracy query and teaches nothing. The policy is then
/// trained on the distribution of feasible architectures, `π(a | V) = π(a) / P(V)`, whose score is
/// `∇ log π(a) − ∇ log P(V)`. TabNAS's Monte-Carlo correction estimates the second term from `monteCarloSamples`
/// fresh draws `z_k ~ π` whose feasibility is checked on the latency source alone (no query):
/// `∇ log P(V) ≈ Σ_k 1[z_k ∈ V] ∇ log π(z_k) / Σ_k 1[z_k ∈ V]`. The reward is the accuracy minus a moving-average
/// baseline; Adam ascends the logits.
///
/// The correction costs many latency evaluations: run it on a cheap latency source (a table or predictor) and
/// verify the answer on the device afterwards. Repeated samples are answered from the cache and still train the
/// policy; once it has converged every sample is a repeat, and the search ends after `SearchRequest.patience` such
/// proposals, possibly with queries left.
public struct ReinforceSearch: SearchStrategy {
    public let name = "reinforce"
    /// Adam's learning rate on the logits.
    public var learningRate: Double
    /// Weight of the old baseline in the moving average.
    public var baselineDecay: Double
    /// Draws per update for the estimate of `∇ log P(V)`.
    public var monteCarloSamples: Int

    /// Defaults tuned on a synthetic space for budgets of a few hundred queries.
    public init(learningRate: Double = 0.03, baselineDecay: Double = 0.9, monteCarloSamples: Int = 64) {
        self.learningRate = learningRate
        self.baselineDecay = baselineDecay
        self.monteCarloSamples = monteCarloSamples
    }

    public func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult {
        guard learningRate > 0, (0..<1).contains(baselineDecay), monteCarloSamples > 0 else {
            throw SearchError.invalidSetting(name: "reinforce learningRate/baselineDecay/monteCarloSamples",
                                             value: "\(learningRate)/\(baselineDecay)/\(monteCarloSamples)",
                                             expected: "rate > 0, decay in [0, 1), samples ≥ 1")
        }
        return try SearchSession.run(name, request, accuracy: accuracy, latency: latency) { session in
            var policy = CategoricalPolicy(choices: session.space.genes.map(\.choices))
            var adam = AdamAscent(rate: learningRate, shapedLike: policy.logits)
            var baseline: Double?
            while !session.isDone {
                let probabilities = policy.probabilities()
                let arch = policy.sample(probabilities, in: session.space, using: &session.rng)
                guard let candidate = try session.propose(arch) else { continue }
                let advantage = candidate.score - (baseline ?? candidate.score)
                baseline = baselineDecay * (baseline ?? candidate.score) + (1 - baselineDecay) * candidate.score
                var gradient = policy.logits.map { $0.map { _ in 0.0 } }
                policy.accumulateScore(of: arch, probabilities, scale: advantage, into: &gradient)
                try subtractFeasibilityScore(policy, probabilities, scale: advantage, from: &gradient, session)
                adam.ascend(&policy.logits, along: gradient)
            }
            return ([], [])
        }
    }

    /// Subtracts `scale ·` the Monte-Carlo estimate of `∇ log P(V)` (nothing when no draw is feasible).
    private func subtractFeasibilityScore(_ policy: CategoricalPolicy, _ probabilities: [[Double]], scale: Double,
                                          from gradient: inout [[Double]], _ session: SearchSession) throws {
        let draws = (0..<monteCarloSamples).map { _ in policy.sample(probabilities, in: session.space, using: &session.rng) }
        let feasible = try draws.filter { try session.isFeasible($0) }
        for draw in feasible {
            policy.accumulateScore(of: draw, probabilities, scale: -scale / Double(feasible.count), into: &gradient)
        }
    }
}
