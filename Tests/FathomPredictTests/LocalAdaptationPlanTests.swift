import FathomSpaces
import Foundation
import Testing
@testable import FathomPredict

/// What `fathom predictor adapt --local` measures, and that the samples it writes reproduce the adaptation (no
/// timing here: latencies are taken from a HELP device's column).
@Suite struct LocalAdaptationPlanTests {
    /// A small model with HELP's NAS-Bench-201 reference architectures, and the table.
    func problem() throws -> (meta: MetaLearnedModel, space: SearchSpace, table: LatencyTable, references: [Int]) {
        let space = try SearchSpace.load("nasbench201")
        let table = try HELPData.nasbench201.get()
        let references = try HardwareEmbedding.referenceArchIndices(contentsOf: HELPData.path("nasbench201", "hardware_embedding_index.csv"))
        let archs = try table.architectures(in: space)
        var settings = MetaLearnedModel.Settings()
        settings.hidden = 8
        settings.mcSamples = 3
        let meta = try MetaLearnedModel(space: space, references: try references.map { archs[try table.row(ofArchIndex: $0)] },
                                        settings: settings, seed: 1)
        return (meta, space, table, references)
    }

    @Test func measuresTheReferencesFirstThenPoolArchitectures() throws {
        let (meta, space, table, references) = try problem()
        let split = HELPProtocol(space: .nasbench201)
        let plan = try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 10, seed: 0)
        #expect(plan.archIndices == references)
        #expect(plan.archs.map(space.format) == meta.references)

        let larger = try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 16, seed: 0)
        #expect(larger.archIndices.prefix(10).elementsEqual(references))
        let extra = larger.archIndices.dropFirst(10)
        #expect(extra.count == 6 && Set(extra).count == 6)
        #expect(extra.allSatisfy { split.adaptationPool.contains($0) && !references.contains($0) })
        let archs = try table.architectures(in: space)
        #expect(try larger.archIndices.map { archs[try table.row(ofArchIndex: $0)] } == larger.archs)
        #expect(try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 16, seed: 0) == larger)
        #expect(try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 16, seed: 1) != larger)
    }

    @Test func refusesCountsOutsideReferencesAndPool() throws {
        let (meta, space, table, references) = try problem()
        let split = HELPProtocol(space: .nasbench201)
        #expect(throws: PredictError.self) { try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 9, seed: 0) }
        // The pool (arch_index 0..<900) holds 900 architectures; any references among them are not drawn twice.
        let inPool = Set(references.filter { split.adaptationPool.contains($0) }).count
        #expect(throws: Never.self) { try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 910 - inPool, seed: 0) }
        #expect(throws: PredictError.self) { try LocalAdaptationPlan(meta: meta, space: space, table: table, split: split, numSamples: 911 - inPool, seed: 0) }
    }

    @Test func refusesATableWithoutTheReferences() throws {
        let (meta, space, _, references) = try problem()
        let text = "arch_index,arch_string,dev\n0,\(meta.references[0]),1.0\n"
        let table = try LatencyTable(csvText: text, name: "partial.csv")
        #expect(references.count == 10)
        #expect(throws: PredictError.self) {
            try LocalAdaptationPlan(meta: meta, space: space, table: table, split: HELPProtocol(space: .nasbench201), numSamples: 10, seed: 0)
        }
    }

    @Test func samplesInHELPLayoutReproduceTheAdaptation() throws {
        let (meta, space, table, _) = try problem()
        let plan = try LocalAdaptationPlan(meta: meta, space: space, table: table, split: HELPProtocol(space: .nasbench201), numSamples: 13, seed: 2)
        // Stand-in measurements: a HELP device's latencies, perturbed to digits a timer would give.
        let column = try table.latencies(device: "gold_6240")
        let latencies = try plan.archIndices.map { column[try table.row(ofArchIndex: $0)] * 1.0123456789 }
        let direct = try AdaptedMetaPredictor(meta: meta, space: space, device: "here", archs: plan.archs, latencies: latencies, seed: 5)
        // The layout `fathom predictor adapt --local` writes (FathomMeasure's HELPLayout), read as `adapt --samples` reads it.
        let lines = ["arch_index,arch_string,here"] + zip(zip(plan.archIndices, plan.archs), latencies).map { "\($0.0),\(space.format($0.1)),\($1)" }
        let samples = try LatencyTable(csvText: lines.joined(separator: "\n") + "\n", name: "here.samples.csv")
        let reread = try AdaptedMetaPredictor(meta: meta, space: space, device: "here", archs: try samples.architectures(in: space),
                                              latencies: try samples.latencies(device: "here"), seed: 5)
        #expect(reread.model.latencies == direct.model.latencies && reread.model.archs == direct.model.archs)
        let queries = Array(try table.architectures(in: space)[2000..<2050])
        #expect(try reread.predict(queries) == direct.predict(queries))
    }

    /// A device that drops dead layers runs a cell's live equivalent: with `dropsDeadLayers` the predictor gives an
    /// architecture and its live equivalent the same latency, and keeps that through its saved model.
    @Test func aDeviceDroppingDeadLayersIsPredictedOnLiveEquivalents() throws {
        let (meta, space, table, _) = try problem()
        let plan = try LocalAdaptationPlan(meta: meta, space: space, table: table, split: HELPProtocol(space: .nasbench201), numSamples: 10, seed: 0)
        let column = try table.latencies(device: "gold_6240")
        let latencies = try plan.archIndices.map { column[try table.row(ofArchIndex: $0)] }
        let dropping = try AdaptedMetaPredictor(meta: meta, space: space, device: "here", archs: plan.archs, latencies: latencies, seed: 1,
                                                dropsDeadLayers: true)
        let running = try AdaptedMetaPredictor(meta: meta, space: space, device: "here", archs: plan.archs, latencies: latencies, seed: 1)
        #expect(dropping.model.dropsDeadLayers == true && running.model.dropsDeadLayers == nil)
        let withDeadEdges = try space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|nor_conv_3x3~0|none~1|nor_conv_3x3~2|")
        let live = space.liveEquivalent(withDeadEdges)
        #expect(live != withDeadEdges)
        let predicted = try dropping.predict([withDeadEdges, live])
        #expect(predicted[0] == predicted[1])
        let reloaded = try AdaptedMetaPredictor(model: dropping.model, space: space)
        #expect(try reloaded.predict([withDeadEdges]) == [predicted[0]])
    }
}
