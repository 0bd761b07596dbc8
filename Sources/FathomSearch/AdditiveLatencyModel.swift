import FathomSpaces

/// A latency that is a constant plus one cost per active gene and chosen value: what a per-layer lookup table gives
/// (ProxylessNAS, Cai et al. 2019; OFA's LUT), and what the hard guarantee of Frank-Wolfe search needs (HardCoRe-NAS,
/// Nayman et al. 2021: the expected latency of a relaxed architecture is then linear in its choice probabilities).
public struct AdditiveLatencyModel: Hashable, Sendable {
    /// The part every architecture pays (stem, head, …), in ms.
    public var constant: Double
    /// `costs[gene][choice]`: the ms that choosing `choice` at `gene` adds while the gene is active.
    public var costs: [[Double]]

    /// A model from its constant and per-gene, per-choice costs.
    public init(constant: Double, costs: [[Double]]) {
        self.constant = constant
        self.costs = costs
    }

    /// The modelled latency of `arch`: inactive genes (`-1`) cost nothing.
    public func latency(of arch: Architecture) -> Double {
        var total = constant
        for (gene, value) in arch.genes.enumerated() where value >= 0 {
            total += costs[gene][value]
        }
        return total
    }
}

/// A latency source that is exactly additive over genes (a per-layer lookup table): strategies that can use the
/// structure (Frank-Wolfe search) ask for it; the others treat it as any `LatencySource`.
public protocol AdditiveLatencySource: LatencySource {
    /// The model that `latency(of:)` agrees with on every architecture of the space.
    var additiveModel: AdditiveLatencyModel { get }
}
