import FathomSpaces

/// The from-scratch baseline of HELP's protocol: an ``MLPRegressor`` trained only on `N` measurements of the target
/// device, drawn at random from its trimmed adaptation pool, then scored on its trimmed test queries
/// (``FewShotEvaluation``).
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
        return try FewShotEvaluation.evaluate(table: table, device: device, protocol: split, numSamples: numSamples, seed: seed) { training, test, random in
            let fitted = try FittedMLP(x: training.map(features), latencies: training.map { latencies[$0] }, device: device,
                                       settings: settings, random: &random)
            return fitted.predict(test.map(features))
        }
    }
}
