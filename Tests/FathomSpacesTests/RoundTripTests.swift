import FathomSpaces
import Testing

/// Every architecture in HELP's CSVs parses, prints and parses again to the same architecture.
@Suite struct RoundTripTests {
    @Test func nasbench201AllRows() throws {
        let space = try SearchSpace.load("nasbench201")
        let strings = try HELPData("nasbench201/latency.csv").column("arch_string")
        #expect(strings.count == 15625)
        var seen = Set<Architecture>()
        for text in strings {
            let arch = try space.parse(text)
            #expect(space.format(arch) == text)
            #expect(try space.parse(space.format(arch)) == arch)
            seen.insert(arch)
        }
        #expect(seen.count == 15625)
        for file in ["nasbench201/accuracy.csv", "nasbench201/hardware_embedding_index.csv", "nasbench201/metad2a_candidates.csv"] {
            let strings = try HELPData(file).column("arch_string")
            #expect(!strings.isEmpty)
            for text in strings {
                #expect(space.format(try space.parse(text)) == text)
            }
        }
    }

    @Test func fbnetAllRows() throws {
        let space = try SearchSpace.load("fbnet")
        let data = try HELPData("fbnet/latency.csv")
        let vocabulary = try HELPData("fbnet/op_vocabulary.csv").column("op_name")
        for (text, indices) in zip(data.column("arch_string"), data.column("op_indices")) {
            let arch = try space.parse(text)
            #expect(space.format(arch) == text)
            #expect(try space.parse(space.format(arch)) == arch)
            // The gene values are HELP's op indices: our op order is HELP's vocabulary.
            #expect(arch.genes == indices.split(separator: " ").map { Int($0)! })
        }
        #expect(data.rows.count == 5000)
        if case let .chain(chain) = space.family { #expect(chain.ops.map(\.name) == vocabulary) }
        for text in try HELPData("fbnet/hardware_embedding_index.csv").column("arch_string") {
            #expect(space.format(try space.parse(text)) == text)
        }
    }

    @Test func ofaAllRows() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        for (file, rows) in [("ofa/latency.csv", 5000), ("ofa/hardware_embedding_index.csv", 10)] {
            let data = try HELPData(file)
            #expect(data.rows.count == rows)
            for (((ks, e), d), r) in zip(zip(zip(data.column("ks"), data.column("e")), data.column("d")), data.column("r")) {
                func ints(_ s: String) -> [Int] { s.split(separator: " ").map { Int($0)! } }
                let arch = try space.elasticArchitecture(kernels: ints(ks), expands: ints(e), depths: ints(d), resolution: Int(r)!)
                let text = space.format(arch)
                #expect(try space.parse(text) == arch)
                #expect(text.split(separator: "|").count == 6)
                #expect(text.split(separator: ",").count == ints(d).reduce(0, +) - 4)
            }
        }
    }

    @Test func inactiveSlotsDoNotChangeTheArchitecture() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        let ks = [Int](repeating: 3, count: 20), es = [Int](repeating: 4, count: 20)
        var ks2 = ks
        ks2[3] = 7  // slot 3 of stage 0, inactive at depth 2
        let a = try space.elasticArchitecture(kernels: ks, expands: es, depths: [2, 3, 4, 2, 2], resolution: 224)
        let b = try space.elasticArchitecture(kernels: ks2, expands: es, depths: [2, 3, 4, 2, 2], resolution: 224)
        #expect(a == b)
        #expect(space.format(a) == "r224|k3e4,k3e4|k3e4,k3e4,k3e4|k3e4,k3e4,k3e4,k3e4|k3e4,k3e4|k3e4,k3e4")
    }
}
