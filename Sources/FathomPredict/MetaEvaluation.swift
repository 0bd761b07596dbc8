import FathomSpaces

/// HELP's test protocol for a meta-learned model on one device of the data: embed the device by its reference
/// architectures, adapt on a support set (``MetaLearningData/adaptationSet(_:setting:numSamples:random:)``), then
/// score the trimmed test queries, the reference architectures left out of them.
public enum MetaEvaluation {
    /// Scores `model` on `device` with `numSamples` target measurements in all (strict) or for fine-tuning (HELP).
    ///
    /// - Parameters:
    ///   - setting: how the measurements are used; the model's own by default.
    ///   - seed: picks the random samples and the posterior draws.
    /// - Throws: `PredictError` for an unknown device, too few or too many samples, constant latencies.
    public static func evaluate(_ model: MetaLearnedModel, data: MetaLearningData, device name: String, numSamples: Int,
                                seed: UInt64, setting: MetaLearnedModel.Setting? = nil) throws -> PredictorScores {
        let device = try data.device(name)
        var random = SeededGenerator(seed: seed)
        let (rows, scaler) = try data.adaptationSet(device, setting: setting ?? model.setting, numSamples: numSamples, random: &random)
        let adapted = model.adapt(hardware: device.hardware, support: data.batch.subset(rows),
                                  targets: rows.map { Float(scaler.normalise(device.latencies[$0])) }, seed: random.next())
        let queries = testQueries(device, data: data)
        let predicted = model.predict(adapted: adapted, batch: data.batch.subset(queries), hardware: device.hardware)
        return PredictorScores(device: name, trainingSamples: numSamples, predicted: predicted.map { scaler.denormalise(Double($0)) },
                               actual: queries.map { device.latencies[$0] })
    }

    /// Scores a device mixture on `device` with `numSamples` target measurements in all: the reference architectures,
    /// then random rows of the trimmed adaptation pool (as the strict setting draws them).
    ///
    /// - Throws: `PredictError` for an unknown device, too few or too many samples.
    public static func evaluate(_ model: DeviceMixtureModel, data: MetaLearningData, device name: String, numSamples: Int,
                                seed: UInt64) throws -> PredictorScores {
        try strictProtocol(data: data, device: name, numSamples: numSamples, seed: seed) { rows, queries, device, _ in
            let adaptation = try model.adapt(encodings: rows.map(data.encoding), latencies: rows.map { device.latencies[$0] }, device: name)
            let encodings = queries.map(data.encoding)
            return (encodings.map(adaptation.latency), encodings.map(adaptation.spread))
        }
    }

    /// Scores a predictor trained on `device` alone from the same measurements the strict setting gives a
    /// meta-learned model (`train` gets their architectures, latencies and a generator for its own random choices).
    ///
    /// - Throws: `PredictError` for an unknown device, too few or too many samples; whatever `train` throws.
    public static func evaluateFromScratch(
        data: MetaLearningData, device name: String, numSamples: Int, seed: UInt64,
        train: (_ archs: [Architecture], _ latencies: [Double], _ random: inout SeededGenerator) throws -> any LatencyPredictor
    ) throws -> PredictorScores {
        try strictProtocol(data: data, device: name, numSamples: numSamples, seed: seed) { rows, queries, device, random in
            let predictor = try train(rows.map { data.architectures[$0] }, rows.map { device.latencies[$0] }, &random)
            let archs = queries.map { data.architectures[$0] }
            return (try predictor.predict(archs), try predictor.predictSpread(archs))
        }
    }

    /// The strict setting's support rows and test queries on `device`, the predictions (and spreads, if any) that
    /// `predict` makes from them, scored.
    private static func strictProtocol(
        data: MetaLearningData, device name: String, numSamples: Int, seed: UInt64,
        predict: (_ rows: [Int], _ queries: [Int], _ device: MetaLearningData.Device, _ random: inout SeededGenerator) throws
            -> (latencies: [Double], spreads: [Double]?)
    ) throws -> PredictorScores {
        let device = try data.device(name)
        var random = SeededGenerator(seed: seed)
        let (rows, _) = try data.adaptationSet(device, setting: .strict, numSamples: numSamples, random: &random)
        let queries = testQueries(device, data: data)
        let predicted = try predict(rows, queries, device, &random)
        return PredictorScores(device: name, trainingSamples: numSamples, predicted: predicted.latencies,
                               actual: queries.map { device.latencies[$0] }, spreads: predicted.spreads)
    }

    /// Not a few-shot predictor but a yardstick for one: the device mixture's basis (a ridge fit on the gene-choice
    /// encoding) fitted to the device's whole trimmed adaptation pool, scored on the same test queries. It shows what
    /// an additive latency model can reach on the device's data, noise included.
    ///
    /// - Throws: `PredictError` for an unknown device, `.singularFit`.
    public static func evaluateWholePoolFit(data: MetaLearningData, device name: String, ridge: Double = 1e-3) throws -> PredictorScores {
        let device = try data.device(name)
        guard let (weights, bias) = DeviceMixtureModel.ridgeFit(device.pool.map(data.encoding), device.pool.map { device.latencies[$0] },
                                                                  ridge: ridge) else { throw PredictError.singularFit(device: name) }
        let basis = DeviceMixtureModel.Basis(device: name, weights: weights, bias: bias)
        let queries = testQueries(device, data: data)
        return PredictorScores(device: name, trainingSamples: device.pool.count, predicted: queries.map { basis.value(data.encoding(row: $0)) },
                               actual: queries.map { device.latencies[$0] })
    }

    /// The device's trimmed test queries without the reference architectures.
    private static func testQueries(_ device: MetaLearningData.Device, data: MetaLearningData) -> [Int] {
        let references = Set(data.referenceRows)
        return device.test.filter { !references.contains($0) }
    }
}
