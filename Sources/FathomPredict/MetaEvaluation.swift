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
        let references = Set(data.referenceRows)
        let queries = device.test.filter { !references.contains($0) }
        let predicted = model.predict(adapted: adapted, batch: data.batch.subset(queries), hardware: device.hardware)
        return PredictorScores(device: name, trainingSamples: numSamples, predicted: predicted.map { scaler.denormalise(Double($0)) },
                               actual: queries.map { device.latencies[$0] })
    }
}
