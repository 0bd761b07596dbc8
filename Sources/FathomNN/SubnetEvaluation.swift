import FathomGraph
import FathomKernels
import Foundation

/// Accuracy of standalone parameters on a dataset, and batch-norm recalibration of a subnet drawn from a supernet.
public enum SubnetEvaluation {
    /// Re-estimates every batch norm's running statistics of `parameters` from `batches` batches of `images`
    /// (the first images of a seeded order): the running values become the plain average of the batch means and
    /// unbiased variances, as Once-for-All's `set_running_statistics` computes them.
    public static func recalibrate(graph: NetworkGraph, parameters: NetworkParameters, images: Dataset, batches: Int, batch: Int,
                                   seed: UInt64, pool: ThreadPool) {
        let size = min(batch, images.count)
        let network = TrainingNetwork(graph: graph, parameters: parameters, batch: size, pool: pool)
        let order = images.order(epoch: 0, seed: seed)
        for p in parameters.layers {
            p.runningMean?.baseAddress.update(repeating: 0, count: p.runningMean!.count)
            p.runningVariance?.baseAddress.update(repeating: 1, count: p.runningVariance!.count)
        }
        for k in 0..<max(1, min(batches, images.count / size)) {
            _ = images.fill(network.input, with: order[k * size..<(k + 1) * size])
            network.forward(.training(momentum: 1 / Float(k + 1)))
        }
    }

    /// How a network scores on a dataset.
    public struct Score: Sendable {
        /// The fraction of images whose largest logit is their label.
        public let accuracy: Double
        /// Mean cross-entropy of the labels (no smoothing).
        public let loss: Double
    }

    /// The fraction of `images` whose largest logit is their label, with inference networks (batch norm folded).
    public static func accuracy(graph: NetworkGraph, parameters: NetworkParameters, images: Dataset, pool: ThreadPool) -> Double {
        score(graph: graph, parameters: parameters, images: images, pool: pool).accuracy
    }

    /// Accuracy and mean cross-entropy on `images`, with inference networks (batch norm folded).
    public static func score(graph: NetworkGraph, parameters: NetworkParameters, images: Dataset, pool: ThreadPool) -> Score {
        let batch = min(200, images.count)
        var correct = 0, start = 0, loss = 0.0
        let full = InferenceNetwork(graph: graph, parameters: parameters, batch: batch, pool: pool)
        while start < images.count {
            let n = min(batch, images.count - start)
            let network = n == batch ? full : InferenceNetwork(graph: graph, parameters: parameters, batch: n, pool: pool)
            let indices = Array(start..<start + n)
            let labels = images.fill(network.input, with: indices[...])
            network.run()
            let result = ClassificationLoss.labels(logits: network.output, labels: labels, classes: images.classes, gradient: nil)
            correct += result.correct
            loss += result.loss * Double(n)
            start += n
        }
        return Score(accuracy: Double(correct) / Double(images.count), loss: loss / Double(images.count))
    }
}
