import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Testing

@Suite struct InferenceNetworkTests {
    /// Parameters with non-trivial batch-norm statistics, so that folding is really exercised.
    static func parameters(_ graph: NetworkGraph, seed: UInt64) -> NetworkParameters {
        let parameters = NetworkParameters(graph: graph, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1)
        for p in parameters.layers {
            for (buffer, low, high) in [(p.gamma, 0.5, 1.5), (p.beta, -0.2, 0.2), (p.runningMean, -0.2, 0.2), (p.runningVariance, 0.5, 2.0)] {
                guard let buffer else { continue }
                for i in 0..<buffer.count { buffer.baseAddress[i] = Float(low + (high - low) * rng.unit()) }
            }
            if let bias = p.bias { for i in 0..<bias.count { bias.baseAddress[i] = Float(rng.unit() - 0.5) * 0.2 } }
        }
        return parameters
    }

    func compare(space name: String, arch text: String? = nil, batch: Int, seed: UInt64, dropDead: Bool = true) throws -> Double {
        let space = try SearchSpace.load(name)
        let arch = try text.map(space.parse) ?? space.sample(count: 1, seed: seed)[0]
        let graph = try NetworkGraph(space: space, arch: arch)
        let parameters = Self.parameters(graph, seed: seed)
        let network = InferenceNetwork(graph: graph, parameters: parameters, batch: batch, dropDeadLayers: dropDead, pool: ThreadPool(threadCount: 2))
        var rng = SeededGenerator(seed: 99)
        let count = batch * graph.inputShape.count
        let input = (0..<count).map { _ in rng.unit() * 2 - 1 }
        for i in 0..<count { network.input[i] = Float(input[i]) }
        network.run()
        network.run()  // a second run must see the same input and constants as the first
        let expected = ReferenceEvaluator(graph: graph, parameters: parameters, batch: batch).run(input: input)
        let scale = max(expected.map(abs).max() ?? 1, 1e-3)
        return (0..<expected.count).map { abs(Double(network.output[$0]) - expected[$0]) / scale }.max() ?? 0
    }

    /// The graph of `arch` and its network with seeded (unfolded) parameters.
    func build(space name: String, arch: String, batch: Int, seed: UInt64, threads: Int) throws -> (NetworkGraph, InferenceNetwork) {
        let space = try SearchSpace.load(name)
        let graph = try NetworkGraph(space: space, arch: try space.parse(arch))
        return (graph, InferenceNetwork(graph: graph, parameters: NetworkParameters(graph: graph, seed: seed), batch: batch,
                                        pool: ThreadPool(threadCount: threads)))
    }

    @Test(arguments: [1, 2, 3]) func fmnistCellMatchesTheReference(seed: UInt64) throws {
        #expect(try compare(space: "fmnist-cell", batch: 2, seed: seed) < 1e-4)
    }

    @Test(arguments: [1, 2]) func fmnistMBV3MatchesTheReference(seed: UInt64) throws {
        #expect(try compare(space: "fmnist-mbv3", batch: 1, seed: seed) < 1e-4)
    }

    @Test func groupedShuffledFBNetLayersMatchTheReference() throws {
        let ops = ["k3_e1_g2", "k5_e1_g2", "k3_e3", "skip", "k5_e6"] + Array(repeating: "skip", count: 17)
        #expect(try compare(space: "fbnet", arch: ops.joined(separator: "-"), batch: 1, seed: 4) < 1e-4)
    }

    @Test func droppingDeadEdgesKeepsTheOutput() throws {
        // Edge 2<-1 and 2<-0 feed node 2, which never reaches node 3: dead, so dropping them changes nothing.
        let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"
        #expect(try compare(space: "fmnist-cell", arch: arch, batch: 1, seed: 5, dropDead: true) < 1e-4)
        #expect(try compare(space: "fmnist-cell", arch: arch, batch: 1, seed: 5, dropDead: false) < 1e-4)
    }

    @Test func disconnectedCellsGiveAConstantOutput() throws {
        #expect(try compare(space: "fmnist-cell", arch: "|none~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|", batch: 2, seed: 6) < 1e-4)
    }

