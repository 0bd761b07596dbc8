import FathomSpaces
import Foundation

/// A training config (`experiments/*.json`, schema `"fathom": 1`; keys in `experiments/README.md`): the data, the
/// optimisation and, for `fathom supernet train`, the supernet method. `fathom train` reads the same file and
/// ignores the `supernet` section.
public struct TrainingConfig: Sendable {
    /// Where the images come from and how they are split.
    public struct Data: Sendable {
        public var images: String
        public var labels: String
        public var testImages: String?
        public var testLabels: String?
        public var classes: Int
        /// Use only the first `limit` training images (quick configs, tests).
        public var limit: Int?
        public var validation: Int
        /// Further validation images read from beyond `limit` (never trained on): a lower-noise score for a small
        /// training subset. Zero without `limit`.
        public var heldOutValidation: Int
        public var splitSeed: UInt64
    }

    /// The optimisation.
    public struct Optimization: Sendable {
        public var epochs: Int
        public var batch: Int
        public var learningRate: Double
        public var momentum: Double
        public var nesterov: Bool
        public var weightDecay: Double
        public var warmupEpochs: Double
        public var labelSmoothing: Double
        public var seed: UInt64
        public var threads: Int
        public var checkpointEverySteps: Int
    }

    public let file: String
    public let name: String
    public let space: String
    public let data: Data
    public var training: Optimization
    public let method: SupernetMethod
    public let randomSubnets: Int
    /// Training batches that re-estimate batch-norm statistics of a drawn subnet before it is evaluated.
    public let recalibrationBatches: Int
    /// Few-shot splitting of the supernet (`supernet.split`), nil for one-shot training.
    public let split: SupernetSplit?
    /// The raw bytes, copied into a run directory so that its checkpoint can be read without the original file.
    public let bytes: Foundation.Data

    /// Reads `path`; relative data paths resolve against the config's folder.
    public init(path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw NNError.unreadableFile(path: path, detail: "no such config file")
        }
        try self.init(bytes: bytes, file: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Parses config text; `directory` anchors relative paths.
    public init(bytes: Foundation.Data, file: String, directory: URL) throws {
        let root = try JSONObjectReader(try JSONValue.parse(bytes, file: file), file: file)
        let version = try root.int("fathom")
        guard version == 1 else { throw SpaceError.invalidValue(file: file, key: "fathom", expected: "1", got: "\(version)") }
        name = try root.string("name")
        let spaceName = try root.string("space")
        space = SearchSpace.builtInNames.contains(spaceName) || spaceName.hasPrefix("/") ? spaceName : directory.appendingPathComponent(spaceName).standardizedFileURL.path
        func path(_ reader: JSONObjectReader, _ key: String) throws -> String? {
            guard let text = try reader.optionalString(key) else { return nil }
            return text.hasPrefix("/") ? text : directory.appendingPathComponent(text).standardizedFileURL.path
        }
        let d = try root.object("data")
        data = Data(images: try path(d, "images")!, labels: try path(d, "labels")!, testImages: try path(d, "test_images"),
                    testLabels: try path(d, "test_labels"), classes: try d.int("classes", in: 2...100_000),
                    limit: d.has("limit") ? try d.int("limit", in: 2...Int.max) : nil,
                    validation: try d.int("validation", in: 1...Int.max), heldOutValidation: try d.int("held_out_validation", default: 0, in: 0...Int.max),
                    splitSeed: UInt64(try d.int("split_seed", default: 0, in: 0...Int.max)))
        try d.finish()
        if data.heldOutValidation > 0, data.limit == nil {
            throw NNError.invalidConfig(file: file, key: "data.held_out_validation",
                                        detail: "held-out validation images come from beyond data.limit; set data.limit, or raise data.validation instead")
        }
        let t = try root.object("training")
        func nonNegative(_ key: String, _ fallback: Double) throws -> Double {
            guard t.has(key) else { return fallback }
            return try t.double(key, in: 0...Double.greatestFiniteMagnitude)
        }
        training = Optimization(
            epochs: try t.int("epochs", in: 1...100_000), batch: try t.int("batch", default: 64, in: 2...65536),
            learningRate: try t.positiveDouble("learning_rate"), momentum: try t.has("momentum") ? t.double("momentum", in: 0...0.999999) : 0.9,
            nesterov: try t.bool("nesterov", default: true), weightDecay: try nonNegative("weight_decay", 4e-5),
            warmupEpochs: try nonNegative("warmup_epochs", 0), labelSmoothing: try t.has("label_smoothing") ? t.double("label_smoothing", in: 0...0.999) : 0.1,
            seed: UInt64(try t.int("seed", default: 0, in: 0...Int.max)), threads: try t.int("threads", default: 2, in: 1...1024),
            checkpointEverySteps: try t.int("checkpoint_every_steps", default: 200, in: 1...Int.max))
        try t.finish()
        if root.has("supernet") {
            let s = try root.object("supernet")
            let methodName = try s.string("method")
            guard let method = SupernetMethod(rawValue: methodName) else {
                throw s.mismatch("method", "one of \(SupernetMethod.allCases.map(\.rawValue).joined(separator: ", "))", .string(methodName))
            }
            self.method = method
            randomSubnets = try s.int("random_subnets", default: 2, in: 0...64)
            recalibrationBatches = try s.int("recalibration_batches", default: 20, in: 1...100_000)
            if s.has("split") {
                let split = try s.object("split")
                self.split = SupernetSplit(gene: try split.int("gene", in: 0...100_000),
                                           atEpoch: try split.int("at_epoch", in: 0...(training.epochs - 1)))
                try split.finish()
            } else {
                split = nil
            }
            try s.finish()
        } else {
            method = .spos
            randomSubnets = 2
            recalibrationBatches = 20
            split = nil
        }
        try root.finish()
        self.file = file
        self.bytes = bytes
    }
}
