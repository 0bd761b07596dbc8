import FathomSpaces

/// The GCN of BRP-NAS and HELP's NAS-Bench-201 predictor without its hardware branch (``NetworkLayout`` with a graph
/// trunk), trained from scratch on one device's samples with Adam and the mean squared error on normalised latencies.
public struct GCNPredictor: LatencyPredictor {
    /// How the GCN is shaped and trained.
    public struct Settings: Sendable, Equatable, Codable {
        /// HELP's `layer_size`.
        public var hidden: Int
        /// Passes over the samples.
        public var epochs: Int
        /// Adam's step size.
        public var learningRate: Float
        /// Samples per Adam step.
        public var batchSize: Int

        /// HELP's width (100); as many passes and the same step as the MLP baseline.
        public init(hidden: Int = 100, epochs: Int = 300, learningRate: Float = 1e-3, batchSize: Int = 16) {
            self.hidden = hidden
            self.epochs = epochs
            self.learningRate = learningRate
            self.batchSize = batchSize
        }
    }

    /// The saved state.
    public struct Model: Sendable, Codable, Equatable {
        public let layout: NetworkLayout
        public let parameters: [Float]
        /// Normalised latency ↔ ms.
        public let scaler: LatencyScaler
    }

    public static let kind = "gcn"
    public let space: SearchSpace
    public let model: Model
    public var id: String { "gcn" }

    public init(model: Model, space: SearchSpace) throws {
        let expected = try NetworkLayout(space: space, input: .graph, hidden: model.layout.hidden, hardwareSize: 0)
        guard model.layout == expected, model.parameters.count == expected.parameterCount else {
            throw PredictError.corruptModel(file: "model", detail: "the GCN's shape does not fit space '\(space.name)' or its parameters")
        }
        self.model = model
        self.space = space
    }

    /// Trains on measured `latencies` (ms) of `archs`.
    ///
    /// - Throws: `PredictError.notACellSpace`, or `.constantLatencies` when the latencies are all equal.
    public init(space: SearchSpace, archs: [Architecture], latencies: [Double], device: String,
                settings: Settings = Settings(), seed: UInt64) throws {
        guard let scaler = LatencyScaler(fitting: latencies) else {
            throw PredictError.constantLatencies(device: device, what: "\(latencies.count) training-sample")
        }
        var random = SeededGenerator(seed: seed)
        let layout = try NetworkLayout(space: space, input: .graph, hidden: settings.hidden, hardwareSize: 0)
        let batch = try ArchitectureBatch(archs, space: space, input: .graph)
        let targets = latencies.map { Float(scaler.normalise($0)) }
        var parameters = layout.initialParameters(seed: random.next())
        AdamOptimizer.minimise(&parameters, sampleCount: archs.count, epochs: settings.epochs, learningRate: settings.learningRate,
                               batchSize: settings.batchSize, seed: random.next()) { indices, current in
            layout.lossAndGradient(current, batch: batch.subset(indices), hardware: [], targets: indices.map { targets[$0] })
        }
        try self.init(model: Model(layout: layout, parameters: parameters, scaler: scaler), space: space)
    }

    public func predict(_ archs: [Architecture]) throws -> [Double] {
        let batch = try ArchitectureBatch(archs, space: space, input: .graph)
        return model.layout.predict(model.parameters, batch: batch, hardware: []).map { model.scaler.denormalise(Double($0)) }
    }
}
