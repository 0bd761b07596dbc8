import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `fathom supernet …`, `fathom train` and `fathom bench train` on tiny configs over a slice of Fashion-MNIST.
@Suite(.serialized) struct SupernetCommandTests {
    static let data = "/usr/share/datasets/fashion-mnist"
    static let available = FileManager.default.fileExists(atPath: "\(data)/train-images-idx3-ubyte.gz")
    static let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|"

    /// A temporary folder with a config.
    struct Workspace {
        let folder: URL
        var config: String { folder.appendingPathComponent("config.json").path }
        func out(_ name: String) -> String { folder.appendingPathComponent(name).path }

        init(method: String = "spos", images: String = "\(SupernetCommandTests.data)/train-images-idx3-ubyte.gz", learningRate: String = "0.05",
             limit: Int = 400, epochs: Int = 1, batch: Int = 32, test: Bool = false) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-supernet-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("""
            {"fathom": 1, "name": "tiny", "space": "fmnist-cell",
             "data": {"images": "\(images)", "labels": "\(SupernetCommandTests.data)/train-labels-idx1-ubyte.gz", "classes": 10,
                      "limit": \(limit), "validation": 100\(test ? ", \"test_images\": \"\(SupernetCommandTests.data)/t10k-images-idx3-ubyte.gz\", \"test_labels\": \"\(SupernetCommandTests.data)/t10k-labels-idx1-ubyte.gz\"" : "")},
             "supernet": {"method": "\(method)", "recalibration_batches": 2},
             "training": {"epochs": \(epochs), "batch": \(batch), "learning_rate": \(learningRate), "seed": 1, "threads": 2, "checkpoint_every_steps": 2}}
            """.utf8).write(to: URL(fileURLWithPath: config))
        }
    }

    @Test func trainsEvaluatesAndExtracts() throws {
        guard Self.available else { return }
        let w = try Workspace()
        let trained = try FathomProcess.run(["supernet", "train", "--config", w.config, "--out", w.out("run"), "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("images/s") && trained.stderr.contains("ETA"))
        let events = try String(contentsOfFile: w.out("run") + "/events.jsonl", encoding: .utf8)
        #expect(events.contains("job_started") && events.contains("epoch_finished") && events.contains("job_finished"))
        let eval = try FathomProcess.run(["supernet", "eval", "--checkpoint", w.out("run"), "--arch", Self.arch, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let accuracy = eval.jsonLines.first?["accuracy"] as? Double ?? -1
        #expect(accuracy >= 0 && accuracy <= 1)
        let extracted = try FathomProcess.run(["supernet", "extract", "--checkpoint", w.out("run"), "--arch", Self.arch, "--out", w.out("subnet.json")])
        #expect(extracted.status == 0, "\(extracted.stderr)")
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.out("subnet.json")))) as? [String: Any]
        #expect(file?["arch"] as? String == Self.arch)
        #expect((file?["layers"] as? [Any])?.isEmpty == false)
        // A search ranked by the supernet's validation accuracy (not its loss, the default) reports accuracies and names its source.
        try Data(#"{"kind": "proxy", "space": "fmnist-cell", "model": {"proxy": "flops", "slope": 1e-9, "intercept": 1}}"#.utf8)
            .write(to: URL(fileURLWithPath: w.out("proxy.json")))
        let searched = try FathomProcess.run(["search", "fmnist-cell", "--accuracy", "supernet-accuracy:\(w.out("run"))", "--latency",
                                              "predictor:\(w.out("proxy.json"))", "--budget-ms", "1000", "--strategy", "random", "--queries", "4",
                                              "--seed", "0", "--json"])
        #expect(searched.status == 0, "\(searched.stderr)")
        let answer = searched.jsonLines.first ?? [:]
        #expect((answer["accuracy_source"] as? String)?.hasPrefix("supernet-accuracy:\(w.out("run"))") == true, "\(answer)")
        #expect((0...1).contains(answer["accuracy"] as? Double ?? -1), "\(answer)")

        // Rank fidelity on three architectures, then again reusing the standalone accuracies of the first check.
        let rankArguments = ["supernet", "rank-check", "--checkpoint", w.out("run"), "--sample", "3", "--standalone-epochs", "1",
                             "--standalone-seeds", "2", "--seed", "0", "--json"]
        let ranked = try FathomProcess.run(rankArguments + ["--standalone-log", w.out("standalone.jsonl")])
        #expect(ranked.status == 0, "\(ranked.stderr)")
        let first = try #require(ranked.jsonLines.first)
        #expect(first["kendall"] is Double && first["spearman"] is Double && first["kendall_loss"] is Double && first["kendall_parameters"] is Double && (first["archs"] as? [Any])?.count == 3)
        #expect(ranked.stderr.contains("standalone 6/6: seed"), "\(ranked.stderr)")
        let agreement = try #require(first["standalone_seed_kendall"] as? Double)
        #expect(agreement >= -1 && agreement <= 1)
        for row in first["archs"] as? [[String: Any]] ?? [] {
            let runs = row["standalone_runs"] as? [Double] ?? []
            #expect(runs.count == 2 && abs((runs.reduce(0, +) / 2) - (row["standalone"] as? Double ?? -1)) < 1e-12, "\(row)")
            #expect((row["supernet_loss"] as? Double ?? -1) > 0 && (row["parameters"] as? Int ?? 0) > 0, "\(row)")
        }
        try Data(ranked.stdout.utf8).write(to: URL(fileURLWithPath: w.out("rank.json")))
        let reused = try FathomProcess.run(rankArguments + ["--standalone-from", w.out("rank.json")])
        #expect(reused.status == 0, "\(reused.stderr)")
        func standalone(_ result: [String: Any]?) -> [Double] { (result?["archs"] as? [[String: Any]] ?? []).compactMap { $0["standalone"] as? Double } }
        #expect(standalone(reused.jsonLines.first) == standalone(first) && standalone(first).count == 3)
        #expect(reused.jsonLines.first?["standalone_seed_kendall"] as? Double == agreement)
        // The log holds all six trainings: a rerun (as after a kill) trains none and reads the same accuracies.
        let resumed = try FathomProcess.run(rankArguments + ["--standalone-log", w.out("standalone.jsonl")])
        #expect(resumed.status == 0 && standalone(resumed.jsonLines.first) == standalone(first), "\(resumed.stderr)")
        #expect(try String(contentsOfFile: w.out("standalone.jsonl"), encoding: .utf8).split(separator: "\n").count == 6)
        try Data("not json\n".utf8).write(to: URL(fileURLWithPath: w.out("bad.jsonl")))
        let badLog = try FathomProcess.run(rankArguments + ["--standalone-log", w.out("bad.jsonl")])
        #expect(badLog.status != 0 && badLog.stderr.contains("bad.jsonl") && badLog.stderr.contains("line 1"), "\(badLog.stderr)")
        let mismatched = try FathomProcess.run(["supernet", "rank-check", "--checkpoint", w.out("run"), "--sample", "3", "--standalone-epochs", "2",
                                                "--standalone-seeds", "2", "--standalone-from", w.out("rank.json")])
        #expect(mismatched.status != 0 && mismatched.stderr.contains("trained 1 epochs"))
    }

    @Test func trainsOneArchitectureAndBenchmarksTraining() throws {
        guard Self.available else { return }
        let w = try Workspace()
        let trained = try FathomProcess.run(["train", "fmnist-cell", "--arch", Self.arch, "--config", w.config, "--out", w.out("winner"), "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.jsonLines.first?["accuracy"] as? Double != nil)
        let noTestSet = try FathomProcess.run(["train", "fmnist-cell", "--arch", Self.arch, "--config", w.config, "--out", w.out("winner"), "--test"])
        #expect(noTestSet.status != 0 && noTestSet.stderr.contains("data.test_images"), "\(noTestSet.stderr)")
        let withTest = try Workspace(test: true)
        let tested = try FathomProcess.run(["train", "fmnist-cell", "--arch", Self.arch, "--config", withTest.config, "--out", withTest.out("winner"),
                                            "--test", "--json"])
        #expect(tested.status == 0, "\(tested.stderr)")
        let testAccuracy = tested.jsonLines.first?["test_accuracy"] as? Double ?? -1
        #expect(testAccuracy > 0.2 && testAccuracy <= 1, "\(tested.stdout)")
        let bench = try FathomProcess.run(["bench", "train", "fmnist-cell", "--arch", Self.arch, "--batch", "8", "--threads", "2", "--steps", "2", "--json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect((bench.jsonLines.first?["images_per_s"] as? Double ?? 0) > 0)
    }

    @Test func aKilledTrainingResumesToTheSameWeights() throws {
        guard Self.available else { return }
        let w = try Workspace(limit: 900, epochs: 2, batch: 16)
        let straight = try FathomProcess.run(["supernet", "train", "--config", w.config, "--out", w.out("straight"), "--json"])
        #expect(straight.status == 0, "\(straight.stderr)")
        let process = Process()
        process.executableURL = FathomProcess.binary
        process.arguments = ["supernet", "train", "--config", w.config, "--out", w.out("killed")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = w.out("killed") + "/checkpoint.bin"
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning { usleep(20_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try FathomProcess.run(["supernet", "train", "--config", w.config, "--out", w.out("killed"), "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let events = try String(contentsOfFile: w.out("killed") + "/events.jsonl", encoding: .utf8)
        #expect(events.contains("job_resumed"))
        let a = straight.jsonLines.first?["weights_checksum"] as? String, b = resumed.jsonLines.first?["weights_checksum"] as? String
        #expect(a != nil && a == b)
    }

    /// `fathom run` on a config whose accuracy comes from a supernet the job trains itself (`accuracy.train`): killed
    /// while that supernet trains, the job resumes the training from its checkpoint and reaches the same answer as an
    /// uninterrupted job. Latency is measured here under a budget far above any cell, so that load cannot change what
    /// is feasible; the answer is compared by architecture and supernet accuracy.
    @Test func aJobTrainsItsOwnSupernetAndResumesAfterAKill() throws {
        guard Self.available else { return }
        let w = try Workspace(limit: 900, epochs: 1, batch: 16)
        let job = w.out("job.json")
        try Data("""
        {"fathom": 1, "name": "tiny", "space": "fmnist-cell", "accuracy": {"train": "config.json"},
         "latency": {"source": "measure"}, "search": {"strategy": "evolution", "queries": 6, "seed": 2, "budget": {"ms": 1000}}}
        """.utf8).write(to: URL(fileURLWithPath: job))
        func answer(_ out: String) throws -> (String?, Double?) {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/exported/tiny.json"))
            let spec = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            return (spec["arch"] as? String, spec["accuracy"] as? Double)
        }
        let straight = try FathomProcess.run(["run", job, "--out", w.out("straight")])
        #expect(straight.status == 0, "\(straight.stderr)")
        let process = Process()
        process.executableURL = FathomProcess.binary
        process.arguments = ["run", job, "--out", w.out("killed")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = w.out("killed") + "/supernet/checkpoint.bin"
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning { usleep(10_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try FathomProcess.run(["run", job, "--out", w.out("killed")])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let trainingEvents = try String(contentsOfFile: w.out("killed") + "/supernet/events.jsonl", encoding: .utf8)
        #expect(trainingEvents.contains("job_resumed"), "the training was not resumed from its checkpoint")
        let jobEvents = try String(contentsOfFile: w.out("killed") + "/events.jsonl", encoding: .utf8)
        #expect(jobEvents.contains("\"event\":\"supernet_trained\""))
        let (arch, accuracy) = try answer(w.out("straight")), (again, againAccuracy) = try answer(w.out("killed"))
        #expect(arch != nil && arch == again && accuracy == againAccuracy)
        let spec = try Data(contentsOf: URL(fileURLWithPath: w.out("killed") + "/exported/tiny.json"))
        #expect(String(decoding: spec, as: UTF8.self).contains("supernet:\(w.out("killed"))/supernet@"))
    }

    @Test func badInputIsAClearErrorWithNonZeroExit() throws {
        guard Self.available else { return }
        let missing = try Workspace(images: "/nonexistent/train-images-idx3-ubyte.gz")
        let m = try FathomProcess.run(["supernet", "train", "--config", missing.config, "--out", missing.out("run")])
        #expect(m.status != 0 && m.stderr.contains("/nonexistent/train-images-idx3-ubyte.gz"), "\(m.stderr)")
        let method = try Workspace(method: "darts")
        let u = try FathomProcess.run(["supernet", "train", "--config", method.config, "--out", method.out("run")])
        #expect(u.status != 0 && u.stderr.contains("supernet.method"), "\(u.stderr)")
        let rate = try Workspace(learningRate: "-0.1")
        let r = try FathomProcess.run(["supernet", "train", "--config", rate.config, "--out", rate.out("run")])
        #expect(r.status != 0 && r.stderr.contains("training.learning_rate"), "\(r.stderr)")
        let w = try Workspace(limit: 200)
        #expect(try FathomProcess.run(["supernet", "train", "--config", w.config, "--out", w.out("run")]).status == 0)
        let outside = try FathomProcess.run(["supernet", "eval", "--checkpoint", w.out("run"), "--arch", "|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
        #expect(outside.status != 0 && outside.stderr.contains("conv_5x5"), "\(outside.stderr)")
        #expect(FileManager.default.fileExists(atPath: w.out("run") + "/checkpoint.bin"))
    }
}
