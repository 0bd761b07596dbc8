/// 2-D convolution over NCHW tensors, forward and backward.
///
/// Layout: plain NCHW, not a blocked NCHWc. The GEMM path reads an image group as a
/// `channels × (height·width)` matrix, so NCHW feeds SGEMM with no reordering (a 1×1 stride-1
/// convolution is a single GEMM on the input itself) and im2col rows are contiguous copies of input
/// rows; the depthwise kernel vectorizes along a row, which NCHW keeps contiguous. The direct k×k
/// kernel, where MLAS takes NCHWc, vectorizes along the output rows of NCHW planes instead
/// (``DirectConv2D``: row vectors of a padded plane, or column-shifted copies of it, so that no padding column is
/// computed), and needs no layout conversion at every boundary with the rest of the framework (pooling, batch norm,
/// linear).
///
/// Algorithms, chosen by shape (``Algorithm``, measured with `fathom bench conv`): depthwise convolutions (`groups ==
/// inChannels == outChannels`) use a direct SIMD kernel; stride-1 k×k convolutions use ``DirectConv2D`` (no im2col,
/// no packing) unless the plane is so small that most of a tile would be wasted; every other convolution runs per
/// image and group as
/// `weights[group] · im2col(input[image, group])`: through ``PanelGemm`` (im2col packed panel by panel, weights read in
/// place, bias and activation applied as the tiles are stored) when the shape suits it, otherwise by materialising
/// im2col (a pointwise convolution: the input itself) and calling
/// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:pool:isa:)``. Where the processor has AVX-512
/// (``KernelISA``), the direct kernel (pointwise ones included), the panel GEMM and SGEMM run AVX-512 tiles; the
/// depthwise kernel and the backward pass stay AVX2.
public enum Conv2D {
    /// How a convolution is computed.
    public enum Algorithm: String, CaseIterable, Sendable {
        /// The choice by shape: depthwise for depthwise shapes, else direct where it suits (pointwise ones only with
        /// AVX-512), else SGEMM on the input for a pointwise convolution (faster than panels there: 16 channels on
        /// 32×32, 10 µs against 16), else panel GEMM where it suits, else im2col and SGEMM.
        case automatic
        /// ``DirectConv2D`` (stride 1, not depthwise).
        case direct
        /// ``PanelGemm``: im2col panels packed block by block, weights read in place.
        case panelGemm = "panel-gemm"
        /// The whole im2col matrix, then ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:pool:isa:)``.
        case im2colGemm = "im2col-gemm"

        /// Whether this algorithm can compute `shape` (a depthwise shape always runs the depthwise kernel).
        public func runs(_ shape: Conv2DShape) -> Bool {
            switch self {
            case .automatic, .im2colGemm: true
            case .direct: DirectConv2D.computes(shape)
            case .panelGemm: PanelGemm.suits(shape)
            }
        }
    }

