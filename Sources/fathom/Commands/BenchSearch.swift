import ArgumentParser
import FathomExperiments
import FathomPredict
import FathomSearch
import FathomSpaces
import Foundation

extension BenchCommand {
    /// `fathom bench search`: regret and feasibility of every strategy against the table's oracle.
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Regret and feasibility of search strategies against the best feasible architecture of a table.",
            discussion: """
            Regret is the oracle's accuracy minus the answer's, in the table's units. NAS-Bench-201's table holds test
            accuracies, so this measures the optimiser, not generalisation. COLUMN '*' runs every device of the table.
            Example:
              fathom bench search nasbench201 --accuracy table:device-measurements/help/nasbench201/accuracy.csv:cifar10_test \\
                --latency 'table:device-measurements/help/nasbench201/latency.csv:pixel3' --budgets p25,p50,p75 \\
                --strategies all --seeds 20 --queries 300 --csv bench-search.csv
            """
        )

        @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "Accuracy source: table:PATH:COLUMN.") var accuracy: String
        @Option(help: "Latency table: table:PATH:COLUMN, or table:PATH:* for every device column.") var latency: String
        @Option(help: "Comma-separated budgets: percentiles of each device's latencies (p50) or ms.") var budgets: String = "p25,p50,p75"
        @Option(help: "Comma-separated strategy names, or 'all'.") var strategies: String = "all"
        @Option(help: "Seeds per strategy, device and budget.") var seeds: Int = 20
        @Option(help: "Accuracy queries per search.") var queries: Int = 300
        @Option(help: "Search on a few-shot predictor instead of the table: 'mixture' (the device mixture, built without the device, adapted from the table's latencies of the 10 reference architectures); answers are verified on the table.")
        var predictor: String?
        @OptionGroup(title: "Borderline checks (with --predictor)") var borderline: BorderlineOptions
        @Option(help: "Also write the rows to this CSV file.") var csv: String?
        @Flag(help: "Print JSON lines instead of a table.") var json = false

        func validate() throws {
            guard seeds > 0, queries > 0 else { throw ValidationError("--seeds and --queries must be positive") }
            if borderline.band != nil && predictor == nil { throw ValidationError("--borderline checks a predictor: give --predictor mixture") }
            guard predictor == nil || predictor == "mixture" else { throw ValidationError("--predictor must be 'mixture', got '\(predictor!)'") }
        }

        func run() throws {
            let searchSpace = try SearchSpace.load(space)
            let factory = SourceFactory(space: searchSpace)
            guard case let .table(path, column) = try SourceSpec(latency, option: "--latency") else {
                throw ValidationError("--latency must be a table:PATH:COLUMN source for a benchmark")
            }
            let table = try factory.table(path)
            let devices = column == "*" ? table.table.devices : column.split(separator: ",").map(String.init)
            let chosen = strategies == "all" ? SearchStrategies.all
                : try strategies.split(separator: ",").map { try SearchStrategies.named(String($0)) }
            var benchmark = try SearchBenchmark(space: searchSpace, accuracy: try factory.accuracySource(accuracy), latencyTable: table,
                                                devices: devices, budgets: budgets.split(separator: ",").map(String.init),
                                                strategies: chosen, seeds: seeds, queries: queries)
            if predictor != nil { benchmark.searchLatency = try Self.mixtureWithout(space: searchSpace, table: path) }
            benchmark.borderline = borderline.band
            benchmark.borderlineMaxChecks = borderline.maxChecks ?? .max
            let rows = try benchmark.run { FileHandle.standardError.write(Data(("bench search: " + $0 + "\n").utf8)) }
            if let csv { try SearchBenchmark.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8) }
            if json {
                for r in rows {
                    try printJSONLine(["device": r.device, "budget": r.budget, "strategy": r.strategy, "budget_ms": "\(r.budgetMs)",
                                       "mean_regret": "\(r.meanRegret)", "feasible_rate": "\(r.feasibleRate)", "replaced_rate": "\(r.replacedRate)", "mean_checks": "\(r.meanChecks)",
                                       "oracle_rate": "\(r.oracleRate)"])
                }
                return
            }
            print("Regret in accuracy points against the best feasible architecture of the table (test accuracies: measures the optimiser, not generalisation)")
            if predictor != nil { print("Searched on the device mixture adapted from 10 reference latencies of each device (built without it), answers verified on the table") }
            print(textTable(header: ["device", "budget", "ms", "strategy", "oracle", "mean regret", "median", "feasible", "replaced", "checks", "hit oracle", "queries to oracle", "µs/query"],
                            rows: rows.map { r in
                [r.device, r.budget, String(format: "%.4g", r.budgetMs), r.strategy, String(format: "%.2f", r.oracleAccuracy),
                 String(format: "%.3f", r.meanRegret), String(format: "%.3f", r.medianRegret), String(format: "%.0f%%", 100 * r.feasibleRate),
                 String(format: "%.0f%%", 100 * r.replacedRate), String(format: "%.0f", r.meanChecks),
                 String(format: "%.0f%%", 100 * r.oracleRate), r.meanQueriesToOracle.map { String(format: "%.0f", $0) } ?? "-",
                 String(format: "%.1f", r.microsecondsPerQuery)]
            }))
        }

        /// Per device: the device mixture built from the HELP split's other devices, adapted from the table's latencies of
        /// its reference architectures (HELP's 10, from `hardware_embedding_index.csv` beside the table).
        static func mixtureWithout(space: SearchSpace, table path: String) throws -> (String) throws -> any LatencySource {
            let context = try HELPContext(space: space, data: path)
            let known = context.data.split.metaTrainDevices + context.data.split.metaValidDevices
            return { device in
                let model = try DeviceMixtureModel(data: context.data, devices: known.filter { $0 != device })
                let latencies = try context.data.table.latencies(device: device)
                let predictor = try AdaptedMixturePredictor(meta: model, space: space, device: device, archs: context.data.references,
                                                            latencies: context.data.referenceRows.map { latencies[$0] })
                return PredictorLatencySource(predictor: predictor, id: "predictor:mixture-without-\(device)", modelName: "mixture:without-\(device)")
            }
        }
    }
}
