@testable import FathomMeasure
import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Foundation
import Testing

@Suite struct LayerProfileTests {
    static let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"

    func network() throws -> InferenceNetwork {
        let space = try SearchSpace.load("fmnist-cell")
        let graph = try NetworkGraph(space: space, arch: try space.parse(Self.arch))
        return InferenceNetwork(graph: graph, parameters: NetworkParameters(graph: graph, seed: 0), batch: 1, pool: ThreadPool(threadCount: 1))
    }

    @Test func totalsPerOpKindAndTheRatio() {
        let profile = LayerProfile(layers: [LayerTiming(name: "a", op: "conv", medianMs: 2, p10Ms: 1, p90Ms: 3),
                                            LayerTiming(name: "b", op: "relu", medianMs: 0.5, p10Ms: 0.4, p90Ms: 0.6),
                                            LayerTiming(name: "c", op: "conv", medianMs: 1, p10Ms: 1, p90Ms: 1)], runs: 10, networkMs: 4)
        #expect(profile.sumOfLayersMs == 3.5 && profile.ratio == 0.875)
        #expect(profile.byOp == [OpKindTotal(op: "conv", layers: 2, totalMs: 3), OpKindTotal(op: "relu", layers: 1, totalMs: 0.5)])
    }

    @Test func stepsKeepTheirLayersAndFoldedNormsDisappear() throws {
        let network = try network()
        let ids = network.stepLayerIDs
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        let kinds = Set(ids.map { network.graph.layers[$0].op.kind })
        #expect(kinds.contains("conv") && kinds.contains("relu") && !kinds.contains("input"))
        // Folded norms and the input compile to no step.
        #expect(ids.count < network.graph.liveLayers.count)
    }

    @Test func everyLayerIsTimedBetweenClockReads() throws {
        let clock = ScriptedClock()
        // Every read advances 1 ms, so each step measures exactly 1 ms.
        let reading: @Sendable () -> UInt64 = { clock.advance(ms: 1); return clock.read() }
        var policy = TimingPolicy()
        policy.warmupSeconds = 0
        let network = try network()
        let profile = try LayerProfiler(timer: Timer(policy: policy, clock: reading), clock: reading).profile(network, networkMs: 2)
        #expect(profile.layers.count == network.stepLayerIDs.count)
        #expect(profile.layers.allSatisfy { $0.medianMs == 1 })
        #expect(profile.layers.map(\.name) == network.stepLayerIDs.map { network.graph.layers[$0].name })
        #expect(profile.runs >= policy.minRuns && profile.networkMs == 2)
    }
}

@Suite struct HELPLayoutTests {
    @Test func cellSpacesWriteArchIndexArchStringAndTheDevice() throws {
        let space = try SearchSpace.load("nasbench201")
        let arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
        var m = Fixtures.measurement(arch: arch, ms: 2.5)
        m.space = "nasbench201"
        var other = m
        other.arch = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
        let text = try HELPLayout.csv(space: space, column: "dev1", measurements: [m, other]) { $0 == (try? space.parse(arch)) ? 1 : nil }
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "arch_index,arch_string,dev1")
        #expect(lines[1].hasPrefix("1,\(arch),") && lines[2].hasPrefix(",|none~0|"))
    }

    @Test func elasticSpacesWriteKsEDR() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        let arch = "r188|k3e4,k7e6,k5e4,k7e6|k3e3,k5e4|k3e4,k3e4|k7e3,k3e6,k3e6,k7e6|k3e4,k7e6"
        var m = Fixtures.measurement(arch: arch, ms: 9)
        m.space = "ofa-mbv3"
        let text = try HELPLayout.csv(space: space, column: "dev1", measurements: [m]) { _ in nil }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "arch_index,ks,e,d,r,dev1")
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(fields[0] == "" && fields[3] == "4 2 2 4 2" && fields[4] == "188")
        func ints(_ s: String) -> [Int] { s.split(separator: " ").compactMap { Int($0) } }
        let back = try space.elasticArchitecture(kernels: ints(fields[1]), expands: ints(fields[2]), depths: ints(fields[3]), resolution: 188)
        #expect(space.format(back) == arch)
    }
}
