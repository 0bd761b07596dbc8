import Foundation

/// What besides the device and the architecture changes a latency: batch size, thread count, whether NAS-Bench-201's
/// dead edges run, and the kernel build. Measurements are reused only within one context.
public struct MeasurementContext: Codable, Hashable, Sendable {
    public var batch: Int
    public var threads: Int
    /// True when dead layers run (as the HELP devices ran them); false when the executor drops them.
    public var keepsDeadEdges: Bool
    public var kernelBuild: String

    /// A context; by default batch 1 on all cores, dead edges dropped, this binary's kernel build.
    public init(batch: Int = 1, threads: Int = ProcessInfo.processInfo.activeProcessorCount, keepsDeadEdges: Bool = false,
                kernelBuild: String = kernelBuildID) {
        self.batch = batch
        self.threads = threads
        self.keepsDeadEdges = keepsDeadEdges
        self.kernelBuild = kernelBuild
    }

    /// `kept` or `dropped`, as the store and the reports write the dead-edge setting.
    public var deadEdges: String { keepsDeadEdges ? "kept" : "dropped" }
}
