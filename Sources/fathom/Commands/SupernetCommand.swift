import ArgumentParser
import FathomExperiments
import FathomNN
import FathomSpaces
import Foundation

/// `fathom supernet …`: train a weight-sharing supernet once, then draw and score any subnet of its space.
struct SupernetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supernet",
        abstract: "Train a weight-sharing supernet (SPOS, FairNAS, sandwich, progressive shrinking); score, extract and rank-check its subnets.",
        subcommands: [Train.self, Eval.self, Extract.self, RankCheck.self]
    )

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a supernet from a config; run it again on the same --out to resume from the last checkpoint.",
            discussion: """
            Example:
              fathom supernet train --config experiments/fmnist-cell-quick.json --out runs/cell-quick
            Writes DIR/config.json, DIR/events.jsonl, DIR/checkpoint.bin (and checkpoint.prev.bin).
            """
        )

        @Option(help: "The training config (JSON, see experiments/README.md).") var config: String
        @Option(help: "The run directory (created if needed; reused to resume).") var out: String
        @Flag(help: "Print the summary as one JSON object.") var json = false

        func run() throws {
            let summary = try train(configPath: config, out: out, space: nil, arch: nil)
            if json { return try printJSONLine(summary) }
            print(String(format: "%@ supernet (%@): mean validation accuracy of 5 sampled subnets %.4f after %d steps in %.0f s; checkpoint %@",
                         summary.space, summary.method, summary.accuracy, summary.steps, summary.seconds, summary.checkpoint))
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validation accuracy of one subnet with inherited weights (batch norm recalibrated on training batches).",
            discussion: "Example: fathom supernet eval --checkpoint runs/cell-quick --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' --json"
        )

        @Option(help: "A supernet training run directory.") var checkpoint: String
        @Option(help: "The architecture in the space's canonical string form.") var arch: String
        @Flag(help: "Also score the test set named in the config (final reports only).") var test = false
        @Flag(help: "Print one JSON object.") var json = false

        struct Output: Encodable {
            let arch: String
            let accuracy: Double
            let test_accuracy: Double?
            let source: String
        }

        func run() throws {
            let source = try SupernetAccuracy(directory: checkpoint)
            let architecture = try source.supernet.space.parse(arch)
            let accuracy = try source.accuracy(of: architecture)
            let testAccuracy = try test ? source.supernet.extractor.accuracy(of: architecture, on: try source.supernet.extractor.data.test(source.supernet.config)) : nil
            let out = Output(arch: source.supernet.space.format(architecture), accuracy: accuracy, test_accuracy: testAccuracy, source: source.id)
            if json { return try printJSONLine(out) }
            print(String(format: "%@: validation accuracy %.4f%@ (%@)", out.arch, accuracy, testAccuracy.map { String(format: ", test %.4f", $0) } ?? "", out.source))
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one subnet as a standalone network file (inherited weights, batch norm recalibrated).",
            discussion: "Example: fathom supernet extract --checkpoint runs/mbv3 --arch 'r28|k3e4,k5e6|k7e3,k3e3|k5e4,k3e3|k3e6,k3e3' --out subnet.json"
        )

        @Option(help: "A supernet training run directory.") var checkpoint: String
        @Option(help: "The architecture in the space's canonical string form.") var arch: String
        @Option(help: "The file to write (JSON: space, arch, per-layer values).") var out: String

        func run() throws {
            let supernet = try TrainedSupernet(directory: URL(fileURLWithPath: checkpoint))
            let architecture = try supernet.space.parse(arch)
            let (graph, parameters) = try supernet.extractor.extract(architecture)
            try SubnetFile.write(space: supernet.space.name, arch: supernet.space.format(architecture), source: "supernet:\(supernet.checkpointID)",
                                 graph: graph, parameters: parameters, to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        }
    }

    struct RankCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rank-check",
            abstract: "Train sampled connected architectures from scratch and compare their ranking with the supernet's (Kendall τ, Spearman ρ).",
            discussion: "Example: fathom supernet rank-check --checkpoint runs/cell --sample 20 --standalone-epochs 3 --standalone-seeds 2 --seed 0 --json"
        )

        @Option(help: "A supernet training run directory.") var checkpoint: String
        @Option(help: "Architectures to compare.") var sample: Int = 20
        @Option(help: "Epochs of each standalone training.") var standaloneEpochs: Int = 3
        @Option(help: "Standalone seeds per architecture (their accuracies are averaged; with two or more, their agreement is reported).") var standaloneSeeds: Int = 2
        @Option(help: "Seed of the architecture sample.") var seed: UInt64 = 0
        @Option(help: "A previous check's --json output (same data, standalone epochs and seeds): its standalone accuracies are reused, so only the supernet is scored again.")
        var standaloneFrom: String?
        @Option(help: "A JSON-lines file that logs each finished standalone training; trainings it already holds (same architecture, epochs, seed, data and optimisation) are read instead of run, so a killed check resumes.")
        var standaloneLog: String?
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard sample >= 2 else { throw ValidationError("--sample must be at least 2, got \(sample)") }
            guard standaloneEpochs >= 1, standaloneSeeds >= 1 else { throw ValidationError("--standalone-epochs and --standalone-seeds must be positive") }
        }

        func run() throws {
            let supernet = try TrainedSupernet(directory: URL(fileURLWithPath: checkpoint))
            var check = SupernetRankCheck(supernet: supernet, count: sample, epochs: standaloneEpochs, seeds: standaloneSeeds, seed: seed)
            if let standaloneFrom { check.knownStandalone = try previousStandalone(standaloneFrom) }
            if let standaloneLog { check.log = try StandaloneLog(url: URL(fileURLWithPath: standaloneLog)) }
            let result = try check.run(standalone: { done, total, arch, seed, accuracy in
                FileHandle.standardError.write(Data(String(format: "standalone %d/%d: seed %d, accuracy %.4f  %@\n", done, total, seed, accuracy, arch).utf8))
            }) { done, total, row in
                FileHandle.standardError.write(Data(String(format: "rank-check %d/%d: supernet %.4f, standalone %.4f  %@\n",
                                                           done, total, row.supernet, row.standalone, row.arch).utf8))
            }
            if json { return try printJSONLine(result) }
            print(String(format: "Kendall τ %.3f, Spearman ρ %.3f over %d architectures (ranked by the supernet's validation loss instead: τ %.3f; "
                         + "by the parameter count: τ %.3f)",
                         result.kendall, result.spearman, result.archs.count, result.kendall_loss ?? .nan, result.kendall_parameters ?? .nan))
            if let agreement = result.standalone_seed_kendall {
                print(String(format: "standalone seeds agree with each other at Kendall τ %.3f (the ground truth's own noise)", agreement))
            }
        }

        /// The standalone rows of a previous check's JSON, refused unless its standalone training matches this one's.
        private func previousStandalone(_ path: String) throws -> [String: SupernetRankCheck.Row] {
            guard let data = FileManager.default.contents(atPath: path),
                  let previous = try? JSONDecoder().decode(SupernetRankCheck.Result.self, from: data) else {
                throw ValidationError("--standalone-from: '\(path)' is not the JSON output of `fathom supernet rank-check --json`")
            }
            guard previous.standalone_epochs == standaloneEpochs, previous.standalone_seeds == standaloneSeeds else {
                throw ValidationError("--standalone-from: '\(path)' trained \(previous.standalone_epochs) epochs × \(previous.standalone_seeds) seeds, "
                                      + "this check asks \(standaloneEpochs) × \(standaloneSeeds)")
            }
            return Dictionary(previous.archs.map { ($0.arch, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }
}

/// Runs a training job (`supernet train`, `train`) with a progress line on standard error; `test` adds the trained
/// architecture's test-set accuracy.
func train(configPath: String, out: String, space: String?, arch: String?, test: Bool = false) throws -> TrainingRun.Summary {
    let config = try TrainingConfig(path: configPath)
    let searchSpace = try SearchSpace.load(space ?? config.space)
    let architecture = try arch.map(searchSpace.parse)
    let run = try TrainingRun(config: config, space: searchSpace, directory: URL(fileURLWithPath: out), arch: architecture)
    let interactive = isatty(STDERR_FILENO) == 1
    var lastPrinted = Date.distantPast
    var summary = try run.run { p in
        let now = Date()
        guard p.step == p.totalSteps || now.timeIntervalSince(lastPrinted) >= (interactive ? 0.5 : 10) else { return }
        lastPrinted = now
        let line = String(format: "epoch %d/%d step %d/%d loss %.4f accuracy %.3f %.1f images/s ETA %.0fs",
                          p.epoch, p.epochs, p.step, p.totalSteps, p.loss, p.accuracy, p.imagesPerSecond, p.etaSeconds)
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
        if interactive && p.step == p.totalSteps { FileHandle.standardError.write(Data("\n".utf8)) }
    }
    if test { summary.test_accuracy = try run.testAccuracy() }
    return summary
}
