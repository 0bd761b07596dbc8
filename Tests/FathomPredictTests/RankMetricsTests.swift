import Testing
import FathomPredict

@Suite struct RankMetricsTests {
    /// Two vectors with ties on both sides.
    let tiedX: [Double] = [1, 2, 2, 3, 5, 5, 5, 8, 9, 10]
    let tiedY: [Double] = [2, 1, 3, 3, 4, 6, 6, 9, 7, 10]

    @Test func averageRanksShareTiedRanks() {
        // scipy.stats.rankdata([3.1, 1.2, 4.4, 1.2, 5.0, 9.2, 2.6, 5.0])
        #expect(RankMetrics.averageRanks([3.1, 1.2, 4.4, 1.2, 5.0, 9.2, 2.6, 5.0]) == [4, 1.5, 5, 1.5, 6.5, 8, 3, 6.5])
    }

    @Test func handComputedSmallCase() {
        // d = (0, 1, 1): rho = 1 − 6·2 / (3·8) = 0.5; pairs: 2 concordant, 1 discordant: tau = 1/3.
        #expect(abs(RankMetrics.spearman([1, 2, 3], [1, 3, 2]) - 0.5) < 1e-12)
        #expect(abs(RankMetrics.kendallTauB([1, 2, 3], [1, 3, 2]) - 1.0 / 3) < 1e-12)
    }

    @Test func monotoneAndReversedOrders() {
        let x: [Double] = [0.5, 1, 7, 20]
        let y: [Double] = [1, 2, 3, 400]
        #expect(RankMetrics.spearman(x, y) == 1)
        #expect(RankMetrics.kendallTauB(x, y) == 1)
        #expect(RankMetrics.spearman(x, y.reversed()) == -1)
        #expect(RankMetrics.kendallTauB(x, y.reversed()) == -1)
    }

    @Test func tiedVectorsMatchScipy() {
        // scipy 1.17.1: spearmanr, kendalltau (tau-b), pearsonr of tiedX, tiedY.
        #expect(abs(RankMetrics.spearman(tiedX, tiedY) - 0.9505053951109216) < 1e-12)
        #expect(abs(RankMetrics.kendallTauB(tiedX, tiedY) - 0.8573859148131737) < 1e-12)
        #expect(abs(RankMetrics.pearson(tiedX, tiedY) - 0.9362923918752585) < 1e-12)
    }

    @Test func secondTiedCaseMatchesScipy() {
        // scipy 1.17.1 on these two vectors.
        let a: [Double] = [3.1, 1.2, 4.4, 1.2, 5.0, 9.2, 2.6, 5.0]
        let b: [Double] = [2.0, 1.0, 4.0, 3.0, 5.0, 9.0, 2.0, 6.0]
        #expect(abs(RankMetrics.spearman(a, b) - 0.884864735957054) < 1e-12)
        #expect(abs(RankMetrics.kendallTauB(a, b) - 0.792593923901217) < 1e-12)
        #expect(abs(RankMetrics.pearson(a, b) - 0.9368654357246425) < 1e-12)
    }

    @Test func constantInputGivesNaN() {
        #expect(RankMetrics.spearman([1, 1, 1], [1, 2, 3]).isNaN)
        #expect(RankMetrics.kendallTauB([1, 2, 3], [4, 4, 4]).isNaN)
        #expect(RankMetrics.pearson([2], [3]).isNaN)
    }

    @Test func meanAbsolutePercentageErrorIsAFraction() {
        #expect(abs(RankMetrics.meanAbsolutePercentageError([110, 90, 50], [100, 100, 50]) - 0.2 / 3) < 1e-12)
    }

    @Test func budgetDecisionAccuracyCountsAgreeingCalls() {
        // Under 2.5 ms? predicted: yes yes no no; actual: yes no yes no.
        #expect(RankMetrics.budgetDecisionAccuracy([1, 2, 3, 4], [1, 3, 2, 5], budget: 2.5) == 0.5)
        // A value equal to the budget is within it on both sides.
        #expect(RankMetrics.budgetDecisionAccuracy([2.5], [2.5], budget: 2.5) == 1)
    }
}
