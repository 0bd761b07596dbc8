import FathomSpaces

extension AdamOptimizer {
    /// Trains `parameters` on `sampleCount` samples for `epochs` passes, reshuffling the samples every epoch (from
    /// `seed`) and stepping once per mini-batch of `batchSize` (the last one may be smaller), with fresh Adam state.
    ///
    /// - Parameter lossAndGradient: the mean loss over the samples at the given indices and its gradient.
    /// - Returns: the mean loss over the last epoch, measured before each batch's step.
    /// - Complexity: O(epochs × samples × the cost of one sample's gradient).
    @discardableResult
    static func minimise(_ parameters: inout [Float], sampleCount: Int, epochs: Int, learningRate: Float, batchSize: Int,
                         seed: UInt64, lossAndGradient: ([Int], [Float]) -> (loss: Float, gradient: [Float])) -> Float {
        precondition(sampleCount > 0 && epochs >= 0 && batchSize > 0, "minimise: need samples, epochs ≥ 0 and batchSize > 0")
        var random = SeededGenerator(seed: seed)
        var optimiser = AdamOptimizer(parameterCount: parameters.count, learningRate: learningRate)
        var epochLoss: Float = .nan
        for _ in 0..<epochs {
            let order = random.shuffled(Array(0..<sampleCount))
            var lossSum: Float = 0
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[start..<min(start + batchSize, order.count)])
                let (loss, gradient) = lossAndGradient(batch, parameters)
                optimiser.step(&parameters, gradient: gradient)
                lossSum += loss * Float(batch.count)
            }
            epochLoss = lossSum / Float(order.count)
        }
        return epochLoss
    }
}
