import ArgumentParser
import FathomExperiments
import FathomMeasure
import FathomPredict
import FathomSpaces
import Foundation

/// `fathom predictor …`: meta-train HELP's latency predictor, adapt it to a device, predict, evaluate, compare.
struct PredictorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Latency predictors: meta-train (device mixture or HELP), adapt to a device from a few measurements, predict, evaluate, compare.",
        subcommands: [MetaTrain.self, Adapt.self, Predict.self, Evaluate.self, Baselines.self]
    )

    struct MetaTrain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "meta-train",
            abstract: "Meta-train a hardware-adaptive latency predictor on the devices of a HELP-layout table.",
            discussion: """
            Devices and pools follow HELP's split for the space (device-measurements/help/*/README.md). The reference \
            architectures are read from hardware_embedding_index.csv next to the data.
            --method mixture (default): Fathom's device mixture. One latency function per known device (a ridge fit on the \
            choices of the architecture's genes over HELP's adaptation pool); a new device is fitted as the evidence-weighted mixture \
            of those functions, each stretched and corrected by Bayesian linear regression on its measurements. It has \
            nothing to select on the meta-valid devices, so they serve as known devices too. Takes seconds.
            --method help: HELP's Meta-SGD predictor with its hardware-conditioned inference network, trained for \
            --episodes on the meta-train devices, the model with the best meta-valid Spearman kept. Takes minutes.
            Example: fathom predictor meta-train nasbench201 --data device-measurements/help/nasbench201/latency.csv --out model.json --seed 0
            """
        )

        @Argument(help: "nasbench201, fbnet or ofa-mbv3.") var space: String
        @Option(help: "HELP-layout latency CSV.") var data: String
        @Option(help: "Where to write the model (JSON).") var out: String
        @Option(help: "mixture or help.") var method: String = "mixture"
        @Option(help: "Seed of every random choice (help).") var seed: UInt64 = 0
        @Option(help: "Episodes (help; HELP: 2000 for nasbench201).") var episodes: Int = 2000
        @Option(help: "Comma-separated meta-train devices (default: HELP's split).") var trainDevices: String?
        @Option(help: "Comma-separated meta-valid devices (default: HELP's split).") var validDevices: String?
        @Option(help: "help only: strict (only the given measurements) or help (HELP's test setting).") var setting: String = "strict"
        @Flag(help: "Print progress as JSON lines.") var json = false

        func validate() throws {
            guard ["mixture", "help"].contains(method) else { throw ValidationError("--method must be mixture or help, got '\(method)'") }
            guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
            guard MetaLearnedModel.Setting(rawValue: setting) != nil else { throw ValidationError("--setting must be strict or help, got '\(setting)'") }
        }

        func run() throws {
            let context = try HELPContext(space: space, data: data)
            let train = trainDevices.map(HELPContext.devices) ?? context.data.split.metaTrainDevices
            let valid = validDevices.map(HELPContext.devices) ?? context.data.split.metaValidDevices
            let model: any MetaLatencyModel = method == "mixture"
                ? try DeviceMixtureModel(data: context.data, devices: train + valid)
                : try trainHELP(context: context, train: train, valid: valid)
            try model.save(to: out, space: context.space)
            guard method == "mixture" else { return }
            if json {
                try printJSONLine(["method": "mixture", "devices": (train + valid).joined(separator: ","), "out": out])
            } else {
                print("device mixture of \(train.count + valid.count) known devices (\((train + valid).joined(separator: ", "))) written to \(out)")
            }
        }

        private func trainHELP(context: HELPContext, train: [String], valid: [String]) throws -> MetaLearnedModel {
            var settings = MetaLearnedModel.Settings()
            settings.episodes = episodes
            let start = Date()
            return try MetaTrainer.train(data: context.data, trainDevices: train, validDevices: valid, settings: settings,
                                         setting: MetaLearnedModel.Setting(rawValue: setting)!, seed: seed) { progress in
                guard let spearman = progress.validationSpearman else { return }
                let line = ProgressLine(episode: progress.episode, query_loss: Double(progress.queryLoss), valid_spearman: spearman,
                                        seconds: Date().timeIntervalSince(start))
                if json { try? printJSONLine(line) } else {
                    print(String(format: "episode %d  query loss %.5f  meta-valid Spearman %.4f  (%.0f s)", line.episode, line.query_loss, spearman, line.seconds))
                }
            }
        }

        struct ProgressLine: Encodable {
            let episode: Int
            let query_loss: Double
            let valid_spearman: Double
            let seconds: Double
        }
    }

    struct Adapt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adapt a meta-trained model to a device: from its measurements in a HELP-layout CSV (--samples), or by measuring this machine or an agent's (--local).",
            discussion: """
            --samples: the CSV must include the model's reference architectures (they give the hardware embedding); all its \
            rows are the support set.
            --local: the agent (this machine, or --agent) measures the model's reference architectures and, when \
            --num-samples asks for more, random architectures of HELP's adaptation pool drawn with --seed; the device is the \
            agent's device id. Measurements go to the store (and are reused from it, as `fathom measure` does), and are \
            written next to the output as OUT.samples.csv (HELP layout), so that `adapt --samples OUT.samples.csv --device ID` \
            (with --dead-layers-dropped for cell spaces measured in the default context, as the command prints) reproduces \
            the adaptation. A device that drops dead layers ran each cell's live equivalent (dead edges set to none): the \
            predictor is adapted and predicts on those.
            Examples:
              fathom predictor adapt --model help.json --samples refs.csv --device titanx_1 --out titanx_1.json
              fathom predictor adapt --model help.json --local --out runs/adapted-local.json
              fathom predictor adapt --model help.json --local --num-samples 20 --agent 'ssh host fathom agent --stdio' --out host.json
            """
        )

        @Option(help: "A meta-trained model (fathom predictor meta-train).") var model: String
        @Option(help: "HELP-layout CSV holding just the measurements that may be used.") var samples: String?
        @Option(help: "The device column of the samples.") var device: String?
        @Flag(help: "Measure the device instead of reading --samples: this machine, or the one behind --agent.") var local = false
        @Option(help: "With --local: architectures to measure in all, the model's reference architectures included.") var numSamples: Int = 10
        @Option(help: "With --local: the HELP-layout table that gives each sample its arch_index and the adaptation pool (default: the project's HELP table of the model's space).")
        var data: String?
        @OptionGroup var measurement: MeasurementOptions
        @Flag(help: "With --local: measure again even where the store holds a measurement.") var fresh = false
        @Flag(help: "With --samples: the device ran cells with dead layers dropped (as `fathom measure` does unless --keep-dead-edges), so architectures are taken as their live equivalents. --local sets it from its own context.")
        var deadLayersDropped = false
        @Option(help: "Where to write the adapted predictor (JSON).") var out: String
        @Option(help: "Seed of the posterior draws (and with --local, of the samples beyond the references).") var seed: UInt64 = 0

        func validate() throws {
            if local {
                guard samples == nil, device == nil else {
                    throw ValidationError("--local measures the device itself: give --local or --samples with --device, not both")
                }
                guard numSamples > 0 else { throw ValidationError("--num-samples must be positive, got \(numSamples)") }
            } else {
                guard samples != nil, device != nil else { throw ValidationError("give --samples CSV and --device DEV, or --local") }
                guard measurement.agent == nil else { throw ValidationError("--agent measures the device, so it needs --local") }
                guard data == nil else { throw ValidationError("--data labels measured samples, so it needs --local") }
            }
            if local && deadLayersDropped {
                throw ValidationError("--dead-layers-dropped describes --samples; with --local the measurement context decides (--keep-dead-edges)")
            }
        }

        func run() throws {
            if local { return try adaptLocally() }
            let (meta, space) = try MetaModelFile.load(model)
            guard let samples, let device else { throw ValidationError("give --samples CSV and --device DEV, or --local") }
            let table = try LatencyTable(contentsOf: samples)
            let predictor = try meta.adapted(space: space, device: device, archs: try table.architectures(in: space),
                                             latencies: try table.latencies(device: device), seed: seed, dropsDeadLayers: deadLayersDropped)
            try PredictorFile.save(predictor, to: out)
            printClosestDevices(predictor)
        }

        /// Measures the plan's architectures through the agent, adapts to its device and writes the samples CSV.
        private func adaptLocally() throws {
            let settings = measurement.settings(fresh: fresh)
            let result = try LocalAdaptation(model: model, tablePath: data, numSamples: numSamples, seed: seed)
                .run(settings: settings, out: out, log: printNote)
            let context = settings.context
            let replay = "fathom predictor adapt --model \(model) --samples \(result.samplesPath) --device \(result.device) --seed \(seed)"
                + (result.dropsDeadLayers ? " --dead-layers-dropped" : "") + " --out \(out)"
            printNote("adapted to device \(result.device) from \(result.measurements.count) measurements (batch \(context.batch), "
                      + "\(context.threads) threads, dead edges \(context.deadEdges)); samples in \(result.samplesPath); to adapt again from them: \(replay)")
            printClosestDevices(result.predictor)
        }

        /// For a device mixture: the known devices the new one resembles most (on standard error, as notes are).
        private func printClosestDevices(_ predictor: any LatencyPredictor) {
            guard let mixture = predictor as? AdaptedMixturePredictor else { return }
            let closest = mixture.closestDevices.prefix(3).filter { $0.weight >= 0.01 }
            printNote("closest known devices: " + closest.map { String(format: "%@ %.2f", $0.device, $0.weight) }.joined(separator: ", "))
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict latencies (ms) with a predictor or adapted model file.",
            discussion: "Example: fathom spaces sample nasbench201 --count 5 > archs.jsonl && fathom predictor predict --model titanx_1.json --archs archs.jsonl --json"
        )

        @Option(help: "A predictor or adapted model file.") var model: String
        @Option(help: "One architecture per line: canonical string, or JSON with \"arch\" as `fathom spaces sample` prints.") var archs: String
        @Flag(help: "Print JSON lines {\"arch\", \"latency_ms\"}.") var json = false

        struct Line: Encodable {
            let arch: String
            let latency_ms: Double
        }

        func run() throws {
            let predictor = try PredictorFile.load(model)
            guard let text = try? String(contentsOfFile: archs, encoding: .utf8) else {
                throw ValidationError("cannot read --archs file '\(archs)'")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let parsed = try lines.map { line -> Architecture in
                if line.hasPrefix("{") {
                    guard let object = try? JSONDecoder().decode([String: String].self, from: Data(line.utf8)), let arch = object["arch"] else {
                        throw ValidationError("\(archs): a JSON line needs a string \"arch\": \(line)")
                    }
                    return try predictor.space.parse(arch)
                }
                return try predictor.space.parse(line)
            }
            for (arch, latency) in zip(parsed, try predictor.predict(parsed)) {
                if json {
                    try printJSONLine(Line(arch: predictor.space.format(arch), latency_ms: latency))
                } else {
                    print(String(format: "%.6g", latency))
                }
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "HELP's test protocol on one device of a table: adapt a meta-trained model, then score the trimmed test queries.",
            discussion: "Example: fathom predictor evaluate --model help.json --data device-measurements/help/nasbench201/latency.csv --device titanx_1 --num-samples 10 --seed 0 --json"
        )

        @Option(help: "A meta-trained model.") var model: String
        @Option(help: "HELP-layout latency CSV with the device's column.") var data: String
        @Option(help: "The device to adapt to and score.") var device: String
        @Option(help: "Target measurements (strict: in all, the references included; help: random fine-tuning samples).") var numSamples: Int = 10
        @Option(help: "Seed of the samples and posterior draws.") var seed: UInt64 = 0
        @Option(help: "HELP models only: strict or help (default: the setting the model was meta-trained for).") var setting: String?
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let (meta, space) = try MetaModelFile.load(model)
            let context = try HELPContext(space: space, data: data)
            let scores: PredictorScores
            if let setting {
                guard let help = meta as? MetaLearnedModel else { throw ValidationError("--setting applies to HELP models; '\(model)' is a device mixture") }
                guard let value = MetaLearnedModel.Setting(rawValue: setting) else { throw ValidationError("--setting must be strict or help, got '\(setting)'") }
                scores = try MetaEvaluation.evaluate(help, data: context.data, device: device, numSamples: numSamples, seed: seed, setting: value)
            } else {
                scores = try meta.evaluate(data: context.data, device: device, numSamples: numSamples, seed: seed)
            }
            try printScores([(methodName(meta), scores)], json: json)
        }
    }

    struct Baselines: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "FLOPs, live-FLOPs and params proxies, MLP, GCN (cell spaces) and, with --model, the meta-learned predictor, side by side on one device.",
            discussion: "Example: fathom predictor baselines nasbench201 --data device-measurements/help/nasbench201/latency.csv --device titanx_1 --num-samples 10"
        )

        @Argument(help: "nasbench201, fbnet or ofa-mbv3.") var space: String
        @Option(help: "HELP-layout latency CSV.") var data: String
        @Option(help: "The device.") var device: String
        @Option(help: "Target measurements each predictor is given.") var numSamples: Int = 10
        @Option(help: "Seed of the samples.") var seed: UInt64 = 0
        @Option(help: "Training epochs of the MLP and GCN.") var epochs: Int = 300
        @Option(help: "A meta-trained model to compare as well.") var model: String?
        @Flag(help: "Print one JSON object per predictor.") var json = false

        func run() throws {
            let context = try HELPContext(space: space, data: data)
            let meta = try model.map { try MetaModelFile.load($0, space: context.space).model }
            let (table, archs, split) = (context.data.table, context.data.architectures, context.data.split)
            let latencies = try table.latencies(device: device)
            func fewShot(_ make: @escaping ([Int], inout SeededGenerator) throws -> any LatencyPredictor) throws -> PredictorScores {
                try FewShotEvaluation.evaluate(table: table, device: device, protocol: split, numSamples: numSamples, seed: seed) { training, test, random in
                    try make(training, &random).predict(test.map { archs[$0] })
                }
            }
            var rows: [(String, PredictorScores)] = []
            for proxy in ProxyPredictor.Proxy.allCases {
                rows.append((proxy.rawValue, try fewShot { training, _ in
                    try ProxyPredictor(proxy: proxy, space: context.space, archs: training.map { archs[$0] }, latencies: training.map { latencies[$0] })
                }))
            }
            rows.append(("mlp", try fewShot { training, random in
                try MLPPredictor(space: context.space, archs: training.map { archs[$0] }, latencies: training.map { latencies[$0] }, device: device,
                                 settings: .init(epochs: epochs), seed: random.next())
            }))
            if case .cell = context.space.family {
                rows.append(("gcn", try fewShot { training, random in
                    try GCNPredictor(space: context.space, archs: training.map { archs[$0] }, latencies: training.map { latencies[$0] }, device: device,
                                     settings: .init(epochs: epochs), seed: random.next())
                }))
            }
            if let meta {
                rows.append((methodName(meta), try meta.evaluate(data: context.data, device: device, numSamples: numSamples, seed: seed)))
            }
            try printScores(rows, json: json)
        }
    }
}

