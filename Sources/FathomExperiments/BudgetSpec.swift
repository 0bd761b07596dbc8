import Foundation

/// A latency budget as given: a number of ms, or a percentile (`p25`) of the device's latencies resolved at run time.
public enum BudgetSpec: Equatable, Sendable {
    case milliseconds(Double)
    case percentile(Double)

    /// Parses `2.5` or `p50`.
    public init(_ text: String) throws {
        if text.hasPrefix("p"), let p = Double(text.dropFirst()), p > 0, p < 100 {
            self = .percentile(p)
        } else if let ms = Double(text), ms.isFinite, ms > 0 {
            self = .milliseconds(ms)
        } else {
            throw ExperimentError.invalidBudget(value: text)
        }
    }

    /// The budget in ms; a percentile is taken of `latencies` (linear interpolation, as NumPy's default).
    public func resolve(latencies: [Double]) -> Double {
        switch self {
        case let .milliseconds(ms): return ms
        case let .percentile(p):
            let sorted = latencies.sorted()
            let position = p / 100 * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
    }
}
