import FathomMeasure
import FathomPredict
import FathomSpaces
import Foundation

/// Adapts a meta-trained latency model to the device behind a measurement session (this machine, or an agent's):
/// measures the model's reference architectures and seeded samples of HELP's adaptation pool, adapts to those
/// measurements, and writes the adapted model with a HELP-layout CSV of its samples next to it
/// (`fathom predictor adapt --local`, and a job's `latency.adapt`).
public struct LocalAdaptation {
    /// What an adaptation produced.
    public struct Result {
        public let predictor: any LatencyPredictor
        public let device: String
        /// The device dropped the dead layers of cells when it measured (its context), so the predictor takes live equivalents.
        public let dropsDeadLayers: Bool
        public let measurements: [NetworkMeasurement]
        /// The samples CSV written next to the model.
        public let samplesPath: String
    }

    /// The meta-trained model's file (named in errors).
    public let model: String
    public let meta: any MetaLatencyModel
    public let space: SearchSpace
    /// HELP's protocol for the space: its adaptation pool labels the samples.
    let helpSpace: HELPSpace
    /// The HELP-layout table that gives each sample its `arch_index` and defines the adaptation pool.
    public let tablePath: String
    /// Architectures measured in all, the references included.
    public let numSamples: Int
    public let seed: UInt64

    /// An adaptation of the meta-trained model in `model`; `tablePath` nil: the project's HELP table of its space.
    public init(model: String, tablePath: String?, numSamples: Int, seed: UInt64) throws {
        (meta, space) = try MetaModelFile.load(model)
        guard let help = HELPSpace(of: space) else {
            throw ExperimentError.localAdaptation(model: model, reason: "space '\(space.name)' has no HELP table to label the samples (nasbench201, fbnet, ofa-mbv3)")
        }
        self.model = model
        helpSpace = help
        self.tablePath = try tablePath ?? ProjectFiles.url("device-measurements/help/\(help.rawValue)/latency.csv").path
        self.numSamples = numSamples
        self.seed = seed
    }

    /// `OUT.samples.csv` next to the output: its `.json` extension replaced, or appended to.
    public static func samplesPath(_ out: String) -> String {
        (out.hasSuffix(".json") ? String(out.dropLast(5)) : out) + ".samples.csv"
    }

    /// Measures the plan's architectures with `settings`, adapts, and writes the model to `out` and its samples CSV
    /// next to it. `log` gets progress lines.
    public func run(settings: MeasurementSettings, out: String, log: @escaping (String) -> Void) throws -> Result {
        let table = try LatencyTable(contentsOf: tablePath)
        let plan = try LocalAdaptationPlan(meta: meta, space: space, table: table, split: HELPProtocol(space: helpSpace),
                                           numSamples: numSamples, seed: seed)
        let session = try settings.openSession(log: log)
        let archs = plan.archs.map(space.format)
        var measured: [String: NetworkMeasurement] = [:]
        try session.measure(space: space, spaceArgument: space.name, archs: archs, context: settings.context, policy: settings.policy,
                            perLayer: false, progress: { done, total in log("measured \(done)/\(total) on \(session.device.id)") },
                            emit: { result in measured[space.format(try space.parse(result.measurement.arch))] = result.measurement })
        let measurements = try archs.map { arch in
            guard let measurement = measured[arch] else { throw ExperimentError.localAdaptation(model: model, reason: "the agent returned no measurement of \(arch)") }
            return measurement
        }
        let unconverged = measurements.filter { !$0.converged }.count
        if unconverged > 0 { log("note: \(unconverged) of \(measurements.count) measurements did not reach a ±2% interval") }
        let device = session.device.id
        let dropsDeadLayers = DeadLayerContext.flag(dropsDeadLayers: !settings.context.keepsDeadEdges, space: space) == true
        let predictor = try meta.adapted(space: space, device: device, archs: plan.archs, latencies: measurements.map(\.summary.medianMs),
                                         seed: seed, dropsDeadLayers: dropsDeadLayers)
        try PredictorFile.save(predictor, to: out)
        let indices = Dictionary(zip(archs, plan.archIndices), uniquingKeysWith: { first, _ in first })
        let text = try HELPLayout.csv(space: space, column: device, measurements: measurements) { indices[space.format($0)] }
        let samplesPath = Self.samplesPath(out)
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: samplesPath), options: .atomic) } catch {
            throw MeasureError.cannotWrite(path: samplesPath, reason: error.localizedDescription)
        }
        return Result(predictor: predictor, device: device, dropsDeadLayers: dropsDeadLayers, measurements: measurements, samplesPath: samplesPath)
    }
}