/// A HELP-layout table read for its space, with HELP's split and the reference architectures next to it.
struct HELPContext {
    let space: SearchSpace
    let data: MetaLearningData

    init(space name: String, data path: String) throws {
        try self.init(space: try SearchSpace.load(name), data: path)
    }

    init(space: SearchSpace, data path: String) throws {
        guard let helpSpace = HELPSpace(of: space) else { throw ValidationError("space '\(space.name)' has no HELP protocol (nasbench201, fbnet, ofa-mbv3)") }
        let table = try LatencyTable(contentsOf: path)
        let references = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("hardware_embedding_index.csv").path
        self.space = space
        data = try MetaLearningData(table: table, space: space, split: HELPProtocol(space: helpSpace).restricted(toDevicesOf: table),
                                    referenceArchIndices: try HardwareEmbedding.referenceArchIndices(contentsOf: references))
    }

    /// A comma-separated device list.
    static func devices(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// The name a meta-trained model's scores are reported under.
func methodName(_ model: any MetaLatencyModel) -> String {
    model is DeviceMixtureModel ? "mixture" : "help"
}

/// Prints scores as a table, or one JSON object per predictor.
private func printScores(_ rows: [(String, PredictorScores)], json: Bool) throws {
    struct Line: Encodable {
        let predictor: String
        let device: String
        let samples: Int
        let test_queries: Int
        let spearman: Double
        let kendall: Double
        let pearson: Double
        let mape: Double
        let budget_ms: Double
        let budget_accuracy: Double
    }
    let lines = rows.map { name, s in
        Line(predictor: name, device: s.device, samples: s.trainingSamples, test_queries: s.testQueries, spearman: s.spearman,
             kendall: s.kendall, pearson: s.pearson, mape: s.mape, budget_ms: s.budget, budget_accuracy: s.budgetAccuracy)
    }
    if json {
        try lines.forEach(printJSONLine)
    } else {
        print(textTable(header: ["predictor", "device", "samples", "Spearman", "Kendall", "MAPE", "budget acc."], rows: lines.map {
            [$0.predictor, $0.device, "\($0.samples)", String(format: "%.3f", $0.spearman), String(format: "%.3f", $0.kendall),
             String(format: "%.1f%%", 100 * $0.mape), String(format: "%.3f", $0.budget_accuracy)]
        }))
    }
}
