import FathomSpaces
import Foundation

/// A supernet read back from a training run directory (`config.json`, `origin.txt`, the newest good checkpoint), ready
/// to extract and score subnets.
public final class TrainedSupernet {
    public let directory: URL
    public let config: TrainingConfig
    public let trainer: SupernetTrainer
    public let extractor: SubnetExtractor
    /// `<directory>@<first 12 hex digits of the checkpoint checksum>`: names the weights an answer came from.
    public let checkpointID: String

    /// Opens `directory`; a damaged newest checkpoint falls back to the previous one.
    public init(directory: URL) throws {
        self.directory = directory
        let configURL = directory.appendingPathComponent("config.json")
        guard let bytes = FileManager.default.contents(atPath: configURL.path) else {
            throw NNError.noCheckpoint(directory: directory.path, detail: "no config.json (not a training run directory)")
        }
        let origin = (try? String(contentsOf: directory.appendingPathComponent(TrainingRun.originName), encoding: .utf8)) ?? directory.path
        config = try TrainingConfig(bytes: bytes, file: configURL.path, directory: URL(fileURLWithPath: origin))
        let data = try TrainingData(config)
        trainer = try SupernetTrainer(config: config, space: try SearchSpace.load(config.space), training: data.training)
        _ = try trainer.restore(from: directory)
        extractor = SubnetExtractor(supernet: trainer.supernet, data: data, recalibrationBatches: config.recalibrationBatches,
                                    batch: config.training.batch, threads: config.training.threads)
        let checksum = Checkpoint.checksum(in: directory).map { String(String(format: "%016llx", $0).prefix(12)) } ?? "unknown"
        checkpointID = "\(directory.path)@\(checksum)"
    }

    public var space: SearchSpace { trainer.supernet.space }
}
