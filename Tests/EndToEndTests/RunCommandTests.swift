import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `fathom run` and `fathom status` on small configs over the HELP tables.
@Suite struct RunCommandTests {
    static let help = FathomProcess.repoRoot.appendingPathComponent("device-measurements/help/nasbench201").path

    /// A temporary folder with a config and a run directory inside.
    struct Workspace {
        let folder: URL
        var config: URL { folder.appendingPathComponent("config.json") }
        var out: URL { folder.appendingPathComponent("run") }

        init(_ json: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(json.utf8).write(to: config)
        }

        func run(_ extra: [String] = []) throws -> FathomProcess {
            try FathomProcess.run(["run", config.path, "--out", out.path] + extra)
        }

        func exported() throws -> [String: Any] {
            let data = try Data(contentsOf: out.appendingPathComponent("exported/tiny.json"))
            return try JSONSerialization.jsonObject(with: data) as! [String: Any]
        }
    }

    static func config(strategy: String = "evolution", queries: Int = 80, budget: String = "{\"percentile\": 40}", extra: String = "") -> String {
        """
        {"fathom": 1, "name": "tiny", "space": "nasbench201",
         "accuracy": {"source": "table:\(help)/accuracy.csv:cifar10_test"},
         "latency": {"source": "table:\(help)/latency.csv:silver_4114"},
         "search": {"strategy": "\(strategy)", "queries": \(queries), "seed": 3, "budget": \(budget)\(extra)}}
        """
    }

