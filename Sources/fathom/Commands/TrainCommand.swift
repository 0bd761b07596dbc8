import ArgumentParser
import FathomNN
import Foundation

/// `fathom train SPACE --arch A --config CFG --out DIR`: one network from scratch (a search's winner, typically).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one architecture from scratch with a training config; run it again on the same --out to resume.",
        discussion: """
        Example:
          fathom train fmnist-cell --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' --config experiments/fmnist-cell-quick.json --out runs/winner
        """
    )

    @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
    @Option(help: "The architecture in the space's canonical string form.") var arch: String
    @Option(help: "The training config (its data and training sections; see experiments/README.md).") var config: String
    @Option(help: "The run directory (created if needed; reused to resume).") var out: String
    @Flag(help: "Also score the test set named in the config (final reports only).") var test = false
    @Flag(help: "Print the summary as one JSON object.") var json = false

    func run() throws {
        let summary = try train(configPath: config, out: out, space: space, arch: arch, test: test)
        if json { return try printJSONLine(summary) }
        print(String(format: "%@: validation accuracy %.4f%@ after %d steps in %.0f s; checkpoint %@",
                     summary.arch ?? arch, summary.accuracy, summary.test_accuracy.map { String(format: ", test %.4f", $0) } ?? "",
                     summary.steps, summary.seconds, summary.checkpoint))
    }
}
