import Foundation

/// The images a config names, split and normalised: training and validation from the training files (seeded
/// split, plus `held_out_validation` images from beyond `limit`), the test set only when asked for (final reports).
/// All are normalised with the training split's mean and standard deviation.
public struct TrainingData: Sendable {
    public let training: Dataset
    public let validation: Dataset
    public let mean: Float
    public let std: Float

    /// Loads and splits the training files of `config`.
    public init(_ config: TrainingConfig) throws {
        let heldOutCount = config.data.heldOutValidation
        // One read of the files for both parts: the first `limit` images, then the held-out ones.
        let read = try Dataset(images: config.data.images, labels: config.data.labels, classes: config.data.classes,
                               limit: config.data.limit.map { $0 + heldOutCount })
        let limit = min(config.data.limit ?? read.count, read.count)
        let all = heldOutCount > 0 ? read.subset(Array(0..<limit)) : read
        var (training, validation) = try all.split(validationCount: config.data.validation, seed: config.data.splitSeed)
        if heldOutCount > 0 {
            guard read.count - limit == heldOutCount else {
                throw NNError.invalidConfig(file: config.file, key: "data.held_out_validation", detail: "\(config.data.images) holds only "
                                            + "\(read.count - limit) images beyond data.limit \(limit), not \(heldOutCount)")
            }
            validation = try validation.appending(read.subset(Array(limit..<read.count)))
        }
        (mean, std) = training.statistics
        self.training = training.normalized(mean: mean, std: std)
        self.validation = validation.normalized(mean: mean, std: std)
    }

    /// The test set of `config`, normalised like the training data.
    public func test(_ config: TrainingConfig) throws -> Dataset {
        guard let images = config.data.testImages, let labels = config.data.testLabels else {
            throw NNError.invalidConfig(file: config.file, key: "data.test_images", detail: "the config names no test set (data.test_images and data.test_labels)")
        }
        return try Dataset(images: images, labels: labels, classes: config.data.classes).normalized(mean: mean, std: std)
    }
}
