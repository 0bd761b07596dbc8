@testable import FathomSearch
import FathomSpaces
import Testing

/// The parts of Frank-Wolfe search: the exact linear oracle against brute force, the surrogate's relaxation, the
/// fitted additive model, and the heuristic note for sources that are not additive.
@Suite struct FrankWolfeTests {
    /// The LP optimum by enumerating the polytope's vertices: every integral choice within capacity, and every point
    /// where the constraint is tight on an edge (one gene mixing two choices, the others integral).
    func bruteForce(gains: [Double], costs: [Double], capacity: Double, layout: ChoiceLayout) -> Double? {
        let genes = (0..<layout.genes).map { Array(layout.columns($0)) }
        let assignments = genes.reduce([[Int]]([[]])) { partial, columns in partial.flatMap { p in columns.map { p + [$0] } } }
        var best: Double?
        for assignment in assignments {
            let cost = assignment.reduce(0) { $0 + costs[$1] }, gain = assignment.reduce(0) { $0 + gains[$1] }
            if cost <= capacity + 1e-12 { best = max(best ?? -.infinity, gain) }
            for (gene, column) in assignment.enumerated() {
                for other in genes[gene] where other != column && costs[other] != costs[column] {
                    let t = (capacity - cost) / (costs[other] - costs[column])
                    if t > 0, t < 1 { best = max(best ?? -.infinity, gain + t * (gains[other] - gains[column])) }
                }
            }
        }
        return best
    }

    @Test func theOracleMatchesBruteForce() {
        var rng = SeededGenerator(seed: 5)
        for trial in 0..<300 {
            let layout = ChoiceLayout(choices: (0..<(1 + rng.int(below: 4))).map { _ in 1 + rng.int(below: 4) })
            // Integer-valued costs and gains make ties and collinear hull points common.
            let costs = (0..<layout.width).map { _ in Double(rng.int(below: 6)) - (trial % 3 == 0 ? 2 : 0) }
            let gains = (0..<layout.width).map { _ in Double(rng.int(below: 7)) - 3 }
            let capacity = Double(rng.int(below: 4 * layout.genes + 2)) - 2
            let x = SimplexKnapsackOracle.maximise(gains: gains, costs: costs, capacity: capacity, layout: layout)
            let expected = bruteForce(gains: gains, costs: costs, capacity: capacity, layout: layout)
            guard let x, let expected else {
                #expect(x == nil && expected == nil, "trial \(trial)")
                continue
            }
            let value = zip(gains, x).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(value - expected) < 1e-9, "trial \(trial)")
            #expect(zip(costs, x).reduce(0) { $0 + $1.0 * $1.1 } <= capacity + 1e-9)
            for gene in 0..<layout.genes {
                #expect(abs(layout.columns(gene).reduce(0) { $0 + x[$1] } - 1) < 1e-12)
                #expect(layout.columns(gene).allSatisfy { x[$0] >= -1e-12 })
            }
            #expect((0..<layout.genes).filter { g in layout.columns(g).contains { x[$0] > 1e-12 && x[$0] < 1 - 1e-12 } }.count <= 1)
        }
    }

    @Test func theSurrogateRelaxationIsExactAndItsGradientIsRight() throws {
        let problem = try SyntheticProblem()
        let layout = ChoiceLayout(choices: problem.space.genes.map(\.choices))
        var surrogate = AccuracySurrogate(pairWeight: 0.5, ridge: 1e-6, layout: layout)
        let archs = problem.space.sample(count: 40, seed: 9)
        for arch in Set(archs) { surrogate.add(arch, accuracy: problem.accuracy(of: arch)) }
        for arch in Set(archs) { #expect(abs(surrogate.predict(arch) - problem.accuracy(of: arch)) < 1e-3) }
        for arch in problem.space.sample(count: 20, seed: 10) {
            var onehot = Array(repeating: 0.0, count: layout.width)
            for c in layout.columns(of: arch) { onehot[c] = 1 }
            #expect(abs(surrogate.value(onehot) - surrogate.predict(arch)) < 1e-9)
        }
        var rng = SeededGenerator(seed: 3)
        var p = layout.uniform.map { $0 * (0.5 + rng.unit()) }
        let gradient = surrogate.gradient(p)
        for c in p.indices {
            let h = 1e-6
            p[c] += h
            let up = surrogate.value(p)
            p[c] -= 2 * h
            let down = surrogate.value(p)
            p[c] += h
            #expect(abs((up - down) / (2 * h) - gradient[c]) < 1e-4 * max(1, abs(gradient[c])))
        }
    }

    @Test func theRelaxedOptimumKeepsTheExpectedLatencyWithinBudget() throws {
        let problem = try SyntheticProblem()
        let layout = ChoiceLayout(choices: problem.space.genes.map(\.choices))
        var surrogate = AccuracySurrogate(pairWeight: 0.5, ridge: 0.03, layout: layout)
        for arch in Set(problem.space.sample(count: 30, seed: 4)) { surrogate.add(arch, accuracy: problem.accuracy(of: arch)) }
        let point = try #require(FrankWolfeSearch().relaxedOptimum(surrogate, problem.model, budget: problem.budgetMs))
        let expected = problem.model.constant + zip(problem.model.costs.flatMap { $0 }, point).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(expected <= problem.budgetMs + 1e-9)
        #expect(FrankWolfeSearch().relaxedOptimum(surrogate, problem.model, budget: problem.model.constant) == nil)
    }

    @Test func anAdditiveModelIsRecoveredFromItsLatencies() throws {
        let problem = try SyntheticProblem()
        let samples = problem.space.sample(count: 200, seed: 2).map { (arch: $0, ms: problem.latency(of: $0)) }
        let layout = ChoiceLayout(choices: problem.space.genes.map(\.choices))
        let model = try #require(AdditiveLatencyModel.fitted(to: samples, layout: layout, ridge: 1e-9))
        for arch in problem.architectures { #expect(abs(model.latency(of: arch) - problem.latency(of: arch)) < 1e-6) }
        #expect(AdditiveLatencyModel.fitted(to: [], layout: layout) == nil)
    }

    @Test func aSourceThatIsNotAdditiveMakesTheGuaranteeHeuristic() throws {
        let problem = try SyntheticProblem()
        let spy = SpyAccuracy(problem)
        let result = try FrankWolfeSearch().search(problem.request(queries: 40, seed: 1), accuracy: spy,
                                                   latency: PredictedLatency(problem: problem))
        #expect(result.notes.count == 1 && result.notes[0].contains("not additive") && result.notes[0].contains("synthetic:predictor"))
        #expect(spy.queried.allSatisfy(problem.isFeasible) && problem.isFeasible(result.best.arch))
        #expect(result.best.latency.origin == .predicted(model: "synthetic"))
        let exact = try FrankWolfeSearch().search(problem.request(queries: 20, seed: 1), accuracy: SpyAccuracy(problem),
                                                  latency: TableLatency(problem: problem))
        #expect(exact.notes.isEmpty)
    }
}
