import Testing
@testable import FathomKernels

@Suite struct BatchNormTests {
    static let shape = FeatureMapShape(batch: 2, channels: 3, height: 2, width: 5)

    /// Training-mode batch norm in Double.
    static func reference(_ shape: FeatureMapShape, _ x: [Double], gamma: [Double], beta: [Double], epsilon: Double) -> [Double] {
        var y = x
        let n = Double(shape.batch * shape.plane)
        for c in 0..<shape.channels {
            let indices: [Int] = (0..<shape.batch).flatMap { (image: Int) -> Range<Int> in
                let start = (image * shape.channels + c) * shape.plane
                return start..<(start + shape.plane)
            }
            let mean: Double = indices.reduce(0.0) { $0 + x[$1] } / n
            let variance: Double = indices.reduce(0.0) { (sum: Double, index: Int) in sum + (x[index] - mean) * (x[index] - mean) } / n
            for index in indices { y[index] = gamma[c] * (x[index] - mean) / (variance + epsilon).squareRoot() + beta[c] }
        }
        return y
    }

    @Test func trainingForwardNormalizesAndUpdatesRunningStatistics() {
        let shape = Self.shape
        var random = TestRandom(seed: 11)
        let x = random.array(shape.count).map { 3 * $0 + 1 }
        let gamma = random.array(shape.channels), beta = random.array(shape.channels)
        var y = [Float](repeating: .nan, count: shape.count)
        var mean = [Float](repeating: 0, count: shape.channels), inverse = mean
        var runningMean = [Float](repeating: 0, count: shape.channels), runningVariance = [Float](repeating: 1, count: shape.channels)
        runningMean.withUnsafeMutableBufferPointer { runningMean in
            runningVariance.withUnsafeMutableBufferPointer { runningVariance in
                BatchNorm.trainingForward(
                    shape, input: x, output: &y, gamma: gamma, beta: beta, savedMean: &mean,
                    savedInverseStandardDeviation: &inverse,
                    running: .init(mean: runningMean.baseAddress!, variance: runningVariance.baseAddress!, momentum: 0.5))
            }
        }
        let expected = Self.reference(shape, x.map(Double.init), gamma: gamma.map(Double.init), beta: beta.map(Double.init), epsilon: 1e-5)
        #expect(maxRelativeError(y, expected.map(Float.init)) < 1e-5)
        // With momentum 0.5 from (0, 1): running = batch / 2 and (1 + unbiased) / 2.
        let n = Float(shape.batch * shape.plane)
        for c in 0..<shape.channels {
            let variance = 1 / (inverse[c] * inverse[c]) - 1e-5
            #expect(abs(runningMean[c] - mean[c] / 2) < 1e-5)
            #expect(abs(runningVariance[c] - (1 + variance * n / (n - 1)) / 2) < 1e-4)
        }
    }

    @Test func inferenceForwardUsesGivenStatistics() {
        let shape = FeatureMapShape(batch: 1, channels: 2, height: 3, width: 3)
        let x = (0..<shape.count).map(Float.init)
        var y = [Float](repeating: .nan, count: shape.count)
        BatchNorm.inferenceForward(
            shape, input: x, output: &y, mean: [1, 2], variance: [4, 0.25], gamma: [1, 2], beta: [0, 1], epsilon: 0)
        #expect(y == x.enumerated().map { index, value in index < 9 ? (value - 1) / 2 : 2 * (value - 2) / 0.5 + 1 })
    }

    @Test func backwardMatchesFiniteDifferences() {
        let shape = Self.shape
        var random = TestRandom(seed: 12)
        let x = random.array(shape.count), gamma = random.array(shape.channels), beta = random.array(shape.channels)
        let g = random.array(shape.count)
        var y = [Float](repeating: 0, count: shape.count)
        var mean = [Float](repeating: 0, count: shape.channels), inverse = mean
        BatchNorm.trainingForward(shape, input: x, output: &y, gamma: gamma, beta: beta, savedMean: &mean, savedInverseStandardDeviation: &inverse)
        var dx = [Float](repeating: .nan, count: shape.count)
        var dGamma = [Float](repeating: .nan, count: shape.channels), dBeta = dGamma
        BatchNorm.backward(
            shape, input: x, outputGradient: g, gamma: gamma, savedMean: mean, savedInverseStandardDeviation: inverse,
            inputGradient: &dx, gammaGradient: &dGamma, betaGradient: &dBeta)

        let (xd, gammaD, betaD) = (x.map(Double.init), gamma.map(Double.init), beta.map(Double.init))
        func loss(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> Double {
            zip(Self.reference(shape, x, gamma: gamma, beta: beta, epsilon: 1e-5), g).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        #expect(maxRelativeError(dx, finiteDifferences(xd) { loss($0, gammaD, betaD) }.map(Float.init)) < 1e-3)
        #expect(maxRelativeError(dGamma, finiteDifferences(gammaD) { loss(xd, $0, betaD) }.map(Float.init)) < 1e-4)
        #expect(maxRelativeError(dBeta, finiteDifferences(betaD) { loss(xd, gammaD, $0) }.map(Float.init)) < 1e-4)
    }
}
