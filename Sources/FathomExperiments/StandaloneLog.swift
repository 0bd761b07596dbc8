import FathomNN
import Foundation
import Synchronization

/// Finished standalone trainings of `supernet rank-check`, one JSON line each, so that a killed check resumes
/// instead of training its ground truth again. A line is reused only by a training of the same architecture, epochs,
/// seed and data and optimisation settings (`setting`); lines written for other checks are kept and ignored.
public final class StandaloneLog: Sendable {
    /// One finished training.
    public struct Entry: Codable, Sendable {
        public let arch: String
        public let epochs: Int
        public let training_seed: UInt64
        public let setting: String
        public let accuracy: Double
    }

    public let url: URL
    private let entries: Mutex<[Entry]>

    /// Opens `url`, creating it if needed, so that an unwritable place fails before any training; a line that is not
    /// an entry is a clear error.
    public init(url: URL) throws {
        self.url = url
        var read: [Entry] = []
        if !FileManager.default.fileExists(atPath: url.path), !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw ExperimentError.runDirectory(path: url.path, reason: "cannot create the standalone log")
        }
        if let data = FileManager.default.contents(atPath: url.path) {
            for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
                guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)), entry.accuracy.isFinite else {
                    throw ExperimentError.runDirectory(path: url.path, reason: "line \(number + 1) is not a standalone training entry "
                                                       + "(arch, epochs, training_seed, setting, accuracy)")
                }
                read.append(entry)
            }
        }
        entries = Mutex(read)
    }

    /// The accuracy logged for this training, if any.
    public func accuracy(arch: String, epochs: Int, trainingSeed: UInt64, setting: String) -> Double? {
        entries.withLock { all in
            all.last { $0.arch == arch && $0.epochs == epochs && $0.training_seed == trainingSeed && $0.setting == setting }?.accuracy
        }
    }

    /// Appends a finished training (one whole line, written and synced before this returns).
    public func record(_ entry: Entry) throws {
        try entries.withLock { all in
            guard let handle = FileHandle(forWritingAtPath: url.path) else {
                throw ExperimentError.runDirectory(path: url.path, reason: "cannot open the standalone log for writing")
            }
            defer { try? handle.close() }
            handle.seekToEndOfFile()
            handle.write(try JSONEncoder().encode(entry) + Data("\n".utf8))
            try handle.synchronize()
            all.append(entry)
        }
    }

    /// What besides architecture, epochs and seed decides a standalone training's accuracy under `config`: its data
    /// and split, and its optimisation.
    public static func setting(of config: TrainingConfig) -> String {
        let d = config.data, t = config.training
        return "images=\(d.images) limit=\(d.limit.map(String.init) ?? "all") validation=\(d.validation) held_out=\(d.heldOutValidation) "
            + "split_seed=\(d.splitSeed) batch=\(t.batch) lr=\(t.learningRate) momentum=\(t.momentum) nesterov=\(t.nesterov) "
            + "weight_decay=\(t.weightDecay) warmup=\(t.warmupEpochs) smoothing=\(t.labelSmoothing)"
    }
}
