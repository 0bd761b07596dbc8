import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Testing

/// `TrainingNetwork`'s analytic gradients against central finite differences of a Double reference, per layer type.
@Suite struct GradientCheckTests {
    /// The largest relative disagreement over a few sampled entries of every learned buffer (relative to that
    /// buffer's largest analytic gradient), and the layer types whose parameters were checked.
    func worstError(_ space: SearchSpace, arch text: String, batch: Int = 3, seed: UInt64) throws -> (error: Double, checked: Set<String>) {
        let graph = try NetworkGraph(space: space, arch: try space.parse(text))
        let parameters = NetworkParameters(graph: graph, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 7)
        for p in parameters.layers {
            for buffer in [p.bias, p.gamma, p.beta].compactMap({ $0 }) {
                for i in 0..<buffer.count { buffer.baseAddress[i] += Float(rng.unit() - 0.5) * 0.4 }
            }
        }
        let network = TrainingNetwork(graph: graph, parameters: parameters, batch: batch, pool: ThreadPool(threadCount: 2))
        let input = (0..<batch * graph.inputShape.count).map { _ in rng.unit() * 2 - 1 }
        let labels = (0..<batch).map { _ in rng.int(below: space.classes) }
        for i in input.indices { network.input[i] = Float(input[i]) }
        network.forward(.training(momentum: 0.1))
        _ = ClassificationLoss.labels(logits: network.output, labels: labels, classes: space.classes, smoothing: 0.1,
                                      gradient: network.outputGradient)
        network.backward()

        var reference = TrainingReference(graph: graph, parameters: parameters, batch: batch)
        var worst = 0.0
        var checked = Set<String>()
        for layer in graph.layers where !layer.isDead {
            let g = network.gradients[layer.id]
            for (name, gradient) in [("weights", g.weights), ("bias", g.bias), ("gamma", g.gamma), ("beta", g.beta)] {
                guard let gradient else { continue }
                let scale = max((0..<gradient.count).map { abs(Double(gradient.baseAddress[$0])) }.max()!, 1e-4)
                for _ in 0..<3 {
                    let i = rng.int(below: gradient.count)
                    let original = reference.values[layer.id]![name]![i], h = 1e-5
                    reference.values[layer.id]![name]![i] = original + h
                    let plus = reference.loss(input: input, labels: labels, smoothing: 0.1)
                    reference.values[layer.id]![name]![i] = original - h
                    let minus = reference.loss(input: input, labels: labels, smoothing: 0.1)
                    reference.values[layer.id]![name]![i] = original
                    let numeric = (plus - minus) / (2 * h)
                    worst = max(worst, abs(numeric - Double(gradient.baseAddress[i])) / scale)
                }
                checked.insert("\(layer.op)".prefix { $0 != "(" } + ".\(name)")
            }
        }
        return (worst, checked)
    }

    @Test func cellOpsIncludingPoolsAndSkips() throws {
        let result = try worstError(TinySpaces.cell, arch: "|nor_conv_3x3~0|+|max_pool_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|", seed: 1)
        #expect(result.error < 2e-3)
        #expect(result.checked.isSuperset(of: ["convolution.weights", "batchNorm.gamma", "batchNorm.beta", "linear.weights", "linear.bias"]))
    }

    @Test func cellWithDeadEdgesAndZeroNodes() throws {
        #expect(try worstError(TinySpaces.cell, arch: "|nor_conv_1x1~0|+|none~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|", seed: 2).error < 2e-3)
    }

    @Test func elasticBlocksWithSqueezeExciteAndHardSwish() throws {
        let result = try worstError(TinySpaces.elastic, arch: "r8|k5e3,k3e2|k3e3,k5e2", seed: 3)
        #expect(result.error < 2e-3)
        #expect(result.checked.contains("convolution.bias"))
    }

    @Test func groupedConvolutionsAndChannelShuffle() throws {
        #expect(try worstError(TinySpaces.chain, arch: "k3_e2_g2-skip-k3_e2_g2", seed: 4).error < 2e-3)
    }
}
