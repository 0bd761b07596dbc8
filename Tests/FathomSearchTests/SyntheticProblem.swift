import FathomSearch
import FathomSpaces
import Foundation

/// A synthetic search problem whose constrained optimum is known by enumeration: a chain space of `genes` layers ×
/// `choices` ops, an additive latency, and an accuracy that grows with latency per gene (with noise), with a bonus for
/// equal adjacent choices so that the problem is not separable. The budget is a latency quantile of the whole space,
/// which makes the unconstrained optimum infeasible.
struct SyntheticProblem {
    let space: SearchSpace
    let gains: [[Double]]
    let costs: [[Double]]
    static let constantMs = 2.0
    let pairBonus: Double
    let budgetMs: Double

    init(genes: Int = 6, choices: Int = 3, seed: UInt64 = 2, budgetQuantile: Double = 0.4, pairBonus: Double = 0.4) throws {
        let ops = (0..<choices).map { #"{"name": "op\#($0)", "type": "mbconv", "kernel": 3, "expand": \#($0 + 1)}"# }
        let json = """
        {"fathom_space": 1, "name": "synthetic", "family": "chain", "dataset": "none", "classes": 10,
         "input": {"channels": 1, "height": 8, "width": 8}, "ops": [\(ops.joined(separator: ", "))],
         "stem": {"channels": 4}, "stages": [{"layers": \(genes), "channels": 4, "stride": 1}], "head": {"channels": 8}}
        """
        space = try SearchSpace(json: Data(json.utf8), file: "synthetic.json")
        var rng = SeededGenerator(seed: seed)
        var costs: [[Double]] = [], gains: [[Double]] = []
        for _ in 0..<genes {
            let scale = 0.5 + rng.unit()
            let row = (0..<choices).map { Double($0 + 1) * scale * (0.6 + 0.8 * rng.unit()) }
            costs.append(row)
            gains.append(row.map { 3 * log(1 + $0) + 0.8 * (rng.unit() - 0.5) })
        }
        self.costs = costs
        self.gains = gains
        self.pairBonus = pairBonus
        let sorted = Self.everyArchitecture(genes: genes, choices: choices)
            .map { g in Self.constantMs + g.enumerated().reduce(0) { $0 + costs[$1.offset][$1.element] } }.sorted()
        budgetMs = sorted[Int(budgetQuantile * Double(sorted.count - 1))]
    }

    static func everyArchitecture(genes: Int, choices: Int) -> [[Int]] {
        (0..<genes).reduce([[]]) { partial, _ in partial.flatMap { p in (0..<choices).map { p + [$0] } } }
    }

    var architectures: [Architecture] {
        Self.everyArchitecture(genes: space.genes.count, choices: space.genes[0].choices).map(Architecture.init)
    }

    /// A saturating function of per-gene gains and adjacent-pair bonuses (so that no quadratic surrogate is exact),
    /// plus a tiny deterministic jitter that keeps every accuracy distinct.
    func accuracy(of arch: Architecture) -> Double {
        let g = arch.genes
        var raw = 0.0
        for i in g.indices {
            raw += gains[i][g[i]]
            if i > 0, g[i] == g[i - 1] { raw += pairBonus }
        }
        let code = g.reduce(0) { $0 * 31 + $1 + 1 }
        return 100 - 60 * exp(-raw / 25) + 1e-4 * Double((code &* 2_654_435_761) % 1000) / 1000
    }

    func latency(of arch: Architecture) -> Double {
        model.latency(of: arch)
    }

    var model: AdditiveLatencyModel { AdditiveLatencyModel(constant: Self.constantMs, costs: costs) }

    func isFeasible(_ arch: Architecture) -> Bool { latency(of: arch) <= budgetMs }

    /// The most accurate feasible architecture, by enumeration.
    var optimum: Architecture {
        architectures.filter(isFeasible).max { accuracy(of: $0) < accuracy(of: $1) }!
    }

    var unconstrainedOptimum: Architecture {
        architectures.max { accuracy(of: $0) < accuracy(of: $1) }!
    }

    func request(queries: Int, seed: UInt64, budgetMs: Double? = nil) -> SearchRequest {
        SearchRequest(space: space, latencyBudgetMs: budgetMs ?? self.budgetMs, queries: queries, seed: seed)
    }
}

/// An accuracy source that records every query it answers.
final class SpyAccuracy: AccuracySource {
    let id = "synthetic:accuracy"
    let problem: SyntheticProblem
    private(set) var queried: [Architecture] = []

    init(_ problem: SyntheticProblem) { self.problem = problem }

    func accuracy(of arch: Architecture) throws -> Double {
        queried.append(arch)
        return problem.accuracy(of: arch)
    }
}

/// The problem's accuracy, ranked by another score: the accuracy turned upside down, so that the best by score is the
/// least accurate (a supernet ranked by its loss is the real case: a score other than the accuracy it reports).
final class UpsideDownScore: AccuracySource {
    let id = "synthetic:upside-down"
    let problem: SyntheticProblem

    init(_ problem: SyntheticProblem) { self.problem = problem }

    func accuracy(of arch: Architecture) throws -> Double { problem.accuracy(of: arch) }
    var ranksByScore: Bool { true }
    func rankingScore(of arch: Architecture) throws -> Double { -problem.accuracy(of: arch) }
}

/// The problem's latency as a lookup table: additive, so Frank-Wolfe's guarantee holds.
struct TableLatency: AdditiveLatencySource {
    let id = "synthetic:lut"
    let problem: SyntheticProblem
    var additiveModel: AdditiveLatencyModel { problem.model }
    var isCheap: Bool { true }

    func latency(of arch: Architecture) throws -> LatencyEstimate {
        LatencyEstimate(ms: problem.latency(of: arch), origin: .table(column: "synthetic"))
    }
}

/// The same latencies behind an opaque source (as a predictor would be): not additive as far as strategies know.
struct PredictedLatency: LatencySource {
    let id = "synthetic:predictor"
    let problem: SyntheticProblem

    func latency(of arch: Architecture) throws -> LatencyEstimate {
        LatencyEstimate(ms: problem.latency(of: arch), origin: .predicted(model: "synthetic"))
    }
}

/// The same latencies as if each were measured: an expensive source (`isCheap` false, the protocol's default).
struct MeasuredLatency: LatencySource {
    let id = "synthetic:measured"
    let problem: SyntheticProblem

    func latency(of arch: Architecture) throws -> LatencyEstimate {
        let ms = problem.latency(of: arch)
        return LatencyEstimate(ms: ms, origin: .measured(p10: ms, p90: ms, runs: 10, upperBound: ms))
    }
}
