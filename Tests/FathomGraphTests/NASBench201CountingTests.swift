import FathomGraph
import FathomSpaces
import Testing

/// NAS-Bench-201's FLOPs and parameters, recomputed for all 15625 cells from a naive closed-form reference written
/// straight from `TinyNetwork` (stem, 3 stages × 5 cells, 2 ResNet reductions, head), and compared with the IR.
@Suite struct NASBench201CountingTests {
    /// Channels and feature-map side of each stage (CIFAR-10, C = 16).
    static let stages = [(c: 16, h: 32), (c: 32, h: 16), (c: 64, h: 8)]
    static let ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    static let edges = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]  // (to, from) in string order

    /// Stem, the two reductions and the head, which every architecture has.
    static var base: (flops: Int, params: Int) {
        var flops = 16 * 32 * 32 * 3 * 9, params = 16 * 3 * 9 + 2 * 16
        for (prev, next) in zip(stages, stages.dropFirst()) {
            let outputs = next.c * next.h * next.h
            flops += outputs * prev.c * 9 + outputs * next.c * 9 + outputs * prev.c   // conv_a, conv_b, shortcut conv
            params += next.c * prev.c * 9 + 2 * next.c + next.c * next.c * 9 + 2 * next.c + next.c * prev.c
        }
        flops += 64 * 10 + 10
        params += 2 * 64 + 64 * 10 + 10
        return (flops, params)
    }

    static func edgeCost(op: String, c: Int, h: Int) -> (flops: Int, params: Int) {
        switch op {
        case "nor_conv_1x1": return (c * c * h * h, c * c + 2 * c)
        case "nor_conv_3x3": return (9 * c * c * h * h, 9 * c * c + 2 * c)
        default: return (0, 0)
        }
    }

    /// Edges whose target node reaches node 3 through non-`none` edges, and whether node 0 does.
    static func liveness(_ ops: [String]) -> (liveEdges: [Bool], inputReachesOutput: Bool) {
        var reaches = [false, false, false, true]
        for node in [2, 1, 0] {
            reaches[node] = edges.indices.contains { edges[$0].1 == node && ops[$0] != "none" && reaches[edges[$0].0] }
        }
        return (edges.indices.map { ops[$0] != "none" && reaches[edges[$0].0] }, reaches[0])
    }

    @Test func allArchitecturesMatchTheReference() throws {
        let space = try SearchSpace.load("nasbench201")
        var rng = SeededGenerator(seed: 0)
        var disconnected = 0
        for index in 0..<15625 {
            var rest = index
            let ops = (0..<6).map { _ -> String in defer { rest /= 5 }; return Self.ops[rest % 5] }
            let text = "|\(ops[0])~0|+|\(ops[1])~0|\(ops[2])~1|+|\(ops[3])~0|\(ops[4])~1|\(ops[5])~2|"
            let graph = try NetworkGraph(space: space, arch: try space.parse(text))
            var flops = Self.base.flops, params = Self.base.params
            var liveFlops = Self.base.flops, lastCellLiveFlops = 0
            let (live, connected) = Self.liveness(ops)
            for stage in Self.stages {
                for (e, op) in ops.enumerated() {
                    let cost = Self.edgeCost(op: op, c: stage.c, h: stage.h)
                    flops += 5 * cost.flops
                    params += 5 * cost.params
                    if live[e] {
                        liveFlops += 5 * cost.flops
                        if stage.c == 64 { lastCellLiveFlops += cost.flops }
                    }
                }
            }
            if !connected {
                disconnected += 1
                liveFlops = 64 * 10 + 10 + lastCellLiveFlops
            }
            #expect(graph.flops == flops, "\(text)")
            #expect(graph.parameters == params, "\(text)")
            #expect(graph.liveFlops == liveFlops, "\(text)")
            if rng.int(below: 500) == 0 { #expect(graph.layers[graph.output].shape == TensorShape(channels: 10, height: 1, width: 1)) }
        }
        #expect(disconnected == 341)
    }

    @Test func publishedFigures() throws {
        let space = try SearchSpace.load("nasbench201")
        let conv = try NetworkGraph(space: space, arch: try space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"))
        #expect(conv.flops == 220_119_690 && conv.parameters == 1_531_546)
        let none = try NetworkGraph(space: space, arch: try space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"))
        #expect(none.flops == 7_783_050 && none.parameters == 73_306)
    }

    @Test func deadEdgesAreMarked() throws {
        let space = try SearchSpace.load("nasbench201")
        // Node 1 feeds only node 2, and node 2 has no edge into node 3: edges 1<-0, 2<-0, 2<-1 are dead.
        let graph = try NetworkGraph(space: space, arch: try space.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|"))
        let dead = Set(graph.layers.filter(\.isDead).map(\.name))
        #expect(dead.contains("stage0.cell0.edge1<-0.conv") && dead.contains("stage2.cell4.edge2<-1.bn"))
        #expect(dead.contains("stage1.cell2.node2.sum"))
        #expect(!dead.contains("stage0.cell0.edge3<-0.conv") && !dead.contains("stem.conv") && !dead.contains("head.classifier"))
        #expect(graph.liveFlops < graph.flops)
    }
}
