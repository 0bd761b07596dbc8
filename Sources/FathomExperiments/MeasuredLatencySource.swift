import FathomMeasure
import FathomSearch
import FathomSpaces

/// Latency timed by the measurement agent (`measure`, or `--agent COMMAND` for another machine), through the store:
/// an architecture already measured in the same device and context is reused (unless the settings ask for fresh
/// measurements or the calibration drifted). Estimates carry p10/p90, runs, and the median's upper 95% bound, which a
/// strict budget compares.
public final class MeasuredLatencySource: LatencySource {
    public let space: SearchSpace
    public let settings: MeasurementSettings
    public let session: MeasurementSession
    /// `measure:<device id>`.
    public var id: String { "measure:\(session.device.id)" }
    private let spaceArgument: String

    /// A source over `space` (`spaceArgument` is how the agent loads it: a built-in name or a path) with `settings`.
    public init(space: SearchSpace, spaceArgument: String, settings: MeasurementSettings, log: @escaping (String) -> Void = { _ in }) throws {
        self.space = space
        self.spaceArgument = spaceArgument
        self.settings = settings
        session = try settings.openSession(log: log)
    }

    public func latency(of arch: Architecture) throws -> LatencyEstimate {
        var result: SessionMeasurement?
        try session.measure(space: space, spaceArgument: spaceArgument, archs: [space.format(arch)], context: settings.context,
                            policy: settings.policy, perLayer: false) { result = $0 }
        let s = result!.measurement.summary
        return LatencyEstimate(ms: s.medianMs, origin: .measured(p10: s.p10Ms, p90: s.p90Ms, runs: s.runs, upperBound: s.ciHighMs))
    }
}
