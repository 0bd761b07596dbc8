/// FLOPs and parameter counts, the NAS-Bench-201 way (its `flop_benchmark.py` and `count_parameters_in_MB`).
///
/// FLOPs are multiply-adds of convolutions (`outC·H·W·(inC/groups)·k²`) and linear layers (`in·out`), plus one per
/// output element for a bias; pooling, batch norm, activations and additions count nothing. Parameters are conv and
/// linear weights and biases plus batch norm's scale and shift (not its running statistics).
extension NetworkGraph {
    /// Multiply-adds of one layer for one sample.
    public func flops(of layer: Layer) -> Int {
        switch layer.op {
        case let .convolution(c):
            let inChannels = layers[layer.inputs[0]].shape.channels
            let outputs = layer.shape.count
            return outputs * (inChannels / c.groups) * c.kernel * c.kernel + (c.bias ? outputs : 0)
        case let .linear(out, bias):
            return layers[layer.inputs[0]].shape.count * out + (bias ? out : 0)
        default:
            return 0
        }
    }

    /// Learned parameters of one layer.
    public func parameters(of layer: Layer) -> Int {
        switch layer.op {
        case let .convolution(c):
            let inChannels = layers[layer.inputs[0]].shape.channels
            return c.outChannels * (inChannels / c.groups) * c.kernel * c.kernel + (c.bias ? c.outChannels : 0)
        case let .linear(out, bias):
            return layers[layer.inputs[0]].shape.count * out + (bias ? out : 0)
        case .batchNorm:
            return 2 * layer.shape.channels
        default:
            return 0
        }
    }

    /// Total multiply-adds per sample, dead layers included (NAS-Bench-201's count).
    public var flops: Int { layers.reduce(0) { $0 + flops(of: $1) } }
    /// Multiply-adds per sample of the live layers only.
    public var liveFlops: Int { liveLayers.reduce(0) { $0 + flops(of: $1) } }
    /// Multiply-adds per sample that run for each input when dead layers are dropped and constant ones folded.
    public var inputDependentFlops: Int { liveLayers.reduce(0) { $0 + ($1.isConstant ? 0 : flops(of: $1)) } }
    /// Total parameters, dead layers included.
    public var parameters: Int { layers.reduce(0) { $0 + parameters(of: $1) } }
    /// Parameters of the live layers only.
    public var liveParameters: Int { liveLayers.reduce(0) { $0 + parameters(of: $1) } }
}
