import FathomKernels

/// A short calibration micro-benchmark stored beside a fingerprint: single-thread SGEMM throughput on a cache-resident
/// shape, and the FMA peak for information. A stored measurement is reused only while a fresh calibration's SGEMM
/// throughput stays within `tolerance`. The FMA peak is not compared: its rounds last about 15 ms each, long enough
/// to be preempted on a loaded machine, and it varied by 2× between back-to-back runs here while SGEMM (0.3 ms per
/// multiply, best of three medians of 15) stayed within 1%.
public struct Calibration: Codable, Equatable, Sendable {
    public let gemmGflops: Double
    public let fmaPeakGflops: Double

    /// How far a fresh calibration may drift before stored measurements are distrusted (15%).
    public static let tolerance = 0.15

    /// Runs the calibration (about a tenth of a second): SGEMM 256³ on one thread, the best of three medians of 15
    /// multiplies (a neighbour's load can only slow a round down, so the best is the most repeatable figure on a shared
    /// machine), then one FMA-peak estimate.
    public static func run() -> Calibration {
        let size = 256
        let a = AlignedBuffer(count: size * size), b = AlignedBuffer(count: size * size), c = AlignedBuffer(count: size * size)
        for i in 0..<size * size {
            a.baseAddress[i] = Float(i % 17) / 17 - 0.5
            b.baseAddress[i] = Float(i % 13) / 13 - 0.5
        }
        func multiply() { sgemm(m: size, n: size, k: size, a: a.baseAddress, lda: size, b: b.baseAddress, ldb: size, c: c.baseAddress, ldc: size, pool: nil) }
        multiply()
        let best = (0..<3).map { _ in
            TimingSummary(milliseconds: (0..<15).map { _ in
                let start = monotonicNanoseconds()
                multiply()
                return Double(monotonicNanoseconds() - start) / 1e6
            }).medianMs
        }.min()!
        return Calibration(gemmGflops: 2 * Double(size * size * size) / (best * 1e6), fmaPeakGflops: estimateFmaPeakGflops(threads: 1))
    }

    /// The relative difference of SGEMM throughput to `reference`, and whether it is beyond the tolerance.
    public func drift(from reference: Calibration) -> (relative: Double, drifted: Bool) {
        let relative = abs(gemmGflops / reference.gemmGflops - 1)
        return (relative, relative > Self.tolerance)
    }
}
