/// The median time of one graph layer over the profiled runs.
public struct LayerTiming: Codable, Equatable, Sendable {
    /// The graph layer's name, e.g. `stage1.cell0.edge2<-1.conv`.
    public let name: String
    /// The op kind (`conv`, `batch_norm`, `relu`, `avg_pool`, …; see `LayerOp.kind`).
    public let op: String
    public let medianMs: Double
    public let p10Ms: Double
    public let p90Ms: Double
}

/// The time of all layers of one op kind.
public struct OpKindTotal: Codable, Equatable, Sendable {
    public let op: String
    public let layers: Int
    /// Sum of the layers' medians.
    public let totalMs: Double
}

/// A per-layer profile of one network: each layer's median, totals per op kind, and how well the sum of the layer
/// medians predicts the whole-network median (the premise of lookup-table predictors such as nn-Meter's and OFA's).
public struct LayerProfile: Codable, Equatable, Sendable {
    /// Layers in execution order.
    public let layers: [LayerTiming]
    /// Profiled runs (each run times every layer once).
    public let runs: Int
    /// The whole network's median from the timing protocol (not from the profiled runs).
    public let networkMs: Double

    /// Pairs layer timings with the whole-network median.
    public init(layers: [LayerTiming], runs: Int, networkMs: Double) {
        self.layers = layers
        self.runs = runs
        self.networkMs = networkMs
    }

    /// The sum of the layer medians.
    public var sumOfLayersMs: Double { layers.reduce(0) { $0 + $1.medianMs } }

    /// `sumOfLayersMs / networkMs`: 1 when layer times add up to the network's time.
    public var ratio: Double { sumOfLayersMs / networkMs }

    /// Totals per op kind, largest first.
    public var byOp: [OpKindTotal] {
        Dictionary(grouping: layers, by: \.op)
            .map { OpKindTotal(op: $0.key, layers: $0.value.count, totalMs: $0.value.reduce(0) { $0 + $1.medianMs }) }
            .sorted { ($0.totalMs, $1.op) > ($1.totalMs, $0.op) }
    }
}
