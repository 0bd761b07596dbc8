import FathomSpaces

/// A ``MetaLearnedModel`` adapted to one device from that device's measurements alone (the strict setting): the
/// reference architectures among them give the hardware embedding, all of them are the support set, and their own
/// min and max normalise the targets.
///
/// The file keeps the measurements and the seed of the posterior draws, not the adapted weights: loading it adapts
/// again (well under a second), to the same weights.
public struct AdaptedMetaPredictor: LatencyPredictor {
    /// The saved state.
    public struct Model: Sendable, Codable {
        public let meta: MetaLearnedModel
        /// The device adapted to.
        public let device: String
        /// The measured architectures (canonical strings) and their latencies in ms.
        public let archs: [String]
        public let latencies: [Double]
        /// Seed of the posterior draws.
        public let seed: UInt64
        /// True when the device ran the cells with dead layers dropped (Fathom's default measurement context): every
        /// architecture, measured or predicted, is then taken as its live equivalent (`SearchSpace.liveEquivalent`),
        /// the network that device really ran. Nil (absent from the file) otherwise and in spaces without dead edges.
        public let dropsDeadLayers: Bool?
    }

    public static let kind = "help-adapted"
    public let space: SearchSpace
    public let model: Model
    public var id: String { "help" }
    private let hardware: [Float]
    private let scaler: LatencyScaler
    private let adapted: [[Float]]

    /// Adapts `meta` to `device` from measured `latencies` (ms) of `archs`, which must include every reference
    /// architecture of the model.
    ///
    /// - Throws: `PredictError.missingReference` when a reference is missing, `.constantLatencies` when the references or the samples all have the same latency.
    /// `dropsDeadLayers`: the device dropped dead layers when it measured (see ``Model/dropsDeadLayers``).
    public init(meta: MetaLearnedModel, space: SearchSpace, device: String, archs: [Architecture], latencies: [Double], seed: UInt64,
                dropsDeadLayers: Bool = false) throws {
        try self.init(model: Model(meta: meta, device: device, archs: archs.map(space.format), latencies: latencies, seed: seed,
                                   dropsDeadLayers: DeadLayerContext.flag(dropsDeadLayers: dropsDeadLayers, space: space)), space: space)
    }

    public init(model: Model, space: SearchSpace) throws {
        let meta = try model.meta.validated()
        let archs = try model.archs.map(space.parse)
        let canonical = archs.map(space.format)
        let referenceLatencies = try meta.references.map { reference in
            guard let index = canonical.firstIndex(of: reference) else {
                throw PredictError.missingReference(device: model.device, arch: reference)
            }
            return model.latencies[index]
        }
        guard let embedding = LatencyScaler(fitting: referenceLatencies, portion: 1) else {
            throw PredictError.constantLatencies(device: model.device, what: "reference-architecture")
        }
        guard let scaler = LatencyScaler(fitting: model.latencies) else {
            throw PredictError.constantLatencies(device: model.device, what: "\(model.latencies.count) sample")
        }
        self.model = model
        self.space = space
        self.scaler = scaler
        hardware = referenceLatencies.map { Float(embedding.normalise($0)) }
        let support = DeadLayerContext.executed(archs, space: space, dropsDeadLayers: model.dropsDeadLayers)
        adapted = meta.adapt(hardware: hardware, support: try ArchitectureBatch(support, space: space, input: meta.layout.input),
                             targets: model.latencies.map { Float(scaler.normalise($0)) }, seed: model.seed)
    }

    public func predict(_ archs: [Architecture]) throws -> [Double] {
        let batch = try ArchitectureBatch(DeadLayerContext.executed(archs, space: space, dropsDeadLayers: model.dropsDeadLayers), space: space,
                                          input: model.meta.layout.input)
        return model.meta.predict(adapted: adapted, batch: batch, hardware: hardware).map { scaler.denormalise(Double($0)) }
    }
}
