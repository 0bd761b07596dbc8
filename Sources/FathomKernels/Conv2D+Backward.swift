extension Conv2D {
    /// `inputGradient = ∂L/∂input` from `outputGradient = ∂L/∂output` (overwritten).
    ///
    /// A stride-1 k×k convolution's input gradient is itself a stride-1 convolution, of the output gradient with the
    /// kernels flipped and their channels swapped, padded by `k − 1 − padding`: it runs on ``forward(_:input:weights:bias:output:pool:activation:algorithm:accumulate:rectifyInput:)``'s
    /// kernels. Otherwise, per image and group: `colGradient = weights[group]ᵀ · outputGradient[image, group]` by
    /// GEMM, then col2im; a 1×1 stride-1 convolution writes the GEMM straight into `inputGradient`.
    public static func backwardInput(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        if shape.isDepthwise {
            DepthwiseConv2D.backwardInput(
                shape, outputGradient: outputGradient, weights: weights, inputGradient: inputGradient, pool: pool)
            return
        }
        if shape.stride == 1, shape.kernelSize > 1, shape.padding < shape.kernelSize {
            transposedForward(shape, outputGradient: outputGradient, weights: weights, inputGradient: inputGradient, pool: pool)
            return
        }
        let m = shape.patchSize, n = shape.outPlane, k = shape.outChannelsPerGroup
        forEachImageAndGroup(shape, pool: pool) { image, group, gemmPool, workspace in
            let gradient = outputGradient + (image * shape.outChannels + group * k) * n
            let destination = inputGradient + (image * shape.inChannels + group * shape.inChannelsPerGroup) * shape.inPlane
            let columns = shape.isPointwise ? destination : workspace.allocate(m * n)
            sgemm(
                transposeA: true, m: m, n: n, k: k, a: weights + group * k * m, lda: m,
                b: gradient, ldb: n, c: columns, ldc: n, pool: gemmPool)
            if !shape.isPointwise {
                destination.update(repeating: 0, count: shape.inChannelsPerGroup * shape.inPlane)
                Im2col.col2imAdding(shape, col: columns, channels: shape.inChannelsPerGroup, into: destination)
            }
        }
    }

    /// The input gradient of a stride-1 convolution as the forward convolution of `outputGradient` with
    /// `flipped[group·inPerGroup + c, o, ky, kx] = weights[group·outPerGroup + o, c, k−1−ky, k−1−kx]`.
    static func transposedForward(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let k = shape.kernelSize, inPerGroup = shape.inChannelsPerGroup, outPerGroup = shape.outChannelsPerGroup
        let transposed = Conv2DShape(batch: shape.batch, inChannels: shape.outChannels, inHeight: shape.outHeight, inWidth: shape.outWidth,
                                     outChannels: shape.inChannels, kernelSize: k, padding: k - 1 - shape.padding, groups: shape.groups)
        ScratchCache.withWorkspace { workspace in
            let flipped = workspace.allocate(shape.weightCount)
            for group in 0..<shape.groups {
                for o in 0..<outPerGroup {
                    for c in 0..<inPerGroup {
                        let source = weights + ((group * outPerGroup + o) * inPerGroup + c) * k * k
                        let destination = flipped + ((group * inPerGroup + c) * outPerGroup + o) * k * k
                        for tap in 0..<k * k { destination[tap] = source[k * k - 1 - tap] }
                    }
                }
            }
            forward(transposed, input: outputGradient, weights: flipped, bias: nil, output: inputGradient, pool: pool)
        }
    }

    /// `weightGradient = ∂L/∂weights` and `biasGradient = ∂L/∂bias` (both overwritten;
    /// `biasGradient` may be `nil`), summed over the batch.
    ///
    /// Stride-1 convolutions: dot products over padded planes (``PlaneWeightGradient``), except pointwise ones with more
    /// than 1 024 (input, output) channel pairs per group. Others, per image and group:
    /// `weightGradient[group] += outputGradient[image, group] · colᵀ` by GEMM; images run one after the other (they
    /// all add into the same gradient) and each GEMM uses the pool. The dot products load two gradient rows and four
    /// input rows for eight multiply-adds, which suits the small channel counts of cells, while SGEMM's packed tiles
    /// win on the wide pointwise layers of inverted bottlenecks: `fathom bench train` (batch 64, 2 threads) on two
    /// fmnist-mbv3 networks 160–190 → 230–250 and 230–280 → 330–355 images/s, a cell of 1×1 convolutions (at most
    /// 32 × 32 channels) unchanged.
    public static func backwardWeights(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
        pool: ThreadPool? = .shared
    ) {
        if shape.isDepthwise {
            DepthwiseConv2D.backwardWeights(
                shape, input: input, outputGradient: outputGradient, weightGradient: weightGradient,
                biasGradient: biasGradient, pool: pool)
            return
        }
        let k = shape.outPlane
        if !(shape.isPointwise && shape.inChannelsPerGroup * shape.outChannelsPerGroup > 1024), let planes = PlaneWeightGradient(shape) {
            planes.compute(input: input, outputGradient: outputGradient, weightGradient: weightGradient, pool: pool)
        } else {
            gemmWeightGradient(shape, input: input, outputGradient: outputGradient, weightGradient: weightGradient, pool: pool)
        }
        if let biasGradient {
            for channel in 0..<shape.outChannels {
                var sum: Float = 0
                for image in 0..<shape.batch {
                    sum += VectorMath.sum(outputGradient + (image * shape.outChannels + channel) * k, count: k)
                }
                biasGradient[channel] = sum
            }
        }
    }

    /// `weightGradient` (overwritten) by im2col and GEMM, image by image.
    static func gemmWeightGradient(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let m = shape.outChannelsPerGroup, n = shape.patchSize, k = shape.outPlane
        ScratchCache.withWorkspace { workspace in
            for image in 0..<shape.batch {
                for group in 0..<shape.groups {
                    let source = input + (image * shape.inChannels + group * shape.inChannelsPerGroup) * shape.inPlane
                    let columns = shape.isPointwise ? source : lowered(shape, source, workspace)
                    sgemm(
                        transposeB: true, m: m, n: n, k: k,
                        a: outputGradient + (image * shape.outChannels + group * m) * k, lda: k,
                        b: columns, ldb: k, beta: image == 0 ? 0 : 1,
                        c: weightGradient + group * m * n, ldc: n, pool: pool)
                    workspace.reset()
                }
            }
        }
    }
}
