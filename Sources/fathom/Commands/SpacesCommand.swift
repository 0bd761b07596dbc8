import ArgumentParser
import FathomGraph
import FathomSpaces
import Foundation

/// `fathom spaces …`: list the spaces, sample architectures, count FLOPs and parameters.
struct SpacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces",
        abstract: "Search spaces: list them, sample architectures, count FLOPs and parameters.",
        subcommands: [List.self, Sample.self, Stats.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the built-in search spaces.",
            discussion: "Example: fathom spaces list --json"
        )

        @Flag(help: "Print one JSON object per space.") var json = false

        struct Row: Encodable {
            let space: String
            let family: String
            let dataset: String
            let genes: Int
            let size: Double
            let description: String
        }

        func run() throws {
            let rows = try SearchSpace.builtInNames.map { name -> Row in
                let space = try SearchSpace.load(name)
                return Row(space: name, family: space.familyName, dataset: space.dataset, genes: space.genes.count,
                           size: space.size, description: space.summary)
            }
            if json {
                try rows.forEach(printJSONLine)
            } else {
                print(textTable(header: ["space", "family", "dataset", "genes", "architectures"],
                                rows: rows.map { [$0.space, $0.family, $0.dataset, "\($0.genes)", String(format: "%.4g", $0.size)] }))
            }
        }
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw architectures uniformly at random with a seed; prints JSON lines {\"space\", \"arch\"}.",
            discussion: "Example: fathom spaces sample nasbench201 --count 5 --seed 0"
        )

        @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "How many architectures to draw.") var count: Int = 10
        @Option(help: "Seed of the portable generator (same seed, same samples on every machine).") var seed: UInt64 = 0

        func validate() throws {
            guard count >= 0 else { throw ValidationError("--count must be zero or more, got \(count)") }
        }

        func run() throws {
            let searchSpace = try SearchSpace.load(space)
            for arch in searchSpace.sample(count: count, seed: seed) {
                try printJSONLine(ArchitectureSpec(space: space, arch: searchSpace.format(arch)))
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "FLOPs (NAS-Bench-201 counting), live FLOPs and parameters of one architecture.",
            discussion: "Example: fathom spaces stats nasbench201 --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|' --json"
        )

        @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "The architecture in the space's canonical string form.") var arch: String
        @Flag(help: "Print one JSON object.") var json = false

        struct Result: Encodable {
            let space: String
            let arch: String
            let flops_m: Double
            let live_flops_m: Double
            let params_m: Double
            let live_params_m: Double
            let layers: Int
            let live_layers: Int
            let input: String
            let output: String
        }

        func run() throws {
            let searchSpace = try SearchSpace.load(space)
            let architecture = try searchSpace.parse(arch)
            let graph = try NetworkGraph(space: searchSpace, arch: architecture)
            let result = Result(
                space: space, arch: searchSpace.format(architecture),
                flops_m: Double(graph.flops) / 1e6, live_flops_m: Double(graph.liveFlops) / 1e6,
                params_m: Double(graph.parameters) / 1e6, live_params_m: Double(graph.liveParameters) / 1e6,
                layers: graph.layers.count - 1, live_layers: graph.liveLayers.count - 1,
                input: graph.inputShape.description, output: graph.layers[graph.output].shape.description)
            if json {
                try printJSONLine(result)
            } else {
                print(textTable(header: ["quantity", "value"], rows: [
                    ["space", result.space], ["arch", result.arch], ["input", result.input],
                    ["FLOPs (M multiply-adds)", String(format: "%.5f", result.flops_m)],
                    ["live FLOPs (M)", String(format: "%.5f", result.live_flops_m)],
                    ["params (M)", String(format: "%.6f", result.params_m)],
                    ["live params (M)", String(format: "%.6f", result.live_params_m)],
                    ["layers (live)", "\(result.layers) (\(result.live_layers))"],
                ]))
            }
        }
    }
}

extension SearchSpace {
    /// The family's name as written in space files.
    var familyName: String {
        switch family {
        case .cell: return "cell"
        case .chain: return "chain"
        case .elastic: return "elastic"
        }
    }
}
