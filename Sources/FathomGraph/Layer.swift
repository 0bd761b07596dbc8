import FathomSpaces

/// The shape of one sample's activation: channels × height × width (the batch size is a property of a run, not of
/// the graph). Linear layers produce `channels × 1 × 1`.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements per sample.
    public var count: Int { channels * height * width }

    public var description: String { "\(channels)x\(height)x\(width)" }
}

/// A 2-D convolution's attributes. Padding is symmetric; spaces use `kernel / 2` ("same" for odd kernels).
public struct Convolution: Hashable, Sendable {
    public var outChannels: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Int
    public var groups: Int
    public var bias: Bool
}

/// A pooling window's attributes.
public struct Pooling: Hashable, Sendable {
    public var kernel: Int
    public var stride: Int
    public var padding: Int
    /// Whether padded positions count in an average (NAS-Bench-201 uses `false`).
    public var countIncludePad: Bool
}

/// What a layer of the graph computes.
public enum LayerOp: Hashable, Sendable {
    /// The network input.
    case input
    case convolution(Convolution)
    /// Batch normalisation with a learned scale and shift per channel.
    case batchNorm
    /// An element-wise activation (ReLU, ReLU6, h-swish).
    case activation(Activation)
    /// h-sigmoid, `relu6(x + 3) / 6` (the gate of squeeze-and-excite).
    case hardSigmoid
    case averagePool(Pooling)
    case maxPool(Pooling)
    /// Mean over height and width: `C×H×W → C×1×1`.
    case globalAveragePool
    /// Fully connected on the flattened input: `→ outFeatures×1×1`.
    case linear(outFeatures: Int, bias: Bool)
    /// Element-wise sum of two or more inputs of one shape.
    case add
    /// Per-channel scaling: input 0 (`C×H×W`) times input 1 (`C×1×1`), as squeeze-and-excite applies its gate.
    case channelScale
    /// ShuffleNet's channel shuffle with `groups` groups.
    case channelShuffle(groups: Int)
    /// All zeros in a given shape (a NAS-Bench-201 node whose every incoming edge is `none`).
    case zero(TensorShape)
}

/// One layer of a network graph: an op, the layers it reads, and its inferred output shape.
public struct Layer: Hashable, Sendable {
    /// Position in `NetworkGraph.layers`; inputs always come earlier.
    public let id: Int
    /// A readable, unique path such as `stage1.cell0.edge2<-1.conv`.
    public let name: String
    public let op: LayerOp
    public let inputs: [Int]
    public let shape: TensorShape
    /// True where the layer cannot influence the network output (a NAS-Bench-201 edge into a node that never
    /// reaches its cell's output). Executors and exporters may drop dead layers; NAS-Bench-201 FLOPs count them.
    public internal(set) var isDead: Bool
    /// True where the layer's output does not depend on the network input: a zero layer, or a layer that reads only
    /// constant layers (a NAS-Bench-201 edge out of a node whose every incoming edge is `none`). An executor that drops
    /// dead layers computes constant ones once, when it is built, as a runtime that folds constants would.
    public internal(set) var isConstant: Bool = false
}
