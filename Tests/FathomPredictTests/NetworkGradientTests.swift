import FathomSpaces
import Testing
@testable import FathomPredict

/// Backpropagation through HELP's predictor network (one-hot and graph trunks, with and without the hardware branch)
/// against central finite differences of the loss.
@Suite struct NetworkGradientTests {
    static let nasbench201 = Result { try SearchSpace.load("nasbench201") }

    /// A few random architectures with made-up targets.
    func problem(_ space: SearchSpace, count: Int, seed: UInt64) -> (archs: [Architecture], targets: [Float]) {
        var random = SeededGenerator(seed: seed)
        let archs = (0..<count).map { _ in Architecture(genes: space.genes.map { random.int(below: $0.choices) }) }
        return (archs, archs.map { _ in random.float(symmetric: 1) })
    }

    /// Central differences of the loss in every coordinate, compared with the analytic gradient.
    func checkGradient(input: NetworkInput, hardwareSize: Int) throws {
        let space = try Self.nasbench201.get()
        let layout = try NetworkLayout(space: space, input: input, hidden: 5, hardwareSize: hardwareSize)
        let (archs, targets) = problem(space, count: 4, seed: 3)
        let batch = try ArchitectureBatch(archs, space: space, input: input)
        let hardware = (0..<hardwareSize).map { Float($0) / Float(max(hardwareSize - 1, 1)) }
        // Larger initial weights than HELP's, so that the graph trunk's signal is not lost in rounding.
        let parameters = layout.initialParameters(seed: 5).map { $0 * 4 }
        let gradient = layout.lossAndGradient(parameters, batch: batch, hardware: hardware, targets: targets).gradient
        let step: Float = 1e-3
        var mismatches = 0
        for index in parameters.indices {
            var plus = parameters, minus = parameters
            plus[index] += step
            minus[index] -= step
            let numeric = (layout.lossAndGradient(plus, batch: batch, hardware: hardware, targets: targets).loss
                - layout.lossAndGradient(minus, batch: batch, hardware: hardware, targets: targets).loss) / (2 * step)
            if abs(gradient[index] - numeric) > 2e-3 + 2e-2 * abs(numeric) { mismatches += 1 }
        }
        // A step may cross a ReLU kink; allow a handful of such coordinates among hundreds.
        #expect(mismatches <= parameters.count / 100, "\(mismatches) of \(parameters.count) coordinates differ")
    }

    @Test func oneHotTrunkWithHardwareBranch() throws { try checkGradient(input: .oneHot, hardwareSize: 3) }
    @Test func graphTrunkWithHardwareBranch() throws { try checkGradient(input: .graph, hardwareSize: 3) }
    @Test func graphTrunkAlone() throws { try checkGradient(input: .graph, hardwareSize: 0) }

    @Test func layoutMatchesHELPsNASBench201Predictor() throws {
        let layout = try NetworkLayout(space: try Self.nasbench201.get(), input: .graph, hidden: 100, hardwareSize: 10)
        #expect(layout.inputSize == 8 && layout.nodes == 9 && layout.headWidth == 200)
        // gc1 8→100, gc2–gc4 100→100, fc_hw1 10→100, fc_hw2 100→100, fc3 200→200, fc4 200→200, fc5 200→1.
        let expected = (8 * 100 + 100) + 3 * (100 * 100 + 100) + (10 * 100 + 100) + (100 * 100 + 100) + 2 * (200 * 200 + 200) + 201
        #expect(layout.parameterCount == expected)
    }
}
