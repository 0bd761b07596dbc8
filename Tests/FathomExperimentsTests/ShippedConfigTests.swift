import FathomExperiments
import FathomNN
import Foundation
import Testing

/// Every config shipped in `experiments/` validates: experiment configs as `fathom run` reads them, training configs
/// (those with a `training` section) as `fathom supernet train` does. The one problem allowed is a missing file under
/// `runs/`: an artifact the README's commands make first (a meta-trained predictor), which a fresh clone lacks.
@Suite struct ShippedConfigTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments")

    static var configs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereAreExperimentAndTrainingConfigs() {
        #expect(Self.configs.contains("quickstart.json") && Self.configs.contains("fmnist-mbv3-search.json"))
        #expect(Self.configs.contains("fmnist-mbv3-quick.json"))
    }

    @Test(arguments: configs)
    func validates(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        if text.contains("\"training\"") {
            _ = try TrainingConfig(path: path)
        } else {
            do {
                _ = try ExperimentConfig(path: path)
            } catch let ExperimentError.invalidConfig(_, problems) {
                #expect(problems.allSatisfy { $0.contains("\"../runs/") }, "\(problems)")
            }
        }
    }
}
