import FathomKernels

/// A short calibration micro-benchmark stored beside a fingerprint: single-thread SGEMM throughput on a cache-resident
/// shape and the FMA peak. A stored measurement is reused only while a fresh calibration stays within `tolerance`.
public struct Calibration: Codable, Equatable, Sendable {
    public let gemmGflops: Double
    public let fmaPeakGflops: Double

    /// How far a fresh calibration may drift before stored measurements are distrusted (15%).
    public static let tolerance = 0.15

    /// Runs the calibration (about a tenth of a second).
    public static func run() -> Calibration {
        let gemm = benchmarkGemm(m: 256, n: 256, k: 256, threads: 1, repeats: 15)
        return Calibration(gemmGflops: gemm.gflops, fmaPeakGflops: gemm.peakGflops)
    }

    /// The largest relative difference to `reference`, and whether it is beyond the tolerance.
    public func drift(from reference: Calibration) -> (relative: Double, drifted: Bool) {
        let relative = max(abs(gemmGflops / reference.gemmGflops - 1), abs(fmaPeakGflops / reference.fmaPeakGflops - 1))
        return (relative, relative > Self.tolerance)
    }
}
