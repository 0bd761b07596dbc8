import ArgumentParser

/// The `fathom` command line: thin wrappers over the library targets.
@main
struct Fathom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Hardware-aware neural architecture search: the most accurate network that really meets a latency budget.",
        discussion: """
        Examples:
          fathom spaces list
          fathom spaces sample nasbench201 --count 5 --seed 0
          fathom spaces stats fbnet --arch k3_e1-k3_e1-k3_e3-k3_e6-k5_e1-k5_e1_g2-k5_e3-k5_e6-skip-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1 --json
          fathom bench gemm --m 1024 --n 1024 --k 1024 --threads 2 --json
        """,
        subcommands: [RunCommand.self, StatusCommand.self, SpacesCommand.self, SearchCommand.self, DeviceCommand.self, BenchCommand.self, MeasureCommand.self, MeasurementsCommand.self, AgentCommand.self, PredictorCommand.self, ExportCommand.self, SupernetCommand.self, TrainCommand.self]
    )
}
