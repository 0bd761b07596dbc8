import FathomGraph
import FathomSpaces
import Testing

@Suite struct FamilyGraphTests {
    @Test(arguments: SearchSpace.builtInNames) func everySampleBuildsWithConsistentShapes(_ name: String) throws {
        let space = try SearchSpace.load(name)
        for arch in space.sample(count: 20, seed: 9) {
            let graph = try NetworkGraph(space: space, arch: arch)
            #expect(graph.layers[graph.output].shape == TensorShape(channels: space.classes, height: 1, width: 1))
            for layer in graph.layers {
                #expect(layer.inputs.allSatisfy { $0 < layer.id })
                if case .add = layer.op { #expect(layer.inputs.allSatisfy { graph.layers[$0].shape == layer.shape }) }
            }
            #expect(Set(graph.layers.map(\.name)).count == graph.layers.count)
            #expect(graph.flops > 0 && graph.parameters > 0)
            if case .cell = space.family {} else { #expect(graph.liveFlops == graph.flops) }
        }
    }

    /// `SearchSpace.liveEquivalent` sets to none exactly the edges whose layers the graph marks dead or constant: the
    /// mapped cell's FLOPs (every layer live and input-dependent) equal the original's input-dependent FLOPs, on every
    /// NAS-Bench-201 cell whose output is connected to its input. (A cut-off cell outputs a constant, which makes the
    /// whole network before it dead.)
    @Test func liveEquivalentCellsCountTheLiveFLOPs() throws {
        let space = try SearchSpace.load("nasbench201")
        var connected = 0
        for index in 0..<15625 {
            var genes: [Int] = [], rest = index
            for _ in 0..<6 { genes.append(rest % 5); rest /= 5 }
            let arch = Architecture(genes: genes)
            // Edges (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2); op 0 is none.
            let node1 = genes[0] != 0, node2 = genes[1] != 0 || (node1 && genes[2] != 0)
            guard genes[3] != 0 || (node1 && genes[4] != 0) || (node2 && genes[5] != 0) else { continue }
            connected += 1
            let original = try NetworkGraph(space: space, arch: arch), mapped = try NetworkGraph(space: space, arch: space.liveEquivalent(arch))
            #expect(mapped.flops == original.inputDependentFlops && mapped.inputDependentFlops == mapped.flops, "\(space.format(arch))")
        }
        #expect(connected == 15625 - 341, "HELP's README counts 341 cut-off cells")
    }

    @Test func fbnetLayerCostsMatchHandCounts() throws {
        let space = try SearchSpace.load("fbnet")
        let ops = ["k3_e1"] + Array(repeating: "k5_e6", count: 4) + ["k3_e1_g2"] + Array(repeating: "skip", count: 16)
        let graph = try NetworkGraph(space: space, arch: try space.parse(ops.joined(separator: "-")))
        func flops(_ prefix: String) -> Int { graph.layers.filter { $0.name.hasPrefix(prefix + ".") }.reduce(0) { $0 + graph.flops(of: $1) } }
        // layer0, k3_e1, 16→16 at 32×32: pw 16·16, dw 16·9, pwl 16·16 per pixel.
        #expect(flops("layer0") == 1024 * (256 + 144 + 256))
        // layer1, k5_e6, 16→24 at 32×32: mid 96; pw 16·96, dw 96·25, pwl 96·24.
        #expect(flops("layer1") == 1024 * (16 * 96 + 96 * 25 + 96 * 24))
        // layer5, k3_e1_g2, 24→32 with stride 2: pw 24→24 in 2 groups at 32×32, dw at 16×16, pwl 24→32 in 2 groups.
        #expect(flops("layer5") == 1024 * 24 * 12 + 256 * 24 * 9 + 256 * 32 * 12)
        #expect(graph.layers.contains { $0.name == "layer5.shuffle" })
        // layer9 (first of stage 3, 32→64, stride 2) is a skip with a shape change: 1×1 conv/s2 + BN + ReLU.
        #expect(flops("layer9") == 8 * 8 * 64 * 32)
        #expect(graph.layers.filter { $0.name.hasPrefix("layer10.") }.isEmpty)  // same-shape skip: no layer at all
    }

    @Test func ofaChannelsFollowMakeDivisible() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        guard case let .elastic(elastic) = space.family else { Issue.record("ofa-mbv3 is not elastic"); return }
        #expect([16, 24, 40, 80, 112, 160, 960, 1280].map { elastic.makeDivisible(Double($0) * 1.2) } == [24, 32, 48, 96, 136, 192, 1152, 1536])
        let graph = try NetworkGraph(space: space, arch: try space.parse("r224|k3e6,k3e6|k5e4,k5e4,k5e4|k7e3,k7e3|k3e3,k3e3|k3e6,k3e6"))
        let shapes = Dictionary(uniqueKeysWithValues: graph.layers.map { ($0.name, $0.shape) })
        #expect(shapes["stem.conv"] == TensorShape(channels: 24, height: 112, width: 112))
        #expect(shapes["block0.expand.conv"] == TensorShape(channels: 144, height: 112, width: 112))   // 24 · 6
        #expect(shapes["block2.se.reduce"] == TensorShape(channels: 32, height: 1, width: 1))         // mid 128 / 4
        #expect(shapes["final_expand.conv"] == TensorShape(channels: 1152, height: 7, width: 7))
        #expect(shapes["feature_mix.conv"] == TensorShape(channels: 1536, height: 1, width: 1))
        #expect(graph.layers.contains { $0.name == "block1.add" } && !graph.layers.contains { $0.name == "block0.add" })
    }
}

/// Totals from an independent calculator written while reading HW-NAS-Bench's `FBNet_Infer` and OFA's
/// `OFAMobileNetV3` (search-spaces/VERIFIED.md); OFA's were given to two decimals.
@Suite struct PublishedTotalsTests {
    @Test(arguments: [("k3_e1", 31_322_340, 1_170_676), ("k5_e6", 160_926_180, 3_749_652), ("skip", 11_609_060, 780_660)])
    func fbnetUniformArchitectures(op: String, flops: Int, params: Int) throws {
        let space = try SearchSpace.load("fbnet")
        let graph = try NetworkGraph(space: space, arch: try space.parse(Array(repeating: op, count: 22).joined(separator: "-")))
        #expect(graph.flops == flops && graph.parameters == params)
    }

    @Test func ofaLargestAndSmallestSubnets() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        func stats(_ block: String, _ depth: Int) throws -> (Double, Double) {
            let stage = Array(repeating: block, count: depth).joined(separator: ",")
            let graph = try NetworkGraph(space: space, arch: try space.parse("r224|" + Array(repeating: stage, count: 5).joined(separator: "|")))
            return (Double(graph.flops) / 1e6, Double(graph.parameters) / 1e6)
        }
        let largest = try stats("k7e6", 4), smallest = try stats("k3e3", 2)
        #expect(abs(largest.0 - 843.1) < 0.05 && abs(largest.1 - 10.70) < 0.005)
        #expect(abs(smallest.0 - 193.1) < 0.05 && abs(smallest.1 - 4.60) < 0.005)
    }
}
