import ArgumentParser

/// The `fathom` command line: thin wrappers over the library targets.
@main
struct Fathom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Hardware-aware neural architecture search: the most accurate network that really meets a latency budget.",
        discussion: """
        Examples:
          fathom run experiments/quickstart.json --out runs/quickstart
          fathom spaces sample nasbench201 --count 5 --seed 0
          fathom search nasbench201 --budget-ms 12 --strategy evolution --queries 300 \\
            --accuracy table:device-measurements/help/nasbench201/accuracy.csv:cifar10_test \\
            --latency table:device-measurements/help/nasbench201/latency.csv:pixel3
          fathom measure nasbench201 --arch '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
          fathom bench gemm --m 1024 --n 1024 --k 1024 --threads 2 --json
        """,
        subcommands: [RunCommand.self, StatusCommand.self, SpacesCommand.self, SearchCommand.self, DeviceCommand.self, BenchCommand.self, MeasureCommand.self, MeasurementsCommand.self, AgentCommand.self, PredictorCommand.self, ExportCommand.self, SupernetCommand.self, TrainCommand.self]
    )
}
