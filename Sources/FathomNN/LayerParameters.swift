import FathomGraph
import FathomKernels
import FathomSpaces

/// The learned values of one layer of a graph (empty for layers without parameters).
///
/// Layouts follow PyTorch: conv weights `[out, in/groups, k, k]`, linear weights `[out, in]`; batch norm keeps its
/// scale (`gamma`), shift (`beta`) and running statistics.
public final class LayerParameters: @unchecked Sendable {
    public let weights: AlignedBuffer?
    public let bias: AlignedBuffer?
    public let gamma: AlignedBuffer?
    public let beta: AlignedBuffer?
    public let runningMean: AlignedBuffer?
    public let runningVariance: AlignedBuffer?

    init(weights: AlignedBuffer? = nil, bias: AlignedBuffer? = nil, gamma: AlignedBuffer? = nil, beta: AlignedBuffer? = nil,
         runningMean: AlignedBuffer? = nil, runningVariance: AlignedBuffer? = nil) {
        self.weights = weights
        self.bias = bias
        self.gamma = gamma
        self.beta = beta
        self.runningMean = runningMean
        self.runningVariance = runningVariance
    }

    /// Seeded initial values: conv and linear weights uniform in ±√(6 / fan-in) (He/Kaiming uniform, suited to the
    /// ReLU-family activations of every space), biases zero; batch norm scale 1, shift 0, mean 0, variance 1.
    public static func initial(for layer: Layer, in graph: NetworkGraph, rng: inout SeededGenerator) -> LayerParameters {
        func uniform(_ count: Int, fanIn: Int) -> AlignedBuffer {
            let buffer = AlignedBuffer(count: count, zeroed: false)
            let limit = (6 / Double(max(fanIn, 1))).squareRoot()
            for i in 0..<count { buffer.baseAddress[i] = Float((rng.unit() * 2 - 1) * limit) }
            return buffer
        }
        func filled(_ count: Int, _ value: Float) -> AlignedBuffer {
            let buffer = AlignedBuffer(count: count, zeroed: false)
            buffer.baseAddress.update(repeating: value, count: count)
            return buffer
        }
        switch layer.op {
        case let .convolution(c):
            let fanIn = graph.layers[layer.inputs[0]].shape.channels / c.groups * c.kernel * c.kernel
            return LayerParameters(weights: uniform(c.outChannels * fanIn, fanIn: fanIn), bias: c.bias ? AlignedBuffer(count: c.outChannels) : nil)
        case let .linear(out, bias):
            let fanIn = graph.layers[layer.inputs[0]].shape.count
            return LayerParameters(weights: uniform(out * fanIn, fanIn: fanIn), bias: bias ? AlignedBuffer(count: out) : nil)
        case .batchNorm:
            let c = layer.shape.channels
            return LayerParameters(gamma: filled(c, 1), beta: AlignedBuffer(count: c), runningMean: AlignedBuffer(count: c), runningVariance: filled(c, 1))
        default:
            return LayerParameters()
        }
    }
}

/// The parameters of every layer of a graph, by layer id.
public struct NetworkParameters: Sendable {
    public let layers: [LayerParameters]

    /// Seeded initial parameters for `graph` (the same seed gives the same values on every machine).
    public init(graph: NetworkGraph, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        layers = graph.layers.map { LayerParameters.initial(for: $0, in: graph, rng: &rng) }
    }
}
