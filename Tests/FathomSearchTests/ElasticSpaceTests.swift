@testable import FathomSearch
import FathomSpaces
import Testing

/// Strategies on an elastic space (inactive genes): answers stay feasible, the policy ignores inactive genes, and
/// Frank-Wolfe says its relaxed guarantee is heuristic there.
@Suite struct ElasticSpaceTests {
    struct BlockTable: AdditiveLatencySource {
        let id = "elastic:lut"
        let additiveModel: AdditiveLatencyModel
        func latency(of arch: Architecture) throws -> LatencyEstimate {
            LatencyEstimate(ms: additiveModel.latency(of: arch), origin: .table(column: "lut"))
        }
    }

    struct GeneSum: AccuracySource {
        let id = "elastic:accuracy"
        func accuracy(of arch: Architecture) throws -> Double {
            arch.genes.enumerated().reduce(0) { $0 + Double(max($1.element, 0) * ($1.offset % 5 + 1)) }
        }
    }

    @Test(arguments: SearchStrategies.names) func answersStayFeasible(_ name: String) throws {
        let space = try SearchSpace.load("fmnist-mbv3")
        var rng = SeededGenerator(seed: 1)
        let table = BlockTable(additiveModel: AdditiveLatencyModel(
            constant: 1, costs: space.genes.map { gene in (0..<gene.choices).map { Double($0 + 1) * (0.5 + rng.unit()) } }))
        let budget = space.sample(count: 200, seed: 2).map(table.additiveModel.latency(of:)).sorted()[60]
        let result = try SearchStrategies.named(name).search(
            SearchRequest(space: space, latencyBudgetMs: budget, queries: 30, seed: 3), accuracy: GeneSum(), latency: table)
        #expect(result.best.latency.ms <= budget)
        #expect(result.history.allSatisfy { !$0.feasible || $0.latency!.ms <= budget })
        #expect(result.history.allSatisfy { space.canonical($0.arch.genes) == $0.arch })
        #expect(result.notes.contains { $0.contains("heuristic") } == (name == "frank-wolfe"))
    }

    @Test func inactiveGenesGetNoPolicyGradient() throws {
        let space = try SearchSpace.load("fmnist-mbv3")
        let policy = CategoricalPolicy(choices: space.genes.map(\.choices))
        let arch = space.sample(count: 1, seed: 4)[0]
        var gradient = policy.logits.map { $0.map { _ in 0.0 } }
        policy.accumulateScore(of: arch, policy.probabilities(), scale: 1, into: &gradient)
        for (gene, value) in arch.genes.enumerated() {
            let fixed = value < 0 || space.genes[gene].choices == 1
            #expect(fixed == gradient[gene].allSatisfy { $0 == 0 })
            #expect(abs(gradient[gene].reduce(0, +)) < 1e-12)
        }
    }
}
