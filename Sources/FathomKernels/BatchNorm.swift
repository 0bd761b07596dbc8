/// Batch normalization over the channels of an NCHW tensor:
/// `y = gamma[c] · (x − mean[c]) / √(variance[c] + epsilon) + beta[c]`.
///
/// Training uses the batch's statistics (biased variance) and can update running statistics
/// PyTorch's way (`running = (1 − momentum)·running + momentum·batch`, unbiased variance); inference
/// uses given statistics. Channels are spread over the pool.
public enum BatchNorm {
    /// Running statistics updated by a training pass.
    public struct RunningStatistics {
        /// Per-channel running mean, updated in place.
        public var mean: UnsafeMutablePointer<Float>
        /// Per-channel running (unbiased) variance, updated in place.
        public var variance: UnsafeMutablePointer<Float>
        /// Weight of the current batch in the update (PyTorch's default is 0.1).
        public var momentum: Float

        public init(mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, momentum: Float = 0.1) {
            self.mean = mean
            self.variance = variance
            self.momentum = momentum
        }
    }

    /// Normalizes with the given per-channel `mean` and `variance` (`output` may be `input`).
    public static func inferenceForward(
        _ shape: FeatureMapShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float = 1e-5, pool: ThreadPool? = .shared
    ) {
        forEachChannel(shape, pool: pool) { channel in
            let scale = gamma[channel] / (variance[channel] + epsilon).squareRoot()
            normalize(shape, channel: channel, input, output, scale: scale, shift: beta[channel] - mean[channel] * scale)
        }
    }

    /// Normalizes with the batch's statistics, which it saves for ``backward(_:input:outputGradient:gamma:savedMean:savedInverseStandardDeviation:inputGradient:gammaGradient:betaGradient:pool:)``:
    /// `savedMean[c]` and `savedInverseStandardDeviation[c] = 1 / √(variance + epsilon)`.
    public static func trainingForward(
        _ shape: FeatureMapShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float = 1e-5,
        savedMean: UnsafeMutablePointer<Float>, savedInverseStandardDeviation: UnsafeMutablePointer<Float>,
        running: RunningStatistics? = nil, pool: ThreadPool? = .shared
    ) {
        let n = shape.batch * shape.plane
        precondition(n > 0, "BatchNorm.trainingForward needs at least one value per channel")
        forEachChannel(shape, pool: pool) { channel in
            var sum: Float = 0
            forEachPlane(shape, channel: channel) { offset in sum += VectorMath.sum(input + offset, count: shape.plane) }
            let mean = sum / Float(n)
            var squares: Float = 0
            forEachPlane(shape, channel: channel) { offset in
                squares += VectorMath.sumOfSquaredDeviations(input + offset, count: shape.plane, from: mean)
            }
            let variance = squares / Float(n)
            let inverseStandardDeviation = 1 / (variance + epsilon).squareRoot()
            savedMean[channel] = mean
            savedInverseStandardDeviation[channel] = inverseStandardDeviation
            if let running {
                let unbiased = n > 1 ? squares / Float(n - 1) : variance
                running.mean[channel] += running.momentum * (mean - running.mean[channel])
                running.variance[channel] += running.momentum * (unbiased - running.variance[channel])
            }
            let scale = gamma[channel] * inverseStandardDeviation
            normalize(shape, channel: channel, input, output, scale: scale, shift: beta[channel] - mean * scale)
        }
    }

    /// Gradients of a training pass (all overwritten): with `x̂ = (x − mean)·invStd`,
    /// `∂beta = Σ dy`, `∂gamma = Σ dy·x̂`, `dx = gamma·invStd·(dy − ∂beta/n − x̂·∂gamma/n)`.
    public static func backward(
        _ shape: FeatureMapShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, savedMean: UnsafePointer<Float>,
        savedInverseStandardDeviation: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        gammaGradient: UnsafeMutablePointer<Float>, betaGradient: UnsafeMutablePointer<Float>,
        pool: ThreadPool? = .shared
    ) {
        let n = Float(shape.batch * shape.plane)
        forEachChannel(shape, pool: pool) { channel in
            let mean = savedMean[channel], inverseStandardDeviation = savedInverseStandardDeviation[channel]
            var gradientSum: Float = 0, gradientDotInput: Float = 0
            forEachPlane(shape, channel: channel) { offset in
                gradientSum += VectorMath.sum(outputGradient + offset, count: shape.plane)
                gradientDotInput += VectorMath.dot(outputGradient + offset, input + offset, count: shape.plane)
            }
            // Σ dy·x̂ = invStd·(Σ dy·x − mean·Σ dy).
            let gammaSum = inverseStandardDeviation * (gradientDotInput - mean * gradientSum)
            betaGradient[channel] = gradientSum
            gammaGradient[channel] = gammaSum
            // dx = a·dy + b·x + c, with a = gamma·invStd, b = −a·invStd·∂gamma/n, c = −a·∂beta/n − b·mean.
            let a = gamma[channel] * inverseStandardDeviation
            let b = -a * inverseStandardDeviation * gammaSum / n
            let c = -a * gradientSum / n - b * mean
            forEachPlane(shape, channel: channel) { offset in
                let dy = outputGradient + offset, x = input + offset, dx = inputGradient + offset
                for index in 0..<shape.plane { dx[index] = a * dy[index] + (b * x[index] + c) }
            }
        }
    }

    private static func normalize(
        _ shape: FeatureMapShape, channel: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        scale: Float, shift: Float
    ) {
        forEachPlane(shape, channel: channel) { offset in
            VectorMath.affine(input + offset, output + offset, count: shape.plane, scale: scale, shift: shift)
        }
    }

    /// Calls `body(offset)` with the offset of `channel`'s plane in every image.
    @inline(__always)
    private static func forEachPlane(_ shape: FeatureMapShape, channel: Int, _ body: (Int) -> Void) {
        for image in 0..<shape.batch { body((image * shape.channels + channel) * shape.plane) }
    }

    private static func forEachChannel(_ shape: FeatureMapShape, pool: ThreadPool?, _ body: (Int) -> Void) {
        let minimumChannels = max(1, (1 << 15) / max(1, shape.batch * shape.plane))
        ThreadPool.forEachChunk(of: shape.channels, minimumChunk: minimumChannels, pool: pool) { channels in
            for channel in channels { body(channel) }
        }
    }
}
