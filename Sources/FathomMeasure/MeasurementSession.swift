import FathomSpaces
import Foundation

/// A measurement as a session hands it out: stored now or reused from the store.
public struct SessionMeasurement: Sendable {
    public let measurement: NetworkMeasurement
    /// True when it came from the store instead of being timed now.
    public let reused: Bool
    /// When a stored measurement was found but the device's calibration had drifted from the one it was taken under:
    /// the relative drift (then the network was timed again).
    public let calibrationDrift: Double?
}

/// Measures architectures through an agent and keeps every result in a store: a stored measurement of the same
/// device, context and architecture is reused (unless `fresh`) while the device's calibration has not drifted beyond
/// `Calibration.tolerance`; the rest are timed in interleaved groups and each group is stored as soon as it is done,
/// so a killed run resumes where it stopped.
public final class MeasurementSession {
    public let agent: any MeasurementAgent
    public let store: MeasurementStore
    /// The agent's device, as reported (and registered in the store) when the session opened.
    public let device: DeviceReport
    public let fresh: Bool
    private let log: (String) -> Void

    /// Opens a session: asks the agent for its device and calibration and registers it. `log` gets stderr notes.
    public init(agent: any MeasurementAgent, store: MeasurementStore, fresh: Bool, log: @escaping (String) -> Void = { _ in }) throws {
        self.agent = agent
        self.store = store
        self.fresh = fresh
        self.log = log
        device = try agent.device()
        try store.register(device)
    }

    /// Measures `archs` (canonical strings of `space`; `spaceArgument` is how the agent loads it), in groups of
    /// `groupSize` timed interleaved, calling `progress(done, total)` after each group (and once at the end) and `emit` with each result
    /// (reused ones first). The context's kernel build is the agent's.
    public func measure(space: SearchSpace, spaceArgument: String, archs: [String], context: MeasurementContext, policy: TimingPolicy,
                        perLayer: Bool, groupSize: Int = 4, progress: (Int, Int) -> Void = { _, _ in },
                        emit: (SessionMeasurement) throws -> Void) throws {
        var context = context
        context.kernelBuild = device.fingerprint.kernelBuild
        var pending: [String] = []
        var drifts: [String: Double] = [:]
        var done = 0, reported = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let request = MeasurementRequest(space: spaceArgument, archs: pending, batch: context.batch, threads: context.threads,
                                             keepsDeadEdges: context.keepsDeadEdges, policy: policy, perLayer: perLayer)
            for measurement in try agent.measure(request) {
                try store.save(measurement)
                try emit(SessionMeasurement(measurement: measurement, reused: false, calibrationDrift: drifts[measurement.arch]))
            }
            done += pending.count
            reported = done
            progress(done, archs.count)
            pending = []
        }
        for arch in archs {
            if !fresh, let stored = try store.latest(device: device.id, space: space.name, arch: arch, context: context, withProfile: perLayer) {
                let drift = device.calibration.drift(from: stored.calibration)
                if !drift.drifted {
                    try emit(SessionMeasurement(measurement: stored, reused: true, calibrationDrift: nil))
                    done += 1
                    continue
                }
                drifts[arch] = drift.relative
                log(String(format: "calibration drifted %.0f%% (beyond %.0f%%) since %@ was stored: measuring it again",
                           drift.relative * 100, Calibration.tolerance * 100, arch))
            }
            pending.append(arch)
            if pending.count == groupSize { try flush() }
        }
        try flush()
        if reported != done { progress(done, archs.count) }
    }
}
