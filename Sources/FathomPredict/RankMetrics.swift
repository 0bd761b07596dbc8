/// How well predicted latencies agree with measured ones: rank correlations (what HELP reports), linear
/// correlation, relative error in milliseconds, and the under-budget decision that a constrained search relies on.
///
/// HELP scores its predictors with scipy's `spearmanr`, `kendalltau` and `pearsonr` (`utils.py`, `metrics_fn`), on
/// normalised predictions and targets; the rank correlations are the same on milliseconds, as normalisation is monotone.
///
/// Every function takes the predictions first and the measurements second, both of the same length. The
/// correlations return `nan` when either side is constant or has fewer than two values (as scipy.stats does).
public enum RankMetrics {
    /// Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their average rank
    /// (scipy.stats.spearmanr).
    ///
    /// - Complexity: O(n log n).
    public static func spearman(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count, "spearman: \(predicted.count) predictions for \(actual.count) values")
        return pearson(averageRanks(predicted), averageRanks(actual))
    }

    /// Kendall's tau-b, which corrects for ties on either side (scipy.stats.kendalltau's default):
    /// (concordant − discordant) / √((pairs − pairs tied in predicted) · (pairs − pairs tied in actual)).
    ///
    /// - Complexity: O(n²) pair comparisons; about 0.3 M pairs for HELP's 800 test queries.
    public static func kendallTauB(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count, "kendallTauB: \(predicted.count) predictions for \(actual.count) values")
        let n = predicted.count
        var concordantMinusDiscordant = 0
        var tiedInPredicted = 0
        var tiedInActual = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dp = predicted[i] - predicted[j]
                let da = actual[i] - actual[j]
                if dp == 0 { tiedInPredicted += 1 }
                if da == 0 { tiedInActual += 1 }
                if dp != 0 && da != 0 { concordantMinusDiscordant += (dp > 0) == (da > 0) ? 1 : -1 }
            }
        }
        let pairs = n * (n - 1) / 2
        let denominator = (Double(pairs - tiedInPredicted) * Double(pairs - tiedInActual)).squareRoot()
        return denominator > 0 ? Double(concordantMinusDiscordant) / denominator : .nan
    }

    /// Pearson's linear correlation coefficient, computed around the means in double precision.
    ///
    /// - Complexity: O(n).
    public static func pearson(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count, "pearson: \(predicted.count) predictions for \(actual.count) values")
        guard predicted.count > 1 else { return .nan }
        let meanP = mean(predicted)
        let meanA = mean(actual)
        var covariance = 0.0, varianceP = 0.0, varianceA = 0.0
        for (p, a) in zip(predicted, actual) {
            covariance += (p - meanP) * (a - meanA)
            varianceP += (p - meanP) * (p - meanP)
            varianceA += (a - meanA) * (a - meanA)
        }
        let denominator = (varianceP * varianceA).squareRoot()
        return denominator > 0 ? covariance / denominator : .nan
    }

    /// Mean absolute percentage error as a fraction (0.05 means 5 %): mean of |predicted − actual| / |actual|,
    /// with |actual| floored at `Double.ulpOfOne` as scikit-learn's `mean_absolute_percentage_error` does.
    ///
    /// - Complexity: O(n).
    public static func meanAbsolutePercentageError(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count, "MAPE: \(predicted.count) predictions for \(actual.count) values")
        guard !actual.isEmpty else { return .nan }
        let relativeErrors = zip(predicted, actual).map { p, a in abs(p - a) / max(abs(a), Double.ulpOfOne) }
        return mean(relativeErrors)
    }

    /// The fraction of architectures on which the prediction makes the right call about the budget, that is
    /// where `predicted <= budget` equals `actual <= budget`.
    ///
    /// - Complexity: O(n).
    public static func budgetDecisionAccuracy(_ predicted: [Double], _ actual: [Double], budget: Double) -> Double {
        precondition(predicted.count == actual.count, "budget accuracy: \(predicted.count) predictions for \(actual.count) values")
        guard !actual.isEmpty else { return .nan }
        let agreeing = zip(predicted, actual).count { p, a in (p <= budget) == (a <= budget) }
        return Double(agreeing) / Double(actual.count)
    }

    /// The 1-based rank of every value, tied values sharing the mean of the ranks they span
    /// (scipy.stats.rankdata's `average` method).
    ///
    /// - Complexity: O(n log n).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let sharedRank = Double(start + end + 1) / 2  // mean of the 1-based ranks start+1 ... end
            for position in start..<end { ranks[order[position]] = sharedRank }
            start = end
        }
        return ranks
    }

    /// The middle value (the mean of the two middle values for an even count); NaN when empty.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }
}
