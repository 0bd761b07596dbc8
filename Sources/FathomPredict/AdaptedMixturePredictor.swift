import FathomSpaces

/// A ``DeviceMixtureModel`` adapted to one device from that device's measurements alone.
///
/// The file keeps the measurements, not the fitted model: loading it adapts again (milliseconds), to the same model.
public struct AdaptedMixturePredictor: LatencyPredictor {
    /// The saved state.
    public struct Model: Sendable, Codable {
        public let meta: DeviceMixtureModel
        /// The device adapted to.
        public let device: String
        /// The measured architectures (canonical strings) and their latencies in ms.
        public let archs: [String]
        public let latencies: [Double]
        /// True when the device ran cells with dead layers dropped (see ``AdaptedMetaPredictor/Model/dropsDeadLayers``).
        public let dropsDeadLayers: Bool?
    }

    public static let kind = "mixture-adapted"
    public let space: SearchSpace
    public let model: Model
    public var id: String { "mixture" }
    /// The fitted model, with the weight of each known device.
    public let adaptation: DeviceMixtureModel.Adaptation

    /// Adapts `meta` to `device` from measured `latencies` (ms) of `archs` (any architectures, two at least).
    ///
    /// - Throws: `PredictError.tooFewMeasurements`.
    public init(meta: DeviceMixtureModel, space: SearchSpace, device: String, archs: [Architecture], latencies: [Double],
                dropsDeadLayers: Bool = false) throws {
        try self.init(model: Model(meta: meta, device: device, archs: archs.map(space.format), latencies: latencies,
                                   dropsDeadLayers: DeadLayerContext.flag(dropsDeadLayers: dropsDeadLayers, space: space)), space: space)
    }

    public init(model: Model, space: SearchSpace) throws {
        guard model.archs.count == model.latencies.count else {
            throw PredictError.corruptModel(file: "model", detail: "\(model.archs.count) architectures but \(model.latencies.count) latencies")
        }
        guard model.meta.fits(space) else {
            throw PredictError.corruptModel(file: "model", detail: "its bases do not fit the encoding of space '\(space.name)'")
        }
        let archs = DeadLayerContext.executed(try model.archs.map(space.parse), space: space, dropsDeadLayers: model.dropsDeadLayers)
        self.model = model
        self.space = space
        adaptation = try model.meta.adapt(encodings: archs.map(space.choiceOneHot), latencies: model.latencies,
                                          device: model.device)
    }

    public func predict(_ archs: [Architecture]) throws -> [Double] {
        DeadLayerContext.executed(archs, space: space, dropsDeadLayers: model.dropsDeadLayers).map {
            adaptation.latency(space.choiceOneHot($0))
        }
    }

    /// The mixture's predictive standard deviation (``DeviceMixtureModel/Adaptation/spread(_:)``).
    public func predictSpread(_ archs: [Architecture]) throws -> [Double]? {
        DeadLayerContext.executed(archs, space: space, dropsDeadLayers: model.dropsDeadLayers).map {
            adaptation.spread(space.choiceOneHot($0))
        }
    }

    /// The known devices by posterior weight, heaviest first.
    public var closestDevices: [(device: String, weight: Double)] {
        zip(model.meta.bases.map(\.device), adaptation.deviceWeights).sorted { $0.1 > $1.1 }.map { ($0.0, $0.1) }
    }
}
