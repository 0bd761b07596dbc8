import Foundation
import Testing

/// `fathom measure`, `fathom agent --stdio` and `fathom measurements` on tiny networks with a short timing policy.
@Suite struct MeasureCommandTests {
    static let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"
    /// A short policy on one thread: the tests check behaviour, not latency.
    static let quick = ["--max-seconds", "0.2", "--min-runs", "3", "--threads", "1"]

    /// A temporary folder holding a store.
    struct Scratch {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-measure-\(UUID().uuidString)")
        var store: String { folder.appendingPathComponent("fathom.sqlite").path }

        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        func measure(_ arguments: [String], space: String = "fmnist-cell") throws -> FathomProcess {
            try FathomProcess.run(["measure", space] + arguments + MeasureCommandTests.quick + ["--store", store, "--json"])
        }

        /// `count` sampled archs of fmnist-cell in a JSON-lines file.
        func archs(count: Int, seed: Int) throws -> String {
            let sample = try FathomProcess.run(["spaces", "sample", "fmnist-cell", "--count", "\(count)", "--seed", "\(seed)"])
            let path = folder.appendingPathComponent("archs-\(seed).jsonl").path
            try Data(sample.stdout.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// Measurements per device, as `fathom measurements devices` reads the store back.
        func storedCount() throws -> Int {
            let devices = try FathomProcess.run(["measurements", "devices", "--store", store, "--json"])
            #expect(devices.status == 0, "\(devices.stderr)")
            return devices.jsonLines.compactMap { $0["measurements"] as? Int }.reduce(0, +)
        }
    }

    /// Starts `fathom arguments…` with pipes on stdin, stdout and stderr.
    static func start(_ arguments: [String]) throws -> (Process, input: Pipe, output: Pipe, error: Pipe) {
        let process = Process()
        process.executableURL = FathomProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = FathomProcess.repoRoot
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        return (process, input, output, error)
    }

    @Test func measuresThenReusesThenMeasuresFreshAgain() throws {
        let s = try Scratch()
        let first = try s.measure(["--arch", Self.arch])
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(first.jsonLines.first)
        for key in ["median_ms", "p10_ms", "p90_ms", "ci_low_ms", "ci_high_ms", "runs", "device", "source", "converged", "reused", "context"] {
            #expect(json[key] != nil, "no \(key) in \(first.stdout)")
        }
        #expect(json["source"] as? String == "measured" && json["reused"] as? Bool == false)
        #expect((json["p10_ms"] as! Double) <= (json["median_ms"] as! Double) && (json["median_ms"] as! Double) <= (json["p90_ms"] as! Double))
        let again = try s.measure(["--arch", Self.arch])
        let reused = try #require(again.jsonLines.first)
        #expect(reused["reused"] as? Bool == true || reused["calibration_drift"] != nil, "\(again.stdout)")
        #expect(reused["device"] as? String == json["device"] as? String)
        let fresh = try s.measure(["--arch", Self.arch, "--fresh"])
        #expect(fresh.jsonLines.first?["reused"] as? Bool == false)
        let other = try s.measure(["--arch", Self.arch, "--batch", "2"])
        #expect(other.jsonLines.first?["reused"] as? Bool == false, "a different batch is a different context")
        #expect(try s.storedCount() >= 3)
    }

    @Test func perLayerProfilesCompareTheSumWithTheNetwork() throws {
        let s = try Scratch()
        let result = try s.measure(["--arch", Self.arch, "--per-layer"])
        #expect(result.status == 0, "\(result.stderr)")
        let profile = try #require(result.jsonLines.first?["per_layer"] as? [String: Any])
        let layers = try #require(profile["layers"] as? [[String: Any]])
        #expect(layers.count > 5 && layers.allSatisfy { ($0["name"] as? String)?.isEmpty == false && $0["op"] != nil })
        #expect((profile["ratio"] as? Double ?? 0) > 0 && profile["sum_of_layers_ms"] != nil && profile["by_op"] != nil)
    }

    @Test func badInputGivesOneClearSentence() throws {
        let s = try Scratch()
        let badArch = try s.measure(["--arch", "|bogus~0|"])
        #expect(badArch.status != 0 && badArch.stderr.contains("fmnist-cell"), "\(badArch.stderr)")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: s.store))
        let corrupt = try s.measure(["--arch", Self.arch])
        #expect(corrupt.status != 0 && corrupt.stderr.contains(s.store) && corrupt.stderr.contains("corrupt"), "\(corrupt.stderr)")
        let dead = try Scratch().measure(["--arch", Self.arch, "--agent", "false"])
        #expect(dead.status != 0 && dead.stderr.contains("agent 'false'"), "\(dead.stderr)")
    }

    @Test func aKilledArchsRunResumesFromTheStore() throws {
        let s = try Scratch()
        let archs = try s.archs(count: 10, seed: 4)
        let (process, _, _, error) = try Self.start(["measure", "fmnist-cell", "--archs", archs, "--group", "2", "--store", s.store] + Self.quick)
        // Kill it as soon as the first group is stored.
        var seen = ""
        while process.isRunning && !seen.contains("measured 2/10") {
            seen += String(decoding: error.fileHandleForReading.availableData, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try s.storedCount() >= 2)
        let resumed = try s.measure(["--archs", archs])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lines = resumed.jsonLines
        // Stored ones are reused, or measured again when the machine's calibration drifted since (and said so).
        #expect(lines.count == 10 && lines.filter { $0["reused"] as? Bool == true || $0["calibration_drift"] != nil }.count >= 2)
        #expect(resumed.stderr.contains("measured 10/10"))
    }

    /// Crash safety: a writer killed with SIGKILL at random moments (mid-measurement or mid-save) leaves a store that
    /// opens, passes SQLite's integrity check (`measurements devices` runs `quick_check` on open) and holds whole
    /// measurements only; the run then resumes to all of them.
    @Test func killsAtRandomMomentsLeaveTheStoreIntact() throws {
        let s = try Scratch()
        let archs = try s.archs(count: 12, seed: 9)
        var rng = SystemRandomNumberGenerator()
        var counts: [Int] = []
        for _ in 0..<5 {
            let (process, _, output, _) = try Self.start(["measure", "fmnist-cell", "--archs", archs, "--group", "1", "--store", s.store, "--json",
                                                          "--max-seconds", "0.05", "--min-runs", "3", "--threads", "1"])
            usleep(UInt32.random(in: 150_000...900_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            _ = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            counts.append(try s.storedCount())
        }
        #expect(counts == counts.sorted(), "a kill lost stored measurements: \(counts)")
        let resumed = try s.measure(["--archs", archs])
        #expect(resumed.status == 0 && resumed.jsonLines.count == 12, "\(resumed.stderr)")
        #expect(try s.storedCount() >= 12)
    }

    @Test func twoProcessesWriteOneStoreAtOnce() throws {
        let s = try Scratch()
        let files = try [1, 2].map { try s.archs(count: 4, seed: $0) }
        let processes = try files.map { try Self.start(["measure", "fmnist-cell", "--archs", $0, "--group", "1", "--store", s.store, "--json"] + Self.quick) }
        for (process, _, output, _) in processes {
            _ = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect(try s.storedCount() == 8)
    }

    @Test func theAgentAnswersEveryLineAndExitsAtEndOfInput() throws {
        let (process, input, output, _) = try Self.start(["agent", "--stdio"])
        let requests = [#"{"id":1,"op":"fingerprint"}"#,
                        #"{"id":2,"op":"measure","space":"fmnist-cell","arch":"\#(Self.arch)","threads":1,"min_runs":3,"max_seconds":0.2}"#,
                        "this is not json",
                        #"{"id":4,"op":"teleport"}"#,
                        #"{"id":5,"op":"measure","space":"fmnist-cell","arch":"|bogus~0|"}"#]
        input.fileHandleForWriting.write(Data((requests.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let replies = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        try #require(replies.count == 5)
        #expect(replies.map { $0["ok"] as? Bool } == [true, true, false, false, false])
        #expect((replies[0]["device"] as? [String: Any])?["id"] is String)
        let measured = try #require((replies[1]["measurements"] as? [[String: Any]])?.first)
        #expect((measured["summary"] as? [String: Any])?["median_ms"] is Double)
        #expect((replies[3]["error"] as? String)?.contains("unknown op 'teleport'") == true && replies[3]["id"] as? Int == 4)
    }

    @Test func measuringThroughAnAgentCommandStoresUnderItsDevice() throws {
        let s = try Scratch()
        let viaAgent = try s.measure(["--arch", Self.arch, "--agent", "'\(FathomProcess.binary.path)' agent --stdio"])
        #expect(viaAgent.status == 0, "\(viaAgent.stderr)")
        let local = try s.measure(["--arch", Self.arch])
        #expect(viaAgent.jsonLines.first?["device"] as? String == local.jsonLines.first?["device"] as? String)
        #expect(viaAgent.jsonLines.first?["source"] as? String == "measured")
    }

    @Test func exportWritesTheHELPLayout() throws {
        let s = try Scratch()
        let inHELP = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
        let measured = try s.measure(["--arch", inHELP], space: "nasbench201")
        let device = try #require(measured.jsonLines.first?["device"] as? String, "\(measured.stderr)")
        let csv = s.folder.appendingPathComponent("out.csv").path
        let export = try FathomProcess.run(["measurements", "export", "--device", device, "--space", "nasbench201", "--csv", csv,
                                            "--threads", "1", "--store", s.store])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0] == "arch_index,arch_string,\(device)" && lines[1].hasPrefix("0,\(inHELP),"))
        let unknown = try FathomProcess.run(["measurements", "export", "--device", "000000000000", "--space", "nasbench201", "--csv", csv, "--store", s.store])
        #expect(unknown.status != 0 && unknown.stderr.contains(device))
    }
}
