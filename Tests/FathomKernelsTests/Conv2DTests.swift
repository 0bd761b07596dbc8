import Testing
@testable import FathomKernels

@Suite struct Conv2DTests {
    static let shapes: [Conv2DShape] = [
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 4, kernelSize: 1),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 7, inWidth: 6, outChannels: 5, kernelSize: 1, stride: 2),
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 6, inWidth: 7, outChannels: 4, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 4, inHeight: 9, inWidth: 8, outChannels: 3, kernelSize: 3, stride: 2, padding: 1),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 7, inWidth: 9, outChannels: 3, kernelSize: 5, padding: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 9, inWidth: 9, outChannels: 2, kernelSize: 5, stride: 2, padding: 2),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 2, kernelSize: 7, stride: 2, padding: 3),
        Conv2DShape(batch: 2, inChannels: 4, inHeight: 5, inWidth: 5, outChannels: 6, kernelSize: 3, padding: 1, groups: 2),
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 6, inWidth: 19, outChannels: 3, kernelSize: 3, padding: 1, groups: 3),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 7, inWidth: 21, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, groups: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 9, inWidth: 20, outChannels: 2, kernelSize: 5, stride: 2, padding: 2, groups: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 7, inWidth: 17, outChannels: 2, kernelSize: 7, padding: 3, groups: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 6, inWidth: 6, outChannels: 4, kernelSize: 3, padding: 1, groups: 2),
    ]

    /// The shapes small enough for a finite-difference check of every input and weight.
    static let gradientShapes = [0, 3, 7, 8, 9, 10].map { shapes[$0] }

    @Test(arguments: shapes)
    func forwardMatchesNaiveLoops(_ shape: Conv2DShape) {
        let data = ConvData(shape, seed: 1)
        for pool in [nil, ThreadPool(threadCount: 3)] {
            for withBias in [false, true] {
                var output = [Float](repeating: .nan, count: shape.outputCount)
                data.input.withUnsafeBufferPointer { input in
                    Conv2D.forward(
                        shape, input: input.baseAddress!, weights: data.weights, bias: withBias ? data.bias : nil,
                        output: &output, pool: pool)
                }
                let expected = referenceConv(shape, input: data.input.map(Double.init), weights: data.weights.map(Double.init),
                                             bias: withBias ? data.bias.map(Double.init) : nil)
                #expect(maxRelativeError(output, expected.map(Float.init)) < 1e-5)
            }
        }
    }

    @Test(arguments: gradientShapes)
    func backwardMatchesFiniteDifferences(_ shape: Conv2DShape) {
        let data = ConvData(shape, seed: 2)
        var random = TestRandom(seed: 3)
        let gradient = random.array(shape.outputCount)
        // L(input, weights, bias) = Σ gradient ⊙ conv(input, weights, bias), evaluated in Double.
        func loss(_ input: [Double], _ weights: [Double], _ bias: [Double]) -> Double {
            zip(referenceConv(shape, input: input, weights: weights, bias: bias), gradient).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let input = data.input.map(Double.init), weights = data.weights.map(Double.init), bias = data.bias.map(Double.init)

        var inputGradient = [Float](repeating: .nan, count: shape.inputCount)
        var weightGradient = [Float](repeating: .nan, count: shape.weightCount)
        var biasGradient = [Float](repeating: .nan, count: shape.outChannels)
        Conv2D.backwardInput(shape, outputGradient: gradient, weights: data.weights, inputGradient: &inputGradient)
        Conv2D.backwardWeights(
            shape, input: data.input, outputGradient: gradient, weightGradient: &weightGradient,
            biasGradient: &biasGradient)

        let expectedInput = finiteDifferences(input) { loss($0, weights, bias) }
        let expectedWeights = finiteDifferences(weights) { loss(input, $0, bias) }
        let expectedBias = finiteDifferences(bias) { loss(input, weights, $0) }
        #expect(maxRelativeError(inputGradient, expectedInput.map(Float.init)) < 1e-4)
        #expect(maxRelativeError(weightGradient, expectedWeights.map(Float.init)) < 1e-4)
        #expect(maxRelativeError(biasGradient, expectedBias.map(Float.init)) < 1e-4)
    }

    /// Stride-1 shapes, whose weight gradient comes from dot products over padded planes: odd channel counts (a lone
    /// output channel, taps not a multiple of four), no padding, groups, batches split across threads; and a pointwise
    /// one with more than 1 024 channel pairs, whose gradient `backwardWeights` takes from GEMM instead.
    static let strideOneShapes: [Conv2DShape] = [
        Conv2DShape(batch: 3, inChannels: 37, inHeight: 3, inWidth: 5, outChannels: 29, kernelSize: 1),
        Conv2DShape(batch: 3, inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 5, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 2, inChannels: 2, inHeight: 7, inWidth: 9, outChannels: 3, kernelSize: 5, padding: 2),
        Conv2DShape(batch: 3, inChannels: 3, inHeight: 6, inWidth: 7, outChannels: 3, kernelSize: 1),
        Conv2DShape(batch: 3, inChannels: 2, inHeight: 4, inWidth: 5, outChannels: 1, kernelSize: 3),
        Conv2DShape(batch: 2, inChannels: 4, inHeight: 5, inWidth: 5, outChannels: 6, kernelSize: 3, padding: 1, groups: 2),
        Conv2DShape(batch: 2, inChannels: 4, inHeight: 7, inWidth: 17, outChannels: 2, kernelSize: 7, padding: 3, groups: 2),
    ]

    /// Every (output, input, weight) index triple of a convolution that multiplies: output `[n, o, y, x]` reads input
    /// `[n, c, y·s + ky − p, x·s + kx − p]` through weight `[o, c − group offset, ky, kx]`, padding skipped.
    static func forEachProduct(_ shape: Conv2DShape, _ body: (_ output: Int, _ input: Int, _ weight: Int) -> Void) {
        let (k, s, p) = (shape.kernelSize, shape.stride, shape.padding)
        let inPerGroup = shape.inChannels / shape.groups, outPerGroup = shape.outChannels / shape.groups
        for n in 0..<shape.batch {
            for o in 0..<shape.outChannels {
                for y in 0..<shape.outHeight {
                    for x in 0..<shape.outWidth {
                        for c in 0..<inPerGroup {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let iy = y * s + ky - p, ix = x * s + kx - p
                                    guard iy >= 0, iy < shape.inHeight, ix >= 0, ix < shape.inWidth else { continue }
                                    let channel = o / outPerGroup * inPerGroup + c
                                    body(((n * shape.outChannels + o) * shape.outHeight + y) * shape.outWidth + x,
                                         ((n * shape.inChannels + channel) * shape.inHeight + iy) * shape.inWidth + ix,
                                         ((o * inPerGroup + c) * k + ky) * k + kx)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `∂L/∂w[o, c, ky, kx] = Σ g[n, o, y, x] · input[n, c, y + ky − p, x + kx − p]`, summed in Double.
    @Test(arguments: strideOneShapes)
    func strideOneWeightGradientMatchesDirectSums(_ shape: Conv2DShape) throws {
        let data = ConvData(shape, seed: 4)
        var random = TestRandom(seed: 5)
        let gradient = random.array(shape.outputCount)
        var expected = [Double](repeating: 0, count: shape.weightCount)
        Self.forEachProduct(shape) { output, input, weight in expected[weight] += Double(gradient[output]) * Double(data.input[input]) }
        for pool in [nil, ThreadPool(threadCount: 3)] {
            var weightGradient = [Float](repeating: .nan, count: shape.weightCount)
            Conv2D.backwardWeights(shape, input: data.input, outputGradient: gradient, weightGradient: &weightGradient, biasGradient: nil, pool: pool)
            #expect(maxRelativeError(weightGradient, expected.map(Float.init)) < 1e-5)
            // Both instruction sets' loops, where the processor has them.
            for isa in [KernelISA.avx2] + (KernelISA.detected == .avx512 ? [.avx512] : []) {
                let plan = try #require(PlaneWeightGradient(shape, isa: isa))
                weightGradient = [Float](repeating: .nan, count: shape.weightCount)
                plan.compute(input: data.input, outputGradient: gradient, weightGradient: &weightGradient, pool: pool)
                #expect(maxRelativeError(weightGradient, expected.map(Float.init)) < 1e-5, "\(isa)")
            }
        }
    }

    /// `∂L/∂input[n, c, y + ky − p, x + kx − p] += g[n, o, y, x] · w[o, c, ky, kx]`, scattered in Double: the
    /// stride-1 input gradient runs as a forward convolution with flipped kernels.
    @Test(arguments: strideOneShapes)
    func strideOneInputGradientMatchesDirectSums(_ shape: Conv2DShape) {
        let data = ConvData(shape, seed: 6)
        var random = TestRandom(seed: 7)
        let gradient = random.array(shape.outputCount)
        var expected = [Double](repeating: 0, count: shape.inputCount)
        Self.forEachProduct(shape) { output, input, weight in expected[input] += Double(gradient[output]) * Double(data.weights[weight]) }
        for pool in [nil, ThreadPool(threadCount: 3)] {
            var inputGradient = [Float](repeating: .nan, count: shape.inputCount)
            Conv2D.backwardInput(shape, outputGradient: gradient, weights: data.weights, inputGradient: &inputGradient, pool: pool)
            #expect(maxRelativeError(inputGradient, expected.map(Float.init)) < 1e-5)
        }
    }
}

/// Random inputs, weights and bias for one convolution shape.
private struct ConvData {
    let input: [Float], weights: [Float], bias: [Float]

    init(_ shape: Conv2DShape, seed: UInt64) {
        var random = TestRandom(seed: seed)
        input = random.array(shape.inputCount)
        weights = random.array(shape.weightCount)
        bias = random.array(shape.outChannels)
    }
}

/// The definition of convolution, accumulated in Double: the bias, plus every product ``Conv2DTests/forEachProduct(_:_:)`` lists.
func referenceConv(_ shape: Conv2DShape, input: [Double], weights: [Double], bias: [Double]?) -> [Double] {
    let plane = shape.outHeight * shape.outWidth
    var output = (0..<shape.outputCount).map { bias?[$0 / plane % shape.outChannels] ?? 0 }
    Conv2DTests.forEachProduct(shape) { o, i, w in output[o] += input[i] * weights[w] }
    return output
}

extension Conv2DShape: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(batch) c\(inChannels)→\(outChannels) \(inHeight)x\(inWidth) k\(kernelSize) s\(stride) p\(padding) g\(groups)"
    }
}
