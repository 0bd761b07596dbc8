import FathomSearch
import FathomSpaces
import Foundation

/// Writes `DIR/report/`: `candidates.csv` (every evaluated architecture), `pareto.svg` and `summary.md`.
struct ReportWriter {
    let directory: RunDirectory
    let config: ExperimentConfig
    let space: SearchSpace
    let budgetMs: Double
    /// The search's seed (the config's, plus the worker's number in a study).
    let seed: UInt64

    /// The columns of `candidates.csv`, documented in `experiments/README.md`.
    static let csvHeader = "order,query,arch,accuracy,latency_ms,feasible,violated,accuracy_source,latency_source"

    func write(_ result: SearchResult, verification: Verification) throws {
        let chosen = verification.chosen
        try FileManager.default.createDirectory(at: directory.report, withIntermediateDirectories: true)
        var csv = [Self.csvHeader]
        for (order, record) in result.history.enumerated() {
            csv.append([String(order + 1), record.query.map(String.init) ?? "", "\"\(space.format(record.arch))\"",
                        record.accuracy.map { "\($0)" } ?? "", record.latency.map { "\($0.ms)" } ?? "", String(record.feasible),
                        record.violated ?? "", result.accuracySource, result.latencySource].joined(separator: ","))
        }
        try RunDirectory.writeAtomically(Data((csv.joined(separator: "\n") + "\n").utf8), to: directory.report.appendingPathComponent("candidates.csv"))

        let points = result.history.compactMap { r -> ParetoPlot.Point? in
            guard let accuracy = r.accuracy, let latency = r.latency else { return nil }
            return ParetoPlot.Point(latencyMs: latency.ms, accuracy: accuracy, feasible: r.feasible)
        }
        let plot = ParetoPlot(title: "\(config.name): \(space.name), \(result.strategy), \(result.queries) queries",
                              points: points, budgetMs: budgetMs,
                              chosen: ParetoPlot.Point(latencyMs: chosen.latency.ms, accuracy: chosen.accuracy, feasible: true),
                              accuracyLabel: "accuracy (\(result.accuracySource.split(separator: ":").last ?? "accuracy"))")
        try RunDirectory.writeAtomically(Data(plot.svg().utf8), to: directory.report.appendingPathComponent("pareto.svg"))

        let front = ParetoPlot.front(points.filter(\.feasible))
        let summary = """
        # \(config.name)

        | | |
        |---|---|
        | space | `\(space.name)` |
        | answer | `\(space.format(chosen.arch))` |
        | accuracy | \(String(format: "%.4f", chosen.accuracy)) (`\(result.accuracySource)`) |
        | latency | \(String(format: "%.4f", chosen.latency.ms)) ms (`\(verification.source)`) |
        | latency the search saw | \(String(format: "%.4f", verification.searchLatency.ms)) ms (`\(result.latencySource)`) |
        | verification | \(verification.replaced ? "the search's answer was over budget on the ground truth; \(verification.checks.count) candidates checked" : "the search's answer held") |
        | budget | \(String(format: "%.4f", budgetMs)) ms |
        | strategy | \(result.strategy), seed \(seed) |
        | accuracy queries | \(result.queries) of \(config.queries) |
        | latency evaluations | \(result.latencyEvaluations) |
        | candidates proposed | \(result.history.count) (\(result.history.filter(\.feasible).count) feasible) |
        | Pareto front | \(front.count) points |
        | config hash | `\(config.hash)` |

        \(result.notes.map { "- note: \($0)" }.joined(separator: "\n"))

        Files: `candidates.csv` (every architecture proposed), `pareto.svg` (accuracy against latency, budget line,
        chosen architecture circled), `../exported/\(config.exportName).json` (the spec to take away).
        """
        try RunDirectory.writeAtomically(Data((summary + "\n").utf8), to: directory.report.appendingPathComponent("summary.md"))
    }
}
