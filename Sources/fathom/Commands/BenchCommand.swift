import ArgumentParser

/// `fathom bench …`: benchmarks that print ratios measured in one run (never tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: kernel throughput against the machine's FMA peak.",
        subcommands: []
    )
}
