import FathomSpaces

/// HELP's few-shot protocol for a predictor trained on the target device alone: `N` measurements drawn at random
/// from the device's trimmed adaptation pool, scores on its trimmed test queries.
public enum FewShotEvaluation {
    /// Draws `numSamples` training rows of `device` (seeded), lets `predict` train on them and predict the test rows,
    /// and scores the predictions.
    ///
    /// - Parameter predict: given the training rows, the test rows and the generator (for its own random choices),
    ///   the predicted latencies (ms) of the test rows.
    /// - Throws: `PredictError` for an unknown device, a pool the table lacks or `numSamples` outside the pool's size;
    ///   whatever `predict` throws.
    public static func evaluate(
        table: LatencyTable, device: String, protocol split: HELPProtocol, numSamples: Int, seed: UInt64,
        predict: (_ trainingRows: [Int], _ testRows: [Int], _ random: inout SeededGenerator) throws -> [Double]
    ) throws -> PredictorScores {
        let latencies = try table.latencies(device: device)
        let pool = try split.adaptationRows(device: device, in: table)
        let queries = try split.testRows(device: device, in: table)
        guard (1...pool.count).contains(numSamples) else {
            throw PredictError.invalidSampleCount(device: device, requested: numSamples, available: pool.count)
        }
        var random = SeededGenerator(seed: seed)
        let trainingRows = Array(random.shuffled(pool).prefix(numSamples))
        let predicted = try predict(trainingRows, queries, &random)
        return PredictorScores(device: device, trainingSamples: numSamples, predicted: predicted, actual: queries.map { latencies[$0] })
    }
}
