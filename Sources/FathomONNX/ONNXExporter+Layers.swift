import FathomGraph

extension ONNXExporter {
    /// Batch normalisation's ε, as Fathom's executor and PyTorch use it.
    static let batchNormEpsilon: Float = 1e-5

    /// The ONNX tensor holding layer `id`'s output: the model input for layer 0, the layer's unique name otherwise.
    /// Every such tensor is `[batch, C, H, W]` with the layer's shape (a linear layer's too, reshaped after its Gemm).
    func tensor(_ id: Int) -> String { id == 0 ? Self.inputName : graph.layers[id].name }

    /// Appends the nodes and initializers that compute `layer`, and for the output layer the `logits` tensor.
    ///
    /// Layer ops map to: convolution → Conv (with its bias if any); batch norm → BatchNormalization; ReLU → Relu;
    /// ReLU6 → Clip(0, 6) with min and max as inputs; h-swish → HardSwish; h-sigmoid → HardSigmoid(α = 1/6, β = 1/2);
    /// pools → AveragePool (`count_include_pad` as the graph says) / MaxPool / GlobalAveragePool; linear → Flatten +
    /// Gemm(transB = 1); add → Add (two inputs) or Sum; channel scale → Mul (broadcast over H×W); channel shuffle →
    /// Reshape, Transpose, Reshape; zero → ConstantOfShape (float zeros).
    func lower(_ layer: Layer, into w: inout ONNXGraphWriter) {
        let name = layer.name, output = tensor(layer.id), inputs = layer.inputs.map(tensor)
        let p = parameters.layers[layer.id], shape = layer.shape
        let isOutput = layer.id == graph.output
        switch layer.op {
        case .input:
            return
        case let .convolution(c):
            let inChannels = graph.layers[layer.inputs[0]].shape.channels
            var arguments = [inputs[0], w.floats("\(name).weight", dims: [c.outChannels, inChannels / c.groups, c.kernel, c.kernel], p.weights!)]
            if let bias = p.bias { arguments.append(w.floats("\(name).bias", dims: [c.outChannels], bias)) }
            w.node("Conv", name: name, inputs: arguments, output: output,
                   Self.window(kernel: c.kernel, stride: c.stride, padding: c.padding) + [.int("group", c.groups)])
        case .batchNorm:
            let dims = [shape.channels]
            let arguments = [inputs[0], w.floats("\(name).weight", dims: dims, p.gamma!), w.floats("\(name).bias", dims: dims, p.beta!),
                             w.floats("\(name).running_mean", dims: dims, p.runningMean!),
                             w.floats("\(name).running_var", dims: dims, p.runningVariance!)]
            w.node("BatchNormalization", name: name, inputs: arguments, output: output, [.float("epsilon", Self.batchNormEpsilon)])
        case .activation(.relu):
            w.node("Relu", name: name, inputs: inputs, output: output)
        case .activation(.relu6):
            w.node("Clip", name: name, inputs: [inputs[0], w.scalar("relu6.min", 0), w.scalar("relu6.max", 6)], output: output)
        case .activation(.hardSwish):
            w.node("HardSwish", name: name, inputs: inputs, output: output)
        case .activation(.identity):
            w.node("Identity", name: name, inputs: inputs, output: output)
        case .hardSigmoid:
            w.node("HardSigmoid", name: name, inputs: inputs, output: output, [.float("alpha", 1.0 / 6), .float("beta", 0.5)])
        case let .averagePool(pool):
            w.node("AveragePool", name: name, inputs: inputs, output: output,
                   Self.window(kernel: pool.kernel, stride: pool.stride, padding: pool.padding) + [.int("count_include_pad", pool.countIncludePad ? 1 : 0)])
        case let .maxPool(pool):
            w.node("MaxPool", name: name, inputs: inputs, output: output, Self.window(kernel: pool.kernel, stride: pool.stride, padding: pool.padding))
        case .globalAveragePool:
            w.node("GlobalAveragePool", name: name, inputs: inputs, output: output)
        case let .linear(outFeatures, _):
            let flat = "\(name).flatten", product = isOutput ? Self.outputName : "\(name).gemm"
            let inFeatures = graph.layers[layer.inputs[0]].shape.count
            w.node("Flatten", name: flat, inputs: inputs, output: flat, [.int("axis", 1)])
            var arguments = [flat, w.floats("\(name).weight", dims: [outFeatures, inFeatures], p.weights!)]
            if let bias = p.bias { arguments.append(w.floats("\(name).bias", dims: [outFeatures], bias)) }
            w.node("Gemm", name: name, inputs: arguments, output: product, [.int("transB", 1)])
            if isOutput { return }
            reshape(product, to: [batch, outFeatures, 1, 1], output: output, name: "\(name).reshape", into: &w)
        case .add:
            w.node(inputs.count == 2 ? "Add" : "Sum", name: name, inputs: inputs, output: output)
        case .channelScale:
            w.node("Mul", name: name, inputs: inputs, output: output)
        case let .channelShuffle(groups):
            let grouped = "\(name).grouped", transposed = "\(name).transposed"
            reshape(inputs[0], to: [batch, groups, shape.channels / groups, shape.height, shape.width], output: grouped, name: grouped, into: &w)
            w.node("Transpose", name: transposed, inputs: [grouped], output: transposed, [.ints("perm", [0, 2, 1, 3, 4])])
            reshape(transposed, to: fourD(shape), output: output, name: name, into: &w)
        case .zero:
            w.node("ConstantOfShape", name: name, inputs: [w.int64s("\(name).shape", fourD(shape))], output: output)
        }
        if isOutput { w.node("Flatten", name: Self.outputName, inputs: [output], output: Self.outputName, [.int("axis", 1)]) }
    }

    private func fourD(_ shape: TensorShape) -> [Int] { [batch, shape.channels, shape.height, shape.width] }

    private func reshape(_ input: String, to dims: [Int], output: String, name: String, into w: inout ONNXGraphWriter) {
        w.node("Reshape", name: name, inputs: [input, w.int64s("\(name).shape", dims)], output: output)
    }

    private static func window(kernel: Int, stride: Int, padding: Int) -> [Onnx_AttributeProto] {
        [.ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]), .ints("pads", [padding, padding, padding, padding])]
    }
}
