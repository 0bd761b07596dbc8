import FathomSpaces

/// Fathom's few-shot latency model: a new device is taken to be one of the known devices, stretched and corrected.
///
/// Meta-training fits one *basis* per known device: a ridge regression of its latencies (divided by their median)
/// on the choices of the architecture's genes (``SearchSpace/choiceOneHot(_:)``), over HELP's whole adaptation pool.
/// Latency is close to additive in those choices on every device of HELP's data (on NAS-Bench-201 such a fit ranks
/// the held-out test queries with Spearman 0.85–0.999), but the per-choice costs differ from device to device, and
/// 10 measurements cannot fit 30–198 costs alone. So adaptation (``adapt(encodings:latencies:device:)``) asks, for each known device `k`, how
/// well the measurements fit `a + b·f_k(x) + δ·x` (with `f_k` the basis, a broad Gaussian prior on the offset
/// `a`, `b ~ N(1, 1)` and `δ ~ N(0, τ²)`, noise variance `σ²`): the Bayesian linear regression's evidence weighs
/// the devices, and its posterior mean gives each one's fit. The prediction is the evidence-weighted mixture, a
/// linear model on the encoding. `τ` and `σ²` are chosen per device by the total evidence over a fixed grid (type-II
/// maximum likelihood), so nothing is tuned on the target beyond its own measurements.
///
/// The corrections may also follow the directions in which the known devices differ: `δ ~ N(0, τ²I + s²C)` with `C`
/// the covariance of the bases' weights and `s` on the same evidence grid. Whether that term is on is decided once,
/// at meta-training, on the known devices alone (``selectingPopulationScales(data:devices:)``): on HELP's data it
/// helps FBNet (leave-one-device-out Spearman 0.865 → 0.875) and not NAS-Bench-201 or OFA, where it stays off.
///
/// HELP's hardware embedding needs the same reference architectures on every device; this model does not (any
/// measured architectures adapt it), but keeps the references so that `adapt --local` and the strict protocol
/// measure the same architectures as HELP.
public struct DeviceMixtureModel: Sendable, Codable, Equatable {
    /// The `kind` of a meta-trained model file.
    public static let fileKind = "mixture-meta"

    /// Hyper-parameters, in units of the device's median latency.
    public struct Settings: Sendable, Codable, Equatable {
        /// Ridge penalty of the basis regressions.
        public var ridge = 1e-3
        /// Candidates for `τ`, the prior standard deviation of each per-choice correction.
        public var corrections: [Double] = [0.001, 0.003, 0.01, 0.03, 0.1]
        /// Candidates for `s`, the scale of a correction along the directions in which the known devices differ
        /// (prior covariance `s²·C`, with `C` the covariance of the bases' weights). A model file written before
        /// this setting existed reads as `[0]`, the model it was.
        public var populationScales: [Double] = [0, 0.3, 1, 3]
        /// Candidates for `σ²`, the noise variance of a measurement.
        public var noiseVariances: [Double] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
        /// Prior variance of the offset `a`.
        public var offsetVariance = 100.0
        /// Prior variance of the stretch `b` around 1.
        public var stretchVariance = 1.0
        /// Cost proxies that join the known devices as bases (a device whose latency follows FLOPs, say).
        public var proxies: [ProxyPredictor.Proxy] = []

        /// The defaults.
        public init() {}

        private enum CodingKeys: String, CodingKey {
            case ridge, corrections, populationScales, noiseVariances, offsetVariance, stretchVariance, proxies
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ridge = try container.decode(Double.self, forKey: .ridge)
            corrections = try container.decode([Double].self, forKey: .corrections)
            populationScales = try container.decodeIfPresent([Double].self, forKey: .populationScales) ?? [0]
            noiseVariances = try container.decode([Double].self, forKey: .noiseVariances)
            offsetVariance = try container.decode(Double.self, forKey: .offsetVariance)
            stretchVariance = try container.decode(Double.self, forKey: .stretchVariance)
            proxies = try container.decode([ProxyPredictor.Proxy].self, forKey: .proxies)
        }
    }

    /// One known device's latency function: `latency / median ≈ bias + weights · encoding`.
    public struct Basis: Sendable, Codable, Equatable {
        public let device: String
        public let weights: [Double]
        public let bias: Double

        /// The basis at an encoding.
        func value(_ encoding: [Double]) -> Double {
            bias + DeviceMixtureModel.dot(weights, encoding)
        }
    }

    public let settings: Settings
    /// The reference architectures (canonical strings) that the strict protocol and `adapt --local` measure.
    public let references: [String]
    /// One per known device.
    public let bases: [Basis]

    /// Fits a basis for each of `devices` on the untrimmed adaptation pool of `data`'s protocol.
    ///
    /// - Throws: `PredictError.unknownDevice`, `.missingArchIndex`, `.constantLatencies` (a device whose median
    ///   latency over the pool is 0), `.singularFit`.
    public init(data: MetaLearningData, devices: [String], settings: Settings = Settings()) throws {
        let rows = try data.split.adaptationPool.map { try data.table.row(ofArchIndex: $0) }
        let encodings = rows.map { data.encoding(row: $0) }
        let measured = try devices.map { device in try data.table.latencies(device: device) }.map { latencies in rows.map { latencies[$0] } }
        let counted = try settings.proxies.map { proxy in try rows.map { try proxy.value(data.architectures[$0], in: data.space) } }
        let bases = try zip(devices + settings.proxies.map(\.rawValue), measured + counted).map { device, values in
            let median = RankMetrics.median(values)
            guard median > 0 else { throw PredictError.constantLatencies(device: device, what: "adaptation-pool (median 0 ms)") }
            guard let (weights, bias) = Self.ridgeFit(encodings, values.map { $0 / median }, ridge: settings.ridge) else {
                throw PredictError.singularFit(device: device)
            }
            return Basis(device: device, weights: weights, bias: bias)
        }
        self.init(settings: settings, references: data.references.map(data.space.format), bases: bases)
        self = try selectingPopulationScales(data: data, devices: devices)
    }

    init(settings: Settings, references: [String], bases: [Basis]) {
        self.settings = settings
        self.references = references
        self.bases = bases
    }

    /// The ridge regression `targets ≈ bias + weights · x` (the bias unpenalised up to 1e-9); nil when singular.
    static func ridgeFit(_ inputs: [[Double]], _ targets: [Double], ridge: Double) -> (weights: [Double], bias: Double)? {
        let width = (inputs.first?.count ?? 0) + 1
        var normal = [Double](repeating: 0, count: width * width)
        var right = [Double](repeating: 0, count: width)
        for (input, target) in zip(inputs, targets) {
            let row = input + [1]
            for i in 0..<width where row[i] != 0 {
                right[i] += row[i] * target
                for j in 0...i { normal[i * width + j] += row[i] * row[j] }
            }
        }
        for i in 0..<width { normal[i * width + i] += i == width - 1 ? 1e-9 : ridge }
        guard let solution = CholeskyFactor(normal, order: width)?.solve(right) else { return nil }
        return (Array(solution.dropLast()), solution[width - 1])
    }

    /// Whether the bases fit `space`'s encoding (a model read from a file): one weight per column of
    /// ``SearchSpace/choiceOneHot(_:)``, and at least one basis.
    func fits(_ space: SearchSpace) -> Bool {
        !bases.isEmpty && bases.allSatisfy { $0.weights.count == space.choiceOneHotLength }
    }

    /// `Σ a[i]·b[i]`.
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
