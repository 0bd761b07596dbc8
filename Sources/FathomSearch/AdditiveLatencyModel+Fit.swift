import FathomSpaces

extension AdditiveLatencyModel {
    /// The additive model closest in least squares (with a small ridge) to `samples`, for a latency source that is
    /// not additive (a predictor, the agent): the constant is the mean latency, each active gene's choice adds a
    /// fitted cost, and a choice never seen costs 0 (the average). Nil without samples.
    static func fitted(to samples: [(arch: Architecture, ms: Double)], layout: ChoiceLayout,
                       ridge: Double = 1e-3) -> AdditiveLatencyModel? {
        guard !samples.isEmpty else { return nil }
        let width = layout.width
        let mean = samples.reduce(0) { $0 + $1.ms } / Double(samples.count)
        var normal = Array(repeating: 0.0, count: width * width)
        var right = Array(repeating: 0.0, count: width)
        for sample in samples {
            let columns = layout.columns(of: sample.arch)
            for i in columns {
                right[i] += sample.ms - mean
                for j in columns { normal[i * width + j] += 1 }
            }
        }
        for i in 0..<width { normal[i * width + i] += ridge }
        guard let weights = CholeskyFactor(normal, order: width)?.solve(right) else { return nil }
        return AdditiveLatencyModel(constant: mean, costs: (0..<layout.genes).map { Array(weights[layout.columns($0)]) })
    }
}
