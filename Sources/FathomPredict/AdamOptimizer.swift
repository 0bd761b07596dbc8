/// Adam (Kingma & Ba, 2015) over one flat parameter vector, with PyTorch's defaults and bias correction:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − lr · m̂ / (√v̂ + ε)`.
struct AdamOptimizer {
    let learningRate: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8
    private var firstMoment: [Float]
    private var secondMoment: [Float]
    private var beta1Power: Float = 1
    private var beta2Power: Float = 1

    /// An optimiser for `parameterCount` parameters, with zero moments.
    init(parameterCount: Int, learningRate: Float) {
        self.learningRate = learningRate
        firstMoment = Array(repeating: 0, count: parameterCount)
        secondMoment = Array(repeating: 0, count: parameterCount)
    }

    /// Moves `parameters` one step against `gradient`.
    ///
    /// - Complexity: O(parameters).
    mutating func step(_ parameters: inout [Float], gradient: [Float]) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count, "Adam: shape mismatch")
        beta1Power *= beta1
        beta2Power *= beta2
        let firstCorrection = 1 - beta1Power
        let secondCorrection = 1 - beta2Power
        for i in parameters.indices {
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * gradient[i]
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * gradient[i] * gradient[i]
            let update = (firstMoment[i] / firstCorrection) / ((secondMoment[i] / secondCorrection).squareRoot() + epsilon)
            parameters[i] -= learningRate * update
        }
    }
}
