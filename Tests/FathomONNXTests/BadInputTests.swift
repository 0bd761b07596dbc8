import FathomGraph
import FathomNN
import FathomONNX
import FathomSpaces
import Foundation
import Testing

/// Bad export input fails with one clear error.
@Suite struct BadInputTests {
    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-onnx-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func missingSpecFile() {
        #expect(throws: SpaceError.unreadableFile(path: "/nonexistent/spec.json")) {
            try ArchitectureSpec.load(contentsOf: "/nonexistent/spec.json")
        }
    }

    @Test func specWithoutArch() throws {
        let path = try Self.file(#"{"space": "nasbench201", "budget_ms": 3}"#)
        #expect(throws: SpaceError.missingKey(file: path, key: "arch")) { try ArchitectureSpec.load(contentsOf: path) }
    }

    @Test func specThatIsNotJSON() throws {
        let path = try Self.file("space: nasbench201")
        #expect { try ArchitectureSpec.load(contentsOf: path) } throws: { error in
            guard case .malformedJSON(path, _) = error as? SpaceError else { return false }
            return true
        }
    }

    @Test func specReadsSpaceAndArchIgnoringOtherKeys() throws {
        let path = try Self.file(#"{"space": "fbnet", "arch": "x", "latency_ms": 1.5}"#)
        #expect(try ArchitectureSpec.load(contentsOf: path) == ArchitectureSpec(space: "fbnet", arch: "x"))
    }

    @Test(arguments: ["trained:model.bin", "seeded:", "seeded:-1", "supernet:DIR", "7"])
    func unsupportedWeights(_ text: String) {
        #expect(throws: ONNXError.unsupportedWeights(value: text, supported: WeightsSource.forms)) { try WeightsSource(parsing: text) }
    }

    @Test func seededWeights() throws {
        #expect(try WeightsSource(parsing: "seeded:42") == .seeded(42))
        #expect(WeightsSource.seeded(42).description == "seeded:42")
    }

    @Test func batchMustBePositive() throws {
        let space = try SearchSpace.load("fbnet")
        let graph = try NetworkGraph(space: space, arch: space.sample(count: 1, seed: 0)[0])
        #expect(throws: ONNXError.invalidBatch(0)) {
            try ONNXExporter(graph: graph, parameters: NetworkParameters(graph: graph, seed: 0), batch: 0)
        }
    }

    @Test func unwritableFile() {
        #expect { try ExportFile.write(Data([1]), to: "/nonexistent/dir/model.onnx") } throws: { error in
            guard case .unwritableFile("/nonexistent/dir/model.onnx", _) = error as? ONNXError else { return false }
            return true
        }
    }
}
