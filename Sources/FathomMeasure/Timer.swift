/// Times workloads under a `TimingPolicy` with the monotonic clock.
///
/// One workload: warm-up, then runs until the median's interval is tight enough or a cap is hit. Several workloads
/// (`timeInterleaved`): every round runs each unfinished workload once, in an order that rotates between rounds, so
/// that drift of the machine (frequency, a neighbour's load) spreads over all of them instead of biasing one.
/// This follows the practice of pyperf and Google Benchmark (warm-up, repetitions, robust statistics), with a
/// stopping rule on the median's distribution-free confidence interval.
public struct Timer: Sendable {
    public let policy: TimingPolicy
    private let clock: @Sendable () -> UInt64

    /// A timer on the monotonic clock, or on `clock` (nanoseconds) in tests.
    public init(policy: TimingPolicy = TimingPolicy(), clock: @escaping @Sendable () -> UInt64 = monotonicNanoseconds) {
        self.policy = policy
        self.clock = clock
    }

    /// Times one workload.
    public func time(_ workload: () throws -> Void) throws -> TimingResult {
        try withoutActuallyEscaping(workload) { try timeInterleaved([$0])[0] }
    }

    /// Times several workloads, interleaved round by round.
    public func timeInterleaved(_ workloads: [() throws -> Void]) throws -> [TimingResult] {
        let start = clock()
        var warmups = [Int](repeating: 0, count: workloads.count)
        for (index, workload) in workloads.enumerated() {
            let warmStart = clock()
            while warmups[index] < policy.warmupRuns || seconds(since: warmStart) < policy.warmupSeconds {
                try workload()
                warmups[index] += 1
                if seconds(since: start) > policy.maxSeconds { break }
            }
        }
        var samples = [[Double]](repeating: [], count: workloads.count)
        var done = [Bool](repeating: false, count: workloads.count)
        var converged = [Bool](repeating: false, count: workloads.count)
        var round = 0
        while done.contains(false) {
            for step in workloads.indices {
                let index = (step + round) % workloads.count
                guard !done[index] else { continue }
                let t0 = clock()
                try workloads[index]()
                samples[index].append(Double(clock() - t0) / 1e6)
                let n = samples[index].count
                if n >= policy.minRuns, TimingSummary(milliseconds: samples[index]).relativeHalfWidth <= policy.targetRelativeHalfWidth {
                    done[index] = true
                    converged[index] = true
                } else if n >= policy.maxRuns || seconds(since: start) > policy.maxSeconds && n >= 1 {
                    done[index] = true
                }
            }
            round += 1
        }
        let total = seconds(since: start)
        return workloads.indices.map {
            TimingResult(summary: TimingSummary(milliseconds: samples[$0]), converged: converged[$0], warmupRuns: warmups[$0], seconds: total)
        }
    }

    private func seconds(since start: UInt64) -> Double { Double(clock() &- start) / 1e9 }
}
