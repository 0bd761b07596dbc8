import FathomKernels

/// One kernel call of a compiled network, reading and writing buffers by index.
enum InferenceStep {
    case convolution(ConvolutionStep)
    case batchNorm(FeatureMapShape, LayerParametersView, input: Int, output: Int)
    case activation(FathomKernels.Activation, count: Int, input: Int, output: Int)
    /// `accumulate` adds the result to the output buffer (a sum of a pool and convolutions, with no add step).
    case averagePool(Pool2DShape, input: Int, output: Int, accumulate: Bool)
    case maxPool(Pool2DShape, input: Int, output: Int)
    case globalAveragePool(FeatureMapShape, input: Int, output: Int)
    case linear(batch: Int, inFeatures: Int, outFeatures: Int, weights: AlignedBuffer, bias: AlignedBuffer?, input: Int, output: Int)
    case add(inputs: [Int], count: Int, output: Int)
    case channelScale(FeatureMapShape, input: Int, gate: Int, output: Int)
    case channelShuffle(FeatureMapShape, groups: Int, input: Int, output: Int)
    case zero(count: Int, output: Int)

    /// The buffer the step writes.
    var output: Int {
        switch self {
        case let .convolution(step): step.output
        case let .batchNorm(_, _, _, output), let .activation(_, _, _, output),
             let .averagePool(_, _, output, _), let .maxPool(_, _, output), let .globalAveragePool(_, _, output),
             let .linear(_, _, _, _, _, _, output), let .add(_, _, output), let .channelScale(_, _, _, output),
             let .channelShuffle(_, _, _, output), let .zero(_, output):
            output
        }
    }

    func execute(_ b: [AlignedBuffer], pool: ThreadPool) {
        switch self {
        case let .convolution(c):
            Conv2D.forward(c.shape, input: b[c.input].baseAddress, weights: c.weights.baseAddress, bias: c.bias.map { UnsafePointer($0.baseAddress) },
                           output: b[c.output].baseAddress, pool: pool, activation: c.activation, accumulate: c.accumulate,
                           rectifyInput: c.rectifyInput)
        case let .batchNorm(shape, p, input, output):
            BatchNorm.inferenceForward(shape, input: b[input].baseAddress, output: b[output].baseAddress, mean: p.mean.baseAddress,
                                       variance: p.variance.baseAddress, gamma: p.gamma.baseAddress, beta: p.beta.baseAddress, pool: pool)
        case let .activation(f, count, input, output):
            f.forward(input: b[input].baseAddress, output: b[output].baseAddress, count: count, pool: pool)
        case let .averagePool(shape, input, output, accumulate):
            Pool2D.averageForward(shape, input: b[input].baseAddress, output: b[output].baseAddress, pool: pool, accumulate: accumulate)
        case let .maxPool(shape, input, output):
            Pool2D.maxForward(shape, input: b[input].baseAddress, output: b[output].baseAddress, pool: pool)
        case let .globalAveragePool(shape, input, output):
            Pool2D.globalAverageForward(shape, input: b[input].baseAddress, output: b[output].baseAddress)
        case let .linear(batch, inFeatures, outFeatures, weights, bias, input, output):
            Linear.forward(batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, input: b[input].baseAddress,
                           weights: weights.baseAddress, bias: bias.map { UnsafePointer($0.baseAddress) }, output: b[output].baseAddress, pool: pool)
        case let .add(inputs, count, output):
            Elementwise.add(b[inputs[0]].baseAddress, b[inputs[1]].baseAddress, into: b[output].baseAddress, count: count, pool: pool)
            for extra in inputs.dropFirst(2) {
                Elementwise.add(b[output].baseAddress, b[extra].baseAddress, into: b[output].baseAddress, count: count, pool: pool)
            }
        case let .channelScale(shape, input, gate, output):
            let x = b[input].baseAddress, g = b[gate].baseAddress, y = b[output].baseAddress
            for plane in 0..<shape.batch * shape.channels {
                let scale = g[plane]
                for i in plane * shape.plane..<(plane + 1) * shape.plane { y[i] = x[i] * scale }
            }
        case let .channelShuffle(shape, groups, input, output):
            ChannelShuffle.forward(shape, groups: groups, input: b[input].baseAddress, output: b[output].baseAddress)
        case let .zero(count, output):
            b[output].baseAddress.update(repeating: 0, count: count)
        }
    }
}

/// A convolution step (batch norm folded in) and what is fused into it.
struct ConvolutionStep {
    let shape: Conv2DShape
    let weights: AlignedBuffer
    let bias: AlignedBuffer?
    let input: Int
    var output: Int
    /// The activation applied to the result, if any.
    var activation: FathomKernels.Activation? = nil
    /// Whether the result is added to the output buffer (a sum of convolutions, with no add step).
    var accumulate = false
    /// Whether the convolution reads `relu(input)` (a ReLU before it, with no step of its own).
    var rectifyInput = false
}

/// Batch norm's four vectors, as a step holds them.
struct LayerParametersView {
    let gamma: AlignedBuffer
    let beta: AlignedBuffer
    let mean: AlignedBuffer
    let variance: AlignedBuffer
}
