import Foundation
import Testing

/// `fathom predictor …` end to end on HELP's FBNet table: a tiny meta-training, adaptation, prediction, evaluation,
/// baselines, and the bad-input errors.
@Suite(.serialized) struct PredictorCommandTests {
    static let data = "device-measurements/help/fbnet/latency.csv"

    /// A temporary folder for one test's files.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-predictor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A meta-trained FBNet model: HELP's after two episodes, or the device mixture.
    func tinyModel(in folder: URL, method: String = "help") throws -> String {
        let path = folder.appendingPathComponent("\(method).json").path
        let result = try FathomProcess.run(["predictor", "meta-train", "fbnet", "--data", Self.data, "--out", path, "--seed", "0",
                                            "--method", method, "--episodes", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        if method == "help" { #expect(result.jsonLines.last?["valid_spearman"] is Double) }
        return path
    }

    /// The reference architectures' rows of the FBNet table for one device, as a samples CSV.
    func referenceSamples(device: String, in folder: URL) throws -> String {
        let root = FathomProcess.repoRoot.appendingPathComponent("device-measurements/help/fbnet")
        let references = try String(contentsOf: root.appendingPathComponent("hardware_embedding_index.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { Int($0.split(separator: ",")[1])! }
        let table = try String(contentsOf: root.appendingPathComponent("latency.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = table[0].split(separator: ",")
        let column = header.firstIndex(of: Substring(device))!
        let rows = references.map { index in
            let fields = table[index + 1].split(separator: ",")
            return "\(fields[0]),\(fields[1]),\(fields[column])"
        }
        let path = folder.appendingPathComponent("samples.csv").path
        try (["arch_index,arch_string,\(device)"] + rows).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: ["help", "mixture"]) func metaTrainAdaptPredictEvaluate(method: String) throws {
        let folder = try folder()
        let model = try tinyModel(in: folder, method: method)
        let evaluation = try FathomProcess.run(["predictor", "evaluate", "--model", model, "--data", Self.data, "--device", "titanx_1",
                                                "--num-samples", "10", "--seed", "1", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let scores = try #require(evaluation.jsonLines.first)
        #expect(scores["spearman"] is Double && scores["kendall"] is Double && scores["mape"] is Double)
        #expect(scores["predictor"] as? String == method)
        if method == "mixture" {
            // titanx_1 is one of the mixture's known devices, so its own basis fits it: this checks the whole path.
            #expect((scores["spearman"] as? Double ?? 0) > 0.9)
        }

        let adapted = folder.appendingPathComponent("adapted.json").path
        let adapt = try FathomProcess.run(["predictor", "adapt", "--model", model, "--samples", try referenceSamples(device: "titanx_1", in: folder),
                                           "--device", "titanx_1", "--out", adapted])
        #expect(adapt.status == 0, "\(adapt.stderr)")
        if method == "mixture" { #expect(adapt.stderr.contains("closest known devices: ") && adapt.stderr.contains("titanx_1")) }
        let archs = folder.appendingPathComponent("archs.jsonl")
        try FathomProcess.run(["spaces", "sample", "fbnet", "--count", "4", "--seed", "2"]).stdout.write(to: archs, atomically: true, encoding: .utf8)
        let predict = try FathomProcess.run(["predictor", "predict", "--model", adapted, "--archs", archs.path, "--json"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.jsonLines.count == 4)
        #expect(predict.jsonLines.allSatisfy { ($0["latency_ms"] as? Double ?? -1) > 0 && $0["arch"] is String })
        let again = try FathomProcess.run(["predictor", "predict", "--model", adapted, "--archs", archs.path, "--json"])
        #expect(again.stdout == predict.stdout)
    }

    /// This machine becomes a device: the reference architectures are measured here, the model adapted to them, and
    /// the samples written beside it reproduce the same adapted model through --samples.
    @Test func adaptingToThisMachineMeasuresTheReferences() throws {
        let folder = try folder()
        let model = try tinyModel(in: folder)
        let adapted = folder.appendingPathComponent("local.json").path
        let local = try FathomProcess.run(["predictor", "adapt", "--model", model, "--local", "--out", adapted, "--threads", "1",
                                           "--max-seconds", "0.2", "--min-runs", "3", "--store", folder.appendingPathComponent("store.sqlite").path])
        #expect(local.status == 0, "\(local.stderr)")
        let samplesFile = folder.appendingPathComponent("local.samples.csv").path
        let samples = try String(contentsOfFile: samplesFile, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(samples.count == 11, "the header and the 10 reference architectures")
        let device = try #require(samples.first?.split(separator: ",").last.map(String.init))
        #expect(samples.dropFirst().allSatisfy { (Double($0.split(separator: ",").last ?? "") ?? 0) > 0 })
        let again = folder.appendingPathComponent("again.json").path
        let replay = try FathomProcess.run(["predictor", "adapt", "--model", model, "--samples", samplesFile, "--device", device, "--out", again])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: adapted))
    }

    /// Leave-one-device-out on two FBNet devices: every method scored per device, the mixture built without the held-out device.
    @Test func benchPredictorHoldsOutEachDevice() throws {
        let folder = try folder()
        let csv = folder.appendingPathComponent("loo.csv").path
        let result = try FathomProcess.run(["bench", "predictor", "fbnet", "--data", Self.data, "--devices", "silver_4114,pixel3",
                                            "--methods", "mixture,flops,whole-pool", "--seeds", "2", "--csv", csv, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.jsonLines.map { "\($0["device"]!) \($0["method"]!)" } == ["silver_4114 mixture", "silver_4114 flops", "silver_4114 whole-pool",
                                                                                "pixel3 mixture", "pixel3 flops", "pixel3 whole-pool"])
        #expect(result.jsonLines.allSatisfy { ($0["seeds"] as? Int) == 2 && $0["spearman"] is Double && $0["budget_accuracy"] is Double })
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(rows.count == 1 + 2 * 3 * 2)
        let unknown = try FathomProcess.run(["bench", "predictor", "fbnet", "--data", Self.data, "--methods", "mixture,oracle"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown method 'oracle'"))
    }

    @Test func baselinesPrintOneRowPerPredictor() throws {
        let result = try FathomProcess.run(["predictor", "baselines", "fbnet", "--data", Self.data, "--device", "gold_6240",
                                            "--num-samples", "10", "--epochs", "20", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.jsonLines.compactMap { $0["predictor"] as? String } == ["flops", "live-flops", "params", "mlp"])
        #expect(result.jsonLines.allSatisfy { $0["spearman"] is Double && $0["mape"] is Double })
    }

    @Test func badInputIsOneClearError() throws {
        let folder = try folder()
        let model = try tinyModel(in: folder)
        let otherSpace = try FathomProcess.run(["predictor", "evaluate", "--model", model, "--data",
                                                "device-measurements/help/nasbench201/latency.csv", "--device", "titanx_1"])
        #expect(otherSpace.status != 0)
        #expect(otherSpace.stderr.contains("nasbench201") && otherSpace.stderr.contains("line"))
        let refused = try FathomProcess.run(["predictor", "baselines", "nasbench201", "--data", "device-measurements/help/nasbench201/latency.csv",
                                             "--device", "titanx_1", "--model", model])
        #expect(refused.status != 0 && refused.stderr.contains("is for space 'fbnet', not 'nasbench201'"))
        let unknownDevice = try FathomProcess.run(["predictor", "evaluate", "--model", model, "--data", Self.data, "--device", "abacus"])
        #expect(unknownDevice.status != 0 && unknownDevice.stderr.contains("unknown device 'abacus'"))
        let missing = try FathomProcess.run(["predictor", "evaluate", "--model", folder.appendingPathComponent("none.json").path,
                                             "--data", Self.data, "--device", "titanx_1"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read file"))
        let archs = folder.appendingPathComponent("archs.jsonl")
        try FathomProcess.run(["spaces", "sample", "fbnet", "--count", "1", "--seed", "2"]).stdout.write(to: archs, atomically: true, encoding: .utf8)
        let unadapted = try FathomProcess.run(["predictor", "predict", "--model", model, "--archs", archs.path])
        #expect(unadapted.status != 0 && unadapted.stderr.contains("help-meta"))
        let corrupt = folder.appendingPathComponent("corrupt.json")
        try "{\"kind\": \"help-meta\"".write(to: corrupt, atomically: true, encoding: .utf8)
        let corrupted = try FathomProcess.run(["predictor", "predict", "--model", corrupt.path, "--archs", archs.path])
        #expect(corrupted.status != 0 && corrupted.stderr.contains("not a valid Fathom predictor model"))
    }
}
