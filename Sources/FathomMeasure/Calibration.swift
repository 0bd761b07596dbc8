import FathomKernels

/// A short calibration micro-benchmark stored beside a fingerprint: single-thread SGEMM throughput on a cache-resident
/// shape, and the FMA peak for information. A stored measurement is reused only while a fresh calibration's SGEMM
/// throughput stays within `tolerance`. The FMA peak is not compared: its rounds last about 15 ms each, long enough
/// to be preempted on a loaded machine, and it varied by 2× between back-to-back runs here while SGEMM (0.3 ms per
/// multiply, median of 15, best of 3) stayed within 1%.
public struct Calibration: Codable, Equatable, Sendable {
    public let gemmGflops: Double
    public let fmaPeakGflops: Double

    /// How far a fresh calibration may drift before stored measurements are distrusted (15%).
    public static let tolerance = 0.15

    /// Runs the calibration (about a fifth of a second): the best of three rounds, since a neighbour's load can only
    /// slow a round down, so the best one is the most repeatable figure on a shared machine.
    public static func run() -> Calibration {
        let rounds = (0..<3).map { _ in benchmarkGemm(m: 256, n: 256, k: 256, threads: 1, repeats: 15) }
        return Calibration(gemmGflops: rounds.map(\.gflops).max()!, fmaPeakGflops: rounds.map(\.peakGflops).max()!)
    }

    /// The relative difference of SGEMM throughput to `reference`, and whether it is beyond the tolerance.
    public func drift(from reference: Calibration) -> (relative: Double, drifted: Bool) {
        let relative = abs(gemmGflops / reference.gemmGflops - 1)
        return (relative, relative > Self.tolerance)
    }
}
