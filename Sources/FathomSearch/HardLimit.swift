import FathomSpaces

/// A further hard constraint besides latency (`--max-params`, `--max-flops`, `--max-memory-mb`): a candidate whose
/// `measure` exceeds `maximum` is infeasible exactly as one over the latency budget is (Optuna's `constraints_func`,
/// Akiba et al. 2019, in its hard form). Limits are checked before latency, so they cost no latency evaluation.
public struct HardLimit: Sendable {
    /// The name reported when the limit rules a candidate out, e.g. `params_m`.
    public let name: String
    /// The largest allowed value of `measure`.
    public let maximum: Double
    /// The quantity limited, computed by the caller (e.g. the graph's parameter count in millions).
    public let measure: @Sendable (Architecture) -> Double

    /// A limit `measure(arch) <= maximum` named `name`.
    public init(name: String, maximum: Double, measure: @escaping @Sendable (Architecture) -> Double) {
        self.name = name
        self.maximum = maximum
        self.measure = measure
    }
}
