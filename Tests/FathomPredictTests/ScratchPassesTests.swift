import FathomSpaces
import Testing
@testable import FathomPredict

/// The passes that run in reused scratch memory, and the register-blocked dense backward pass, give exactly (bit for
/// bit) what the straightforward forms give: meta-training's results must not depend on buffer reuse or blocking.
@Suite struct ScratchPassesTests {
    /// The dense backward pass row by row and output by output (the form the blocked kernel must reproduce).
    func referenceBackward(_ layer: DenseLayerShape, parameters p: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                           outputGradient dy: UnsafePointer<Float>, rows: Int, inputGradient dx: UnsafeMutablePointer<Float>?,
                           gradient g: UnsafeMutablePointer<Float>) {
        dx?.update(repeating: 0, count: rows * layer.inputs)
        for row in 0..<rows {
            for o in 0..<layer.outputs {
                let d = dy[row * layer.outputs + o]
                let w = layer.weightOffset + o * layer.inputs
                g[layer.biasOffset + o] += d
                addScaled(d, x + row * layer.inputs, to: g + w, count: layer.inputs)
                if let dx { addScaled(d, p + w, to: dx + row * layer.inputs, count: layer.inputs) }
            }
        }
    }

    @Test(arguments: [(1, 10, 100), (3, 7, 5), (4, 8, 3), (5, 13, 9), (67, 33, 4), (130, 100, 17), (9, 1, 1), (70, 41, 2)])
    func blockedBackwardIsBitIdenticalToRowByRow(shape: (rows: Int, inputs: Int, outputs: Int)) {
        var random = SeededGenerator(seed: UInt64(shape.rows * 1000 + shape.inputs * 10 + shape.outputs))
        let layer = DenseLayerShape(inputs: shape.inputs, outputs: shape.outputs, weightOffset: 3)
        let count = layer.biasOffset + layer.outputs
        // Some exact zeros, as ReLU masks leave them.
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in random.int(below: 5) == 0 ? 0 : random.float(symmetric: 2) } }
        let parameters = values(count), input = values(shape.rows * shape.inputs), outputGradient = values(shape.rows * shape.outputs)
        let start = values(count)
        var expected = start, got = start
        var expectedInput = [Float](repeating: 7, count: shape.rows * shape.inputs), gotInput = expectedInput
        expected.withUnsafeMutableBufferPointer { g in
            expectedInput.withUnsafeMutableBufferPointer { dx in
                referenceBackward(layer, parameters: parameters, input: input, outputGradient: outputGradient, rows: shape.rows,
                                  inputGradient: dx.baseAddress!, gradient: g.baseAddress!)
            }
        }
        got.withUnsafeMutableBufferPointer { g in
            gotInput.withUnsafeMutableBufferPointer { dx in
                layer.backward(parameters: parameters, input: input, outputGradient: outputGradient, rows: shape.rows,
                               inputGradient: dx.baseAddress!, gradient: g.baseAddress!)
            }
        }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(gotInput.map(\.bitPattern) == expectedInput.map(\.bitPattern))
    }

    /// A small HELP-shaped model and two batches of different sizes on NAS-Bench-201 graphs.
    func problem() throws -> (model: MetaLearnedModel, small: MetaLearnedModel.MetaTask, large: MetaLearnedModel.MetaTask) {
        let space = try SearchSpace.load("nasbench201")
        var random = SeededGenerator(seed: 4)
        func archs(_ count: Int) -> [Architecture] {
            (0..<count).map { _ in Architecture(genes: space.genes.map { random.int(below: $0.choices) }) }
        }
        var settings = MetaLearnedModel.Settings()
        settings.hidden = 12
        let model = try MetaLearnedModel(space: space, references: archs(4), settings: settings, seed: 9)
        func metaTask(support: Int, query: Int) throws -> MetaLearnedModel.MetaTask {
            let task = MetaLearnedModel.Task(hardware: (0..<4).map { _ in Float(random.unit()) },
                                             support: try ArchitectureBatch(archs(support), space: space, input: .graph),
                                             targets: (0..<support).map { _ in Float(random.unit()) })
            return MetaLearnedModel.MetaTask(task: task, query: try ArchitectureBatch(archs(query), space: space, input: .graph),
                                             queryTargets: (0..<query).map { _ in Float(random.unit()) })
        }
        return (model, try metaTask(support: 3, query: 5), try metaTask(support: 10, query: 40))
    }

    @Test func metaGradientInReusedScratchMatchesAFreshOne() throws {
        let (model, small, large) = try problem()
        let noise = (0..<model.encoder.zSize).map { Float($0 % 7) / 7 - 0.5 }
        let fresh = [large, small, large].map { model.metaGradient($0, noise: noise, queryWeight: 0.25, klWeight: 0.1) }
        let scratch = ScratchMemory()
        for (metaTask, expected) in zip([large, small, large], fresh) {
            var gradient = [Float](repeating: .nan, count: model.metaParameterCount)
            let (queryLoss, kl) = gradient.withUnsafeMutableBufferPointer {
                model.metaGradient(metaTask, noise: noise, queryWeight: 0.25, klWeight: 0.1, scratch: scratch, gradient: $0.baseAddress!)
            }
            #expect(queryLoss.bitPattern == expected.queryLoss.bitPattern && kl.bitPattern == expected.kl.bitPattern)
            #expect(gradient.map(\.bitPattern) == expected.gradient.map(\.bitPattern))
        }
    }

    @Test func predictionsInParallelMatchOneByOne() throws {
        let (model, _, large) = try problem()
        let adapted = model.adapt(hardware: large.task.hardware, support: large.task.support, targets: large.task.targets, seed: 3)
        var sum = [Float](repeating: 0, count: large.query.rows)
        for parameters in adapted {
            for (index, value) in model.layout.predict(parameters, batch: large.query, hardware: large.task.hardware).enumerated() { sum[index] += value }
        }
        let expected = sum.map { $0 / Float(adapted.count) }
        #expect(model.predict(adapted: adapted, batch: large.query, hardware: large.task.hardware).map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
