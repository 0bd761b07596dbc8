import ArgumentParser
import FathomKernels
import Foundation

extension BenchCommand {
    /// `fathom bench conv`: one convolution shape timed with every algorithm that can compute it, side by side.
    struct Conv: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time one convolution shape with every algorithm that computes it (direct, panel GEMM, im2col + SGEMM) "
                + "and show which one the automatic choice takes.",
            discussion: "Example: fathom bench conv --channels 16 --out-channels 16 --size 32 --kernel 3 --threads 1 --json"
        )

        @Option(help: "Input channels.") var channels: Int = 16
        @Option(help: "Output channels (default: the input channels).") var outChannels: Int?
        @Option(help: "Input height and width.") var size: Int = 32
        @Option(help: "Kernel size.") var kernel: Int = 3
        @Option(help: "Stride.") var stride: Int = 1
        @Option(help: "Groups (the input channels for depthwise).") var groups: Int = 1
        @Option(help: "Images per call.") var batch: Int = 1
        @Option(help: "Threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Timed repetitions; the median counts.") var repeats: Int = 50
        @Flag(help: "Print one JSON object per algorithm.") var json = false

        func validate() throws {
            try requirePositive([("--channels", channels), ("--out-channels", outChannels ?? channels), ("--size", size), ("--kernel", kernel),
                                 ("--stride", stride), ("--groups", groups), ("--batch", batch), ("--threads", threads), ("--repeats", repeats)])
            guard channels % groups == 0, (outChannels ?? channels) % groups == 0 else {
                throw ValidationError("--groups \(groups) must divide --channels \(channels) and --out-channels \(outChannels ?? channels)")
            }
            guard size + 2 * (kernel / 2) >= kernel else { throw ValidationError("--size \(size) is smaller than --kernel \(kernel)") }
        }

        struct Output: Encodable {
            let algorithm: String
            let automatic_choice: Bool
            let median_ms: Double
            let gflops: Double
        }

        func run() throws {
            let shape = Conv2DShape(batch: batch, inChannels: channels, inHeight: size, inWidth: size, outChannels: outChannels ?? channels,
                                    kernelSize: kernel, stride: stride, padding: kernel / 2, groups: groups)
            let chosen = benchmarkConv(shape, algorithm: .automatic, threads: threads, repeats: repeats)
            let candidates = shape.isDepthwise ? [] : Conv2D.Algorithm.allCases.filter { $0 != .automatic && $0.runs(shape) }
            var rows: [Output] = []
            for algorithm in candidates {
                let r = benchmarkConv(shape, algorithm: algorithm, threads: threads, repeats: repeats)
                rows.append(Output(algorithm: algorithm.rawValue, automatic_choice: false, median_ms: r.medianSeconds * 1e3, gflops: r.gflops))
            }
            rows.append(Output(algorithm: "automatic", automatic_choice: true, median_ms: chosen.medianSeconds * 1e3, gflops: chosen.gflops))
            if json {
                for row in rows { try printJSONLine(row) }
                return
            }
            print("conv \(channels)→\(outChannels ?? channels) \(kernel)x\(kernel) stride \(stride) groups \(groups) on \(size)x\(size), "
                  + "batch \(batch), \(threads) threads (\(shape.isDepthwise ? "depthwise kernel" : "bias and ReLU fused")):")
            for row in rows {
                let name = row.algorithm.padding(toLength: 12, withPad: " ", startingAt: 0)
                print("  \(name)" + String(format: " %9.4f ms  %7.1f GFLOP/s", row.median_ms, row.gflops))
            }
        }
    }
}
