import Testing
@testable import FathomKernels

@Suite struct Pool2DTests {
    static let shapes: [Pool2DShape] = [
        Pool2DShape(input: FeatureMapShape(batch: 2, channels: 2, height: 5, width: 6), kernelSize: 3, stride: 1, padding: 1),
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 3, height: 7, width: 5), kernelSize: 3, stride: 2, padding: 1),
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 2, height: 4, width: 4), kernelSize: 2),
        // Rows wider than one vector, with a partial last vector, and a wider window.
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 2, height: 3, width: 19), kernelSize: 3, stride: 1, padding: 1),
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 1, height: 6, width: 17), kernelSize: 5, stride: 1, padding: 2),
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 1, height: 5, width: 17), kernelSize: 3, stride: 2, padding: 1),
        // An unpadded 3×3 at stride 1: windows start at the plane's first row and column.
        Pool2DShape(input: FeatureMapShape(batch: 2, channels: 1, height: 6, width: 11), kernelSize: 3, stride: 1),
        // 2×2 at stride 2 over rows of 17 outputs (two vectors of even/odd lanes and a scalar tail), unpadded and padded.
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 2, height: 6, width: 35), kernelSize: 2),
        Pool2DShape(input: FeatureMapShape(batch: 1, channels: 1, height: 5, width: 33), kernelSize: 2, padding: 1),
    ]

    /// Windowed pooling in Double: `reduce` gets the window's real (unpadded) inputs.
    static func reference(_ shape: Pool2DShape, _ x: [Double], _ reduce: ([Double]) -> Double) -> [Double] {
        let input = shape.input
        var output: [Double] = []
        for plane in 0..<input.batch * input.channels {
            for oh in 0..<shape.outHeight {
                for ow in 0..<shape.outWidth {
                    var window: [Double] = []
                    for kh in 0..<shape.kernelSize {
                        for kw in 0..<shape.kernelSize {
                            let h = oh * shape.stride - shape.padding + kh, w = ow * shape.stride - shape.padding + kw
                            if h >= 0, h < input.height, w >= 0, w < input.width { window.append(x[plane * input.plane + h * input.width + w]) }
                        }
                    }
                    output.append(reduce(window))
                }
            }
        }
        return output
    }

    static func average(_ window: [Double]) -> Double { window.reduce(0, +) / Double(window.count) }
    static func maximum(_ window: [Double]) -> Double { window.max()! }

    @Test(arguments: shapes, [true, false])
    func forwardAndBackwardMatchReference(_ shape: Pool2DShape, isAverage: Bool) {
        var random = TestRandom(seed: 21)
        let x = random.array(shape.input.count), g = random.array(shape.output.count)
        let reduce: ([Double]) -> Double = { isAverage ? Self.average($0) : Self.maximum($0) }
        var y = [Float](repeating: .nan, count: shape.output.count)
        var dx = [Float](repeating: .nan, count: shape.input.count)
        if isAverage {
            Pool2D.averageForward(shape, input: x, output: &y)
            Pool2D.averageBackward(shape, outputGradient: g, inputGradient: &dx)
        } else {
            Pool2D.maxForward(shape, input: x, output: &y)
            Pool2D.maxBackward(shape, input: x, outputGradient: g, inputGradient: &dx)
        }
        #expect(maxRelativeError(y, Self.reference(shape, x.map(Double.init), reduce).map(Float.init)) < 1e-6)
        let expected = finiteDifferences(x.map(Double.init), step: 1e-5) { point in
            zip(Self.reference(shape, point, reduce), g).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        #expect(maxRelativeError(dx, expected.map(Float.init)) < 1e-4)
        guard isAverage && Pool2D.accumulates(shape) else { return }
        // Accumulating adds the same averages to what the output held.
        let existing = random.array(shape.output.count)
        var sum = existing
        Pool2D.averageForward(shape, input: x, output: &sum, accumulate: true)
        #expect(maxRelativeError(sum, zip(existing, y).map { $0 + $1 }) < 1e-6)
    }

    @Test func globalAverageAndItsGradient() {
        let shape = FeatureMapShape(batch: 2, channels: 3, height: 3, width: 3)
        let x = (0..<shape.count).map(Float.init)
        var y = [Float](repeating: .nan, count: 6)
        Pool2D.globalAverageForward(shape, input: x, output: &y)
        #expect(y == [4, 13, 22, 31, 40, 49])
        var dx = [Float](repeating: .nan, count: shape.count)
        Pool2D.globalAverageBackward(shape, outputGradient: [9, 18, 0, 0, 0, 9], inputGradient: &dx)
        #expect(dx[0] == 1 && dx[9] == 2 && dx[20] == 0 && dx[53] == 1)
    }
}

extension Pool2DShape: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(input.batch) c\(input.channels) \(input.height)x\(input.width) k\(kernelSize) s\(stride) p\(padding)"
    }
}
