import Foundation
import Testing

/// `fathom export SPEC.json --onnx FILE`: the model ONNX Runtime runs gives Fathom's own logits
/// (checked by `scripts/onnx_check.py`, which needs `onnx` and `onnxruntime` from PyPI).
@Suite struct ExportCommandTests {
    /// A temporary folder holding a spec, the model and the reference output.
    struct Workspace {
        let folder: URL
        var spec: URL { folder.appendingPathComponent("spec.json") }
        var model: URL { folder.appendingPathComponent("model.onnx") }
        var reference: URL { folder.appendingPathComponent("reference.json") }

        init(spec json: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(json.utf8).write(to: spec)
        }

        init(space: String, arch: String) throws {
            try self.init(spec: #"{"space": "\#(space)", "arch": "\#(arch)", "budget_ms": 5}"#)
        }

        func export(_ extra: [String] = []) throws -> FathomProcess {
            try FathomProcess.run(["export", spec.path, "--onnx", model.path] + extra)
        }
    }

    /// Runs `python3 scripts/onnx_check.py MODEL REF`; fails the test clearly when python3 lacks onnxruntime.
    static func check(_ w: Workspace) throws -> (status: Int32, verdict: [String: Any]) {
        let probe = try python(["-c", "import onnx, onnxruntime"])
        guard probe.status == 0 else {
            Issue.record("python3 lacks onnx/onnxruntime, which the ONNX equality check needs: run `python3 -m pip install onnx onnxruntime` (scripts/test.sh does)")
            return (probe.status, [:])
        }
        let result = try python([FathomProcess.repoRoot.appendingPathComponent("scripts/onnx_check.py").path, w.model.path, w.reference.path])
        let line = result.output.split(separator: "\n").last { $0.hasPrefix("{") } ?? ""
        let verdict = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (result.status, verdict ?? ["output": result.output])
    }

    /// Runs `python3 arguments…`, returning its exit status and what it printed (stdout and stderr together).
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let architectures: [(space: String, arch: String)] = [
        // Node 1 feeds only `none` edges, so its incoming conv edge is dead.
        ("nasbench201", "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"),
        // A grouped (g2) block with its channel shuffle.
        ("fbnet", "k3_e1-k3_e1-k3_e3-k3_e6-k5_e1-k5_e1_g2-k5_e3-k5_e6-skip-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1"),
        // Squeeze-and-excite and h-swish in stages 2 and 4.
        ("fmnist-mbv3", "r28|k3e4,k5e4,k3e6|k7e4,k7e6,k3e3,k3e6|k5e4,k5e3,k7e6,k5e6|k5e3,k7e6"),
        // The elastic ImageNet space at its smallest resolution.
        ("ofa-mbv3", "r128|k3e4,k7e6,k5e4,k7e6|k3e3,k5e4|k3e4,k3e4|k7e3,k3e6,k3e6,k7e6|k3e4,k7e6"),
    ]

    @Test(arguments: architectures.indices)
    func onnxRuntimeMatchesFathom(_ index: Int) throws {
        let (space, arch) = Self.architectures[index]
        let w = try Workspace(space: space, arch: arch)
        defer { try? FileManager.default.removeItem(at: w.folder) }
        let export = try w.export(["--batch", "2", "--reference-output", w.reference.path, "--json"])
        try #require(export.status == 0, "\(export.stderr)")
        #expect(export.jsonLines.first?["bytes"] as? Int ?? 0 > 0)
        let (status, verdict) = try Self.check(w)
        #expect(status == 0, "\(space): \(verdict)")
        #expect(verdict["ok"] as? Bool == true, "\(space): \(verdict)")
        print("onnx_check \(space): max_abs_diff \(verdict["max_abs_diff"] ?? "?"), max_abs_logit \(verdict["max_abs_logit"] ?? "?")")
    }

    @Test func missingSpecFileIsOneClearError() throws {
        let w = try Workspace(spec: "{}")
        let result = try FathomProcess.run(["export", w.folder.appendingPathComponent("absent.json").path, "--onnx", w.model.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("absent.json") && result.stderr.contains("cannot read"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.model.path))
    }

    @Test func specWithoutArchNamesTheKey() throws {
        let w = try Workspace(spec: #"{"space": "nasbench201"}"#)
        let result = try w.export()
        #expect(result.status != 0)
        #expect(result.stderr.contains("arch: required key is missing"), "\(result.stderr)")
    }

    @Test func unsupportedWeightsSayWhatIsSupported() throws {
        let w = try Workspace(space: "fbnet", arch: Self.architectures[1].arch)
        let result = try w.export(["--weights", "supernet:runs/x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("seeded:SEED"), "\(result.stderr)")
    }
}
