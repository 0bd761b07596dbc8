@testable import FathomMeasure
import Foundation

/// Builders shared by the store, session and protocol tests.
enum Fixtures {
    static let calibration = Calibration(gemmGflops: 50, fmaPeakGflops: 100)

    /// A fresh temporary store path (the file does not exist yet).
    static func storePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fathom-store-\(UUID().uuidString)/fathom.sqlite").path
    }

    static func device(_ calibration: Calibration = calibration) -> DeviceReport {
        DeviceReport(fingerprint: DeviceFingerprint.current(), calibration: calibration)
    }

    static func measurement(arch: String, ms: Double, context: MeasurementContext = MeasurementContext(batch: 1, threads: 2),
                            calibration: Calibration = calibration, profile: LayerProfile? = nil, at date: Date = Date()) -> NetworkMeasurement {
        NetworkMeasurement(space: "fmnist-cell", arch: arch, device: DeviceFingerprint.current().id, context: context,
                           summary: TimingSummary(milliseconds: [ms * 0.99, ms, ms * 1.01]), converged: true, seconds: 0.1,
                           calibration: calibration, measuredAt: date, profile: profile)
    }
}

/// An agent that times nothing: it answers with a latency per arch from `latencies` and records what it was asked.
final class FakeAgent: MeasurementAgent {
    var calibration: Calibration
    var latencies: [String: Double] = [:]
    private(set) var requests: [MeasurementRequest] = []
    /// Throw on the request with this index (0-based), to simulate a run killed mid-way.
    var failOnRequest: Int?

    init(calibration: Calibration = Fixtures.calibration) { self.calibration = calibration }

    func device() throws -> DeviceReport { Fixtures.device(calibration) }

    func measure(_ request: MeasurementRequest) throws -> [NetworkMeasurement] {
        defer { requests.append(request) }
        if failOnRequest == requests.count { throw MeasureError.badRequest(reason: "killed") }
        return request.archs.map {
            Fixtures.measurement(arch: $0, ms: latencies[$0] ?? 1, context: MeasurementContext(batch: request.batch, threads: request.threads),
                                 calibration: calibration)
        }
    }
}
