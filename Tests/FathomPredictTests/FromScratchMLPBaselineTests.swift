import Testing
import FathomPredict

/// A flat one-hot of NAS-Bench-201's 6 edges × 5 operations, built from `arch_string` (test-only stand-in for the
/// encoding FathomSpaces will provide).
func nasBench201OneHot(_ archString: String) -> [Float] {
    let operations = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    let edges = archString.split(separator: "|").filter { $0 != "+" }.map { $0.split(separator: "~")[0] }
    precondition(edges.count == 6, "not a NAS-Bench-201 cell: \(archString)")
    var encoding = [Float](repeating: 0, count: 30)
    for (edge, operation) in edges.enumerated() {
        encoding[edge * 5 + operations.firstIndex(of: String(operation))!] = 1
    }
    return encoding
}

@Suite struct FromScratchMLPBaselineTests {
    let settings = FromScratchMLPBaseline.Settings(hidden: [32], epochs: 40, learningRate: 3e-3, batchSize: 10)

    @Test func oneHotEncodesEveryEdge() {
        let encoding = nasBench201OneHot("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
        #expect(encoding.count == 30 && encoding.reduce(0, +) == 6)
        #expect(encoding[4] == 1 && encoding[5 + 2] == 1 && encoding[25 + 1] == 1)
    }

    @Test func learnsToRankNasBench201FromAHundredSamples() throws {
        let table = try HELPData.nasbench201.get()
        let keys = table.archKeys
        let scores = try FromScratchMLPBaseline.evaluate(
            table: table, device: "1080ti_1", protocol: HELPProtocol(space: .nasbench201), numSamples: 100, seed: 1,
            settings: settings, features: { nasBench201OneHot(keys[$0]) })
        #expect(scores.trainingSamples == 100 && scores.testQueries == 800)
        #expect(scores.spearman > 0.8)
        #expect(scores.mape < 0.2)
        #expect(scores.budgetAccuracy > 0.75)
    }

    @Test func seesOnlyItsSamplesFromTheAdaptationPool() throws {
        let table = try HELPData.nasbench201.get()
        let keys = table.archKeys
        let split = HELPProtocol(space: .nasbench201)
        let queries = Set(try split.testRows(device: "pixel3", in: table))
        let pool = Set(try split.adaptationRows(device: "pixel3", in: table))
        var encoded: [Int] = []
        _ = try FromScratchMLPBaseline.evaluate(
            table: table, device: "pixel3", protocol: split, numSamples: 10, seed: 2, settings: settings,
            features: { encoded.append($0); return nasBench201OneHot(keys[$0]) })
        let trainingRows = encoded.filter { !queries.contains($0) }
        #expect(trainingRows.count == 10 && Set(trainingRows).isSubset(of: pool))
    }

    @Test func rejectsMoreSamplesThanThePoolHolds() throws {
        let table = try HELPData.nasbench201.get()
        #expect(throws: PredictError.invalidSampleCount(device: "pixel3", requested: 721, available: 720)) {
            try FromScratchMLPBaseline.evaluate(table: table, device: "pixel3", protocol: HELPProtocol(space: .nasbench201),
                                                numSamples: 721, seed: 0, features: { _ in [0] })
        }
    }
}

@Suite struct PredictorScoresTests {
    @Test func scoresAgainstTheMedianBudget() {
        let scores = PredictorScores(device: "cpu", trainingSamples: 3, predicted: [1, 2, 3.3, 5], actual: [1, 2, 3, 4])
        #expect(scores.budget == 2.5 && scores.budgetAccuracy == 1 && scores.spearman == 1 && scores.kendall == 1)
        #expect(abs(scores.mape - (0.1 + 0.25) / 4) < 1e-12)
        #expect(scores.spreadCoverage == nil)
    }

    /// Errors 0, 0, 0.3 and 1 against twice the spreads 0.2, 0.2, 0.2 and 0.8: two of four within.
    @Test func spreadCoverageCountsErrorsWithinTwoSpreads() {
        let scores = PredictorScores(device: "cpu", trainingSamples: 3, predicted: [1, 2, 3.3, 5], actual: [1, 2, 3, 4], spreads: [0.1, 0.1, 0.1, 0.4])
        #expect(scores.spreadCoverage == 0.5)
    }
}
