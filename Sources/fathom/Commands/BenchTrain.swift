import ArgumentParser
import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Foundation

extension BenchCommand {
    /// `fathom bench train`: training throughput (forward, backward, SGD step) of one architecture on Fathom's kernels.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Training images per second (forward, backward and a momentum SGD step) of one architecture on random data.",
            discussion: """
            Example:
              fathom bench train fmnist-cell --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|' --batch 64 --threads 2 --json
            """
        )

        @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "The architecture in the space's canonical string form.") var arch: String
        @Option(help: "Images per step.") var batch: Int = 64
        @Option(help: "Threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Timed steps after 2 warm-up steps; the median counts.") var steps: Int = 10
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard batch > 1, threads > 0, steps > 0 else { throw ValidationError("--batch must be at least 2, --threads and --steps positive") }
        }

        struct Output: Encodable {
            let space: String
            let arch: String
            let batch: Int
            let threads: Int
            let median_step_ms: Double
            let images_per_s: Double
        }

        func run() throws {
            let searchSpace = try SearchSpace.load(space)
            let architecture = try searchSpace.parse(arch)
            let graph = try NetworkGraph(space: searchSpace, arch: architecture)
            let network = TrainingNetwork(graph: graph, parameters: NetworkParameters(graph: graph, seed: 0), batch: batch, pool: ThreadPool(threadCount: threads))
            let optimizer = SGD(parameters: SGD.parameters(of: network), momentum: 0.9, nesterov: true, weightDecay: 4e-5)
            var rng = SeededGenerator(seed: 1)
            for i in 0..<batch * graph.inputShape.count { network.input[i] = Float(rng.unit() * 2 - 1) }
            let labels = (0..<batch).map { _ in rng.int(below: searchSpace.classes) }
            var times: [Double] = []
            for step in 0..<steps + 2 {
                let start = DispatchTime.now().uptimeNanoseconds
                network.forward(.training(momentum: 0.1))
                _ = ClassificationLoss.labels(logits: network.output, labels: labels, classes: searchSpace.classes, smoothing: 0.1, gradient: network.outputGradient)
                network.backward()
                optimizer.step(rate: 0.01)
                if step >= 2 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
            }
            let median = times.sorted()[times.count / 2]
            let out = Output(space: space, arch: searchSpace.format(architecture), batch: batch, threads: threads,
                             median_step_ms: median, images_per_s: Double(batch) / (median / 1000))
            if json { return try printJSONLine(out) }
            print(String(format: "%@ batch %d, %d threads: %.1f ms per training step, %.1f images/s", out.arch, batch, threads, median, out.images_per_s))
        }
    }
}
