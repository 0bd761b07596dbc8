import FathomKernelsAVX512
import Foundation

/// What ``benchmarkGemm(m:n:k:threads:repeats:)`` measured.
public struct GemmBenchmarkResult: Codable, Sendable, Equatable {
    public var m: Int
    public var n: Int
    public var k: Int
    public var threads: Int
    /// Median wall time of one `sgemm` call, in seconds.
    public var medianSeconds: Double
    /// `2·m·n·k / medianSeconds`, in GFLOP/s.
    public var gflops: Double
    /// ``estimateFmaPeakGflops(threads:isa:)`` on the same threads and vectors, for comparison.
    public var peakGflops: Double
}

/// Times `C = A·B` (row-major, no transposition, `beta = 0`) on random `m`×`k` and `k`×`n` inputs
/// with a pool of `threads` threads: 0.1 s of untimed calls, then the median of `repeats` calls.
public func benchmarkGemm(m: Int, n: Int, k: Int, threads: Int, repeats: Int = 10) -> GemmBenchmarkResult {
    precondition(m > 0 && n > 0 && k > 0 && threads > 0 && repeats > 0, "benchmarkGemm needs positive arguments")
    let a = benchmarkInput(count: m * k), b = benchmarkInput(count: k * n), c = AlignedBuffer(count: m * n)
    let pool = ThreadPool(threadCount: threads)
    let median = medianSeconds(repeats: repeats) {
        sgemm(m: m, n: n, k: k, a: a.baseAddress, lda: k, b: b.baseAddress, ldb: n, c: c.baseAddress, ldc: n, pool: pool)
    }
    return GemmBenchmarkResult(
        m: m, n: n, k: k, threads: threads, medianSeconds: median,
        gflops: 2 * Double(m) * Double(n) * Double(k) / median / 1e9,
        peakGflops: estimateFmaPeakGflops(threads: threads))
}

/// `count` pseudo-random floats in [-0.5, 0.5), the same every run.
func benchmarkInput(count: Int) -> AlignedBuffer {
    let buffer = AlignedBuffer(count: count, zeroed: false)
    var seed: UInt32 = 12_345
    for index in 0..<count {
        seed = seed &* 1_664_525 &+ 1_013_904_223
        buffer.baseAddress[index] = Float(seed >> 8) / Float(1 << 24) - 0.5
    }
    return buffer
}

/// Runs `body` untimed for at least 0.1 s (so that a new pool's workers are awake and the caches warm), then
/// `repeats` times; the median wall time of one call, in seconds.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    let warmUpEnd = DispatchTime.now().uptimeNanoseconds + 100_000_000
    repeat { body() } while DispatchTime.now().uptimeNanoseconds < warmUpEnd
    var seconds: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return seconds.sorted()[seconds.count / 2]
}

/// Estimates the machine's FP32 FMA throughput on `threads` threads with the vectors of `isa`, in
/// GFLOP/s: each thread runs a loop of independent FMAs (`SIMD8`, or `SIMD16` with AVX-512) on 12
/// accumulators (enough to hide the FMA latency), and the best of a few rounds counts.
public func estimateFmaPeakGflops(threads: Int, isa: KernelISA = .current) -> Double {
    let pool = ThreadPool(threadCount: max(threads, 1))
    let iterations = 8_000_000
    let sinks = AlignedBuffer(count: pool.threadCount)
    var best = 0.0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        pool.parallelFor(pool.threadCount) { thread in
            sinks.baseAddress[thread] = isa == .avx512
                ? WideFmaLoop.run(iterations: iterations, seed: Float(thread)) : fmaLoop(iterations: iterations, seed: Float(thread))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let lanes = isa == .avx512 ? WideFmaLoop.lanes : 8
        let flops = Double(pool.threadCount) * Double(iterations) * 12 * Double(lanes) * 2
        best = max(best, flops / seconds / 1e9)
    }
    return best
}

/// `iterations` rounds of 12 independent SIMD8 FMAs; returns a value depending on all of them so
/// that the loop is not optimized away.
@inline(never)
private func fmaLoop(iterations: Int, seed: Float) -> Float {
    let x = SIMD8<Float>(repeating: 0.999_999), y = SIMD8<Float>(repeating: 1e-7)
    var a0 = SIMD8<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3
    var a4 = a0 + 4, a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7
    var a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    for _ in 0..<iterations {
        a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
        a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
        a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
        a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}
