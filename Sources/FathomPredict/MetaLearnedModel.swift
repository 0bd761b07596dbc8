import FathomSpaces

/// HELP's meta-learned latency predictor (`help.py`, `net.py`): a hardware-conditioned ``NetworkLayout`` (θ), one
/// learned inner learning rate per parameter (Meta-SGD's α, `task_lr`), and the ``InferenceNetwork`` whose
/// posterior sample `z` modulates the head (`get_params_z`): for head layer `k` (`fc3`, `fc4`, `fc5`), weight column
/// `i` is scaled by `1 + s·z_w[k·width + i]` and every bias shifted by `s·z_b[k]`, with `s` the z scaling.
///
/// A device is adapted to (``adapt(hardware:support:targets:seed:)``) by modulating θ with a sample of `z`, then
/// taking `innerSteps` gradient steps `θ ← θ − α ⊙ ∇L_support(θ)`; predictions average over `mcSamples` samples.
public struct MetaLearnedModel: Sendable, Codable, Equatable {
    /// The meta-learner's hyper-parameters, HELP's defaults (`parser.py`) unless noted.
    public struct Settings: Sendable, Codable, Equatable {
        /// `layer_size`.
        public var hidden = 100
        /// `num_train_updates` and `num_eval_updates`: inner steps.
        public var innerSteps = 2
        /// Initial value of every learned inner rate (`1e-3 * ones_like`).
        public var initialInnerRate: Float = 1e-3
        /// `meta_lr`: the outer Adam's step size.
        public var metaLearningRate: Float = 1e-4
        /// `num_episodes`.
        public var episodes = 2000
        /// `num_inner_tasks`: devices per episode.
        public var tasksPerEpisode = 8
        /// `num_samples`: support samples per task (HELP setting; the strict setting uses the reference architectures).
        public var supportSize = 10
        /// `num_query_meta_train_task`: query samples per task.
        public var querySize = 200
        /// `z_scaling`.
        public var zScaling: Float = 0.01
        /// `kl_scaling`.
        public var klScaling: Float = 0.1
        /// `mc_sampling`: posterior samples averaged at prediction time.
        public var mcSamples = 10
        /// `save_summary_steps`: episodes between two model-selection checks on the meta-valid devices.
        public var validationInterval = 50

        /// HELP's defaults.
        public init() {}
    }

    /// How a device's measurements are used when adapting to it.
    public enum Setting: String, Sendable, Codable, CaseIterable {
        /// Fathom's default: nothing but the given measurements. The reference architectures give the embedding and
        /// are the support set (with any further samples); targets are normalised by the support's own min and max.
        case strict
        /// HELP's test: the references give the embedding, `N` random samples of the adaptation pool are the
        /// support set, and targets are normalised by the min and max of the device's whole trimmed adaptation pool.
        case help
    }

    public let settings: Settings
    /// The setting it was meta-trained for (and is evaluated in by default).
    public let setting: Setting
    /// The network (with a hardware branch as long as `references`).
    public let layout: NetworkLayout
    /// The reference architectures of the hardware embedding, canonical strings in embedding order.
    public let references: [String]
    /// θ.
    var parameters: [Float]
    /// α, one per parameter.
    var innerRates: [Float]
    /// The inference network's parameters.
    var encoderParameters: [Float]

    /// A fresh model for `space` whose embedding reads the latencies of `references`.
    public init(space: SearchSpace, references: [Architecture], settings: Settings = Settings(), setting: Setting = .strict, seed: UInt64) throws {
        self.settings = settings
        self.setting = setting
        self.references = references.map(space.format)
        layout = try NetworkLayout(space: space, input: .natural(for: space), hidden: settings.hidden, hardwareSize: references.count)
        var random = SeededGenerator(seed: seed)
        parameters = layout.initialParameters(seed: random.next())
        innerRates = Array(repeating: settings.initialInnerRate, count: layout.parameterCount)
        encoderParameters = Self.encoder(layout).initialParameters(seed: random.next())
    }

    /// The inference network for a layout: one variable per head input column and one per head layer's biases.
    static func encoder(_ layout: NetworkLayout) -> InferenceNetwork {
        InferenceNetwork(hardwareSize: layout.hardwareSize, zSize: 3 * (layout.headWidth + 1))
    }

    var encoder: InferenceNetwork { Self.encoder(layout) }

    /// Checks that the vectors fit the layout (a model read from a file).
    func validated() throws -> MetaLearnedModel {
        guard parameters.count == layout.parameterCount, innerRates.count == layout.parameterCount,
              encoderParameters.count == encoder.parameterCount, references.count == layout.hardwareSize else {
            throw PredictError.corruptModel(file: "model", detail: "its parameter vectors do not fit its layout")
        }
        return self
    }

    /// All meta-parameters as one vector: θ, α, then the inference network's (what the outer Adam updates).
    var metaParameters: [Float] {
        get { parameters + innerRates + encoderParameters }
        set {
            let n = layout.parameterCount
            parameters = Array(newValue[..<n])
            innerRates = Array(newValue[n..<(2 * n)])
            encoderParameters = Array(newValue[(2 * n)...])
        }
    }
}
