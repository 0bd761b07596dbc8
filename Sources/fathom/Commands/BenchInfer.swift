import ArgumentParser
import FathomGraph
import FathomKernels
import FathomMeasure
import FathomNN
import FathomSpaces
import Foundation

extension BenchCommand {
    /// `fathom bench infer`: one architecture's inference time on Fathom's kernels.
    struct Infer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "infer",
            abstract: "Time one architecture's inference on Fathom's kernels (median of the timing protocol) and its GFLOP/s.",
            discussion: """
            Example:
              fathom bench infer nasbench201 --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' --batch 1 --threads 2 --json
            """
        )

        @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "The architecture in the space's canonical string form.") var arch: String
        @Option(help: "Images per run.") var batch: Int = 1
        @Option(help: "Threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Keep NAS-Bench-201's dead edges (as the HELP devices ran them) instead of dropping them.") var keepDeadEdges = false
        @Option(help: "Seconds the timing may take at most.") var maxSeconds: Double = 10
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard batch > 0, threads > 0 else { throw ValidationError("--batch and --threads must be positive") }
            guard maxSeconds > 0 else { throw ValidationError("--max-seconds must be positive") }
        }

        struct Output: Encodable {
            let space: String
            let arch: String
            let batch: Int
            let threads: Int
            let dead_edges: String
            let median_ms: Double
            let p10_ms: Double
            let p90_ms: Double
            let runs: Int
            let converged: Bool
            let gflops: Double
            let mflops_per_image: Double
            /// Activation buffers of the compiled network (weights not included).
            let activation_mb: Double
        }

        func run() throws {
            let searchSpace = try SearchSpace.load(space)
            let architecture = try searchSpace.parse(arch)
            let graph = try NetworkGraph(space: searchSpace, arch: architecture)
            let network = InferenceNetwork(graph: graph, parameters: NetworkParameters(graph: graph, seed: 0), batch: batch,
                                           dropDeadLayers: !keepDeadEdges, pool: ThreadPool(threadCount: threads))
            var rng = SeededGenerator(seed: 1)
            for i in 0..<batch * graph.inputShape.count { network.input[i] = Float(rng.unit() * 2 - 1) }
            var policy = TimingPolicy()
            policy.maxSeconds = maxSeconds
            let result = try Timer(policy: policy).time { network.run() }
            let s = result.summary
            let out = Output(space: space, arch: searchSpace.format(architecture), batch: batch, threads: threads,
                             dead_edges: keepDeadEdges ? "kept" : "dropped", median_ms: s.medianMs, p10_ms: s.p10Ms, p90_ms: s.p90Ms,
                             runs: s.runs, converged: result.converged, gflops: 2 * Double(network.multiplyAdds) / (s.medianMs * 1e6),
                             mflops_per_image: Double(network.multiplyAdds / batch) / 1e6,
                             activation_mb: Double(network.activationBytes) / 1_048_576)
            if json { return try printJSONLine(out) }
            print(String(format: "%@ batch %d, %d threads: median %.4f ms (p10 %.4f, p90 %.4f, %d runs%@), %.1f GFLOP/s (%.2f M multiply-adds per image, dead edges %@), activations %.1f MB",
                         out.arch, batch, threads, s.medianMs, s.p10Ms, s.p90Ms, s.runs, result.converged ? "" : ", interval not within ±2%",
                         out.gflops, out.mflops_per_image, out.dead_edges, out.activation_mb))
        }
    }
}
