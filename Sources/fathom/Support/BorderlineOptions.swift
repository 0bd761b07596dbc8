import ArgumentParser
import FathomSearch

/// `--borderline` and `--max-checks`: a predictor's answers near the budget checked on the device's ground truth during
/// a search (``BorderlineCheckedLatencySource``), for `search` and `bench search`.
struct BorderlineOptions: ParsableArguments {
    @Option(help: "With a predictor latency: predictions within this fraction of the budget are checked on the ground truth during the search (search: --verify's; bench search: the table), 0.05: ±5%.")
    var borderline: Double?
    @Option(help: "With --borderline: the most checks (measurements) the search may spend; past it the predictions decide.") var maxChecks: Int?

    func validate() throws {
        if let borderline, !(borderline > 0 && borderline < 1) { throw ValidationError("--borderline must be a fraction of the budget in (0, 1), got \(borderline)") }
        if let maxChecks, maxChecks <= 0 || borderline == nil { throw ValidationError("--max-checks must be positive and comes with --borderline, got \(maxChecks)") }
    }

    /// `predicted` checked on `truth` near `budgetMs`, or nil without --borderline.
    func checked(_ predicted: any LatencySource, truth: any LatencySource, budgetMs: Double) -> BorderlineCheckedLatencySource? {
        borderline.map { BorderlineCheckedLatencySource(predicted: predicted, truth: truth, budgetMs: budgetMs, band: $0, maxChecks: maxChecks ?? .max) }
    }
}
