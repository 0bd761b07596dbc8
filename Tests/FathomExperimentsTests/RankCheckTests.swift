import FathomExperiments
import Testing

@Suite struct RankCheckSeedAgreementTests {
    static func row(_ runs: [Double]?) -> SupernetRankCheck.Row {
        SupernetRankCheck.Row(arch: "a", supernet: 0, standalone: runs.map { $0.reduce(0, +) / Double($0.count) } ?? 0, standalone_runs: runs)
    }

    @Test func averagesKendallOverEveryPairOfSeeds() throws {
        // Seeds 0 and 1 rank the four architectures alike; seed 2 ranks them in reverse: pairs give 1, -1, -1.
        let rows = [[0.1, 0.2, 0.9], [0.2, 0.3, 0.8], [0.3, 0.4, 0.7], [0.4, 0.5, 0.6]].map(Self.row)
        let agreement = try #require(SupernetRankCheck.seedAgreement(rows))
        #expect(abs(agreement - (-1.0 / 3)) < 1e-12)
        // One discordant pair of six between two seeds: τ = (5 - 1) / 6.
        let two = [[0.1, 0.2], [0.2, 0.1], [0.3, 0.3], [0.4, 0.4]].map(Self.row)
        #expect(abs(try #require(SupernetRankCheck.seedAgreement(two)) - 4.0 / 6) < 1e-12)
    }

    @Test func isAbsentWithoutTwoSeedsOnEveryRow() {
        #expect(SupernetRankCheck.seedAgreement([[0.1], [0.2], [0.3]].map(Self.row)) == nil)
        #expect(SupernetRankCheck.seedAgreement([Self.row([0.1, 0.2]), Self.row(nil), Self.row([0.3, 0.1])]) == nil)
        #expect(SupernetRankCheck.seedAgreement([]) == nil)
    }
}
