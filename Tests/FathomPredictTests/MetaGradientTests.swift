import FathomSpaces
import Testing
@testable import FathomPredict

/// The second-order meta-gradient (through the inner loop, the head modulation, the posterior sample and the KL term)
/// against central finite differences of the meta-objective.
@Suite struct MetaGradientTests {
    /// A tiny model on NAS-Bench-201 graphs, with large inner rates so that the second-order terms matter.
    func tinyProblem() throws -> (model: MetaLearnedModel, metaTask: MetaLearnedModel.MetaTask, noise: [Float]) {
        let space = try SearchSpace.load("nasbench201")
        var random = SeededGenerator(seed: 21)
        func archs(_ count: Int) -> [Architecture] {
            (0..<count).map { _ in Architecture(genes: space.genes.map { random.int(below: $0.choices) }) }
        }
        var settings = MetaLearnedModel.Settings()
        settings.hidden = 4
        settings.initialInnerRate = 0.05
        settings.zScaling = 0.5
        var model = try MetaLearnedModel(space: space, references: archs(3), settings: settings, seed: 5)
        model.innerRates = model.innerRates.map { _ in 0.1 + 0.3 * Float(random.unit()) }
        let task = MetaLearnedModel.Task(hardware: [0, 0.4, 1], support: try ArchitectureBatch(archs(5), space: space, input: .graph),
                                         targets: (0..<5).map { _ in Float(random.unit()) })
        let metaTask = MetaLearnedModel.MetaTask(task: task, query: try ArchitectureBatch(archs(6), space: space, input: .graph),
                                                 queryTargets: (0..<6).map { _ in Float(random.unit()) })
        return (model, metaTask, random.normals(count: model.encoder.zSize))
    }

    /// The meta-objective computed forward only.
    func objective(_ model: MetaLearnedModel, _ metaTask: MetaLearnedModel.MetaTask, noise: [Float]) -> Float {
        let sample = model.modulation(hardware: metaTask.task.hardware, noise: noise)
        let adapted = model.innerLoop(from: model.modulated(by: sample.z), task: metaTask.task).visited.last!
        let queryLoss = model.layout.lossAndGradient(adapted, batch: metaTask.query, hardware: metaTask.task.hardware,
                                                     targets: metaTask.queryTargets).loss
        return 0.5 * queryLoss + 0.1 * klFromStandardNormal(mean: sample.mean, sigma: sample.rho.map(softplus)).kl
    }

    /// Central differences of the meta-objective at `coordinates` of ``MetaLearnedModel/metaParameters``.
    func numericGradient(_ model: MetaLearnedModel, _ metaTask: MetaLearnedModel.MetaTask, noise: [Float], at coordinates: [Int]) -> [Float] {
        let step: Float = 2e-3
        return coordinates.map { index in
            var plus = model, minus = model
            plus.metaParameters[index] += step
            minus.metaParameters[index] -= step
            return (objective(plus, metaTask, noise: noise) - objective(minus, metaTask, noise: noise)) / (2 * step)
        }
    }

    /// How many of `gradient`'s values differ from `numeric` beyond rounding.
    func mismatches(_ gradient: [Float], _ numeric: [Float]) -> Int {
        zip(gradient, numeric).count { abs($0 - $1) > 5e-4 + 2e-2 * abs($1) }
    }

    @Test func matchesCentralDifferencesInEveryBlock() throws {
        let (model, metaTask, noise) = try tinyProblem()
        let analytic = model.metaGradient(metaTask, noise: noise, queryWeight: 0.5, klWeight: 0.1).gradient
        #expect(analytic.count == model.metaParameters.count)
        let n = model.layout.parameterCount
        // Every fourth θ coordinate, every fourth α, every inference-network parameter.
        let coordinates = Array(stride(from: 0, to: n, by: 4)) + Array(stride(from: n, to: 2 * n, by: 4)) + Array((2 * n)..<analytic.count)
        let numeric = numericGradient(model, metaTask, noise: noise, at: coordinates)
        #expect(numeric.count { abs($0) > 0.03 } > 50)
        // A step may cross a ReLU kink; allow a few such coordinates.
        #expect(mismatches(coordinates.map { analytic[$0] }, numeric) <= coordinates.count / 50)
    }

    @Test func secondOrderGradientIsMuchCloserThanFirstOrder() throws {
        let (model, metaTask, noise) = try tinyProblem()
        let sample = model.modulation(hardware: metaTask.task.hardware, noise: noise)
        let adapted = model.innerLoop(from: model.modulated(by: sample.z), task: metaTask.task).visited.last!
        let queryGradient = model.layout.lossAndGradient(adapted, batch: metaTask.query, hardware: metaTask.task.hardware,
                                                         targets: metaTask.queryTargets).gradient.map { $0 * 0.5 }
        let firstOrder = model.demodulated(queryGradient, z: sample.z).parameters
        let analytic = model.metaGradient(metaTask, noise: noise, queryWeight: 0.5, klWeight: 0.1).gradient
        let coordinates = Array(stride(from: 0, to: model.layout.parameterCount, by: 4))
        let numeric = numericGradient(model, metaTask, noise: noise, at: coordinates)
        func distance(_ gradient: [Float]) -> Float { zip(coordinates, numeric).reduce(0) { $0 + abs(gradient[$1.0] - $1.1) } }
        #expect(distance(firstOrder) > 5 * distance(analytic))
    }
}
