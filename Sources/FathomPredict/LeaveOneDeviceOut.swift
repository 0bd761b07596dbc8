import FathomSpaces

/// Leave-one-device-out over HELP's meta-train devices (`fathom bench predictor`), the honest self-check of a
/// few-shot latency predictor: each device in turn is held out, the meta-learned models are built without it, and
/// every predictor gets the same measurements of it (the strict setting: the reference architectures, then random
/// rows of its trimmed adaptation pool) and is scored on its trimmed test queries, the references left out.
public enum LeaveOneDeviceOut {
    /// A predictor the benchmark compares.
    public enum Method: String, Sendable, CaseIterable, Codable {
        /// ``DeviceMixtureModel``, built from the other meta-train devices and (unless told not to) the meta-valid ones.
        case mixture
        /// ``MetaLearnedModel`` meta-trained on the other meta-train devices, selected on the meta-valid ones.
        case help
        /// ``ProxyPredictor`` lines fitted to the measurements.
        case flops, liveFlops = "live-flops", params
        /// ``MLPPredictor`` and ``GCNPredictor`` trained from scratch on the measurements.
        case mlp, gcn
        /// A yardstick, not a few-shot predictor: an additive fit to the device's whole trimmed adaptation pool
        /// (``MetaEvaluation/evaluateWholePoolFit(data:device:ridge:)``), the same for every seed.
        case wholePool = "whole-pool"
    }

    /// What to run.
    public struct Options: Sendable {
        public var methods: [Method]
        /// Target measurements each predictor gets.
        public var numSamples = 10
        public var seeds = 5
        /// HELP's meta-training (episodes and the rest).
        public var helpSettings = MetaLearnedModel.Settings()
        /// Training epochs of the from-scratch MLP and GCN.
        public var epochs = 300
        /// Whether the mixture also takes the meta-valid devices as known devices.
        public var mixtureUsesValidDevices = true
        /// The mixture's settings.
        public var mixtureSettings = DeviceMixtureModel.Settings()

        public init(methods: [Method]) {
            self.methods = methods
        }
    }

    /// One predictor's scores on one held-out device for one seed.
    public struct Score: Sendable {
        public let device: String
        public let method: Method
        public let seed: Int
        public let scores: PredictorScores
    }

    /// Holds out each of `devices` (meta-train devices of `data`'s split) in turn; `progress` gets a line per step.
    ///
    /// - Throws: `PredictError` for an unknown device or too many samples; whatever a predictor throws.
    public static func run(data: MetaLearningData, devices: [String], options: Options,
                           progress: (String) -> Void = { _ in }) throws -> [Score] {
        var results: [Score] = []
        var isCellSpace = false
        if case .cell = data.space.family { isCellSpace = true }
        let fromScratchMethods = options.methods.filter { ![.mixture, .help, .wholePool].contains($0) && ($0 != .gcn || isCellSpace) }
        for device in devices {
            let train = data.split.metaTrainDevices.filter { $0 != device }
            let valid = data.split.metaValidDevices.filter { $0 != device }
            var models: [(Method, any MetaLatencyModel)] = []
            if options.methods.contains(.mixture) {
                models.append((.mixture, try DeviceMixtureModel(data: data, devices: train + (options.mixtureUsesValidDevices ? valid : []),
                                                              settings: options.mixtureSettings)))
            }
            if options.methods.contains(.help) {
                progress("\(device): meta-training HELP on \(train.count) devices (\(options.helpSettings.episodes) episodes)")
                models.append((.help, try MetaTrainer.train(data: data, trainDevices: train, validDevices: valid, settings: options.helpSettings,
                                                            setting: .strict, seed: 0)))
            }
            let wholePool = options.methods.contains(.wholePool) ? try MetaEvaluation.evaluateWholePoolFit(data: data, device: device) : nil
            for seed in 0..<options.seeds {
                if let wholePool { results.append(Score(device: device, method: .wholePool, seed: seed, scores: wholePool)) }
                for (method, model) in models {
                    results.append(Score(device: device, method: method, seed: seed,
                                         scores: try model.evaluate(data: data, device: device, numSamples: options.numSamples, seed: UInt64(seed))))
                }
                for method in fromScratchMethods {
                    results.append(Score(device: device, method: method, seed: seed, scores: try MetaEvaluation.evaluateFromScratch(
                        data: data, device: device, numSamples: options.numSamples, seed: UInt64(seed)) { archs, latencies, random in
                            try fromScratch(method, space: data.space, archs: archs, latencies: latencies, device: device, epochs: options.epochs,
                                            random: &random)
                        }))
                }
            }
            progress("\(device): done")
        }
        return results
    }

    private static func fromScratch(_ method: Method, space: SearchSpace, archs: [Architecture], latencies: [Double], device: String,
                                    epochs: Int, random: inout SeededGenerator) throws -> any LatencyPredictor {
        if let proxy = ProxyPredictor.Proxy(rawValue: method.rawValue) {
            return try ProxyPredictor(proxy: proxy, space: space, archs: archs, latencies: latencies)
        }
        switch method {
        case .mlp: return try MLPPredictor(space: space, archs: archs, latencies: latencies, device: device, settings: .init(epochs: epochs), seed: random.next())
        case .gcn: return try GCNPredictor(space: space, archs: archs, latencies: latencies, device: device, settings: .init(epochs: epochs), seed: random.next())
        default: preconditionFailure("\(method.rawValue) is not trained from scratch")
        }
    }
}
