import FathomSearch

/// Where a latency came from, as journals and study stores keep it: `table` (detail: the column), `predicted` (detail:
/// the model) or `measured` (p10, p90, runs and the median's upper bound).
struct LatencyRecord: Codable, Equatable {
    var origin: String
    var detail: String?
    var p10: Double?
    var p90: Double?
    var runs: Int?
    var upper: Double?

    /// The record of `estimate`'s origin.
    init(_ estimate: LatencyEstimate) {
        switch estimate.origin {
        case let .table(column): origin = "table"; detail = column
        case let .predicted(model): origin = "predicted"; detail = model
        case let .measured(a, b, n, u): origin = "measured"; p10 = a; p90 = b; runs = n; upper = u
        }
    }

    /// The fields as stored (a journal line spreads them over its own keys).
    init(origin: String?, detail: String?, p10: Double?, p90: Double?, runs: Int?, upper: Double?) {
        self.origin = origin ?? "table"
        self.detail = detail
        self.p10 = p10
        self.p90 = p90
        self.runs = runs
        self.upper = upper
    }

    /// The estimate of `ms` with this origin.
    func estimate(ms: Double) -> LatencyEstimate {
        switch origin {
        case "measured":
            return LatencyEstimate(ms: ms, origin: .measured(p10: p10 ?? ms, p90: p90 ?? ms, runs: runs ?? 0, upperBound: upper ?? ms))
        case "predicted": return LatencyEstimate(ms: ms, origin: .predicted(model: detail ?? ""))
        default: return LatencyEstimate(ms: ms, origin: .table(column: detail ?? ""))
        }
    }
}