    /// Node 1 has only a `none` edge, so the convolution and pool out of it are constant: computed once when the
    /// network is built, they run in no step, and the output still matches the reference (which runs every layer).
    @Test func constantEdgesAreFoldedAndKeepTheOutput() throws {
        let arch = "|none~0|+|skip_connect~0|nor_conv_3x3~1|+|none~0|avg_pool_3x3~1|avg_pool_3x3~2|"
        #expect(try compare(space: "fmnist-cell", arch: arch, batch: 2, seed: 7) < 1e-4)
        let (graph, network) = try build(space: "fmnist-cell", arch: arch, batch: 1, seed: 7, threads: 1)
        let constantConvs = graph.layers.filter { layer in
            if case .convolution = layer.op { layer.isConstant } else { false }
        }
        #expect(!constantConvs.isEmpty && constantConvs.allSatisfy { $0.name.contains("edge2<-1") })
        #expect(Set(network.stepLayerIDs).isDisjoint(with: constantConvs.map(\.id)))
        #expect(network.multiplyAdds == graph.inputDependentFlops && graph.inputDependentFlops < graph.liveFlops)
    }

    /// Layers share activation buffers as their lifetimes allow: an all-convolution NAS-Bench-201 network holds far
    /// less than one buffer per layer, and still matches the reference (which keeps every layer's output) on its
    /// second run, so that no step overwrites what a later step of the same run, or the next run, needs.
    @Test func activationBuffersAreSharedAndOutputsStayExact() throws {
        let arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|"
        let (graph, network) = try build(space: "nasbench201", arch: arch, batch: 2, seed: 3, threads: 2)
        let everyLayer = graph.liveLayers.reduce(0) { $0 + 2 * $1.shape.count } * MemoryLayout<Float>.stride
        #expect(network.activationBytes * 4 < everyLayer, "\(network.activationBytes) bytes of activations against \(everyLayer) for one buffer per layer")
        #expect(try compare(space: "nasbench201", arch: arch, batch: 2, seed: 3) < 1e-4)
    }

    /// A cell's ReLU read only by convolutions that take the direct kernel runs in no step of its own (the
    /// convolutions rectify their input), and the output matches the reference: NAS-Bench-201's 3×3 edges at every
    /// ISA, its 1×1 edges with AVX-512.
    /// Node 3 sums a convolution, a 3×3 average pool and a skip: the pool adds into the convolution's buffer (no add
    /// step for them), the skip is added in place, and the output matches the reference.
    @Test func sumOfConvolutionPoolAndSkipIsFused() throws {
        let arch = "|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|"
        #expect(try compare(space: "nasbench201", arch: arch, batch: 2, seed: 9) < 1e-4)
        let (graph, network) = try build(space: "nasbench201", arch: arch, batch: 2, seed: 9, threads: 1)
        let stepped = Set(network.stepLayerIDs)
        let pools = graph.layers.filter { if case .averagePool = $0.op { $0.name.contains("edge") } else { false } }
        #expect(pools.count == 30 && pools.allSatisfy { stepped.contains($0.id) })
        // Node 2 (a pool and a convolution) needs no add step at all where the convolution takes the direct kernel at
        // every ISA (the first stage's 16 channels on 32×32).
        let node2Sums = graph.layers.filter { if case .add = $0.op { $0.name.contains("node2") && $0.shape.height == 32 } else { false } }
        #expect(!node2Sums.isEmpty && node2Sums.allSatisfy { !stepped.contains($0.id) }, "\(node2Sums.map(\.name))")
    }

    @Test func reluBeforeDirectConvolutionsIsFusedIntoThem() throws {
        let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
        #expect(try compare(space: "nasbench201", arch: arch, batch: 2, seed: 8) < 1e-4)
        let (graph, network) = try build(space: "nasbench201", arch: arch, batch: 2, seed: 8, threads: 1)
        let relus = graph.layers.filter { if case .activation(.relu) = $0.op { true } else { false } }
        let fusable = relus.filter { relu in
            graph.layers.filter { $0.inputs.contains(relu.id) }.allSatisfy { reader in
                guard case let .convolution(c) = reader.op else { return false }
                return Conv2D.rectifiesInput(Conv2DShape(batch: 2, inChannels: relu.shape.channels, inHeight: relu.shape.height,
                                                         inWidth: relu.shape.width, outChannels: c.outChannels, kernelSize: c.kernel,
                                                         stride: c.stride, padding: c.padding, groups: c.groups))
            }
        }
        let stepped = Set(network.stepLayerIDs)
        #expect(fusable.count >= 15, "every cell has a 3×3 edge")
        #expect(fusable.allSatisfy { !stepped.contains($0.id) })
    }
}