    /// `output = activation(conv(input, weights) + bias)` (`bias`: one value per output channel, or
    /// `nil`; `activation`: `nil` for none). `output` is overwritten, or with `accumulate` (only where
    /// ``accumulates(_:)``) the result is added to it: a sum of convolutions with no separate add. With
    /// `rectifyInput` (only where ``rectifiesInput(_:)``) the convolution reads `relu(input)`: a ReLU before it with no
    /// pass of its own. `algorithm` must run `shape`.
    public static func forward(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared,
        activation: Activation? = nil, algorithm: Algorithm = .automatic, accumulate: Bool = false, rectifyInput: Bool = false
    ) {
        precondition(algorithm.runs(shape), "\(algorithm.rawValue) cannot compute \(shape)")
        precondition(!accumulate || algorithm == .automatic && accumulates(shape), "accumulating needs the direct kernel: \(shape)")
        precondition(!rectifyInput || algorithm == .automatic && rectifiesInput(shape), "rectifying the input needs the direct kernel: \(shape)")
        if shape.isDepthwise {
            DepthwiseConv2D.forward(shape, input: input, weights: weights, bias: bias, output: output, pool: pool, activation: activation)
            return
        }
        if algorithm == .direct || algorithm == .automatic && DirectConv2D.suits(shape) {
            DirectConv2D.forward(shape, input: input, weights: weights, bias: bias, output: output, pool: pool, activation: activation,
                                 accumulate: accumulate, rectifyInput: rectifyInput)
            return
        }
        let m = shape.outChannelsPerGroup, n = shape.outPlane, k = shape.patchSize
        let usesPanels = algorithm == .panelGemm || algorithm == .automatic && !shape.isPointwise && PanelGemm.suits(shape)
        let panelGemm = usesPanels ? PanelGemm(shape: shape, activation: activation) : nil
        forEachImageAndGroup(shape, pool: pool) { image, group, gemmPool, workspace in
            let source = input + (image * shape.inChannels + group * shape.inChannelsPerGroup) * shape.inPlane
            let destination = output + (image * shape.outChannels + group * m) * n
            if let panelGemm {
                panelGemm.computeAll(image: source, weights: weights + group * m * k, bias: bias.map { $0 + group * m },
                                     output: destination, pool: gemmPool)
                return
            }
            let columns = shape.isPointwise ? source : lowered(shape, source, workspace)
            if let bias {
                for channel in 0..<m { (destination + channel * n).update(repeating: bias[group * m + channel], count: n) }
            }
            sgemm(
                m: m, n: n, k: k, a: weights + group * m * k, lda: k, b: columns, ldb: n,
                beta: bias == nil ? 0 : 1, c: destination, ldc: n, pool: gemmPool)
            activation?.forward(input: destination, output: destination, count: m * n, pool: gemmPool)
        }
    }

    /// Whether the automatic choice can add its result to the output (`forward(…, accumulate: true)`): where it takes
    /// the direct kernel.
    public static func accumulates(_ shape: Conv2DShape) -> Bool {
        DirectConv2D.suits(shape)
    }

    /// Whether the automatic choice can apply a ReLU to its input itself (`forward(…, rectifyInput: true)`): where it
    /// takes the direct kernel, which copies the input rows it pads or, with AVX-512, loads a pointwise input in place.
    public static func rectifiesInput(_ shape: Conv2DShape) -> Bool {
        DirectConv2D.suits(shape)
    }

    /// The im2col matrix of one image group, in `workspace`.
    static func lowered(_ shape: Conv2DShape, _ source: UnsafePointer<Float>, _ workspace: Workspace) -> UnsafePointer<Float> {
        let columns = workspace.allocate(shape.patchSize * shape.outPlane)
        Im2col.im2col(shape, image: source, channels: shape.inChannelsPerGroup, into: columns)
        return UnsafePointer(columns)
    }

    /// Runs `body(image, group, gemmPool, workspace)` for every (image, group) pair. With enough
    /// pairs to keep all threads busy, pairs run in parallel and each GEMM on one thread
    /// (`gemmPool == nil`); otherwise pairs run one after the other and each GEMM gets the pool.
    static func forEachImageAndGroup(
        _ shape: Conv2DShape, pool: ThreadPool?,
        _ body: (_ image: Int, _ group: Int, _ gemmPool: ThreadPool?, _ workspace: Workspace) -> Void
    ) {
        let items = shape.batch * shape.groups, threads = pool?.threadCount ?? 1
        if let pool, threads > 1, items % threads == 0 || items >= 4 * threads {
            pool.parallelFor(items) { item in
                ScratchCache.withWorkspace { body(item / shape.groups, item % shape.groups, nil, $0) }
            }
        } else {
            ScratchCache.withWorkspace { workspace in
                for item in 0..<items {
                    body(item / shape.groups, item % shape.groups, pool, workspace)
                    workspace.reset()
                }
            }
        }
    }
}
