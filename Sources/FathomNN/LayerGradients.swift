import FathomKernels

/// The gradient of the loss with respect to one layer's learned values, shaped like its `LayerParameters`
/// (`nil` where the layer has no such value).
public final class LayerGradients: @unchecked Sendable {
    public let weights: AlignedBuffer?
    public let bias: AlignedBuffer?
    public let gamma: AlignedBuffer?
    public let beta: AlignedBuffer?

    /// Zeroed gradients shaped like `parameters`.
    public init(like parameters: LayerParameters) {
        func zeros(_ b: AlignedBuffer?) -> AlignedBuffer? { b.map { AlignedBuffer(count: $0.count) } }
        weights = zeros(parameters.weights)
        bias = zeros(parameters.bias)
        gamma = zeros(parameters.gamma)
        beta = zeros(parameters.beta)
    }

    /// The buffers in `LayerParameters.learned`'s order.
    var all: [AlignedBuffer] { [weights, bias, gamma, beta].compactMap { $0 } }
}
