import FathomGraph
import FathomKernels
import FathomSpaces
import Foundation

/// Draws subnets from a trained supernet as standalone networks (inherited weights, batch norm recalibrated on
/// training batches) and scores them on the validation split.
public final class SubnetExtractor {
    public let supernet: Supernet
    public let data: TrainingData
    public let recalibrationBatches: Int
    public let batch: Int
    let pool: ThreadPool

    public init(supernet: Supernet, data: TrainingData, recalibrationBatches: Int, batch: Int, threads: Int) {
        self.supernet = supernet
        self.data = data
        self.recalibrationBatches = recalibrationBatches
        self.batch = batch
        pool = ThreadPool(threadCount: threads)
    }

    /// The standalone network of `arch`: its graph and parameters, batch norm recalibrated (deterministic).
    public func extract(_ arch: Architecture) throws -> (graph: NetworkGraph, parameters: NetworkParameters) {
        let subnet = try supernet.subnet(arch)
        SubnetEvaluation.recalibrate(graph: subnet.graph, parameters: subnet.parameters, images: data.training, batches: recalibrationBatches,
                                     batch: batch, seed: 0x5EED, pool: pool)
        return (subnet.graph, subnet.parameters)
    }

    /// Validation accuracy of a standalone network (a subnet trained from scratch, say).
    public func accuracy(graph: NetworkGraph, parameters: NetworkParameters) -> Double {
        SubnetEvaluation.accuracy(graph: graph, parameters: parameters, images: data.validation, pool: pool)
    }

    /// Validation accuracy of `arch` with inherited, recalibrated weights.
    public func accuracy(of arch: Architecture, on images: Dataset? = nil) throws -> Double {
        try score(of: arch, on: images).accuracy
    }

    /// Validation accuracy and loss of `arch` with inherited, recalibrated weights.
    public func score(of arch: Architecture, on images: Dataset? = nil) throws -> SubnetEvaluation.Score {
        let (graph, parameters) = try extract(arch)
        return SubnetEvaluation.score(graph: graph, parameters: parameters, images: images ?? data.validation, pool: pool)
    }
}
