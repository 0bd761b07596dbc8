import FathomGraph

extension LayerOp {
    /// A short name of the op's kind for per-layer profiles (`conv`, `dwconv`, `batch_norm`, `relu`, …): the unit a
    /// kernel-level lookup table is keyed on.
    var kind: String {
        switch self {
        case .input: return "input"
        case let .convolution(c): return c.groups == 1 ? "conv" : c.groups == c.outChannels ? "dwconv" : "group_conv"
        case .batchNorm: return "batch_norm"
        case let .activation(a): return a.rawValue
        case .hardSigmoid: return "h_sigmoid"
        case .averagePool: return "avg_pool"
        case .maxPool: return "max_pool"
        case .globalAveragePool: return "global_avg_pool"
        case .linear: return "linear"
        case .add: return "add"
        case .channelScale: return "channel_scale"
        case .channelShuffle: return "channel_shuffle"
        case .zero: return "zero"
        }
    }
}
