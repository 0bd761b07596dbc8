import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Foundation

/// A slow, obviously correct interpreter of a graph (plain loops in Double, no folding, no aliasing), the reference
/// the compiled network is compared with.
struct ReferenceEvaluator {
    let graph: NetworkGraph
    let parameters: NetworkParameters
    let batch: Int

    func run(input: [Double]) -> [Double] {
        var values = [[Double]](repeating: [], count: graph.layers.count)
        values[0] = input
        for layer in graph.layers.dropFirst() {
            values[layer.id] = evaluate(layer, values)
        }
        return values[graph.output]
    }

    private func buffer(_ b: AlignedBuffer?) -> [Double] {
        guard let b else { return [] }
        return (0..<b.count).map { Double(b.baseAddress[$0]) }
    }

    private func evaluate(_ layer: Layer, _ values: [[Double]]) -> [Double] {
        let s = layer.shape, p = parameters.layers[layer.id]
        let x = layer.inputs.first.map { values[$0] } ?? []
        let xs = layer.inputs.first.map { graph.layers[$0].shape } ?? s
        var y = [Double](repeating: 0, count: batch * s.count)
        switch layer.op {
        case .input:
            return values[0]
        case let .convolution(c):
            let w = buffer(p.weights), bias = buffer(p.bias)
            let inPerGroup = xs.channels / c.groups, outPerGroup = c.outChannels / c.groups
            for n in 0..<batch { for o in 0..<c.outChannels { for oy in 0..<s.height { for ox in 0..<s.width {
                var sum = bias.isEmpty ? 0 : bias[o]
                let g = o / outPerGroup
                for i in 0..<inPerGroup { for ky in 0..<c.kernel { for kx in 0..<c.kernel {
                    let iy = oy * c.stride - c.padding + ky, ix = ox * c.stride - c.padding + kx
                    guard iy >= 0, iy < xs.height, ix >= 0, ix < xs.width else { continue }
                    let ic = g * inPerGroup + i
                    sum += w[((o * inPerGroup + i) * c.kernel + ky) * c.kernel + kx] * x[((n * xs.channels + ic) * xs.height + iy) * xs.width + ix]
                } } }
                y[((n * s.channels + o) * s.height + oy) * s.width + ox] = sum
            } } } }
        case .batchNorm:
            let g = buffer(p.gamma), b = buffer(p.beta), m = buffer(p.runningMean), v = buffer(p.runningVariance)
            for i in y.indices {
                let c = (i / (s.height * s.width)) % s.channels
                y[i] = (x[i] - m[c]) / (v[c] + 1e-5).squareRoot() * g[c] + b[c]
            }
        case let .activation(a):
            for i in y.indices {
                let v = x[i]
                switch a {
                case .relu: y[i] = max(0, v)
                case .relu6: y[i] = min(max(0, v), 6)
                case .hardSwish: y[i] = v * min(max(v + 3, 0), 6) / 6
                case .identity: y[i] = v
                }
            }
        case .hardSigmoid:
            for i in y.indices { y[i] = min(max(x[i] + 3, 0), 6) / 6 }
        case let .averagePool(w), let .maxPool(w):
            let isMax: Bool = { if case .maxPool = layer.op { return true } else { return false } }()
            for n in 0..<batch { for c in 0..<s.channels { for oy in 0..<s.height { for ox in 0..<s.width {
                var sum = 0.0, count = 0, best = -Double.infinity
                for ky in 0..<w.kernel { for kx in 0..<w.kernel {
                    let iy = oy * w.stride - w.padding + ky, ix = ox * w.stride - w.padding + kx
                    guard iy >= 0, iy < xs.height, ix >= 0, ix < xs.width else { continue }
                    let v = x[((n * xs.channels + c) * xs.height + iy) * xs.width + ix]
                    sum += v; count += 1; best = max(best, v)
                } }
                y[((n * s.channels + c) * s.height + oy) * s.width + ox] = isMax ? best : sum / Double(count)
            } } } }
        case .globalAveragePool:
            let plane = xs.height * xs.width
            for i in y.indices { y[i] = x[i * plane..<(i + 1) * plane].reduce(0, +) / Double(plane) }
        case let .linear(out, _):
            let w = buffer(p.weights), bias = buffer(p.bias), inFeatures = xs.count
            for n in 0..<batch { for o in 0..<out {
                var sum = bias.isEmpty ? 0 : bias[o]
                for i in 0..<inFeatures { sum += w[o * inFeatures + i] * x[n * inFeatures + i] }
                y[n * out + o] = sum
            } }
        case .add:
            for input in layer.inputs { for i in y.indices { y[i] += values[input][i] } }
        case .channelScale:
            let gate = values[layer.inputs[1]], plane = s.height * s.width
            for i in y.indices { y[i] = x[i] * gate[i / plane] }
        case let .channelShuffle(groups):
            let perGroup = s.channels / groups, plane = s.height * s.width
            for n in 0..<batch { for g in 0..<groups { for m in 0..<perGroup { for i in 0..<plane {
                y[(n * s.channels + m * groups + g) * plane + i] = x[(n * s.channels + g * perGroup + m) * plane + i]
            } } } }
        case .zero:
            break
        }
        return y
    }
}
