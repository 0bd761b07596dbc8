import Foundation

/// Robust statistics of repeated timings: median with a distribution-free confidence interval, p10/p90, outliers.
///
/// The interval of the median comes from order statistics (the ranks that a Binomial(n, ½) count of samples below
/// the true median falls between with 95% probability), so it needs no assumption on the timing distribution, which
/// on a shared machine is skewed and heavy-tailed. Outliers (beyond Q3 + 3·IQR, Tukey's far fence) are counted and
/// reported, not dropped: the median and its interval are already insensitive to them.
public struct TimingSummary: Codable, Equatable, Sendable {
    /// Number of timed runs.
    public let runs: Int
    public let medianMs: Double
    public let p10Ms: Double
    public let p90Ms: Double
    /// 95% confidence interval of the median.
    public let ciLowMs: Double
    public let ciHighMs: Double
    /// Runs above Q3 + 3·IQR.
    public let outliers: Int

    /// Half the interval's width relative to the median (0.02 = ±2%).
    public var relativeHalfWidth: Double { (ciHighMs - ciLowMs) / 2 / medianMs }

    /// A summary from its fields (as a store kept them).
    public init(runs: Int, medianMs: Double, p10Ms: Double, p90Ms: Double, ciLowMs: Double, ciHighMs: Double, outliers: Int) {
        self.runs = runs
        self.medianMs = medianMs
        self.p10Ms = p10Ms
        self.p90Ms = p90Ms
        self.ciLowMs = ciLowMs
        self.ciHighMs = ciHighMs
        self.outliers = outliers
    }

    /// Summarises timings given in milliseconds (at least one).
    public init(milliseconds samples: [Double]) {
        precondition(!samples.isEmpty, "no timings to summarise")
        let sorted = samples.sorted()
        let n = sorted.count
        runs = n
        medianMs = Self.quantile(sorted, 0.5)
        p10Ms = Self.quantile(sorted, 0.1)
        p90Ms = Self.quantile(sorted, 0.9)
        let (low, high) = Self.medianRanks(n)
        ciLowMs = sorted[low]
        ciHighMs = sorted[high]
        let iqr = Self.quantile(sorted, 0.75) - Self.quantile(sorted, 0.25)
        let fence = Self.quantile(sorted, 0.75) + 3 * iqr
        outliers = sorted.filter { $0 > fence }.count
    }

    /// Linear-interpolated quantile of sorted values (NumPy's default method).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// Zero-based ranks (j, k) of the order statistics bracketing the median with about 95% confidence:
    /// `n/2 ∓ 1.96·√n/2`, clamped to the sample (the normal approximation of Binomial(n, ½)).
    static func medianRanks(_ n: Int) -> (Int, Int) {
        let half = 1.96 * Double(n).squareRoot() / 2
        let low = Int((Double(n) / 2 - half).rounded(.down)) - 1
        let high = Int((Double(n) / 2 + half).rounded(.up))
        return (max(low, 0), min(high, n - 1))
    }
}
