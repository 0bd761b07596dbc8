import FathomSpaces

/// Appends layers to a graph, inferring each output shape from the inputs. The family builders use it.
struct GraphBuilder {
    private(set) var layers: [Layer] = []

    /// Starts a graph with its input layer.
    init(input: TensorShape) {
        layers.append(Layer(id: 0, name: "input", op: .input, inputs: [], shape: input, isDead: false))
    }

    func shape(_ id: Int) -> TensorShape { layers[id].shape }

    /// Appends `op` reading `inputs`; returns the new layer's id.
    mutating func add(_ op: LayerOp, _ inputs: [Int], name: String) throws -> Int {
        let shapes = inputs.map { layers[$0].shape }
        let shape = try Self.outputShape(op, shapes, name: name)
        layers.append(Layer(id: layers.count, name: name, op: op, inputs: inputs, shape: shape, isDead: false))
        return layers.count - 1
    }

    /// A convolution with "same" padding (`kernel / 2`).
    mutating func conv(_ x: Int, out: Int, kernel: Int, stride: Int = 1, groups: Int = 1, bias: Bool = false, name: String) throws -> Int {
        try add(.convolution(Convolution(outChannels: out, kernel: kernel, stride: stride, padding: kernel / 2, groups: groups, bias: bias)), [x], name: name)
    }

    /// Conv + BN (+ activation unless `.identity`), the common block of the elastic and chain spaces.
    mutating func convBN(_ x: Int, out: Int, kernel: Int, stride: Int = 1, groups: Int = 1, activation: Activation, name: String) throws -> Int {
        let c = try conv(x, out: out, kernel: kernel, stride: stride, groups: groups, name: "\(name).conv")
        return try act(try add(.batchNorm, [c], name: "\(name).bn"), activation, name: "\(name).act")
    }

    /// An activation layer, or `x` itself for `.identity`.
    mutating func act(_ x: Int, _ activation: Activation, name: String) throws -> Int {
        activation == .identity ? x : try add(.activation(activation), [x], name: name)
    }

    /// The finished graph, with every layer that has no path to the output (the last layer) marked dead and every
    /// layer that does not depend on the input marked constant.
    func graph() -> NetworkGraph {
        var live = [Bool](repeating: false, count: layers.count)
        live[layers.count - 1] = true
        var marked = layers
        for layer in layers.reversed() {
            if live[layer.id] { for input in layer.inputs { live[input] = true } }
            marked[layer.id].isDead = !live[layer.id]
        }
        for layer in layers where layer.op != .input {
            marked[layer.id].isConstant = layer.inputs.allSatisfy { marked[$0].isConstant }
        }
        return NetworkGraph(layers: marked)
    }

    static func outputShape(_ op: LayerOp, _ inputs: [TensorShape], name: String) throws -> TensorShape {
        func fail(_ detail: String) -> GraphError { .invalidShape(layer: name, detail: detail) }
        func window(_ x: TensorShape, kernel: Int, stride: Int, padding: Int, channels: Int) throws -> TensorShape {
            let h = (x.height + 2 * padding - kernel) / stride + 1
            let w = (x.width + 2 * padding - kernel) / stride + 1
            guard h >= 1, w >= 1 else { throw fail("a \(kernel)x\(kernel) window with stride \(stride) does not fit input \(x)") }
            return TensorShape(channels: channels, height: h, width: w)
        }
        switch op {
        case .input:
            throw fail("an input layer cannot be appended")
        case let .convolution(c):
            let x = inputs[0]
            guard c.groups >= 1, x.channels % c.groups == 0, c.outChannels % c.groups == 0 else {
                throw fail("\(x.channels) input and \(c.outChannels) output channels do not divide into \(c.groups) groups")
            }
            return try window(x, kernel: c.kernel, stride: c.stride, padding: c.padding, channels: c.outChannels)
        case .batchNorm, .activation, .hardSigmoid:
            return inputs[0]
        case let .averagePool(p), let .maxPool(p):
            return try window(inputs[0], kernel: p.kernel, stride: p.stride, padding: p.padding, channels: inputs[0].channels)
        case .globalAveragePool:
            return TensorShape(channels: inputs[0].channels, height: 1, width: 1)
        case let .linear(out, _):
            return TensorShape(channels: out, height: 1, width: 1)
        case .add:
            guard inputs.count >= 2, inputs.allSatisfy({ $0 == inputs[0] }) else {
                throw fail("cannot add shapes \(inputs.map(\.description).joined(separator: " + "))")
            }
            return inputs[0]
        case .channelScale:
            guard inputs.count == 2, inputs[1] == TensorShape(channels: inputs[0].channels, height: 1, width: 1) else {
                throw fail("channel scale needs a \(inputs[0].channels)x1x1 gate")
            }
            return inputs[0]
        case let .channelShuffle(groups):
            guard inputs[0].channels % groups == 0 else { throw fail("\(inputs[0].channels) channels do not split into \(groups) groups") }
            return inputs[0]
        case let .zero(shape):
            return shape
        }
    }
}
