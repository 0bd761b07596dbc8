import FathomGraph
import FathomKernels

extension TrainingNetwork {
    /// Writes `layer`'s parameter gradients and hands each input's gradient contribution to `contribute(input, body)`,
    /// where `body` writes the contribution into the pointer it is given.
    func backward(_ layer: Layer, contribute: (Int, (UnsafeMutablePointer<Float>) -> Void) -> Void) {
        let p = parameters.layers[layer.id], g = gradients[layer.id]
        let dy = UnsafePointer(outputGradients[layer.id]!.baseAddress)
        let x = layer.inputs.first.map { UnsafePointer(outputs[$0]!.baseAddress) }
        let count = batch * layer.shape.count
        switch layer.op {
        case .input, .zero:
            break
        case let .convolution(c):
            let shape = convolutionShape(layer, c)
            Conv2D.backwardWeights(shape, input: x!, outputGradient: dy, weightGradient: g.weights!.baseAddress,
                                   biasGradient: g.bias?.baseAddress, pool: pool)
            contribute(layer.inputs[0]) { dx in
                Conv2D.backwardInput(shape, outputGradient: dy, weights: p.weights!.baseAddress, inputGradient: dx, pool: pool)
            }
        case .batchNorm:
            contribute(layer.inputs[0]) { dx in
                BatchNorm.backward(feature(layer.id), input: x!, outputGradient: dy, gamma: p.gamma!.baseAddress,
                                   savedMean: savedMean[layer.id]!.baseAddress,
                                   savedInverseStandardDeviation: savedInverseStandardDeviation[layer.id]!.baseAddress,
                                   inputGradient: dx, gammaGradient: g.gamma!.baseAddress, betaGradient: g.beta!.baseAddress, pool: pool)
            }
        case let .activation(a):
            contribute(layer.inputs[0]) { dx in Self.kernel(a).backward(input: x!, outputGradient: dy, inputGradient: dx, count: count, pool: pool) }
        case .hardSigmoid:
            contribute(layer.inputs[0]) { dx in
                FathomKernels.Activation.hardSigmoid.backward(input: x!, outputGradient: dy, inputGradient: dx, count: count, pool: pool)
            }
        case let .averagePool(w):
            contribute(layer.inputs[0]) { dx in Pool2D.averageBackward(poolShape(layer, w), outputGradient: dy, inputGradient: dx, pool: pool) }
        case let .maxPool(w):
            contribute(layer.inputs[0]) { dx in Pool2D.maxBackward(poolShape(layer, w), input: x!, outputGradient: dy, inputGradient: dx, pool: pool) }
        case .globalAveragePool:
            contribute(layer.inputs[0]) { dx in Pool2D.globalAverageBackward(feature(layer.inputs[0]), outputGradient: dy, inputGradient: dx) }
        case let .linear(out, _):
            let inFeatures = graph.layers[layer.inputs[0]].shape.count
            Linear.backwardWeights(batch: batch, inFeatures: inFeatures, outFeatures: out, input: x!, outputGradient: dy,
                                   weightGradient: g.weights!.baseAddress, biasGradient: g.bias?.baseAddress, pool: pool)
            contribute(layer.inputs[0]) { dx in
                Linear.backwardInput(batch: batch, inFeatures: inFeatures, outFeatures: out, outputGradient: dy,
                                     weights: p.weights!.baseAddress, inputGradient: dx, pool: pool)
            }
        case .add:
            for input in layer.inputs { contribute(input) { dx in dx.update(from: dy, count: count) } }
        case .channelScale:
            let gate = UnsafePointer(outputs[layer.inputs[1]]!.baseAddress), plane = layer.shape.height * layer.shape.width
            contribute(layer.inputs[0]) { dx in
                for p in 0..<batch * layer.shape.channels {
                    for i in p * plane..<(p + 1) * plane { dx[i] = dy[i] * gate[p] }
                }
            }
            contribute(layer.inputs[1]) { dg in
                for p in 0..<batch * layer.shape.channels {
                    var sum: Float = 0
                    for i in p * plane..<(p + 1) * plane { sum += dy[i] * x![i] }
                    dg[p] = sum
                }
            }
        case let .channelShuffle(groups):
            contribute(layer.inputs[0]) { dx in ChannelShuffle.backward(feature(layer.id), groups: groups, outputGradient: dy, inputGradient: dx) }
        }
    }
}
