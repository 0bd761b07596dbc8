import FathomNN
import FathomSearch
import FathomSpaces
import Foundation

/// Accuracy of an architecture as a trained supernet answers it: the subnet drawn with inherited weights, batch norm
/// recalibrated on training batches, scored on the validation split. Answers are cached per architecture; the id
/// names the checkpoint (`supernet:<dir>@<checksum>`).
public final class SupernetAccuracy: AccuracySource {
    public let supernet: TrainedSupernet
    private var cache: [Architecture: Double] = [:]

    /// Opens the training run in `directory` (the newest good checkpoint).
    public init(directory: String) throws {
        supernet = try TrainedSupernet(directory: URL(fileURLWithPath: directory))
    }

    public var id: String { "supernet:\(supernet.checkpointID)" }

    public func accuracy(of arch: Architecture) throws -> Double {
        if let known = cache[arch] { return known }
        let value = try supernet.extractor.accuracy(of: arch)
        cache[arch] = value
        return value
    }
}
