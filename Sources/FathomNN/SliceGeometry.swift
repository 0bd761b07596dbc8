import FathomGraph

/// How a layer's weights are laid out for slicing: `[out, inner, kernel, kernel]` (PyTorch's conv layout; a linear
/// layer is `[out, inner, 1, 1]`). A subnet's layer takes the first `out` outputs, the first `inner` inputs and the
/// centre `kernel × kernel` window of its supernet layer (Once-for-All's first channels and centre crop).
struct SliceGeometry: Hashable, Sendable {
    var out: Int
    var inner: Int
    var kernel: Int

    /// The geometry of `layer`'s weights, or nil when it has none.
    init?(_ layer: Layer, in graph: NetworkGraph) {
        switch layer.op {
        case let .convolution(c):
            self.init(out: c.outChannels, inner: graph.layers[layer.inputs[0]].shape.channels / c.groups, kernel: c.kernel)
        case let .linear(out, _):
            self.init(out: out, inner: graph.layers[layer.inputs[0]].shape.count, kernel: 1)
        default:
            return nil
        }
    }

    init(out: Int, inner: Int, kernel: Int) {
        self.out = out
        self.inner = inner
        self.kernel = kernel
    }

    /// Whether `sub` fits inside `self` (fewer or as many channels, a kernel no larger and of the same parity).
    func contains(_ sub: SliceGeometry) -> Bool {
        sub.out <= out && sub.inner <= inner && sub.kernel <= kernel && (kernel - sub.kernel) % 2 == 0
    }

    /// Calls `body(subIndex, fullIndex)` for every weight of `sub` with the index of the full weight it is cut from.
    func forEachWeight(of sub: SliceGeometry, _ body: (Int, Int) -> Void) {
        let offset = (kernel - sub.kernel) / 2
        var s = 0
        for o in 0..<sub.out {
            for i in 0..<sub.inner {
                for y in 0..<sub.kernel {
                    let row = ((o * inner + i) * kernel + y + offset) * kernel + offset
                    for x in 0..<sub.kernel {
                        body(s, row + x)
                        s += 1
                    }
                }
            }
        }
    }
}