    @Test func runsToAVerifiedExportWithReport() throws {
        let w = try Workspace(Self.config())
        let result = try w.run(["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let spec = try w.exported()
        for key in ["space", "arch", "budget_ms", "latency_ms", "latency_source", "device", "accuracy", "accuracy_source",
                    "flops_m", "params_m", "config_hash", "fathom_version"] {
            #expect(spec[key] != nil, "exported spec lacks \(key)")
        }
        #expect((spec["latency_ms"] as! Double) <= (spec["budget_ms"] as! Double))
        #expect(spec["within_budget"] as? Bool == true)
        let csv = try String(contentsOf: w.out.appendingPathComponent("report/candidates.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv[0] == "order,query,arch,accuracy,latency_ms,feasible,violated,accuracy_source,latency_source")
        #expect(csv.count > 80)
        let svg = try Data(contentsOf: w.out.appendingPathComponent("report/pareto.svg"))
        let parser = XMLParser(data: svg)
        #expect(parser.parse(), "pareto.svg is not well-formed XML")
        #expect(FileManager.default.fileExists(atPath: w.out.appendingPathComponent("report/summary.md").path))
        let events = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("\"event\":\"job_finished\"") && events.contains("\"event\":\"query\""))
        let status = try FathomProcess.run(["status", w.out.path, "--json"])
        let json = try #require(status.jsonLines.first)
        #expect(json["phase"] as? String == "done" && json["queries"] as? Int == 80 && json["running"] as? Bool == false)
    }

    @Test func killedAtRandomMomentsResumesToTheSameAnswer() throws {
        let reference = try Workspace(Self.config(queries: 150))
        #expect(try reference.run().status == 0)
        let expected = try reference.exported()

        let w = try Workspace(Self.config(queries: 150))
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<8 {
            let process = Process()
            process.executableURL = FathomProcess.binary
            process.arguments = ["run", w.config.path, "--out", w.out.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...400_000, using: &rng))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let final = try w.run()
        #expect(final.status == 0, "\(final.stderr)")
        let got = try w.exported()
        #expect(got["arch"] as? String == expected["arch"] as? String)
        #expect(got["accuracy"] as? Double == expected["accuracy"] as? Double)
        #expect(got["latency_ms"] as? Double == expected["latency_ms"] as? Double)
        #expect(kills >= 1, "no run was killed; the job finished faster than every kill")
    }

    /// A job on latencies measured here: the answer is re-measured, and running the command again replays every
    /// measurement from the journal to the identical export. (The budget is far above any cell's latency here, so that
    /// a loaded machine cannot make this test fail; budgets resolved from a sample are tested on a predictor below.)
    @Test func aMeasuredJobIsVerifiedAndReplaysItsMeasurements() throws {
        let w = try Workspace("""
        {"fathom": 1, "name": "tiny", "space": "nasbench201",
         "accuracy": {"source": "table:\(Self.help)/accuracy.csv:cifar10_test"},
         "latency": {"source": "measure", "threads": 1},
         "search": {"strategy": "local", "queries": 8, "seed": 1, "budget": {"ms": 1000}}}
        """)
        let store = ["FATHOM_STORE": w.folder.appendingPathComponent("store.sqlite").path]
        let first = try FathomProcess.run(["run", w.config.path, "--out", w.out.path], environment: store)
        #expect(first.status == 0, "\(first.stderr)")
        let spec = try w.exported()
        #expect((spec["latency_source"] as? String)?.hasPrefix("measure:") == true && spec["latency_kind"] as? String == "measured")
        #expect((spec["latency_ms"] as! Double) <= (spec["budget_ms"] as! Double) && spec["latency_runs"] as? Int != nil)
        #expect((spec["device"] as? String)?.isEmpty == false)
        let events = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("\"event\":\"verified\""))
        let again = try FathomProcess.run(["run", w.config.path, "--out", w.out.path], environment: store)
        #expect(again.status == 0, "\(again.stderr)")
        let replayed = try w.exported()
        for key in ["arch", "budget_ms", "latency_ms", "latency_upper_ms", "accuracy"] {
            #expect("\(replayed[key] ?? "nil")" == "\(spec[key] ?? "nil")", "\(key) changed on replay")
        }
    }

    /// A job that adapts a meta-trained model to this machine itself (`latency.adapt`): it measures 10 architectures,
    /// writes `adapted.json` with its samples, searches on the predictor, and verifies the answer by measuring it; run
    /// again on the same directory it replays to the same answer without adapting again.
    @Test func aJobAdaptsAPredictorToThisMachineFromTenMeasurements() throws {
        let w = try Workspace("{}")
        let meta = w.folder.appendingPathComponent("meta.json").path
        let trained = try FathomProcess.run(["predictor", "meta-train", "nasbench201", "--data", "\(Self.help)/latency.csv", "--out", meta,
                                             "--seed", "0", "--episodes", "2"])
        #expect(trained.status == 0, "\(trained.stderr)")
        try Data("""
        {"fathom": 1, "name": "tiny", "space": "nasbench201",
         "accuracy": {"source": "table:\(Self.help)/accuracy.csv:cifar10_test"},
         "latency": {"adapt": "meta.json", "samples": 10, "threads": 1},
         "search": {"strategy": "evolution", "queries": 30, "seed": 1, "budget": {"ms": 1000}}}
        """.utf8).write(to: w.config)
        let store = ["FATHOM_STORE": w.folder.appendingPathComponent("store.sqlite").path]
        let first = try FathomProcess.run(["run", w.config.path, "--out", w.out.path], environment: store)
        #expect(first.status == 0, "\(first.stderr)")
        let spec = try w.exported()
        #expect((spec["search_latency_source"] as? String)?.hasPrefix("predictor:") == true)
        #expect((spec["latency_source"] as? String)?.hasPrefix("measure:") == true && spec["latency_kind"] as? String == "measured")
        let samples = try String(contentsOf: w.out.appendingPathComponent("adapted.samples.csv"), encoding: .utf8)
        #expect(samples.split(whereSeparator: \.isNewline).count == 11, "a header and 10 measured architectures")
        let events = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("\"event\":\"predictor_adapted\""))
        let again = try FathomProcess.run(["run", w.config.path, "--out", w.out.path], environment: store)
        #expect(again.status == 0, "\(again.stderr)")
        #expect((try w.exported())["arch"] as? String == spec["arch"] as? String)
        let rerunEvents = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(rerunEvents.components(separatedBy: "\"event\":\"predictor_adapted\"").count == 2, "the job adapted again on resume")
    }

    /// A job on predicted latencies: the percentile budget is resolved over a seeded sample of predictions, the answer
    /// is verified on the device's table, and a run on another directory resolves the same budget and answer.
    @Test func aPredictedJobResolvesItsBudgetFromASampleAndIsVerifiedOnTheTable() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-proxy-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: model) }
        try Data(#"{"kind": "proxy", "space": "nasbench201", "model": {"proxy": "flops", "slope": 1e-7, "intercept": 4}}"#.utf8).write(to: model)
        let config = """
        {"fathom": 1, "name": "tiny", "space": "nasbench201",
         "accuracy": {"source": "table:\(Self.help)/accuracy.csv:cifar10_test"},
         "latency": {"source": "predictor:\(model.path)", "verify": "table:\(Self.help)/latency.csv:silver_4114"},
         "search": {"strategy": "evolution", "queries": 40, "seed": 2, "budget": {"percentile": 90, "sample": 200}}}
        """
        let w = try Workspace(config), other = try Workspace(config)
        #expect(try w.run().status == 0 && other.run().status == 0)
        let spec = try w.exported(), again = try other.exported()
        #expect((spec["latency_source"] as? String)?.hasSuffix("latency.csv:silver_4114") == true && spec["within_budget"] as? Bool == true)
        #expect((spec["search_latency_source"] as? String)?.hasPrefix("predictor:") == true)
        // FLOPs of NB201 cells span 7.8 to 220 M: the budget is 4 + 1e-7 · FLOPs of a cell between those.
        let budget = spec["budget_ms"] as? Double ?? 0
        #expect(budget > 4 + 7.78305e6 * 1e-7 && budget < 4 + 220.11969e6 * 1e-7)
        #expect(again["budget_ms"] as? Double == budget && again["arch"] as? String == spec["arch"] as? String)
        let events = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("\"event\":\"budget_resolved\""))

        // latency.borderline: predictions near the budget are checked on the table during the search, and a rerun on
        // the same directory replays them from the journal to the same answer.
        let checked = try Workspace(config.replacingOccurrences(of: "\"verify\":", with: "\"borderline\": 0.2, \"verify\":"))
        #expect(try checked.run().status == 0)
        let checkedSpec = try checked.exported()
        #expect(checkedSpec["within_budget"] as? Bool == true && checkedSpec["budget_ms"] as? Double == budget)
        let checkedEvents = try String(contentsOf: checked.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let checkLine = try #require(checkedEvents.split(separator: "\n").first { $0.contains("\"event\":\"borderline_checked\"") })
        let checkEvent = try #require(try JSONSerialization.jsonObject(with: Data(checkLine.utf8)) as? [String: Any])
        #expect((checkEvent["checks"] as? Int ?? 0) > 0)
        #expect(try checked.run().status == 0)
        #expect(try checked.exported()["arch"] as? String == checkedSpec["arch"] as? String)
        let refused = try Workspace(Self.config(extra: "").replacingOccurrences(of: "latency.csv:silver_4114\"}", with: "latency.csv:silver_4114\", \"borderline\": 0.1}"))
        let refusal = try refused.run()
        #expect(refusal.status != 0 && refusal.stderr.contains("latency.borderline"))
        let twoBands = try Workspace(config.replacingOccurrences(of: "\"verify\":", with: "\"borderline\": 0.2, \"borderline_spread\": 1, \"verify\":"))
        let twoBandsRun = try twoBands.run()
        #expect(twoBandsRun.status != 0 && twoBandsRun.stderr.contains("latency.borderline_spread"), "\(twoBandsRun.stderr)")
    }

    /// Two workers of one study, run at once, share their evaluations: every answer either of them obtained is in the
    /// store once, nothing is left claimed, and a third run of worker 0 finds everything it asks already there.
    @Test func twoWorkersShareOneStudy() throws {
        let w = try Workspace(Self.config(queries: 120))
        let study = w.folder.appendingPathComponent("study.sqlite").path
        func worker(_ n: Int, _ out: String) throws -> Process {
            let process = Process()
            process.executableURL = FathomProcess.binary
            process.arguments = ["run", w.config.path, "--out", w.folder.appendingPathComponent(out).path, "--study", study, "--worker", "\(n)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let workers = try [worker(0, "w0"), worker(1, "w1")]
        workers.forEach { $0.waitUntilExit() }
        #expect(workers.allSatisfy { $0.terminationStatus == 0 })
        let query = """
        import sqlite3, sys, json
        c = sqlite3.connect(sys.argv[1])
        print(json.dumps({"rows": c.execute("SELECT COUNT(*) FROM evaluation").fetchone()[0],
                          "claimed": c.execute("SELECT COUNT(*) FROM evaluation WHERE state != 'done'").fetchone()[0],
                          "workers": c.execute("SELECT COUNT(DISTINCT worker) FROM evaluation").fetchone()[0]}))
        """
        func storeCounts() throws -> [String: Int] {
            let process = Process(), pipe = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", query, study]
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            return try JSONSerialization.jsonObject(with: pipe.fileHandleForReading.readDataToEndOfFile()) as? [String: Int] ?? [:]
        }
        let counts = try storeCounts()
        // Every answer either worker journaled for its search (not its own verification) is one row of the store.
        var asked = Set<String>()
        for out in ["w0", "w1"] {
            let journal = try String(contentsOf: w.folder.appendingPathComponent("\(out)/journal.jsonl"), encoding: .utf8)
            for line in journal.split(separator: "\n") {
                let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let arch = try #require(entry["arch"] as? String)
                if !arch.hasPrefix("verify ") { asked.insert("\(entry["kind"]!) \(arch)") }
            }
        }
        #expect(counts["rows"] == asked.count && counts["claimed"] == 0 && counts["workers"] == 2, "\(counts) vs \(asked.count) asked")
        let first = try JSONSerialization.jsonObject(with: Data(contentsOf: w.folder.appendingPathComponent("w0/exported/tiny.json"))) as? [String: Any]
        let again = try worker(0, "w0-again")
        again.waitUntilExit()
        let second = try JSONSerialization.jsonObject(with: Data(contentsOf: w.folder.appendingPathComponent("w0-again/exported/tiny.json"))) as? [String: Any]
        #expect(again.terminationStatus == 0 && second?["arch"] as? String == first?["arch"] as? String)
        #expect(try storeCounts()["rows"] == counts["rows"], "a rerun of worker 0 evaluated something the study already held")
    }

    @Test func invalidConfigsListEveryProblemWithItsKeyPath() throws {
        let w = try Workspace("""
        {"fathom": 1, "name": "bad", "space": "nasbench201", "colour": "red",
         "accuracy": {"source": "table:x.csv"},
         "latency": {"source": "table:\(Self.help)/latency.csv:pixel3", "verify": "predictor:m.json", "batch": 0},
         "search": {"strategy": "annealing", "queries": -5, "budget": {"ms": -3}}}
        """)
        let result = try w.run()
        #expect(result.status == 2)
        for fragment in ["search.budget.ms: expected a positive number, got -3", "search.strategy: expected one of random, evolution",
                         "search.queries: expected an integer in 1...1000000, got -5", "colour: unknown key",
                         "accuracy.source", "latency.verify: expected measure or table:PATH:COLUMN", "latency.batch"] {
            #expect(result.stderr.contains(fragment), "missing '\(fragment)' in: \(result.stderr)")
        }
        let repo = FathomProcess.repoRoot.path
        let training = try Workspace("""
        {"fathom": 1, "name": "bad", "space": "nasbench201", "accuracy": {"train": "\(repo)/experiments/fmnist-mbv3-quick.json"},
         "latency": {"source": "measure"}, "search": {"strategy": "random", "queries": 5, "budget": {"ms": 1}}}
        """)
        let wrongSpace = try training.run()
        #expect(wrongSpace.status == 2 && wrongSpace.stderr.contains("accuracy.train: expected a config that trains the experiment's space nasbench201 (it trains fmnist-mbv3)"),
                "\(wrongSpace.stderr)")
        let both = try Workspace("""
        {"fathom": 1, "name": "bad", "space": "fmnist-cell", "accuracy": {"source": "supernet:x", "train": "missing.json"},
         "latency": {"source": "measure"}, "search": {"strategy": "random", "queries": 5, "budget": {"ms": 1}}}
        """)
        let twoSources = try both.run()
        #expect(twoSources.status == 2 && twoSources.stderr.contains("accuracy: expected exactly one of \"source\" or \"train\""), "\(twoSources.stderr)")
        let malformed = try Workspace("{\"fathom\": 1,")
        let bad = try malformed.run()
        #expect(bad.status == 2 && bad.stderr.contains("malformed JSON"))
    }

    @Test func aRunDirectoryBelongsToOneConfig() throws {
        let w = try Workspace(Self.config(queries: 20))
        #expect(try w.run().status == 0)
        try Data(Self.config(queries: 30).utf8).write(to: w.config)
        let result = try w.run()
        #expect(result.status != 0 && result.stderr.contains("belongs to another config"))
    }

    @Test func aCorruptCheckpointFallsBackToThePreviousOne() throws {
        let w = try Workspace(Self.config(queries: 20))
        #expect(try w.run().status == 0)
        try Data("{\"checksum\": \"0\", \"state\": \"garbage\"}".utf8).write(to: w.out.appendingPathComponent("checkpoint.json"))
        let result = try w.run()
        #expect(result.status == 0, "\(result.stderr)")
        let events = try String(contentsOf: w.out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("checkpoint_damaged"))
    }

    @Test func aStudyStoreThatIsNotADatabaseIsOneClearErrorAndCreatesNothing() throws {
        let w = try Workspace(Self.config(queries: 10))
        let store = w.folder.appendingPathComponent("study.sqlite")
        try Data("not a database".utf8).write(to: store)
        let result = try w.run(["--study", store.path])
        #expect(result.status != 0 && result.stderr.contains("study store \(store.path)") && result.stderr.contains("not a database"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.out.path))
    }

    @Test func anOutputFolderThatCannotBeMadeIsOneClearError() throws {
        let w = try Workspace(Self.config(queries: 10))
        let blocker = w.folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let result = try FathomProcess.run(["run", w.config.path, "--out", blocker.appendingPathComponent("run").path])
        #expect(result.status != 0 && result.stderr.contains("\(blocker.path) is a file, not a folder"), "\(result.stderr)")
    }

    /// A disk that fills up mid-job, and a run directory on a read-only file system (both as small tmpfs mounts, so
    /// that root, who ignores permissions, meets them too): one clear error, the journal written so far intact, and
    /// once there is room the job resumes to the same answer as an uninterrupted run. Mounting needs root (CI runs as
    /// root); elsewhere the test has nothing to mount and returns.
    @Test func aFullDiskAndAReadOnlyDirectoryAreClearErrorsAndNothingIsLost() throws {
        let w = try Workspace(Self.config(queries: 300))
        let disk = w.folder.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        @discardableResult func mount(_ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/mount")
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard getuid() == 0, try mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.path]) == 0 else { return }
        defer { umountQuietly(disk.path) }
        let out = disk.appendingPathComponent("run").path
        let full = try FathomProcess.run(["run", w.config.path, "--out", out])
        #expect(full.status != 0 && full.stderr.contains("journal.jsonl") && full.stderr.contains("space"), "\(full.stderr)")
        let written = try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(written > 10, "nothing was journaled before the disk filled")

        #expect(try mount(["-o", "remount,size=4m", disk.path]) == 0)
        let resumed = try FathomProcess.run(["run", w.config.path, "--out", out, "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let reference = try Workspace(Self.config(queries: 300))
        #expect(try reference.run().status == 0)
        #expect(resumed.jsonLines.first?["arch"] as? String == (try reference.exported())["arch"] as? String)

        #expect(try mount(["-o", "remount,ro", disk.path]) == 0)
        let readOnly = try FathomProcess.run(["run", w.config.path, "--out", out])
        #expect(readOnly.status != 0 && readOnly.stderr.contains("run directory \(out): cannot write in it"), "\(readOnly.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/exported/tiny.json"))
    }

    @Test func noFeasibleArchitectureExitsWith3() throws {
        let w = try Workspace(Self.config(queries: 10, budget: "{\"ms\": 0.0001}"))
        let result = try w.run()
        #expect(result.status == 3, "\(result.stderr)")
    }
}

/// Unmounts `path`, ignoring failure (the test's cleanup).
private func umountQuietly(_ path: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/umount")
    process.arguments = [path]
    process.standardError = FileHandle.nullDevice
    try? process.run()
    process.waitUntilExit()
}
