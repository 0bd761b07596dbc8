import FathomGraph
import FathomSearch
import FathomSpaces

/// Hard limits on what the graph IR counts (`--max-params-m`, `--max-flops-m`, or `search.max_params_m` and
/// `search.max_flops_m` in a config): parameters and FLOPs in millions, NAS-Bench-201's counting. An architecture the
/// space cannot build counts as infinitely large.
public enum GraphLimits {
    /// The limits given (none when both are nil).
    public static func make(space: SearchSpace, maxParamsM: Double?, maxFlopsM: Double?) -> [HardLimit] {
        var limits: [HardLimit] = []
        if let maxParamsM {
            limits.append(HardLimit(name: "params_m", maximum: maxParamsM) { arch in
                (try? NetworkGraph(space: space, arch: arch)).map { Double($0.parameters) / 1e6 } ?? .infinity
            })
        }
        if let maxFlopsM {
            limits.append(HardLimit(name: "flops_m", maximum: maxFlopsM) { arch in
                (try? NetworkGraph(space: space, arch: arch)).map { Double($0.flops) / 1e6 } ?? .infinity
            })
        }
        return limits
    }
}
