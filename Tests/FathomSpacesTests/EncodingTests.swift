import FathomSpaces
import Testing

/// The one-hot and graph encodings against HELP's own encoders (`utils.py`: `arch_enc`, `arch_encoding_ofa`,
/// `add_global_node`), transcribed here line by line and run on every architecture of HELP's tables.
@Suite struct EncodingTests {
    /// HELP's `arch_enc`: per FBNet layer [k3, k5, e1, e1_g2, e3, e6] from the op index; 8 (skip) is all zeros.
    func helpFBNetEncoding(_ opIndices: [Int]) -> [Float] {
        opIndices.flatMap { i -> [Float] in
            var onehot = [Float](repeating: 0, count: 6)
            if i == 8 { return onehot }
            onehot[i < 4 ? 0 : 1] = 1
            onehot[2 + i % 4] = 1
            return onehot
        }
    }

    /// HELP's `arch_encoding_ofa`: zero the slots beyond each stage's depth, then ks, e and r one-hots.
    func helpOFAEncoding(ks: [Int], e: [Int], d: [Int], r: Int) -> [Float] {
        var ks = ks, e = e
        for (stage, depth) in d.enumerated() {
            for slot in (stage * 4 + depth)..<(stage * 4 + 4) { ks[slot] = 0; e[slot] = 0 }
        }
        var ksOnehot = [Float](repeating: 0, count: 60), eOnehot = [Float](repeating: 0, count: 60)
        var rOnehot = [Float](repeating: 0, count: 25)
        let ksMap = [3: 0, 5: 1, 7: 2], eMap = [3: 0, 4: 1, 6: 2]
        for i in 0..<20 {
            if ks[i] != 0 { ksOnehot[i * 3 + ksMap[ks[i]]!] = 1 }
            if e[i] != 0 { eOnehot[i * 3 + eMap[e[i]]!] = 1 }
        }
        rOnehot[(r - 128) / 4] = 1
        return ksOnehot + eOnehot + rOnehot
    }

    @Test func nasbench201IsAFlatOneHotOfTheSixEdges() throws {
        let space = try SearchSpace.load("nasbench201")
        #expect(space.oneHotLength == 30)
        let arch = try space.parse("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
        let ones = space.oneHot(arch).indices.filter { space.oneHot(arch)[$0] == 1 }
        #expect(ones == [3, 5, 14, 16, 22, 28])
    }

    @Test func fbnetMatchesHELPsArchEncOnEveryRow() throws {
        let space = try SearchSpace.load("fbnet")
        #expect(space.oneHotLength == 132)
        let data = try HELPData("fbnet/latency.csv")
        for (text, indices) in zip(data.column("arch_string"), data.column("op_indices")) {
            let expected = helpFBNetEncoding(indices.split(separator: " ").map { Int($0)! })
            #expect(space.oneHot(try space.parse(text)) == expected)
        }
    }

    @Test func ofaMatchesHELPsArchEncodingOnEveryRow() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        #expect(space.oneHotLength == 145)
        let data = try HELPData("ofa/latency.csv")
        func ints(_ text: String) -> [Int] { text.split(separator: " ").map { Int($0)! } }
        for (((ks, e), d), r) in zip(zip(zip(data.column("ks"), data.column("e")), data.column("d")), data.column("r")) {
            let arch = try space.elasticArchitecture(kernels: ints(ks), expands: ints(e), depths: ints(d), resolution: Int(r)!)
            #expect(space.oneHot(arch) == helpOFAEncoding(ks: ints(ks), e: ints(e), d: ints(d), r: Int(r)!))
        }
    }

    /// One column per (gene, choice), only active genes set: NB201 as its one-hot, an FBNet layer's op (skip included) as
    /// one choice, an OFA block past its stage's depth all zeros.
    @Test func choiceOneHotSetsOneColumnPerActiveGene() throws {
        let cell = try SearchSpace.load("nasbench201")
        let cellArch = try cell.parse("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
        #expect(cell.choiceOneHot(cellArch) == cell.oneHot(cellArch).map(Double.init))

        let fbnet = try SearchSpace.load("fbnet")
        #expect(fbnet.choiceOneHotLength == 22 * 9)
        for arch in fbnet.sample(count: 5, seed: 3) {
            let vector = fbnet.choiceOneHot(arch)
            #expect(vector.filter { $0 == 1 }.count == 22 && vector.reduce(0, +) == 22)
            for (layer, op) in arch.genes.enumerated() { #expect(vector[layer * 9 + op] == 1) }
        }

        let ofa = try SearchSpace.load("ofa-mbv3")
        let shallow = try ofa.elasticArchitecture(kernels: Array(repeating: 7, count: 20), expands: Array(repeating: 6, count: 20),
                                                  depths: [2, 2, 2, 2, 2], resolution: 224)
        let deep = try ofa.elasticArchitecture(kernels: Array(repeating: 7, count: 20), expands: Array(repeating: 6, count: 20),
                                               depths: [4, 4, 4, 4, 4], resolution: 224)
        let active = (0..<ofa.genes.count).filter { ofa.isActive($0, in: shallow) && shallow.genes[$0] >= 0 }.count
        #expect(ofa.choiceOneHot(shallow).reduce(0, +) == Double(active))
        #expect(ofa.choiceOneHot(deep).reduce(0, +) > ofa.choiceOneHot(shallow).reduce(0, +), "the deeper net sets its extra blocks")
    }

    @Test func nasbench201GraphHasBRPNASsNodesAndHELPsGlobalNode() throws {
        let space = try SearchSpace.load("nasbench201")
        let arch = try space.parse("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
        let graph = try #require(space.cellGraph(arch))
        #expect(graph.nodes == 9 && graph.featureSize == 8)
        // Feature column per node: input 5, the six edge ops, output 6, global 7.
        let columns = (0..<9).map { node in (0..<8).first { graph.features[node * 8 + $0] == 1 }! }
        #expect(columns == [5, 3, 0, 4, 1, 2, 3, 6, 7])
        #expect(graph.features.reduce(0, +) == 9)
        // BRP-NAS's unpruned cell matrix (src → dst), transposed, with self loops and the global row.
        let forward: [(Int, Int)] = [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5), (2, 6), (3, 6), (4, 7), (5, 7), (6, 7)]
        for row in 0..<9 {
            for column in 0..<9 {
                let expected = row == column || row == 8 || forward.contains { $0 == (column, row) }
                #expect(graph.adjacency[row * 9 + column] == (expected ? 1 : 0), "adjacency[\(row)][\(column)]")
            }
        }
    }

    @Test func onlyCellSpacesHaveAGraph() throws {
        let fbnet = try SearchSpace.load("fbnet")
        let arch = try fbnet.parse(Array(repeating: "skip", count: 22).joined(separator: "-"))
        #expect(fbnet.cellGraph(arch) == nil)
        #expect(fbnet.oneHot(arch).allSatisfy { $0 == 0 })
    }
}
