import FathomExperiments
import FathomMeasure
import FathomSearch
import FathomSpaces
import Foundation
import Testing

@Suite struct MeasuredSourceTests {
    /// The release-built `fathom` (`$FATHOM_BIN` or `.build/release/fathom`), run as the agent: a debug build's
    /// calibration alone takes tens of seconds. Without it, this machine's agent runs in-process.
    static var agentCommand: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = ProcessInfo.processInfo.environment["FATHOM_BIN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent(".build/release/fathom").path
        return FileManager.default.isExecutableFile(atPath: binary) ? "'\(binary)' agent --stdio" : nil
    }

    @Test func measureTimesThroughTheStoreAndCarriesItsSpread() throws {
        let space = try SearchSpace.load("fmnist-cell")
        let factory = SourceFactory(space: space)
        factory.measurement.storePath = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-source-\(UUID().uuidString).sqlite").path
        factory.measurement.context = MeasurementContext(batch: 1, threads: 1)
        factory.measurement.policy.maxSeconds = 0.2
        factory.measurement.policy.minRuns = 3
        factory.measurement.agentCommand = Self.agentCommand
        factory.measurementLog = { _ in }
        let source = try factory.latencySource("measure")
        #expect(source.id.hasPrefix("measure:"))
        let arch = try space.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|")
        let estimate = try source.latency(of: arch)
        guard case let .measured(p10, p90, runs, upperBound) = estimate.origin else { Issue.record("not measured: \(estimate)"); return }
        #expect(p10 <= estimate.ms && estimate.ms <= p90 && runs >= 1 && upperBound >= estimate.ms && estimate.upperBoundMs == upperBound)
        let again = try source.latency(of: arch)
        #expect(again == estimate, "the second query reuses the stored measurement")
    }
}
