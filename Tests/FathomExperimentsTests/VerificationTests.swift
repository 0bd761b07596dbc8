import FathomExperiments
import FathomSearch
import FathomSpaces
import Foundation
import Testing

/// A latency source over NAS-Bench-201 given by a function of the architecture.
fileprivate struct FunctionLatency: LatencySource {
    let id: String
    let ms: (Architecture) -> Double
    func latency(of arch: Architecture) throws -> LatencyEstimate { LatencyEstimate(ms: ms(arch), origin: .table(column: id)) }
}

/// Accuracy: the number of 3×3 convolutions, plus the genes read as a base-5 number times 1e-6, so no two
/// architectures tie.
fileprivate struct ConvCountAccuracy: AccuracySource {
    let id = "conv-count"
    func accuracy(of arch: Architecture) throws -> Double {
        arch.genes.reduce(0) { $0 * 5 + Double($1) } * 1e-6 + Double(arch.genes.filter { $0 == 3 }.count)
    }
}

@Suite struct VerificationTests {
    let space: SearchSpace
    /// What the search sees: 1 ms per 3×3 convolution.
    fileprivate let predicted: FunctionLatency
    init() throws {
        space = try SearchSpace.load("nasbench201")
        predicted = FunctionLatency(id: "predicted") { arch in Double(arch.genes.filter { $0 == 3 }.count) }
    }

    func search(budget: Double) throws -> SearchResult {
        try SearchStrategies.named("evolution").search(SearchRequest(space: space, latencyBudgetMs: budget, queries: 200, seed: 4),
                                                       accuracy: ConvCountAccuracy(), latency: predicted)
    }

    @Test func anAnswerThatHoldsIsKept() throws {
        let result = try search(budget: 3)
        let verification = try AnswerVerifier(truth: predicted, space: space, budgetMs: 3, strict: false).verify(result)
        #expect(verification.chosen.arch == result.best.arch && !verification.replaced && verification.checks.count == 1)
    }

    @Test func anAnswerOverBudgetOnTheDeviceIsReplacedByTheBestThatHolds() throws {
        let result = try search(budget: 3)
        // The device is slower than predicted on the search's answer and on the next most accurate candidate.
        let ranked = result.history.filter(\.feasible).sorted { ($0.accuracy ?? 0) > ($1.accuracy ?? 0) }
        let slow = Set(ranked.prefix(2).map(\.arch))
        #expect(slow.contains(result.best.arch))
        let truth = FunctionLatency(id: "device") { arch in predicted.ms(arch) + (slow.contains(arch) ? 2 : 0) }
        var seen: [VerificationCheck] = []
        let verification = try AnswerVerifier(truth: truth, space: space, budgetMs: 3, strict: false).verify(result) { seen.append($0) }
        #expect(verification.replaced && verification.source == "device" && verification.checks.count == 3)
        #expect(verification.chosen.latency.ms <= 3 && verification.chosen.arch != result.best.arch)
        #expect(seen.count == verification.checks.count && seen.dropLast().allSatisfy { !$0.withinBudget })
        // The replacement is the most accurate queried candidate that holds on the device.
        let holding = result.history.filter { $0.feasible && $0.accuracy != nil && (try? truth.latency(of: $0.arch).ms) ?? .infinity <= 3 }
        #expect(verification.chosen.accuracy == holding.compactMap(\.accuracy).max())
    }

    @Test func noCandidateHoldingIsNoFeasibleArchitecture() throws {
        let result = try search(budget: 3)
        let truth = FunctionLatency(id: "device") { _ in 50 }
        #expect(throws: ExperimentError.self) { try AnswerVerifier(truth: truth, space: space, budgetMs: 3, strict: false).verify(result) }
    }

    @Test func predictorModelsBecomeLatencySources() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-proxy-\(UUID().uuidString).json").path
        try Data(#"{"kind": "proxy", "space": "nasbench201", "model": {"proxy": "flops", "slope": 1e-8, "intercept": 0.5}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let factory = SourceFactory(space: space)
        let source = try factory.latencySource("predictor:\(file)")
        let arch = try space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        let estimate = try source.latency(of: arch)
        // All-conv3×3 is 220.11969 MFLOPs (NAS-Bench-201's count).
        #expect(abs(estimate.ms - (0.5 + 220.11969e6 * 1e-8)) < 1e-9)
        guard case let .predicted(model) = estimate.origin else { Issue.record("not predicted: \(estimate)"); return }
        #expect(model.hasPrefix("flops:") && source.id == "predictor:\(file)")
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-proxy-\(UUID().uuidString).json").path
        try Data(#"{"kind": "proxy", "space": "fbnet", "model": {"proxy": "flops", "slope": 1e-8, "intercept": 0.5}}"#.utf8)
            .write(to: URL(fileURLWithPath: other))
        #expect { try factory.latencySource("predictor:\(other)") } throws: { "\($0)".contains("fbnet") }
        #expect(throws: ExperimentError.self) { try factory.verificationSource("predictor:\(file)", latency: "measure") }
    }
}
