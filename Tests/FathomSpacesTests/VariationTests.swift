import FathomSpaces
import Foundation
import Testing

@Suite struct VariationTests {
    static let spaces = SearchSpace.builtInNames

    @Test(arguments: spaces) func sameSeedSameSamplesDifferentSeedsDiffer(_ name: String) throws {
        let space = try SearchSpace.load(name)
        let a = space.sample(count: 50, seed: 3)
        #expect(a == space.sample(count: 50, seed: 3))
        #expect(a != space.sample(count: 50, seed: 4))
        for arch in a {
            #expect(try space.parse(space.format(arch)) == arch)
            #expect(space.canonical(arch.genes) == arch)
        }
    }

    @Test(arguments: spaces) func mutationChangesExactlyOneDecision(_ name: String) throws {
        let space = try SearchSpace.load(name)
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let parent = space.sample(using: &rng)
            let child = space.mutate(parent, using: &rng)
            #expect(child != parent)
            #expect(try space.parse(space.format(child)) == child)
            // One decision changes; a depth change also (de)activates slots, which is not a second decision.
            let bothActive = space.mutableGenes(of: parent).filter { child.genes[$0] >= 0 }
            let changed = bothActive.filter { child.genes[$0] != parent.genes[$0] }
            #expect(changed.count == 1, "\(space.format(parent)) -> \(space.format(child))")
        }
    }

    @Test func nasbench201NeighbourhoodHas24Members() throws {
        let space = try SearchSpace.load("nasbench201")
        let arch = try space.parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|")
        let neighbours = space.neighbours(of: arch)
        #expect(neighbours.count == 24)
        #expect(Set(neighbours).count == 24)
        #expect(neighbours.allSatisfy { n in zip(n.genes, arch.genes).filter { $0 != $1 }.count == 1 })
    }

    @Test func elasticNeighboursRepeatTheLastBlockWhenDeepening() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        let arch = try space.parse("r160|k3e4,k5e6|k3e3,k3e3|k7e6,k7e6|k3e3,k3e3|k5e4,k5e4")
        let neighbours = space.neighbours(of: arch).map(space.format)
        #expect(neighbours.contains("r160|k3e4,k5e6,k5e6,k5e6|k3e3,k3e3|k7e6,k7e6|k3e3,k3e3|k5e4,k5e4"))
        #expect(neighbours.contains("r164|k3e4,k5e6|k3e3,k3e3|k7e6,k7e6|k3e3,k3e3|k5e4,k5e4"))
        // 24 other resolutions, 5 stages × 2 other depths, 10 blocks × (2 kernels + 2 expands).
        #expect(neighbours.count == 24 + 10 + 40)
    }

    @Test(arguments: spaces) func crossoverTakesEachDecisionFromAParent(_ name: String) throws {
        let space = try SearchSpace.load(name)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<100 {
            let a = space.sample(using: &rng), b = space.sample(using: &rng)
            let child = space.crossover(a, b, using: &rng)
            #expect(try space.parse(space.format(child)) == child)
            for i in child.genes.indices where child.genes[i] >= 0 && a.genes[i] >= 0 && b.genes[i] >= 0 {
                #expect(child.genes[i] == a.genes[i] || child.genes[i] == b.genes[i])
            }
        }
    }

    @Test func sizesMatchTheSpaces() throws {
        #expect(try SearchSpace.load("nasbench201").size == 15625)
        #expect(abs(try SearchSpace.load("fbnet").size / pow(9.0, 22) - 1) < 1e-12)
        // OFA: (9² + 9³ + 9⁴)⁵ depth/kernel/expand settings × 25 resolutions.
        #expect(try SearchSpace.load("ofa-mbv3").size == 7371.0 * 7371 * 7371 * 7371 * 7371 * 25)
    }
}

@Suite struct LiveEquivalentTests {
    @Test func deadAndConstantEdgesBecomeNoneAndLiveOnesStay() throws {
        let space = try SearchSpace.load("nasbench201")
        func live(_ text: String) throws -> String { space.format(space.liveEquivalent(try space.parse(text))) }
        // Node 1 feeds nothing that reaches node 3 (edges 2<-1 and 3<-1 are none), so 1<-0 is dead.
        #expect(try live("|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
                == "|none~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
        // Node 1 has only a `none` edge in: the edges out of it carry a constant, folded away like dead ones.
        #expect(try live("|none~0|+|skip_connect~0|nor_conv_3x3~1|+|none~0|avg_pool_3x3~1|avg_pool_3x3~2|")
                == "|none~0|+|skip_connect~0|none~1|+|none~0|none~1|avg_pool_3x3~2|")
        // Node 3 is cut off from everything: every edge is dead.
        #expect(try live("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|")
                == "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
        let connected = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
        #expect(try live(connected) == connected)
        let fbnet = try SearchSpace.load("fbnet")
        let arch = fbnet.sample(count: 1, seed: 3)[0]
        #expect(fbnet.liveEquivalent(arch) == arch)
    }

    @Test func theMappingIsIdempotentAndOnlyRemovesEdges() throws {
        let space = try SearchSpace.load("nasbench201")
        for arch in space.sample(count: 300, seed: 11) {
            let mapped = space.liveEquivalent(arch)
            #expect(space.liveEquivalent(mapped) == mapped)
            #expect(zip(arch.genes, mapped.genes).allSatisfy { $0 == $1 || $1 == 0 })
        }
    }
}
