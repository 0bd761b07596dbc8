import Testing
@testable import FathomKernels

/// The forward paths `Conv2D.forward` chooses by shape (``DirectConv2D``, ``PanelGemm``, the im2col + `sgemm`
/// fallback, the direct depthwise kernel), and every other algorithm that can compute each shape, with a fused
/// activation, against the naive loops.
@Suite struct ConvPathTests {
    /// Shapes for ``DirectConv2D``: output channels that leave a partial 4- or 8-channel tile, planes whose flat
    /// positions are no multiple of 24 or 48 (so that AVX-512's last tile is one, two or three vectors wide), rows wider
    /// than a tile and narrower than a vector, kernels 3, 5 and 7, a valid (unpadded) 3×3, groups and a batch, and
    /// pointwise convolutions (read in place, the last tile from a copy); and rows a multiple of 16 wide, which AVX-512
    /// takes as whole-row vectors (a band's last tile one or two vectors wide, kernels 3 and 5, a valid 3×3), and a
    /// plane of 3×3 outputs, which even column-shifted copies compute at 9 of 16 positions.
    static let directShapes: [Conv2DShape] = [
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 3, inWidth: 3, outChannels: 5, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 7, inWidth: 32, outChannels: 11, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 9, inWidth: 16, outChannels: 3, kernelSize: 5, padding: 2),
        Conv2DShape(batch: 1, inChannels: 4, inHeight: 6, inWidth: 18, outChannels: 9, kernelSize: 3),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 17, inWidth: 19, outChannels: 13, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 2, inChannels: 5, inHeight: 6, inWidth: 40, outChannels: 6, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 9, inWidth: 3, outChannels: 5, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 4, inHeight: 11, inWidth: 13, outChannels: 7, kernelSize: 5, padding: 2),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 10, inWidth: 9, outChannels: 4, kernelSize: 7, padding: 3),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 8, inWidth: 12, outChannels: 5, kernelSize: 3),
        Conv2DShape(batch: 2, inChannels: 6, inHeight: 7, inWidth: 7, outChannels: 10, kernelSize: 3, padding: 1, groups: 2),
        Conv2DShape(batch: 2, inChannels: 6, inHeight: 5, inWidth: 7, outChannels: 14, kernelSize: 1),
        Conv2DShape(batch: 1, inChannels: 9, inHeight: 10, inWidth: 10, outChannels: 17, kernelSize: 1),
    ]

    /// Shapes that exercise ``PanelGemm``'s edges: partial 6-row and 16-pixel tiles, panels spanning output rows,
    /// several pixel blocks, stride 1 and 2 (output rows of 8, 16 and 32 pixels packed as vectors, others lane by lane),
    /// pointwise runs across rows, a 1×1 stride-2 gather, groups and a batch.
    static let panelShapes: [Conv2DShape] = [
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 17, inWidth: 19, outChannels: 13, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 7, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 2, inChannels: 5, inHeight: 8, inWidth: 8, outChannels: 9, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 4, inHeight: 13, inWidth: 11, outChannels: 8, kernelSize: 3, stride: 2, padding: 1),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 32, inWidth: 32, outChannels: 7, kernelSize: 3, stride: 2, padding: 1),
        Conv2DShape(batch: 2, inChannels: 2, inHeight: 16, inWidth: 16, outChannels: 5, kernelSize: 3, stride: 2, padding: 1),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 5, inWidth: 40, outChannels: 13, kernelSize: 3, padding: 1),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 4, inWidth: 70, outChannels: 3, kernelSize: 3, stride: 2, padding: 1),
        Conv2DShape(batch: 1, inChannels: 6, inHeight: 5, inWidth: 7, outChannels: 14, kernelSize: 1),
        Conv2DShape(batch: 1, inChannels: 6, inHeight: 9, inWidth: 9, outChannels: 5, kernelSize: 1, stride: 2),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 12, inWidth: 12, outChannels: 4, kernelSize: 7, stride: 2, padding: 3),
        Conv2DShape(batch: 2, inChannels: 8, inHeight: 4, inWidth: 4, outChannels: 12, kernelSize: 1, groups: 2),
    ]

    /// Shapes that leave ``PanelGemm`` for im2col + `sgemm`: a single output pixel (a matrix-vector product) and
    /// weights too large to re-read per pixel block.
    static let fallbackShapes: [Conv2DShape] = [
        Conv2DShape(batch: 1, inChannels: 8, inHeight: 3, inWidth: 3, outChannels: 10, kernelSize: 3),
        Conv2DShape(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 130, kernelSize: 3, padding: 1),
    ]

    /// Depthwise shapes: rows shorter than a vector, exactly one, and longer with a partial last one, so that
    /// groups of four vectors end short; stride 2; kernel 5.
    static let depthwiseShapes: [Conv2DShape] = [
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 5, inWidth: 5, outChannels: 3, kernelSize: 3, padding: 1, groups: 3),
        Conv2DShape(batch: 2, inChannels: 2, inHeight: 3, inWidth: 8, outChannels: 2, kernelSize: 3, padding: 1, groups: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 7, inWidth: 21, outChannels: 2, kernelSize: 5, padding: 2, groups: 2),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 9, inWidth: 19, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, groups: 3),
    ]

    @Test func shapesTakeTheIntendedPath() {
        #expect(Self.directShapes.allSatisfy { DirectConv2D.computes($0) })
        #expect(Self.directShapes.contains { DirectConv2D.suits($0, isa: .avx2) } && Self.directShapes.contains { !DirectConv2D.suits($0, isa: .avx2) })
        #expect(Self.directShapes.contains { DirectConv2D.suits($0, isa: .avx512) } && Self.directShapes.contains { !DirectConv2D.suits($0, isa: .avx512) })
        #expect(Self.panelShapes.allSatisfy { PanelGemm.suits($0) })
        #expect(!Self.fallbackShapes.contains { PanelGemm.suits($0) })
        #expect(Self.depthwiseShapes.allSatisfy { $0.isDepthwise })
    }

    @Test(arguments: directShapes + panelShapes + fallbackShapes + depthwiseShapes)
    func forwardWithActivationMatchesNaiveLoops(_ shape: Conv2DShape) {
        var random = TestRandom(seed: 11)
        let input = random.array(shape.inputCount), weights = random.array(shape.weightCount), bias = random.array(shape.outChannels)
        let linear = referenceConv(shape, input: input.map(Double.init), weights: weights.map(Double.init), bias: bias.map(Double.init))
        // The bar: 1e-4 relative (a 576-term sum in a different order already differs by about 1.3e-5).
        for activation in [nil, Activation.relu6, .hardSwish] {
            let expected = linear.map { x in Float(activation.map { ActivationTests.reference($0, x) } ?? x) }
            for pool in [nil, ThreadPool(threadCount: 3)] {
                for algorithm in Conv2D.Algorithm.allCases where algorithm.runs(shape) {
                    var output = [Float](repeating: .nan, count: shape.outputCount)
                    Conv2D.forward(shape, input: input, weights: weights, bias: bias, output: &output, pool: pool, activation: activation,
                                   algorithm: algorithm)
                    #expect(maxRelativeError(output, expected) < 1e-4, "\(algorithm) activation \(String(describing: activation))")
                }
            }
        }
    }

    /// The direct kernel with the tile of every instruction set this processor runs (AVX2's 4 × 24 and, where the
    /// processor has it, AVX-512's 8 × 48, whatever `KernelISA.current` picks), including bands split over threads,
    /// overwriting the output and adding to it, and applying a ReLU to its input (in the padded copy or, pointwise
    /// with AVX-512, in the tile's copy of its columns).
    @Test(arguments: directShapes)
    func directKernelOfEachInstructionSetMatchesNaiveLoops(_ shape: Conv2DShape) {
        var random = TestRandom(seed: 5)
        let input = random.array(shape.inputCount), weights = random.array(shape.weightCount), bias = random.array(shape.outChannels)
        let expected = referenceConv(shape, input: input.map(Double.init), weights: weights.map(Double.init), bias: bias.map(Double.init))
            .map { Float(max($0, 0)) }
        let expectedOnRectifiedInput = referenceConv(shape, input: input.map { Double(max($0, 0)) }, weights: weights.map(Double.init),
                                                     bias: bias.map(Double.init)).map(Float.init)
        let existing = random.array(shape.outputCount)
        for isa in KernelISA.allCases where isa.isSupported {
            for pool in [nil, ThreadPool(threadCount: 3)] {
                var output = [Float](repeating: .nan, count: shape.outputCount)
                DirectConv2D.forward(shape, input: input, weights: weights, bias: bias, output: &output, pool: pool, activation: .relu, isa: isa)
                #expect(maxRelativeError(output, expected) < 1e-4, "\(isa)")
                // Accumulating adds the same result to what the output held.
                var sum = existing
                DirectConv2D.forward(shape, input: input, weights: weights, bias: bias, output: &sum, pool: pool, activation: .relu,
                                     accumulate: true, isa: isa)
                #expect(maxRelativeError(sum, zip(existing, expected).map { $0 + $1 }) < 1e-4, "\(isa) accumulating")
                guard !shape.isPointwise || isa == .avx512 else { continue }
                var rectified = [Float](repeating: .nan, count: shape.outputCount)
                DirectConv2D.forward(shape, input: input, weights: weights, bias: bias, output: &rectified, pool: pool, activation: nil,
                                     rectifyInput: true, isa: isa)
                #expect(maxRelativeError(rectified, expectedOnRectifiedInput) < 1e-4, "\(isa) rectifying the input")
            }
        }
    }

    /// The depthwise kernel with the vectors of every instruction set this processor runs (AVX-512's 16 outputs per
    /// vector take rows of at least 8 outputs): rows of exactly 16, of 18 at stride 2, of 40 (a last vector that
    /// overlaps the one before), of 8, 12 and 15 (one vector per row, its spare lanes stored over the next row and,
    /// in a plane's last row, not at all; 7 at stride 2 stays AVX2), kernels 3, 5 and 7, a batch.
    @Test(arguments: [
        Conv2DShape(batch: 2, inChannels: 3, inHeight: 12, inWidth: 12, outChannels: 3, kernelSize: 3, padding: 1, groups: 3),
        Conv2DShape(batch: 1, inChannels: 4, inHeight: 5, inWidth: 8, outChannels: 4, kernelSize: 5, padding: 2, groups: 4),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 9, inWidth: 29, outChannels: 3, kernelSize: 7, stride: 2, padding: 3, groups: 3),
        Conv2DShape(batch: 2, inChannels: 2, inHeight: 7, inWidth: 14, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, groups: 2),
        Conv2DShape(batch: 1, inChannels: 3, inHeight: 9, inWidth: 40, outChannels: 3, kernelSize: 3, padding: 1, groups: 3),
        Conv2DShape(batch: 2, inChannels: 2, inHeight: 6, inWidth: 35, outChannels: 2, kernelSize: 5, stride: 2, padding: 2, groups: 2),
        Conv2DShape(batch: 1, inChannels: 2, inHeight: 20, inWidth: 16, outChannels: 2, kernelSize: 7, padding: 3, groups: 2),
    ])
    func depthwiseKernelOfEachInstructionSetMatchesNaiveLoops(_ shape: Conv2DShape) {
        var random = TestRandom(seed: 9)
        let input = random.array(shape.inputCount), weights = random.array(shape.weightCount), bias = random.array(shape.outChannels)
        let expected = referenceConv(shape, input: input.map(Double.init), weights: weights.map(Double.init), bias: bias.map(Double.init))
            .map { Float(min(max($0, 0), 6)) }
        for isa in KernelISA.allCases where isa.isSupported {
            var output = [Float](repeating: .nan, count: shape.outputCount)
            DepthwiseConv2D.forward(shape, input: input, weights: weights, bias: bias, output: &output, pool: ThreadPool(threadCount: 2),
                                    activation: .relu6, isa: isa)
            #expect(maxRelativeError(output, expected) < 1e-4, "\(isa)")
        }
    }
}
