import Testing
@testable import FathomKernels

@Suite struct ActivationTests {
    /// The definitions, in Double.
    static func reference(_ activation: Activation, _ x: Double) -> Double {
        let relu6 = { (v: Double) in min(max(v, 0), 6) }
        switch activation {
        case .relu: return max(x, 0)
        case .relu6: return relu6(x)
        case .hardSwish: return x * relu6(x + 3) / 6
        case .hardSigmoid: return relu6(x + 3) / 6
        }
    }

    /// Inputs spread over [-8, 8] (all pieces of every function), none within 0.01 of a kink.
    static func inputs(count: Int) -> [Float] {
        var random = TestRandom(seed: 7)
        return (0..<count).map { _ in
            var x = 8 * random.next()
            while [-3, 0, 3, 6].contains(where: { abs(x - $0) < 0.01 }) { x += 0.05 }
            return x
        }
    }

    @Test(arguments: Activation.allCases)
    func forwardMatchesDefinition(_ activation: Activation) {
        let x = Self.inputs(count: 37)  // not a multiple of 8: exercises the tail
        var y = [Float](repeating: .nan, count: x.count)
        activation.forward(input: x, output: &y, count: x.count)
        #expect(maxRelativeError(y, x.map { Float(Self.reference(activation, Double($0))) }) < 1e-6)
    }

    @Test(arguments: Activation.allCases)
    func backwardMatchesFiniteDifferences(_ activation: Activation) {
        let x = Self.inputs(count: 29)
        var random = TestRandom(seed: 8)
        let g = random.array(x.count)
        var dx = [Float](repeating: .nan, count: x.count)
        activation.backward(input: x, outputGradient: g, inputGradient: &dx, count: x.count)
        let expected = finiteDifferences(x.map(Double.init), step: 1e-3) { point in
            zip(point, g).reduce(0) { $0 + Self.reference(activation, $1.0) * Double($1.1) }
        }
        #expect(maxRelativeError(dx, expected.map(Float.init)) < 1e-4)
    }

    @Test func largeInputsRunInParallelChunks() {
        let count = (1 << 16) + 3
        let x = (0..<count).map { Float($0 % 17) - 8 }
        var y = [Float](repeating: .nan, count: count)
        Activation.relu.forward(input: x, output: &y, count: count, pool: ThreadPool(threadCount: 3))
        #expect(y == x.map { max($0, 0) })
    }
}
