import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Foundation

/// Times networks on this machine: builds each architecture's network, takes the machine-wide lock, times the
/// networks interleaved under the request's policy and, when asked, profiles every layer. The lock only keeps other
/// Fathom measurements away, so the agent also says (once) when the load average exceeds the core count: compilers
/// or other jobs then inflate every timing.
public final class LocalAgent: MeasurementAgent {
    private let lockPath: String
    private let note: (String) -> Void
    private var warnedBusy = false
    private let clock: @Sendable () -> UInt64
    private let fingerprint = DeviceFingerprint.current()
    private var calibration: Calibration?
    private var spaces: [String: SearchSpace] = [:]
    private var pools: [Int: ThreadPool] = [:]

    /// An agent taking the lock at `lockPath`; `note` gets stderr notes (waiting for the lock, a busy machine).
    public init(lockPath: String = MachineLock.defaultPath, clock: @escaping @Sendable () -> UInt64 = monotonicNanoseconds,
                note: @escaping (String) -> Void = { _ in }) {
        self.lockPath = lockPath
        self.clock = clock
        self.note = note
    }

    /// The fingerprint and a calibration taken now, under the lock.
    public func device() throws -> DeviceReport {
        let lock = try lockMachine()
        let fresh = withExtendedLifetime(lock) { Calibration.run() }
        calibration = fresh
        return DeviceReport(fingerprint: fingerprint, calibration: fresh)
    }

    public func measure(_ request: MeasurementRequest) throws -> [NetworkMeasurement] {
        guard request.batch > 0, request.threads > 0 else { throw MeasureError.badRequest(reason: "batch and threads must be positive") }
        guard !request.archs.isEmpty else { throw MeasureError.badRequest(reason: "no architecture to measure") }
        let space = try loadSpace(request.space)
        let archs = try request.archs.map { space.format(try space.parse($0)) }
        let pool = threadPool(request.threads)
        let networks = try archs.map { try network(space: space, arch: $0, request: request, pool: pool) }
        var groupPolicy = request.policy
        groupPolicy.maxSeconds *= Double(networks.count)
        let lock = try lockMachine()
        warnIfBusy()
        return try withExtendedLifetime(lock) {
            let calibration = self.calibration ?? Calibration.run()
            self.calibration = calibration
            let results = try Timer(policy: groupPolicy, clock: clock).timeInterleaved(networks.map { network in { network.run() } })
            let profiler = LayerProfiler(timer: Timer(policy: request.policy, clock: clock), clock: clock)
            let context = MeasurementContext(batch: request.batch, threads: request.threads, keepsDeadEdges: request.keepsDeadEdges)
            return try zip(archs, zip(networks, results)).map { arch, pair in
                let (network, result) = pair
                let profile = request.perLayer ? try profiler.profile(network, networkMs: result.summary.medianMs) : nil
                return NetworkMeasurement(space: space.name, arch: arch, device: fingerprint.id, context: context, summary: result.summary,
                                          converged: result.converged, seconds: result.seconds, calibration: calibration,
                                          measuredAt: Date(), profile: profile)
            }
        }
    }

    private func lockMachine() throws -> MachineLock {
        try MachineLock(path: lockPath, onWait: { [note, lockPath] in note("waiting for the measurement lock \(lockPath): another measurement runs on this machine") })
    }

    private func warnIfBusy() {
        guard !warnedBusy, let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let load = text.split(separator: " ").first.flatMap({ Double($0) }), load > Double(fingerprint.cores) else { return }
        warnedBusy = true
        note(String(format: "this machine is busy (load average %.1f on %d cores): other processes will inflate the timings", load, fingerprint.cores))
    }

    private func loadSpace(_ name: String) throws -> SearchSpace {
        if let space = spaces[name] { return space }
        let space = try SearchSpace.load(name)
        spaces[name] = space
        return space
    }

    private func threadPool(_ threads: Int) -> ThreadPool {
        if let pool = pools[threads] { return pool }
        let pool = ThreadPool(threadCount: threads)
        pools[threads] = pool
        return pool
    }

    /// The compiled network of `arch` with seeded weights and a seeded random input.
    private func network(space: SearchSpace, arch: String, request: MeasurementRequest, pool: ThreadPool) throws -> InferenceNetwork {
        let graph = try NetworkGraph(space: space, arch: try space.parse(arch))
        let network = InferenceNetwork(graph: graph, parameters: NetworkParameters(graph: graph, seed: 0), batch: request.batch,
                                       dropDeadLayers: !request.keepsDeadEdges, pool: pool)
        var rng = SeededGenerator(seed: 1)
        for i in 0..<request.batch * graph.inputShape.count { network.input[i] = Float(rng.unit() * 2 - 1) }
        return network
    }
}
