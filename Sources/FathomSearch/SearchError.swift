import FathomSpaces

/// What can go wrong in a search, with what the user needs to act on it.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    /// No candidate met the hard limits: the fastest architecture the search saw, and its latency, say how far off.
    case noFeasibleCandidate(fastestSeen: Architecture?, fastestMs: Double?)
    /// A latency budget that is negative, zero, infinite or NaN.
    case invalidBudget(Double)
    /// A strategy name that is not one of `SearchStrategies.names`.
    case unknownStrategy(String, allowed: [String])
    /// A setting outside its range (`queries`, `population`, …).
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .noFeasibleCandidate(arch, ms):
            let fastest = ms.map { String(format: "%.4g", $0) } ?? "none"
            return "no feasible candidate: every architecture seen is over the budget (fastest seen: \(fastest) ms"
                + (arch.map { ", genes \($0.genes)" } ?? "") + ")"
        case let .invalidBudget(value):
            return "invalid latency budget \(value) ms: expected a positive, finite number"
        case let .unknownStrategy(name, allowed):
            return "unknown strategy '\(name)'; allowed: \(allowed.joined(separator: ", "))"
        case let .invalidSetting(name, value, expected):
            return "invalid \(name) \(value): expected \(expected)"
        }
    }
}
