import FathomSpaces

/// A meta-trained latency model that adapts to a device from a few of its measurements: HELP's
/// (``MetaLearnedModel``) or Fathom's device mixture (``DeviceMixtureModel``).
public protocol MetaLatencyModel: Sendable {
    /// The reference architectures (canonical strings) that the strict protocol and `adapt --local` measure.
    var references: [String] { get }
    /// A predictor for `device` adapted from its measured `latencies` (ms) of `archs`; `dropsDeadLayers`: the
    /// device ran each cell's live equivalent.
    func adapted(space: SearchSpace, device: String, archs: [Architecture], latencies: [Double], seed: UInt64,
                 dropsDeadLayers: Bool) throws -> any LatencyPredictor
    /// The strict test protocol on a device of `data` (``MetaEvaluation``).
    func evaluate(data: MetaLearningData, device: String, numSamples: Int, seed: UInt64) throws -> PredictorScores
    /// Writes the model for `space` to `path`.
    func save(to path: String, space: SearchSpace) throws
}

extension MetaLearnedModel: MetaLatencyModel {
    public func adapted(space: SearchSpace, device: String, archs: [Architecture], latencies: [Double], seed: UInt64,
                        dropsDeadLayers: Bool) throws -> any LatencyPredictor {
        try AdaptedMetaPredictor(meta: self, space: space, device: device, archs: archs, latencies: latencies, seed: seed,
                                 dropsDeadLayers: dropsDeadLayers)
    }

    public func evaluate(data: MetaLearningData, device: String, numSamples: Int, seed: UInt64) throws -> PredictorScores {
        try MetaEvaluation.evaluate(self, data: data, device: device, numSamples: numSamples, seed: seed)
    }
}

extension DeviceMixtureModel: MetaLatencyModel {
    public func adapted(space: SearchSpace, device: String, archs: [Architecture], latencies: [Double], seed: UInt64,
                        dropsDeadLayers: Bool) throws -> any LatencyPredictor {
        try AdaptedMixturePredictor(meta: self, space: space, device: device, archs: archs, latencies: latencies, dropsDeadLayers: dropsDeadLayers)
    }

    public func evaluate(data: MetaLearningData, device: String, numSamples: Int, seed: UInt64) throws -> PredictorScores {
        try MetaEvaluation.evaluate(self, data: data, device: device, numSamples: numSamples, seed: seed)
    }

    public func save(to path: String, space: SearchSpace) throws {
        try PredictorFile.write(kind: Self.fileKind, space: space.name, model: self, to: path)
    }
}

/// Reading meta-trained model files of either kind.
public enum MetaModelFile {
    /// The file kinds of meta-trained models.
    public static let kinds = [MetaLearnedModel.fileKind, DeviceMixtureModel.fileKind]

    /// Loads a meta-trained model of any kind, refusing one for another space than `space` (when given).
    ///
    /// - Throws: `PredictError.wrongModelKind` (an adapted predictor, say), `.modelForAnotherSpace`, `.corruptModel`, `.unreadableFile`.
    public static func load(_ path: String, space: SearchSpace? = nil) throws -> (model: any MetaLatencyModel, space: SearchSpace) {
        switch try PredictorFile.header(of: path).kind {
        case DeviceMixtureModel.fileKind:
            let (model, space) = try PredictorFile.loadModel(DeviceMixtureModel.self, kind: DeviceMixtureModel.fileKind, from: path, space: space)
            guard model.fits(space) else {
                throw PredictError.corruptModel(file: path, detail: "its device bases do not fit the encoding of space '\(space.name)' (\(space.choiceOneHotLength) columns)")
            }
            return (model, space)
        case MetaLearnedModel.fileKind:
            let (model, space) = try MetaLearnedModel.load(path, space: space)
            return (model, space)
        case let kind:
            throw PredictError.wrongModelKind(file: path, kind: kind, expected: "a meta-trained model (\(kinds.joined(separator: ", ")))")
        }
    }
}
