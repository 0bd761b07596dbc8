import FathomSpaces
import Foundation
import Testing
@testable import FathomPredict

@Suite struct MLPRegressorTests {
    /// A few inputs and targets drawn from a fixed generator.
    func samples(count: Int, inputSize: Int, seed: UInt64) -> (x: [[Float]], y: [Float]) {
        var random = SeededGenerator(seed: seed)
        let x = (0..<count).map { _ in (0..<inputSize).map { _ in random.float(symmetric: 1) } }
        return (x, x.map { $0.reduce(0, +) + 0.5 })
    }

    /// The mean squared error of the network with `parameters`, computed independently in double precision.
    func referenceLoss(_ model: MLPRegressor, parameters: [Double], x: [[Float]], y: [Float]) -> Double {
        var total = 0.0
        for (row, target) in zip(x, y) {
            var activation = row.map(Double.init)
            for (index, layer) in model.layers.enumerated() {
                activation = (0..<layer.outputs).map { o in
                    let sum = (0..<layer.inputs).reduce(parameters[layer.biasOffset + o]) { sum, i in
                        sum + parameters[layer.weightOffset + o * layer.inputs + i] * activation[i]
                    }
                    return index < model.layers.count - 1 ? max(sum, 0) : sum
                }
            }
            total += (activation[0] - Double(target)) * (activation[0] - Double(target))
        }
        return total / Double(y.count)
    }

    @Test func backpropagationMatchesCentralDifferences() {
        let model = MLPRegressor(inputSize: 4, hidden: [5, 3], seed: 7)
        let (x, y) = samples(count: 6, inputSize: 4, seed: 11)
        let (loss, gradient) = model.lossAndGradient(x: x, y: y)
        let parameters = model.parameters.map(Double.init)
        #expect(abs(Double(loss) - referenceLoss(model, parameters: parameters, x: x, y: y)) < 1e-5)
        let step = 1e-4
        for index in parameters.indices {
            var plus = parameters, minus = parameters
            plus[index] += step
            minus[index] -= step
            let numeric = (referenceLoss(model, parameters: plus, x: x, y: y) - referenceLoss(model, parameters: minus, x: x, y: y)) / (2 * step)
            #expect(abs(Double(gradient[index]) - numeric) <= 1e-4 + 1e-3 * abs(numeric), "parameter \(index)")
        }
    }

    @Test func learnsALinearFunction() {
        let (x, y) = samples(count: 64, inputSize: 3, seed: 1)
        var model = MLPRegressor(inputSize: 3, hidden: [16], seed: 2)
        let before = model.lossAndGradient(x: x, y: y).loss
        model.fit(x: x, y: y, epochs: 200, learningRate: 0.01, batchSize: 16, seed: 3)
        let after = model.lossAndGradient(x: x, y: y).loss
        #expect(after < before / 50)
        #expect(after < 0.01)
    }

    @Test func sameSeedsGiveTheSameNetwork() {
        let (x, y) = samples(count: 10, inputSize: 2, seed: 5)
        func trained(initSeed: UInt64, fitSeed: UInt64) -> MLPRegressor {
            var model = MLPRegressor(inputSize: 2, hidden: [4], seed: initSeed)
            model.fit(x: x, y: y, epochs: 5, learningRate: 0.01, batchSize: 3, seed: fitSeed)
            return model
        }
        #expect(trained(initSeed: 1, fitSeed: 2) == trained(initSeed: 1, fitSeed: 2))
        #expect(trained(initSeed: 1, fitSeed: 2) != trained(initSeed: 1, fitSeed: 3))
        #expect(MLPRegressor(inputSize: 2, hidden: [4], seed: 1) != MLPRegressor(inputSize: 2, hidden: [4], seed: 9))
    }

    @Test func initialWeightsFollowPyTorchsBound() {
        let model = MLPRegressor(inputSize: 25, hidden: [8], seed: 4)
        let firstLayer = model.parameters[0..<(25 * 8 + 8)]
        #expect(firstLayer.allSatisfy { abs($0) <= 0.2 })  // 1 / √25
        #expect(firstLayer.contains { abs($0) > 0.15 })
    }

    @Test func roundTripsThroughJSON() throws {
        let model = MLPRegressor(inputSize: 3, hidden: [4, 2], seed: 8)
        let decoded = try JSONDecoder().decode(MLPRegressor.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        let x = samples(count: 4, inputSize: 3, seed: 9).x
        #expect(decoded.predict(x: x) == model.predict(x: x))
    }

    @Test func rejectsJSONWhoseParametersDoNotFitItsLayers() {
        let json = #"{"inputSize": 2, "hiddenSizes": [3], "parameters": [0.5, 1]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MLPRegressor.self, from: Data(json.utf8)) }
    }

    @Test func predictsInChunksLikeOneBatch() {
        let model = MLPRegressor(inputSize: 2, hidden: [3], seed: 6)
        let x = samples(count: 300, inputSize: 2, seed: 10).x
        let oneByOne = x.map { model.predict(x: [$0])[0] }
        #expect(model.predict(x: x) == oneByOne)
    }
}
