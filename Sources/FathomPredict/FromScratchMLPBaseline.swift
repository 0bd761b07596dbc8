import FathomSpaces
/// The from-scratch baseline of HELP's protocol: an ``MLPRegressor`` trained only on `N` measurements of the target
/// device, drawn at random from its trimmed adaptation pool, then scored on its trimmed test queries.
///
/// Stricter than HELP's fine-tuning setting: the targets are normalised (``LatencyScaler``, portion 0.9) with the
/// minimum and maximum of the `N` samples alone, not of the device's whole adaptation pool, so nothing but the `N`
/// measurements comes from the target device.
public enum FromScratchMLPBaseline {
    /// How the MLP is shaped and trained.
    public struct Settings: Sendable, Equatable, Codable {
        /// Hidden-layer widths.
        public var hidden: [Int]
        /// Passes over the `N` samples.
        public var epochs: Int
        /// Adam's step size.
        public var learningRate: Float
        /// Samples per Adam step.
        public var batchSize: Int

        /// Settings for a network of `hidden` widths trained for `epochs` passes.
        public init(hidden: [Int] = [100, 100], epochs: Int = 300, learningRate: Float = 1e-3, batchSize: Int = 16) {
            self.hidden = hidden
            self.epochs = epochs
            self.learningRate = learningRate
            self.batchSize = batchSize
        }
    }

    /// Trains on `numSamples` random rows of `device`'s trimmed adaptation pool and scores the trimmed test queries.
    ///
    /// - Parameters:
    ///   - features: the encoding of the architecture in a row of `table` (same length for every row).
    ///   - seed: picks the samples, the initial weights and the batch order.
    /// - Throws: `PredictError` for an unknown device, a pool the table lacks, `numSamples` outside the pool's size,
    ///   or samples whose latencies are all equal.
    public static func evaluate(
        table: LatencyTable, device: String, protocol split: HELPProtocol, numSamples: Int, seed: UInt64,
        settings: Settings = Settings(), features: (Int) -> [Float]
    ) throws -> PredictorScores {
        let latencies = try table.latencies(device: device)
        let pool = try split.adaptationRows(device: device, in: table)
        let queries = try split.testRows(device: device, in: table)
        guard (1...pool.count).contains(numSamples) else {
            throw PredictError.invalidSampleCount(device: device, requested: numSamples, available: pool.count)
        }
        var random = SeededGenerator(seed: seed)
        let trainingRows = Array(random.shuffled(pool).prefix(numSamples))
        guard let scaler = LatencyScaler(fitting: trainingRows.map { latencies[$0] }) else {
            throw PredictError.constantLatencies(device: device, what: "\(numSamples) training-sample")
        }
        let x = trainingRows.map(features)
        var model = MLPRegressor(inputSize: x[0].count, hidden: settings.hidden, seed: random.next())
        model.fit(x: x, y: trainingRows.map { Float(scaler.normalise(latencies[$0])) }, epochs: settings.epochs,
                  learningRate: settings.learningRate, batchSize: settings.batchSize, seed: random.next())
        let predicted = model.predict(x: queries.map(features)).map { scaler.denormalise(Double($0)) }
        return PredictorScores(device: device, trainingSamples: numSamples, predicted: predicted, actual: queries.map { latencies[$0] })
    }
}
