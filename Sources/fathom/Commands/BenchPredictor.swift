import ArgumentParser
import FathomPredict
import Foundation

extension BenchCommand {
    /// `fathom bench predictor`: leave-one-device-out over a HELP table's meta-train devices.
    struct Predictor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predictor",
            abstract: "Leave-one-device-out: each meta-train device held out in turn, every predictor given the same few measurements of it.",
            discussion: """
            The meta-learned predictors are built without the held-out device (mixture: from the other meta-train devices \
            and the meta-valid ones; help: meta-trained on the other meta-train devices, selected on the meta-valid ones). \
            Every predictor gets the strict setting's measurements of the held-out device: the reference architectures, then \
            random rows of its trimmed adaptation pool (--num-samples in all); scores are on its trimmed test queries, the \
            references left out. Figures are means over --seeds (the random rows and HELP's posterior draws).
            Example:
              fathom bench predictor nasbench201 --data device-measurements/help/nasbench201/latency.csv --methods mixture,help,flops,mlp,gcn --csv loo.csv
            """
        )

        @Argument(help: "nasbench201, fbnet or ofa-mbv3.") var space: String
        @Option(help: "HELP-layout latency CSV.") var data: String
        @Option(help: "Comma-separated: mixture, help, flops, live-flops, params, mlp, gcn (cell spaces), whole-pool (a yardstick: an additive fit to the whole pool of the device).") var methods: String = "mixture,flops,mlp,gcn"
        @Option(help: "Comma-separated devices to hold out (default: the split's meta-train devices).") var devices: String?
        @Option(help: "Measurements of the held-out device each predictor gets, the references included.") var numSamples: Int = 10
        @Option(help: "Seeds.") var seeds: Int = 5
        @Option(help: "HELP's meta-training episodes.") var episodes: Int = 2000
        @Option(help: "Training epochs of the from-scratch MLP and GCN.") var epochs: Int = 300
        @Flag(help: "The mixture knows only the other meta-train devices, not the meta-valid ones.") var mixtureWithoutValid = false
        @Option(help: "Comma-separated cost proxies the mixture takes as bases too (flops, live-flops, params).") var mixtureProxies: String = ""
        @Option(help: "Also write every score to this CSV file.") var csv: String?
        @Flag(help: "Print one JSON object per device and method instead of tables.") var json = false

        func validate() throws {
            try requirePositive([("--num-samples", numSamples), ("--seeds", seeds), ("--episodes", episodes), ("--epochs", epochs)])
        }

        func run() throws {
            let context = try HELPContext(space: space, data: data)
            let chosen = try methods.split(separator: ",").map { name in
                guard let method = LeaveOneDeviceOut.Method(rawValue: String(name)) else {
                    throw ValidationError("--methods: unknown method '\(name)' (known: \(LeaveOneDeviceOut.Method.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return method
            }
            var options = LeaveOneDeviceOut.Options(methods: chosen)
            options.numSamples = numSamples
            options.seeds = seeds
            options.helpSettings.episodes = episodes
            options.epochs = epochs
            options.mixtureUsesValidDevices = !mixtureWithoutValid
            options.mixtureSettings.proxies = try mixtureProxies.split(separator: ",").map { name in
                guard let proxy = ProxyPredictor.Proxy(rawValue: String(name)) else { throw ValidationError("--mixture-proxies: unknown proxy '\(name)'") }
                return proxy
            }
            let heldOut = devices.map(HELPContext.devices) ?? context.data.split.metaTrainDevices
            let start = Date()
            let scores = try LeaveOneDeviceOut.run(data: context.data, devices: heldOut, options: options) {
                printNote(String(format: "bench predictor: %@ (%.0f s)", $0, Date().timeIntervalSince(start)))
            }
            if let csv { try Self.csv(scores).write(toFile: csv, atomically: true, encoding: .utf8) }
            let summaries = heldOut.flatMap { device in
                chosen.compactMap { method in Summary(scores.filter { $0.device == device && $0.method == method }) }
            }
            if json { return try summaries.forEach { try printJSONLine($0) } }
            print("Spearman on the trimmed test queries, \(numSamples) measurements of the held-out device, mean of \(seeds) seeds")
            let present = chosen.filter { method in summaries.contains { $0.method == method.rawValue } }
            func row(_ label: String, _ value: (String) -> Double?) -> [String] {
                [label] + present.map { value($0.rawValue).map { String(format: "%.3f", $0) } ?? "-" }
            }
            let table = heldOut.map { device in row(device) { method in summaries.first { $0.device == device && $0.method == method }?.spearman } }
            let means = row("mean") { method in Self.mean(summaries.filter { $0.method == method }.map { $0.spearman }) }
            print(textTable(header: ["device"] + present.map(\.rawValue), rows: table + [means]))
            print("\nMilliseconds: MAPE, the accuracy of the under-budget call at the median test latency, and (predictors that report")
            print("their uncertainty) the fraction of test queries measured within two of their standard deviations")
            print(textTable(header: ["device", "method", "MAPE", "budget acc.", "Kendall", "within 2σ"], rows: summaries.map {
                [$0.device, $0.method, String(format: "%.1f%%", 100 * $0.mape), String(format: "%.3f", $0.budget_accuracy), String(format: "%.3f", $0.kendall),
                 $0.spread_coverage.map { String(format: "%.3f", $0) } ?? "-"]
            }))
        }

        /// One device and method, averaged over the seeds.
        struct Summary: Encodable {
            let device: String
            let method: String
            let seeds: Int
            let spearman: Double
            let kendall: Double
            let mape: Double
            let budget_accuracy: Double
            let spread_coverage: Double?

            init?(_ scores: [LeaveOneDeviceOut.Score]) {
                guard let first = scores.first else { return nil }
                device = first.device
                method = first.method.rawValue
                seeds = scores.count
                spearman = Predictor.mean(scores.map(\.scores.spearman))
                kendall = Predictor.mean(scores.map(\.scores.kendall))
                mape = Predictor.mean(scores.map(\.scores.mape))
                budget_accuracy = Predictor.mean(scores.map(\.scores.budgetAccuracy))
                let coverages = scores.compactMap(\.scores.spreadCoverage)
                spread_coverage = coverages.count == scores.count ? Predictor.mean(coverages) : nil
            }
        }

        static func mean(_ values: [Double]) -> Double {
            values.reduce(0, +) / Double(max(values.count, 1))
        }

        static func csv(_ scores: [LeaveOneDeviceOut.Score]) -> String {
            "device,method,seed,samples,test_queries,spearman,kendall,pearson,mape,budget_ms,budget_accuracy,spread_coverage\n" + scores.map { s in
                let v = s.scores
                return "\(s.device),\(s.method.rawValue),\(s.seed),\(v.trainingSamples),\(v.testQueries),\(v.spearman),\(v.kendall),\(v.pearson),\(v.mape),\(v.budget),"
                    + "\(v.budgetAccuracy),\(v.spreadCoverage.map { "\($0)" } ?? "")\n"
            }.joined()
        }
    }
}
