import FathomKernels
import FathomSpaces
import Foundation

/// A training job in a run directory (`fathom supernet train`, `fathom train`): `config.json` (the config it belongs
/// to), `events.jsonl`, `checkpoint.bin` / `checkpoint.prev.bin`. Started again on the same directory it resumes from
/// the newest good checkpoint and reaches the same weights, bit for bit, as an uninterrupted run.
public final class TrainingRun {
    /// One progress report.
    public struct Progress: Sendable {
        public let epoch: Int
        public let epochs: Int
        public let step: Int
        public let totalSteps: Int
        public let loss: Double
        public let accuracy: Double
        public let imagesPerSecond: Double
        public let etaSeconds: Double
    }

    /// The end of a run.
    public struct Summary: Encodable, Sendable {
        public let space: String
        public let method: String
        public let arch: String?
        /// Validation accuracy: of the architecture, or the mean over sampled subnets of a supernet.
        public let accuracy: Double
        public let steps: Int
        public let seconds: Double
        public let weights_checksum: String
        public let checkpoint: String
        /// Test-set accuracy of the trained architecture, when asked for (`fathom train --test`).
        public var test_accuracy: Double?
    }

    /// The file holding the folder of the original config (relative data paths resolve against it).
    static let originName = "origin.txt"

    public let config: TrainingConfig
    public let directory: URL
    public let trainer: SupernetTrainer
    public let data: TrainingData
    let events: EventWriter

    /// Prepares `directory` for `config` (a directory made for another config is refused) and resumes from its
    /// checkpoint if it has one. `arch` trains one architecture of `space` instead of a supernet.
    public init(config: TrainingConfig, space: SearchSpace, directory: URL, arch: Architecture? = nil) throws {
        self.config = config
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("config.json")
        if let existing = FileManager.default.contents(atPath: copy.path), existing != config.bytes {
            throw NNError.invalidConfig(file: config.file, key: "(file)", detail: "\(directory.path) was made by another config; use a fresh --out")
        }
        try config.bytes.write(to: copy)
        try Data(URL(fileURLWithPath: config.file).deletingLastPathComponent().standardizedFileURL.path.utf8)
            .write(to: directory.appendingPathComponent(Self.originName))
        if let arch { try Data(space.format(arch).utf8).write(to: directory.appendingPathComponent("arch.txt")) }
        events = try EventWriter(url: directory.appendingPathComponent("events.jsonl"))
        data = try TrainingData(config)
        trainer = try SupernetTrainer(config: config, space: space, training: data.training, fixedArch: arch)
        if Checkpoint.exists(in: directory) {
            let loaded = try trainer.restore(from: directory)
            if let damaged = loaded.damaged { events.emit("checkpoint_damaged", ["file": damaged, "used": loaded.file]) }
            events.emit("job_resumed", ["step": loaded.step])
        } else {
            events.emit("job_started", ["space": space.name, "method": arch == nil ? config.method.rawValue : "standalone", "steps": trainer.totalSteps])
        }
    }

    /// Trains to the end, checkpointing every `checkpoint_every_steps` steps and at the end, then scores the result.
    public func run(progress: (Progress) -> Void) throws -> Summary {
        let started = Date(), firstStep = trainer.step
        var lastCheckpoint: String? = Checkpoint.exists(in: directory) ? directory.appendingPathComponent(Checkpoint.fileName).path : nil
        var images = 0, loss = 0.0, correct = 0.0, count = 0
        while trainer.step < trainer.totalSteps {
            let result: SupernetTrainer.StepResult
            do {
                result = try trainer.trainStep()
            } catch NNError.nonFiniteLoss(let step, _) {
                events.emit("nan_loss", ["step": step])
                throw NNError.nonFiniteLoss(step: step, lastGoodCheckpoint: lastCheckpoint)
            }
            images += result.images
            loss += result.loss
            correct += result.accuracy
            count += 1
            let seconds = Date().timeIntervalSince(started), rate = Double(images) / max(seconds, 1e-9)
            let remaining = Double(trainer.totalSteps - trainer.step) * seconds / Double(trainer.step - firstStep)
            progress(Progress(epoch: result.epoch + 1, epochs: config.training.epochs, step: trainer.step, totalSteps: trainer.totalSteps,
                              loss: loss / Double(count), accuracy: correct / Double(count), imagesPerSecond: rate, etaSeconds: remaining))
            let endOfEpoch = trainer.step % trainer.stepsPerEpoch == 0
            if trainer.step % config.training.checkpointEverySteps == 0 || trainer.step == trainer.totalSteps || endOfEpoch {
                try Checkpoint.save(step: trainer.step, buffers: trainer.checkpointBuffers, directory: directory)
                lastCheckpoint = directory.appendingPathComponent(Checkpoint.fileName).path
            }
            if endOfEpoch {
                events.emit("epoch_finished", ["epoch": result.epoch + 1, "step": trainer.step, "loss": loss / Double(count),
                                               "train_accuracy": correct / Double(count), "images_per_s": rate])
                (loss, correct, count) = (0, 0, 0)
            }
        }
        let accuracy = try validationAccuracy()
        let checksum = Checkpoint.checksum(in: directory).map { String(format: "%016llx", $0) } ?? "-"
        events.emit("job_finished", ["accuracy": accuracy, "weights_checksum": checksum])
        return Summary(space: trainer.supernet.space.name, method: trainer.fixedArch == nil ? config.method.rawValue : "standalone",
                       arch: trainer.fixedArch.map(trainer.supernet.space.format), accuracy: accuracy, steps: trainer.step,
                       seconds: Date().timeIntervalSince(started), weights_checksum: checksum,
                       checkpoint: directory.appendingPathComponent(Checkpoint.fileName).path)
    }

    /// The trained architecture's accuracy on the config's test set (final reports only).
    public func testAccuracy() throws -> Double {
        try trainer.standaloneAccuracy(on: try data.test(config), pool: ThreadPool(threadCount: config.training.threads))
    }

    /// The trained architecture's validation accuracy, or a supernet's mean over 5 seeded connected subnets.
    private func validationAccuracy() throws -> Double {
        let extractor = SubnetExtractor(supernet: trainer.supernet, data: data, recalibrationBatches: config.recalibrationBatches,
                                        batch: config.training.batch, threads: config.training.threads)
        if trainer.fixedArch != nil { return try trainer.standaloneAccuracy(on: data.validation, pool: extractor.pool) }
        let archs = SupernetSampling.connected(trainer.supernet.space, count: 5, seed: 1)
        return try archs.reduce(0) { $0 + (try extractor.accuracy(of: $1)) } / Double(archs.count)
    }
}
