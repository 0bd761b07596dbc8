import FathomGraph
import FathomKernels

extension NetworkParameters {
    /// Wraps per-layer parameters built elsewhere (a subnet extracted from a supernet, a checkpoint).
    init(layers: [LayerParameters]) {
        self.layers = layers
    }

    /// Every buffer of every layer, in a fixed order (layer, then weights, bias, gamma, beta, mean, variance): the
    /// order checkpoints and optimizers walk.
    var allBuffers: [AlignedBuffer] { layers.flatMap(\.allBuffers) }
}

extension LayerParameters {
    /// The layer's buffers in a fixed order: weights, bias, gamma, beta, running mean, running variance.
    var allBuffers: [AlignedBuffer] {
        [weights, bias, gamma, beta, runningMean, runningVariance].compactMap { $0 }
    }

    /// The learned buffers (not the running statistics), each with whether weight decay applies to it: conv and
    /// linear weights decay, biases and batch-norm scale and shift do not (as Once-for-All trains).
    var learned: [(buffer: AlignedBuffer, decays: Bool)] {
        [(weights, true), (bias, false), (gamma, false), (beta, false)].compactMap { b, d in b.map { ($0, d) } }
    }
}
