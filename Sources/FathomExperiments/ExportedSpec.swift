/// The architecture spec a user takes away (`DIR/exported/<name>.json`): what it is, how fast it measured or was
/// read to be, how accurate and according to what, and where it came from.
public struct ExportedSpec: Codable, Equatable, Sendable {
    public var name: String
    public var space: String
    public var arch: String
    public var budget_ms: Double
    public var budget: String
    /// The verified latency on the budget's device, and the ground truth it came from.
    public var latency_ms: Double
    public var latency_source: String
    /// `table`, `predicted` or `measured`.
    public var latency_kind: String
    public var latency_p10_ms: Double?
    public var latency_p90_ms: Double?
    public var latency_runs: Int?
    /// The upper bound of the measured median's 95% interval (what `search.strict` compares).
    public var latency_upper_ms: Double?
    /// What the search itself saw for this architecture (a prediction, a table value, an earlier measurement).
    public var search_latency_ms: Double
    public var search_latency_source: String
    /// Candidates checked on the ground truth until one held (1: the search's own answer verified).
    public var verified_candidates: Int
    /// The device the latency belongs to: a fingerprint id when measured, the table column otherwise.
    public var device: String
    public var within_budget: Bool
    public var accuracy: Double
    public var accuracy_source: String
    public var flops_m: Double
    public var params_m: Double
    public var strategy: String
    public var seed: UInt64
    public var queries: Int
    public var config_hash: String
    public var fathom_version: String
}

/// Fathom's version, written into every export.
public enum FathomVersion {
    public static let current = "0.1.0"
}
