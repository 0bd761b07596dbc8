import FathomGraph
import FathomNN
import FathomSpaces
import Foundation

/// A plain Double interpreter of a graph in training mode (batch norm on the batch's biased statistics) and of the
/// label-smoothed cross-entropy on its logits: the loss whose central finite differences check `TrainingNetwork`'s
/// analytic gradients. Parameters are Double copies, by layer and by name (`weights`, `bias`, `gamma`, `beta`).
struct TrainingReference {
    let graph: NetworkGraph
    let batch: Int
    var values: [Int: [String: [Double]]]

    init(graph: NetworkGraph, parameters: NetworkParameters, batch: Int) {
        self.graph = graph
        self.batch = batch
        values = [:]
        for (id, p) in parameters.layers.enumerated() {
            for (name, buffer) in [("weights", p.weights), ("bias", p.bias), ("gamma", p.gamma), ("beta", p.beta)] {
                guard let buffer else { continue }
                values[id, default: [:]][name] = (0..<buffer.count).map { Double(buffer.baseAddress[$0]) }
            }
        }
    }

    /// The mean label-smoothed cross-entropy of the network on `input` (dead layers are evaluated too: they do not
    /// reach the output, so they cannot change the loss).
    func loss(input: [Double], labels: [Int], smoothing: Double) -> Double {
        var outs = [[Double]](repeating: [], count: graph.layers.count)
        outs[0] = input
        for layer in graph.layers.dropFirst() { outs[layer.id] = evaluate(layer, outs) }
        let classes = graph.layers[graph.output].shape.channels
        var total = 0.0
        for n in 0..<batch {
            let z = outs[graph.output][n * classes..<(n + 1) * classes]
            let m = z.max()!, logSum = log(z.reduce(0) { $0 + exp($1 - m) }) + m
            for (k, v) in z.enumerated() { total -= ((k == labels[n] ? 1 - smoothing : 0) + smoothing / Double(classes)) * (v - logSum) }
        }
        return total / Double(batch)
    }

    private func evaluate(_ layer: Layer, _ outs: [[Double]]) -> [Double] {
        let s = layer.shape, p = values[layer.id] ?? [:], plane = s.height * s.width
        let x = layer.inputs.first.map { outs[$0] } ?? []
        let xs = layer.inputs.first.map { graph.layers[$0].shape } ?? s
        var y = [Double](repeating: 0, count: batch * s.count)
        func at(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int { ((n * xs.channels + c) * xs.height + h) * xs.width + w }
        switch layer.op {
        case .input, .zero:
            break
        case let .convolution(c):
            let w = p["weights"]!, bias = p["bias"]
            let inPerGroup = xs.channels / c.groups, outPerGroup = c.outChannels / c.groups
            for n in 0..<batch { for o in 0..<c.outChannels { for oy in 0..<s.height { for ox in 0..<s.width {
                var sum = bias?[o] ?? 0
                for i in 0..<inPerGroup { for ky in 0..<c.kernel { for kx in 0..<c.kernel {
                    let iy = oy * c.stride - c.padding + ky, ix = ox * c.stride - c.padding + kx
                    guard iy >= 0, iy < xs.height, ix >= 0, ix < xs.width else { continue }
                    sum += w[((o * inPerGroup + i) * c.kernel + ky) * c.kernel + kx] * x[at(n, o / outPerGroup * inPerGroup + i, iy, ix)]
                } } }
                y[((n * s.channels + o) * s.height + oy) * s.width + ox] = sum
            } } } }
        case .batchNorm:
            let g = p["gamma"]!, b = p["beta"]!, count = Double(batch * plane)
            for c in 0..<s.channels {
                let indices = (0..<batch).flatMap { n in (0..<plane).map { (n * s.channels + c) * plane + $0 } }
                let mean = indices.reduce(0) { $0 + x[$1] } / count
                let variance = indices.reduce(0) { $0 + (x[$1] - mean) * (x[$1] - mean) } / count
                for i in indices { y[i] = (x[i] - mean) / (variance + 1e-5).squareRoot() * g[c] + b[c] }
            }
        case let .activation(a):
            for i in y.indices {
                switch a {
                case .relu: y[i] = max(0, x[i])
                case .relu6: y[i] = min(max(0, x[i]), 6)
                case .hardSwish: y[i] = x[i] * min(max(x[i] + 3, 0), 6) / 6
                case .identity: y[i] = x[i]
                }
            }
        case .hardSigmoid:
            for i in y.indices { y[i] = min(max(x[i] + 3, 0), 6) / 6 }
        case let .averagePool(w), let .maxPool(w):
            var isMax = false
            if case .maxPool = layer.op { isMax = true }
            for n in 0..<batch { for c in 0..<s.channels { for oy in 0..<s.height { for ox in 0..<s.width {
                var window: [Double] = []
                for ky in 0..<w.kernel { for kx in 0..<w.kernel {
                    let iy = oy * w.stride - w.padding + ky, ix = ox * w.stride - w.padding + kx
                    if iy >= 0, iy < xs.height, ix >= 0, ix < xs.width { window.append(x[at(n, c, iy, ix)]) }
                } }
                y[((n * s.channels + c) * s.height + oy) * s.width + ox] = isMax ? window.max()! : window.reduce(0, +) / Double(window.count)
            } } } }
        case .globalAveragePool:
            let inPlane = xs.height * xs.width
            for i in y.indices { y[i] = x[i * inPlane..<(i + 1) * inPlane].reduce(0, +) / Double(inPlane) }
        case let .linear(out, _):
            let w = p["weights"]!, bias = p["bias"], inFeatures = xs.count
            for n in 0..<batch { for o in 0..<out {
                y[n * out + o] = (0..<inFeatures).reduce(bias?[o] ?? 0) { $0 + w[o * inFeatures + $1] * x[n * inFeatures + $1] }
            } }
        case .add:
            for input in layer.inputs { for i in y.indices { y[i] += outs[input][i] } }
        case .channelScale:
            let gate = outs[layer.inputs[1]]
            for i in y.indices { y[i] = x[i] * gate[i / plane] }
        case let .channelShuffle(groups):
            let perGroup = s.channels / groups
            for n in 0..<batch { for g in 0..<groups { for m in 0..<perGroup { for i in 0..<plane {
                y[(n * s.channels + m * groups + g) * plane + i] = x[(n * s.channels + g * perGroup + m) * plane + i]
            } } } }
        }
        return y
    }
}
