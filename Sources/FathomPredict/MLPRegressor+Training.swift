extension MLPRegressor {
    /// Trains on `(x, y)` with Adam and the mean squared error, reshuffling the samples every epoch (from `seed`)
    /// and stepping once per mini-batch of `batchSize` (the last one may be smaller). Targets are used as given:
    /// normalise latencies first (``LatencyScaler``). Adam's state starts fresh on every call.
    ///
    /// - Returns: the mean squared error over the last epoch, measured before each batch's step.
    /// - Complexity: O(epochs × samples × parameters).
    @discardableResult
    public mutating func fit(x: [[Float]], y: [Float], epochs: Int, learningRate: Float, batchSize: Int, seed: UInt64) -> Float {
        precondition(x.count == y.count && !x.isEmpty, "fit: \(x.count) inputs for \(y.count) targets")
        var model = self
        let loss = AdamOptimizer.minimise(&parameters, sampleCount: x.count, epochs: epochs, learningRate: learningRate,
                                          batchSize: batchSize, seed: seed) { batch, current in
            model.parameters = current
            return model.lossAndGradient(x: batch.map { x[$0] }, y: batch.map { y[$0] })
        }
        return loss
    }

    /// The mean squared error on `(x, y)` and its gradient with respect to ``parameters`` (backpropagation).
    ///
    /// - Complexity: O(samples × parameters).
    func lossAndGradient(x: [[Float]], y: [Float]) -> (loss: Float, gradient: [Float]) {
        let rows = y.count
        let outputs = activations(batch: flatten(x[...]), rows: rows)
        let errors = zip(outputs.last!, y).map { $0 - $1 }
        let loss = errors.reduce(0) { $0 + $1 * $1 } / Float(rows)
        var gradient = [Float](repeating: 0, count: parameters.count)
        var outputGradient = errors.map { 2 * $0 / Float(rows) }
        for (index, layer) in layers.enumerated().reversed() {
            let inputGradient = layer.backward(parameters: parameters, input: outputs[index], outputGradient: outputGradient,
                                               rows: rows, propagate: index > 0, gradient: &gradient)
            // Back through the ReLU that produced this layer's input (derivative 0 at 0, as in PyTorch).
            outputGradient = zip(inputGradient, outputs[index]).map { $1 > 0 ? $0 : 0 }
        }
        return (loss, gradient)
    }
}
