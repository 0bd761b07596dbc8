import Foundation
import Testing

@Suite struct SearchCommandTests {
    static let accuracy = "table:device-measurements/help/nasbench201/accuracy.csv:cifar10_test"
    static let latency = "table:device-measurements/help/nasbench201/latency.csv:pixel3"

    func search(_ extra: [String]) throws -> FathomProcess {
        try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", Self.latency] + extra)
    }

    @Test func findsAFeasibleAnswerWithItsSources() throws {
        let result = try search(["--budget-ms", "12", "--strategy", "evolution", "--queries", "60", "--seed", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.jsonLines.first)
        #expect((json["latency_ms"] as? Double ?? .infinity) <= 12)
        #expect((json["accuracy"] as? Double ?? 0) > 80)
        #expect(json["queries"] as? Int == 60)
        #expect((json["latency_source"] as? String)?.hasSuffix("latency.csv:pixel3") == true)
        #expect((json["arch"] as? String)?.hasPrefix("|") == true)
        let again = try search(["--budget-ms", "12", "--strategy", "evolution", "--queries", "60", "--seed", "1", "--json"])
        #expect(again.stdout == result.stdout)
    }

    @Test func noFeasibleArchitectureExitsWith3() throws {
        let result = try search(["--budget-ms", "0.001", "--strategy", "random", "--queries", "10"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("no architecture within 0.001 ms") && result.stderr.contains("fastest seen"))
    }

    @Test func badArgumentsAreNamed() throws {
        let strategy = try search(["--budget-ms", "10", "--strategy", "bayesian"])
        #expect(strategy.status != 0 && strategy.stderr.contains("unknown strategy 'bayesian'"))
        let budget = try search(["--budget-ms", "nan"])
        #expect(budget.status != 0 && budget.stderr.contains("--budget-ms"))
        let column = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--budget-ms", "10",
                                            "--latency", "table:device-measurements/help/nasbench201/latency.csv:pixel9"])
        #expect(column.status != 0 && column.stderr.contains("pixel9"))
        let source = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--budget-ms", "10", "--latency", "tabel:x"])
        #expect(source.status != 0 && source.stderr.contains("--latency 'tabel:x': expected"))
    }

    @Test func benchSearchWritesCSV() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-bench-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        let result = try FathomProcess.run(["bench", "search", "nasbench201", "--accuracy", Self.accuracy, "--latency", Self.latency,
                                            "--budgets", "p50", "--strategies", "random,local", "--seeds", "2", "--queries", "30", "--csv", csv.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("device,budget,budget_ms,strategy"))
        #expect(result.stdout.contains("not generalisation"))
    }
}
