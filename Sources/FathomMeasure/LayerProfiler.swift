import FathomNN

/// Times every layer of a compiled network: the network runs step by step under the timing protocol (the stopping
/// rule applies to the whole pass), the clock is read between steps, and each layer's times are summarised.
struct LayerProfiler {
    let timer: Timer
    let clock: @Sendable () -> UInt64

    /// Profiles `network`; `networkMs` is the whole-network median measured without the per-step clock reads.
    func profile(_ network: InferenceNetwork, networkMs: Double) throws -> LayerProfile {
        let layerOfStep = network.stepLayerIDs
        let layers = Array(Set(layerOfStep)).sorted()
        let slot = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
        var samples = [[Double]](repeating: [], count: layers.count)
        var pass = [Double](repeating: 0, count: layers.count)
        let result = try timer.time {
            for i in pass.indices { pass[i] = 0 }
            var last = clock()
            network.run { step in
                let now = clock()
                pass[slot[layerOfStep[step]]!] += Double(now &- last) / 1e6
                last = now
            }
            for i in pass.indices { samples[i].append(pass[i]) }
        }
        let timings = layers.indices.map { i -> LayerTiming in
            let layer = network.graph.layers[layers[i]]
            let summary = TimingSummary(milliseconds: Array(samples[i].dropFirst(result.warmupRuns)))
            return LayerTiming(name: layer.name, op: layer.op.kind, medianMs: summary.medianMs, p10Ms: summary.p10Ms, p90Ms: summary.p90Ms)
        }
        return LayerProfile(layers: timings, runs: result.summary.runs, networkMs: networkMs)
    }
}
