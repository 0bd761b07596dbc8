extension Conv2D {
    /// `inputGradient = ∂L/∂input` from `outputGradient = ∂L/∂output` (overwritten).
    ///
    /// Per image and group: `colGradient = weights[group]ᵀ · outputGradient[image, group]` by GEMM,
    /// then col2im; a 1×1 stride-1 convolution writes the GEMM straight into `inputGradient`.
    public static func backwardInput(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        if shape.isDepthwise {
            DepthwiseConv2D.backwardInput(
                shape, outputGradient: outputGradient, weights: weights, inputGradient: inputGradient, pool: pool)
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

    /// `weightGradient = ∂L/∂weights` and `biasGradient = ∂L/∂bias` (both overwritten;
    /// `biasGradient` may be `nil`), summed over the batch.
    ///
    /// Per image and group: `weightGradient[group] += outputGradient[image, group] · colᵀ` by GEMM.
    /// Images run one after the other (they all add into the same gradient); each GEMM uses the pool.
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
}
