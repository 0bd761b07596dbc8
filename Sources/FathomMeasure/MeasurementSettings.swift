/// How and where to measure, as the command line and experiment configs choose it: the context, the timing policy,
/// the store file and the agent (this machine, or a command speaking the agent protocol).
public struct MeasurementSettings: Sendable {
    public var context = MeasurementContext()
    public var policy = TimingPolicy()
    /// The store file; nil for `MeasurementStore.location(option: nil)`.
    public var storePath: String?
    /// A command running `fathom agent --stdio` somewhere; nil to measure on this machine.
    public var agentCommand: String?
    /// Measure again even where the store holds a measurement.
    public var fresh = false

    /// Defaults: batch 1 on all cores, dead edges dropped, the default policy, store and local agent.
    public init() {}

    /// Opens the store and the agent and registers the agent's device. `log` gets notes meant for stderr
    /// (waiting for the machine lock, calibration drift).
    public func openSession(log: @escaping (String) -> Void) throws -> MeasurementSession {
        let store = try MeasurementStore(path: try MeasurementStore.location(option: storePath))
        let agent: any MeasurementAgent = try agentCommand.map { try RemoteAgent(command: $0) }
            ?? LocalAgent(note: log)
        return try MeasurementSession(agent: agent, store: store, fresh: fresh, log: log)
    }
}
