import ArgumentParser
import FathomKernels
import Foundation

/// `fathom bench …`: benchmarks that print ratios measured in one run (never tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: kernels against the FMA peak, search against a table oracle, predictors leave-one-device-out, training speed.",
        subcommands: [Gemm.self, Conv.self, Infer.self, Search.self, Train.self, Predictor.self]
    )

    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SGEMM throughput (C = A·B, row-major FP32) against the FMA peak measured in the same run.",
            discussion: "Example: fathom bench gemm --m 1024 --n 1024 --k 1024 --threads 2 --json"
        )

        @Option(help: "Rows of A and C.") var m: Int = 1024
        @Option(help: "Columns of B and C.") var n: Int = 1024
        @Option(help: "Columns of A, rows of B.") var k: Int = 1024
        @Option(help: "Threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Timed repetitions; the median counts.") var repeats: Int = 10
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            try requirePositive([("--m", m), ("--n", n), ("--k", k), ("--threads", threads), ("--repeats", repeats)])
        }

        struct Output: Encodable {
            let m, n, k, threads: Int
            let median_ms: Double
            let gflops: Double
            let peak_gflops: Double
            let fraction_of_peak: Double
        }

        func run() throws {
            let r = benchmarkGemm(m: m, n: n, k: k, threads: threads, repeats: repeats)
            let out = Output(m: m, n: n, k: k, threads: threads, median_ms: r.medianSeconds * 1e3, gflops: r.gflops,
                             peak_gflops: r.peakGflops, fraction_of_peak: r.gflops / r.peakGflops)
            if json {
                try printJSONLine(out)
            } else {
                print(String(format: "sgemm %dx%dx%d, %d threads: %.3f ms median, %.1f GFLOP/s = %.0f%% of the FMA peak measured now (%.1f GFLOP/s)",
                             m, n, k, threads, out.median_ms, out.gflops, 100 * out.fraction_of_peak, out.peak_gflops))
            }
        }
    }
}
