import FathomSpaces
import Foundation

/// Labelled images in memory: `count` images of `channels × height × width` floats, normalised, with their labels.
public struct Dataset: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let classes: Int
    /// `count × channels × height × width` values.
    public let images: [Float]
    public let labels: [Int]

    public var count: Int { labels.count }
    public var imageSize: Int { channels * height * width }

    /// Wraps images and labels made elsewhere (tests, synthetic tasks).
    public init(channels: Int, height: Int, width: Int, classes: Int, images: [Float], labels: [Int]) throws {
        guard images.count == labels.count * channels * height * width else {
            throw NNError.datasetMismatch(detail: "\(images.count) image values do not make \(labels.count) images of \(channels)x\(height)x\(width)")
        }
        if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
            throw NNError.datasetMismatch(detail: "label \(bad) is outside 0..<\(classes)")
        }
        self.channels = channels
        self.height = height
        self.width = width
        self.classes = classes
        self.images = images
        self.labels = labels
    }

    /// Reads an IDX image file (`N × H × W`, or `N × C × H × W`) and its IDX label file, scaled to `[0, 1]`
    /// (normalise with `normalized(mean:std:)`). `limit` keeps the first images only.
    public init(images imagePath: String, labels labelPath: String, classes: Int, limit: Int? = nil) throws {
        let imageFile = try IDXFile(path: imagePath), labelFile = try IDXFile(path: labelPath)
        let d = imageFile.dimensions
        guard d.count == 3 || d.count == 4 else {
            throw NNError.malformedIDX(path: imagePath, detail: "images need 3 (N, H, W) or 4 (N, C, H, W) dimensions, got \(d)")
        }
        guard labelFile.dimensions.count == 1, labelFile.dimensions[0] == d[0] else {
            throw NNError.datasetMismatch(detail: "\(labelPath) holds \(labelFile.dimensions) labels for \(d[0]) images in \(imagePath)")
        }
        let n = min(d[0], limit ?? d[0]), channels = d.count == 4 ? d[1] : 1
        let size = channels * d[d.count - 2] * d[d.count - 1]
        try self.init(channels: channels, height: d[d.count - 2], width: d[d.count - 1], classes: classes,
                      images: imageFile.bytes[0..<n * size].map { Float($0) / 255 }, labels: labelFile.bytes[0..<n].map(Int.init))
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var values: [Float] = []
        values.reserveCapacity(indices.count * imageSize)
        for i in indices { values += images[i * imageSize..<(i + 1) * imageSize] }
        return try! Dataset(channels: channels, height: height, width: width, classes: classes, images: values, labels: indices.map { labels[$0] })
    }

    /// These images followed by `other`'s (same image shape and classes).
    public func appending(_ other: Dataset) throws -> Dataset {
        guard other.channels == channels, other.height == height, other.width == width, other.classes == classes else {
            throw NNError.datasetMismatch(detail: "cannot join \(channels)x\(height)x\(width) images of \(classes) classes with "
                                          + "\(other.channels)x\(other.height)x\(other.width) images of \(other.classes) classes")
        }
        return try Dataset(channels: channels, height: height, width: width, classes: classes, images: images + other.images, labels: labels + other.labels)
    }

    /// A seeded split into (training, validation): `validationCount` images drawn uniformly go to validation.
    public func split(validationCount: Int, seed: UInt64) throws -> (training: Dataset, validation: Dataset) {
        guard validationCount > 0, validationCount < count else {
            throw NNError.datasetMismatch(detail: "a validation split of \(validationCount) from \(count) images leaves nothing to train or to validate on")
        }
        var rng = SeededGenerator(seed: seed)
        let order = rng.shuffled(Array(0..<count))
        return (subset(Array(order[validationCount...]).sorted()), subset(Array(order[..<validationCount]).sorted()))
    }

    /// Mean and standard deviation of all values (per dataset, as Fashion-MNIST is usually normalised).
    public var statistics: (mean: Float, std: Float) {
        let mean = images.reduce(0.0) { $0 + Double($1) } / Double(max(images.count, 1))
        let variance = images.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(images.count, 1))
        return (Float(mean), Float(max(variance.squareRoot(), 1e-6)))
    }

    /// `(x − mean) / std` on every value.
    public func normalized(mean: Float, std: Float) -> Dataset {
        try! Dataset(channels: channels, height: height, width: width, classes: classes, images: images.map { ($0 - mean) / std }, labels: labels)
    }

    /// Copies images `indices` into `input` (`indices.count × imageSize` floats) and returns their labels.
    public func fill(_ input: UnsafeMutablePointer<Float>, with indices: ArraySlice<Int>) -> [Int] {
        images.withUnsafeBufferPointer { source in
            for (slot, i) in indices.enumerated() {
                (input + slot * imageSize).update(from: source.baseAddress! + i * imageSize, count: imageSize)
            }
        }
        return indices.map { labels[$0] }
    }

    /// The seeded order of epoch `epoch`: every image once (a fresh permutation per epoch and seed).
    public func order(epoch: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &+ 1)
        return rng.shuffled(Array(0..<count))
    }
}
