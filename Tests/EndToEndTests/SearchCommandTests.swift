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

    @Test func furtherHardLimitsHoldToo() throws {
        let result = try search(["--budget-ms", "20", "--max-params-m", "0.4", "--max-flops-m", "60", "--strategy", "local",
                                 "--queries", "60", "--seed", "3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.jsonLines.first)
        #expect((json["params_m"] as? Double ?? .infinity) <= 0.4 && (json["flops_m"] as? Double ?? .infinity) <= 60)
        let bad = try search(["--budget-ms", "20", "--max-params-m", "-1"])
        #expect(bad.status != 0 && bad.stderr.contains("--max-params-m"))
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
        let verify = try search(["--budget-ms", "10", "--verify", "bogus"])
        #expect(verify.status != 0 && verify.stderr.contains("--verify 'bogus': expected measure or table:PATH:COLUMN"), "\(verify.stderr)")
    }

    /// An agent that forwards to the real `fathom agent --stdio` but reports the architectures in `SLOW_ARCHS`
    /// (one per line) 1000 times slower, as a device that disagrees with what the search saw.
    static let slowAgent = """
    import json, os, subprocess, sys
    slow = set(open(os.environ["SLOW_ARCHS"]).read().split())
    agent = subprocess.Popen([os.environ["FATHOM_AGENT_BIN"], "agent", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for line in sys.stdin:
        agent.stdin.write(line); agent.stdin.flush()
        reply = json.loads(agent.stdout.readline())
        for m in reply.get("measurements") or []:
            if m["arch"] in slow:
                for key in ("median_ms", "p10_ms", "p90_ms", "ci_low_ms", "ci_high_ms"): m["summary"][key] *= 1000
        print(json.dumps(reply), flush=True)
    """

    @Test func anAnswerOverBudgetOnTheDeviceIsReplaced() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["--budget-ms", "40", "--strategy", "local", "--queries", "40", "--seed", "2", "--json"]
        let plain = try search(arguments)
        #expect(plain.status == 0, "\(plain.stderr)")
        let answer = try #require(plain.jsonLines.first?["arch"] as? String)
        #expect(plain.jsonLines.first?["verified_candidates"] as? Int == 1)
        // This machine runs NAS-Bench-201 cells in a few ms, so only the slowed answer is over the 40 ms budget here.
        let script = folder.appendingPathComponent("slow_agent.py"), slow = folder.appendingPathComponent("slow.txt")
        try Data(Self.slowAgent.utf8).write(to: script)
        try Data(answer.utf8).write(to: slow)
        let agent = "env SLOW_ARCHS='\(slow.path)' FATHOM_AGENT_BIN='\(FathomProcess.binary.path)' python3 '\(script.path)'"
        let verified = try search(arguments + ["--verify", "measure", "--agent", agent, "--store", folder.appendingPathComponent("store.sqlite").path,
                                               "--max-seconds", "0.2", "--min-runs", "3"])
        #expect(verified.status == 0, "\(verified.stderr)")
        let json = try #require(verified.jsonLines.first)
        #expect(json["arch"] as? String != answer && (json["verified_candidates"] as? Int ?? 0) >= 2)
        #expect((json["latency_source"] as? String)?.hasPrefix("measure:") == true && (json["latency_ms"] as? Double ?? .infinity) <= 40)
        #expect(verified.stderr.contains("over budget, trying the next best"))
    }

    @Test func aPredictorSearchIsVerifiedOnTheDeviceTable() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-proxy-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: model) }
        // A FLOPs line that underestimates pixel3 for large cells: the search believes it is well within budget.
        try Data(#"{"kind": "proxy", "space": "nasbench201", "model": {"proxy": "flops", "slope": 2e-8, "intercept": 2}}"#.utf8).write(to: model)
        let result = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                            "--verify", Self.latency, "--budget-ms", "8", "--strategy", "evolution", "--queries", "60",
                                            "--seed", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.jsonLines.first)
        #expect((json["latency_ms"] as? Double ?? .infinity) <= 8 && (json["latency_source"] as? String)?.hasSuffix(":pixel3") == true)
        #expect((json["search_latency_source"] as? String)?.hasPrefix("predictor:") == true)
        #expect((json["verified_candidates"] as? Int ?? 0) >= 2, "the FLOPs line must have been wrong about the first answer")
        #expect(json["borderline_checks"] as? Int == 0)

        // Checking the line's answers within 30% of the budget on the table as the search goes.
        let checked = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                             "--verify", Self.latency, "--budget-ms", "8", "--strategy", "evolution", "--queries", "60",
                                             "--seed", "1", "--borderline", "0.3", "--json"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let checkedJSON = try #require(checked.jsonLines.first)
        #expect((checkedJSON["borderline_checks"] as? Int ?? 0) > 0)
        let capped = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                            "--verify", Self.latency, "--budget-ms", "8", "--strategy", "evolution", "--queries", "60",
                                            "--seed", "1", "--borderline", "0.3", "--max-checks", "2", "--json"])
        #expect(capped.status == 0 && capped.jsonLines.first?["borderline_checks"] as? Int == 2, "\(capped.stderr)")
        #expect((checkedJSON["latency_ms"] as? Double ?? .infinity) <= 8)
        let misuse = try search(["--budget-ms", "8", "--borderline", "0.1"])
        #expect(misuse.status != 0 && misuse.stderr.contains("--borderline checks a predictor"))
        let outOfRange = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                                "--budget-ms", "8", "--borderline", "1.5"])
        #expect(outOfRange.status != 0 && outOfRange.stderr.contains("--borderline must be a fraction"))
        let both = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                          "--budget-ms", "8", "--borderline", "0.1", "--borderline-spread", "1"])
        #expect(both.status != 0 && both.stderr.contains("two bands"), "\(both.stderr)")
        // A FLOPs line does not know its uncertainty: a band in its standard deviations is refused.
        let noSpread = try FathomProcess.run(["search", "nasbench201", "--accuracy", Self.accuracy, "--latency", "predictor:\(model.path)",
                                              "--verify", Self.latency, "--budget-ms", "8", "--strategy", "evolution", "--queries", "20",
                                              "--borderline-spread", "1"])
        #expect(noSpread.status != 0 && noSpread.stderr.contains("reports its uncertainty"), "\(noSpread.stderr)")
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

    /// Searching on the device mixture adapted from the device's 10 reference latencies: every answer holds on the table.
    @Test func benchSearchOnAFewShotPredictorVerifiesOnTheTable() throws {
        let result = try FathomProcess.run(["bench", "search", "nasbench201", "--accuracy", Self.accuracy, "--latency", Self.latency,
                                            "--budgets", "p25,p75", "--strategies", "random,local", "--seeds", "3", "--queries", "40",
                                            "--predictor", "mixture", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.jsonLines.count == 4)
        #expect(result.jsonLines.allSatisfy { $0["feasible_rate"] as? String == "1.0" && $0["replaced_rate"] is String })
        // Checking the predictions within one of their own standard deviations of the budget on the table.
        let spread = try FathomProcess.run(["bench", "search", "nasbench201", "--accuracy", Self.accuracy, "--latency", Self.latency,
                                            "--budgets", "p25,p75", "--strategies", "random,local", "--seeds", "3", "--queries", "40",
                                            "--predictor", "mixture", "--borderline-spread", "1", "--json"])
        #expect(spread.status == 0, "\(spread.stderr)")
        #expect(spread.jsonLines.count == 4 && spread.jsonLines.allSatisfy { $0["feasible_rate"] as? String == "1.0" })
        #expect(spread.jsonLines.allSatisfy { Double($0["mean_checks"] as? String ?? "") ?? 0 > 0 }, "\(spread.stdout)")
        let unknown = try FathomProcess.run(["bench", "search", "nasbench201", "--accuracy", Self.accuracy, "--latency", Self.latency,
                                             "--predictor", "help"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--predictor must be 'mixture'"))
    }
}
