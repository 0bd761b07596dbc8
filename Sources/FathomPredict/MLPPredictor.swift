import FathomSpaces

/// An ``MLPRegressor`` on normalised latencies with the scaler that turns its outputs back into milliseconds.
public struct FittedMLP: Sendable, Codable, Equatable {
    /// The network, on normalised latencies.
    public let network: MLPRegressor
    /// Normalised latency ↔ ms.
    public let scaler: LatencyScaler

    /// Trains a fresh network on `(x, latencies)`: targets min-max normalised over the samples (portion 0.9),
    /// initial weights and batch order drawn from `random`.
    ///
    /// - Throws: `PredictError.constantLatencies` when the samples' latencies are all equal.
    init(x: [[Float]], latencies: [Double], device: String, settings: FromScratchMLPBaseline.Settings, random: inout SeededGenerator) throws {
        guard let scaler = LatencyScaler(fitting: latencies) else {
            throw PredictError.constantLatencies(device: device, what: "\(latencies.count) training-sample")
        }
        var network = MLPRegressor(inputSize: x[0].count, hidden: settings.hidden, seed: random.next())
        network.fit(x: x, y: latencies.map { Float(scaler.normalise($0)) }, epochs: settings.epochs,
                    learningRate: settings.learningRate, batchSize: settings.batchSize, seed: random.next())
        self.network = network
        self.scaler = scaler
    }

    /// Latencies in ms.
    func predict(_ x: [[Float]]) -> [Double] {
        network.predict(x: x).map { scaler.denormalise(Double($0)) }
    }
}

/// The MLP of LA-DARTS and HELP's baselines, on the space's one-hot encoding (``SearchSpace/oneHot(_:)``), trained
/// from scratch on a device's samples.
public struct MLPPredictor: LatencyPredictor {
    public static let kind = "mlp"
    public let space: SearchSpace
    public let model: FittedMLP
    public var id: String { "mlp" }

    public init(model: FittedMLP, space: SearchSpace) throws {
        guard model.network.inputSize == space.oneHotLength else {
            throw PredictError.corruptModel(file: "model", detail: "an MLP over \(model.network.inputSize) inputs does not fit space '\(space.name)' (\(space.oneHotLength))")
        }
        self.model = model
        self.space = space
    }

    /// Trains on measured `latencies` (ms) of `archs`.
    ///
    /// - Throws: `PredictError.constantLatencies` when they are all equal.
    public init(space: SearchSpace, archs: [Architecture], latencies: [Double], device: String,
                settings: FromScratchMLPBaseline.Settings = .init(), seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        try self.init(model: FittedMLP(x: archs.map(space.oneHot), latencies: latencies, device: device, settings: settings, random: &random), space: space)
    }

    public func predict(_ archs: [Architecture]) -> [Double] {
        model.predict(archs.map(space.oneHot))
    }
}
