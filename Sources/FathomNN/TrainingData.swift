import Foundation

/// The images a config names, split and normalised: training and validation from the training files (seeded
/// split), the test set only when asked for (final reports). All are normalised with the training split's mean and
/// standard deviation.
public struct TrainingData: Sendable {
    public let training: Dataset
    public let validation: Dataset
    public let mean: Float
    public let std: Float

    /// Loads and splits the training files of `config`.
    public init(_ config: TrainingConfig) throws {
        let all = try Dataset(images: config.data.images, labels: config.data.labels, classes: config.data.classes, limit: config.data.limit)
        let (training, validation) = try all.split(validationCount: config.data.validation, seed: config.data.splitSeed)
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
