import FathomExperiments
import FathomSearch
import FathomSpaces
import Foundation
import Testing

@Suite struct SourceSpecTests {
    @Test func parsesEveryKind() throws {
        #expect(try SourceSpec("table:a/b.csv:pixel3", option: "--latency") == .table(path: "a/b.csv", column: "pixel3"))
        #expect(try SourceSpec("table:C:/x.csv:col", option: "--latency") == .table(path: "C:/x.csv", column: "col"))
        #expect(try SourceSpec("predictor:m.json", option: "--latency") == .predictor(model: "m.json"))
        #expect(try SourceSpec("measure", option: "--latency") == .measure)
        #expect(try SourceSpec("supernet:runs/x", option: "--accuracy") == .supernet(directory: "runs/x", ranking: .loss))
        #expect(try SourceSpec("supernet-accuracy:runs/x", option: "--accuracy") == .supernet(directory: "runs/x", ranking: .accuracy))
    }

    @Test(arguments: ["table:nocolumn", "table:", "tables:a:b", "measured", "predictor:", "table:x.csv:"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: ExperimentError.self) { try SourceSpec(text, option: "--latency") }
    }

    @Test func budgetsInMsOrPercentiles() throws {
        #expect(try BudgetSpec("2.5") == .milliseconds(2.5))
        #expect(try BudgetSpec("p25") == .percentile(25))
        for bad in ["-3", "nan", "p0", "p100", "0", "fast"] {
            #expect(throws: ExperimentError.self) { try BudgetSpec(bad) }
        }
        // numpy.percentile([1, 2, 3, 4, 10], 50) == 3, 25 -> 2, 90 -> 7.6
        #expect(BudgetSpec.percentile(50).resolve(latencies: [10, 4, 3, 2, 1]) == 3)
        #expect(BudgetSpec.percentile(25).resolve(latencies: [10, 4, 3, 2, 1]) == 2)
        #expect(abs(BudgetSpec.percentile(90).resolve(latencies: [10, 4, 3, 2, 1]) - 7.6) < 1e-12)
    }
}

@Suite struct TableSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent("device-measurements/help/\(relative)").path }

    @Test func nasbench201TablesAnswerByArchitecture() throws {
        let space = try SearchSpace.load("nasbench201")
        let factory = SourceFactory(space: space)
        let accuracy = try factory.accuracySource("table:\(Self.path("nasbench201/accuracy.csv")):cifar10_test")
        let latency = try factory.latencySource("table:\(Self.path("nasbench201/latency.csv")):pixel3")
        // Row 0 of both files: index 0, pixel3 3.60585 ms, CIFAR-10 85.8633.
        let arch = try space.parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
        #expect(abs(try accuracy.accuracy(of: arch) - 85.86333333333334) < 1e-9)
        let estimate = try latency.latency(of: arch)
        #expect(abs(estimate.ms - 3.6058499999999998) < 1e-12 && estimate.origin == .table(column: "pixel3"))
        // The best CIFAR-10 cell in NAS-Bench-201 scores 94.3733 (indices 6111 and 13714).
        let table = try factory.table(Self.path("nasbench201/accuracy.csv"))
        #expect(abs(try table.values("cifar10_test").max()! - 94.37333333333333) < 1e-9)
    }

    @Test func ofaTableRowsBecomeArchitectures() throws {
        let space = try SearchSpace.load("ofa-mbv3")
        let table = try ArchitectureTable(path: Self.path("ofa/latency.csv"), space: space)
        #expect(table.architectures.count == 5000)
        let first = table.architectures[0]
        #expect(space.format(first).hasPrefix("r204|"))
        #expect(try table.row(of: first) == 0)
    }

    @Test func errorsNameTheProblem() throws {
        let space = try SearchSpace.load("nasbench201")
        let factory = SourceFactory(space: space)
        #expect(throws: (any Error).self) { try factory.latencySource("table:\(Self.path("nasbench201/latency.csv")):pixel9") }
        #expect(throws: (any Error).self) { try factory.latencySource("table:/nonexistent.csv:pixel3") }
        do {
            _ = try ArchitectureTable(path: Self.path("fbnet/latency.csv"), space: space)
            Issue.record("an FBNet table read as NAS-Bench-201 must fail")
        } catch {
            #expect("\(error)".contains("latency.csv") && "\(error)".contains("line 2"), "\(error)")
        }
    }
}
