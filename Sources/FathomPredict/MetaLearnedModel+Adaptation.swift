import FathomSpaces

extension MetaLearnedModel {
    /// A device's data for adaptation: its embedding and the support set with normalised targets.
    struct Task: Sendable {
        let hardware: [Float]
        let support: ArchitectureBatch
        let targets: [Float]
    }

    /// θ after the inner loop on `task` from modulated parameters `start`: `innerSteps` steps
    /// `θ ← θ − α ⊙ ∇L_support(θ)`; also every visited θ and gradient, first to last (for the meta-gradient).
    func innerLoop(from start: [Float], task: Task) -> (visited: [[Float]], gradients: [[Float]]) {
        var visited = [start], gradients: [[Float]] = []
        for _ in 0..<settings.innerSteps {
            let gradient = layout.lossAndGradient(visited.last!, batch: task.support, hardware: task.hardware, targets: task.targets).gradient
            gradients.append(gradient)
            visited.append(zip(visited.last!, zip(innerRates, gradient)).map { $0 - $1.0 * $1.1 })
        }
        return (visited, gradients)
    }

    /// The parameters adapted to a device, one set per posterior sample (`mcSamples`), the samples drawn from `seed`.
    func adapt(hardware: [Float], support: ArchitectureBatch, targets: [Float], seed: UInt64) -> [[Float]] {
        var random = SeededGenerator(seed: seed)
        let task = Task(hardware: hardware, support: support, targets: targets)
        return (0..<settings.mcSamples).map { _ in
            let noise = random.normals(count: encoder.zSize)
            return innerLoop(from: modulated(by: modulation(hardware: hardware, noise: noise).z), task: task).visited.last!
        }
    }

    /// Normalised predictions for `batch`: the mean over the adapted parameter sets.
    func predict(adapted: [[Float]], batch: ArchitectureBatch, hardware: [Float]) -> [Float] {
        var sum = [Float](repeating: 0, count: batch.rows)
        for parameters in adapted {
            for (index, value) in layout.predict(parameters, batch: batch, hardware: hardware).enumerated() { sum[index] += value }
        }
        return sum.map { $0 / Float(adapted.count) }
    }
}
