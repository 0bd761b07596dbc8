import ArgumentParser
import FathomMeasure
import Foundation

/// The options of every command that measures (`measure`, `search`): the measurement context, the timing policy, the
/// store and the agent.
struct MeasurementOptions: ParsableArguments {
    @Option(help: "Images per run.") var batch: Int = 1
    @Option(help: "Threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Keep NAS-Bench-201's dead edges (as the HELP devices ran them) instead of dropping them.") var keepDeadEdges = false
    @Option(help: "The measurement store (default: $FATHOM_STORE or device-measurements/local/fathom.sqlite).") var store: String?
    @Option(help: "Measure through an agent command, e.g. 'ssh host fathom agent --stdio'.") var agent: String?
    @Option(help: "Seconds one network's timing may take at most.") var maxSeconds: Double = 10
    @Option(help: "Timed runs at least.") var minRuns: Int = 10

    func validate() throws {
        guard batch > 0, threads > 0, minRuns > 0 else { throw ValidationError("--batch, --threads and --min-runs must be positive") }
        guard maxSeconds > 0 else { throw ValidationError("--max-seconds must be positive") }
    }

    /// The settings these options describe; `fresh` measures again even where the store holds a measurement.
    func settings(fresh: Bool = false) -> MeasurementSettings {
        var settings = MeasurementSettings()
        settings.context = MeasurementContext(batch: batch, threads: threads, keepsDeadEdges: keepDeadEdges)
        settings.policy.maxSeconds = maxSeconds
        settings.policy.minRuns = minRuns
        settings.storePath = store
        settings.agentCommand = agent
        settings.fresh = fresh
        return settings
    }
}
