import FathomSpaces
import Foundation
import Testing
@testable import FathomPredict

/// The predictors behind ``LatencyPredictor`` on a synthetic device whose latency is a known function of the
/// architecture, their model files, and a tiny meta-training.
@Suite struct PredictorTests {
    static let nasbench201 = Result { try SearchSpace.load("nasbench201") }

    /// A synthetic device: 1 ms plus 2 ms per 3×3 conv and 0.5 ms per 1×1 conv.
    func syntheticLatency(_ arch: Architecture) -> Double {
        arch.genes.reduce(1.0) { sum, op in sum + (op == 3 ? 2 : op == 2 ? 0.5 : 0) }
    }

    func archs(_ count: Int, seed: UInt64) throws -> [Architecture] {
        try Self.nasbench201.get().sample(count: count, seed: seed)
    }

    @Test func gcnLearnsAKnownLatencyFunction() throws {
        let space = try Self.nasbench201.get()
        let training = try archs(40, seed: 1), test = try archs(100, seed: 2)
        let gcn = try GCNPredictor(space: space, archs: training, latencies: training.map(syntheticLatency), device: "synthetic",
                                   settings: .init(hidden: 16, epochs: 100, learningRate: 1e-2), seed: 3)
        let predicted = try gcn.predict(test)
        #expect(RankMetrics.spearman(predicted, test.map(syntheticLatency)) > 0.9)
        #expect(RankMetrics.meanAbsolutePercentageError(predicted, test.map(syntheticLatency)) < 0.15)
    }

    @Test func proxyLineTurnsFLOPsIntoMilliseconds() throws {
        let space = try Self.nasbench201.get()
        let training = try archs(20, seed: 4)
        let flops = try training.map { try ProxyPredictor.Proxy.flops.value($0, in: space) }
        let proxy = try ProxyPredictor(proxy: .flops, space: space, archs: training, latencies: flops.map { 3 + 2e-8 * $0 })
        let slopeError: Double = abs(proxy.model.slope - 2e-8), interceptError: Double = abs(proxy.model.intercept - 3)
        #expect(slopeError < 1e-12)
        #expect(interceptError < 1e-6)
        // A proxy anti-correlated with the samples still ranks as the proxy does.
        let reversed = try ProxyPredictor(proxy: .flops, space: space, archs: training, latencies: flops.map { 10 - 1e-8 * $0 })
        #expect(RankMetrics.spearman(try reversed.predict(training), flops) == 1)
    }

    @Test func modelFilesRoundTripAndRefuseAnotherSpace() throws {
        let space = try Self.nasbench201.get()
        let training = try archs(12, seed: 5)
        let mlp = try MLPPredictor(space: space, archs: training, latencies: training.map(syntheticLatency), device: "synthetic",
                                   settings: .init(hidden: [8], epochs: 5), seed: 6)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-mlp-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PredictorFile.save(mlp, to: path)
        let loaded = try PredictorFile.load(path, space: space)
        #expect(loaded.id == "mlp")
        #expect(try loaded.predict(training) == mlp.predict(training))
        let fbnet = try SearchSpace.load("fbnet")
        #expect(throws: PredictError.modelForAnotherSpace(file: path, modelSpace: "nasbench201", expected: "fbnet")) {
            try PredictorFile.load(path, space: fbnet)
        }
        #expect(throws: PredictError.wrongModelKind(file: path, kind: "mlp", expected: "a 'help-meta' model")) {
            try MetaLearnedModel.load(path)
        }
    }

    @Test func tinyMetaTrainingLowersTheQueryLoss() throws {
        let space = try Self.nasbench201.get()
        let archs = try self.archs(300, seed: 7)
        // Three synthetic devices: different weights per op, plus HELP's index layout (pool 0..<200, queries 200..<300).
        let weights: [[Double]] = [[0, 0.1, 0.5, 2, 0.3], [0, 0.2, 1, 1.5, 0.8], [0, 0.05, 0.3, 3, 0.2]]
        var csv = "arch_index,arch_string,a,b,c\n"
        for (index, arch) in archs.enumerated() {
            let latencies: [Double] = weights.map { w in arch.genes.reduce(1.0) { $0 + w[$1] } }
            csv += "\(index),\(space.format(arch)),\(latencies.map { String($0) }.joined(separator: ","))\n"
        }
        let table = try LatencyTable(csvText: csv, name: "synthetic.csv")
        let split = HELPProtocol(space: .nasbench201)
        let data = try MetaLearningData(table: table, space: space, split: split.with(pool: 0..<200, queries: 200..<300),
                                        referenceArchIndices: Array(0..<5))
        var settings = MetaLearnedModel.Settings()
        settings.hidden = 8
        settings.episodes = 20
        settings.tasksPerEpisode = 2
        settings.querySize = 30
        settings.mcSamples = 2
        settings.metaLearningRate = 3e-3
        settings.supportSize = 5
        var losses: [Float] = []
        _ = try MetaTrainer.train(data: data, trainDevices: ["a", "b"], validDevices: [], settings: settings, setting: .strict, seed: 1) {
            losses.append($0.queryLoss)
        }
        #expect(losses.count == 20)
        let first: Float = losses.prefix(5).reduce(0, +), last: Float = losses.suffix(5).reduce(0, +)
        #expect(last < 0.75 * first)
    }
}
