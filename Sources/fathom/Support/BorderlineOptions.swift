import ArgumentParser
import FathomSearch

/// `--borderline`, `--borderline-spread` and `--max-checks`: a predictor's answers near the budget checked on the device's ground truth during
/// a search (``BorderlineCheckedLatencySource``), for `search` and `bench search`.
struct BorderlineOptions: ParsableArguments {
    @Option(help: "With a predictor latency: predictions within this fraction of the budget are checked on the ground truth during the search (search: --verify's; bench search: the table), 0.05: ±5%.")
    var borderline: Double?
    @Option(help: "Instead of --borderline: predictions within this many of their own standard deviations of the budget are checked (a predictor that reports its uncertainty: the device mixture), 1: ±1σ.")
    var borderlineSpread: Double?
    @Option(help: "With --borderline or --borderline-spread: the most checks (measurements) the search may spend; past it the predictions decide.") var maxChecks: Int?

    func validate() throws {
        if let borderline, !(borderline > 0 && borderline < 1) { throw ValidationError("--borderline must be a fraction of the budget in (0, 1), got \(borderline)") }
        if let borderlineSpread, !(borderlineSpread > 0 && borderlineSpread.isFinite) {
            throw ValidationError("--borderline-spread must be a positive number of standard deviations, got \(borderlineSpread)")
        }
        if borderline != nil && borderlineSpread != nil { throw ValidationError("--borderline and --borderline-spread are two bands: give one") }
        if let maxChecks, maxChecks <= 0 || band == nil { throw ValidationError("--max-checks must be positive and comes with --borderline or --borderline-spread, got \(maxChecks)") }
    }

    /// The band asked for, if any.
    var band: BorderlineCheckedLatencySource.Band? {
        borderline.map { .fraction($0) } ?? borderlineSpread.map { .spreads($0) }
    }

    /// `predicted` checked on `truth` near `budgetMs`, or nil without a band.
    func checked(_ predicted: any LatencySource, truth: any LatencySource, budgetMs: Double) -> BorderlineCheckedLatencySource? {
        band.map { BorderlineCheckedLatencySource(predicted: predicted, truth: truth, budgetMs: budgetMs, band: $0, maxChecks: maxChecks ?? .max) }
    }
}
