/// The geometry of one 2-D convolution over NCHW tensors: input `[batch, inChannels, inHeight,
/// inWidth]`, weights `[outChannels, inChannels / groups, kernelSize, kernelSize]`, output
/// `[batch, outChannels, outHeight, outWidth]`, square kernel, same stride and zero padding on both
/// axes.
public struct Conv2DShape: Hashable, Sendable, Codable {
    public var batch: Int
    public var inChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var outChannels: Int
    public var kernelSize: Int
    public var stride: Int
    public var padding: Int
    /// Channels are split into this many independent groups (`inChannels` for depthwise).
    public var groups: Int

    /// A convolution geometry; the preconditions name the offending value.
    public init(
        batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
        kernelSize: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1
    ) {
        precondition(batch > 0 && inChannels > 0 && outChannels > 0, "Conv2DShape: empty batch or channels")
        precondition(kernelSize > 0 && stride > 0 && padding >= 0, "Conv2DShape: kernel \(kernelSize), stride \(stride), padding \(padding)")
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2DShape: groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)")
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        precondition(outHeight > 0 && outWidth > 0, "Conv2DShape: a \(inHeight)x\(inWidth) input is smaller than the \(kernelSize)x\(kernelSize) kernel")
    }

    public var outHeight: Int { (inHeight + 2 * padding - kernelSize) / stride + 1 }
    public var outWidth: Int { (inWidth + 2 * padding - kernelSize) / stride + 1 }

    /// One input channel per group and one output channel per input channel.
    public var isDepthwise: Bool { groups == inChannels && groups == outChannels }

    public var inputCount: Int { batch * inChannels * inHeight * inWidth }
    public var outputCount: Int { batch * outChannels * outHeight * outWidth }
    public var weightCount: Int { outChannels * inChannels / groups * kernelSize * kernelSize }

    /// Multiply-adds of one forward pass.
    public var multiplyAdds: Int { outputCount * inChannels / groups * kernelSize * kernelSize }

    var inChannelsPerGroup: Int { inChannels / groups }
    var outChannelsPerGroup: Int { outChannels / groups }
    var inPlane: Int { inHeight * inWidth }
    var outPlane: Int { outHeight * outWidth }
    /// The GEMM depth of one group: `inChannelsPerGroup · kernelSize²`.
    var patchSize: Int { inChannelsPerGroup * kernelSize * kernelSize }
    /// A 1×1, stride-1, unpadded convolution is a plain GEMM on the input: no im2col needed.
    var isPointwise: Bool { kernelSize == 1 && stride == 1 && padding == 0 }
}
