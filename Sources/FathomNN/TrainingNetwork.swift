import FathomGraph
import FathomKernels
import FathomSpaces

/// A network compiled from a graph for training at a fixed batch size: a forward pass that keeps every layer's
/// output (batch norm on the batch's statistics, updating the running ones), and a backward pass through every op
/// of the graph that writes the gradient of each learned value into `gradients`.
///
/// Unlike `InferenceNetwork` nothing is folded or aliased: each live layer owns its output and its output gradient.
/// Dead layers (NAS-Bench-201 edges that cannot reach the output) are skipped; their gradients stay zero.
/// The parameters are used in place (the optimizer updates them between steps).
public final class TrainingNetwork: @unchecked Sendable {
    /// How a forward pass treats batch norm.
    public enum Mode: Sendable {
        /// Batch statistics; running statistics updated with `momentum` (PyTorch's default 0.1) unless `nil`.
        case training(momentum: Float?)
        /// Running statistics, as inference does.
        case inference
    }

    public let graph: NetworkGraph
    public let batch: Int
    public let parameters: NetworkParameters
    /// Per layer, the gradient of the last backward pass (overwritten by each pass).
    public let gradients: [LayerGradients]
    let pool: ThreadPool
    let live: [Bool]
    let outputs: [AlignedBuffer?]
    let outputGradients: [AlignedBuffer?]
    let savedMean: [AlignedBuffer?]
    let savedInverseStandardDeviation: [AlignedBuffer?]
    /// Room for one layer's gradient contribution when its input already holds another reader's.
    let scratch: AlignedBuffer
    private let recycler: BufferRecycler?

    /// Compiles `graph` with `parameters` (used in place) for `batch` images; activation memory comes from (and
    /// returns to) `recycler` when one is given.
    public init(graph: NetworkGraph, parameters: NetworkParameters, batch: Int, pool: ThreadPool = .shared, recycler: BufferRecycler? = nil) {
        precondition(batch > 0, "batch must be positive")
        self.graph = graph
        self.batch = batch
        self.parameters = parameters
        self.pool = pool
        gradients = parameters.layers.map(LayerGradients.init(like:))
        let live = graph.layers.map { !$0.isDead || $0.id == 0 }
        self.live = live
        self.recycler = recycler
        let take = { (count: Int) in recycler?.take(count) ?? AlignedBuffer(count: count) }
        outputs = graph.layers.map { live[$0.id] ? take(batch * $0.shape.count) : nil }
        outputGradients = graph.layers.map { live[$0.id] && $0.id != 0 ? take(batch * $0.shape.count) : nil }
        savedMean = graph.layers.map { layer in
            if case .batchNorm = layer.op, !layer.isDead { return AlignedBuffer(count: layer.shape.channels) }
            return nil
        }
        savedInverseStandardDeviation = savedMean.map { $0.map { AlignedBuffer(count: $0.count) } }
        scratch = take(batch * (graph.layers.map(\.shape.count).max() ?? 1))
    }

    deinit { recycler?.give((outputs + outputGradients).compactMap { $0 } + [scratch]) }

    /// The input, `batch × C × H × W` floats, to fill before `forward`.
    public var input: UnsafeMutablePointer<Float> { outputs[0]!.baseAddress }

    /// The logits (`batch × classes`) after `forward`.
    public var output: UnsafePointer<Float> { UnsafePointer(outputs[graph.output]!.baseAddress) }

    /// The gradient of the loss with respect to the logits, to fill before `backward`.
    public var outputGradient: UnsafeMutablePointer<Float> { outputGradients[graph.output]!.baseAddress }

    /// Runs every live layer on `input`.
    public func forward(_ mode: Mode) {
        for layer in graph.layers where live[layer.id] && layer.id != 0 { forward(layer, mode) }
    }

    /// Back-propagates `outputGradient` through the graph, overwriting `gradients`. Needs a `.training` forward
    /// pass just before it (its saved batch statistics and outputs).
    public func backward() {
        var written = [Bool](repeating: false, count: graph.layers.count)
        written[graph.output] = true
        for layer in graph.layers.reversed() where live[layer.id] && layer.id != 0 {
            precondition(written[layer.id], "\(layer.name) received no gradient")
            backward(layer) { input, body in
                guard input != 0 else { return }
                let destination = outputGradients[input]!.baseAddress
                let count = batch * graph.layers[input].shape.count
                if written[input] {
                    body(scratch.baseAddress)
                    Elementwise.add(destination, scratch.baseAddress, into: destination, count: count, pool: pool)
                } else {
                    body(destination)
                    written[input] = true
                }
            }
        }
    }

    func feature(_ id: Int) -> FeatureMapShape {
        let s = graph.layers[id].shape
        return FeatureMapShape(batch: batch, channels: s.channels, height: s.height, width: s.width)
    }

    func convolutionShape(_ layer: Layer, _ c: Convolution) -> Conv2DShape {
        let x = graph.layers[layer.inputs[0]].shape
        return Conv2DShape(batch: batch, inChannels: x.channels, inHeight: x.height, inWidth: x.width, outChannels: c.outChannels,
                           kernelSize: c.kernel, stride: c.stride, padding: c.padding, groups: c.groups)
    }

    func poolShape(_ layer: Layer, _ w: Pooling) -> Pool2DShape {
        Pool2DShape(input: feature(layer.inputs[0]), kernelSize: w.kernel, stride: w.stride, padding: w.padding)
    }

    static func kernel(_ a: FathomSpaces.Activation) -> FathomKernels.Activation {
        switch a {
        case .relu: return .relu
        case .relu6: return .relu6
        case .hardSwish: return .hardSwish
        case .identity: preconditionFailure("identity activations are not graph layers")
        }
    }

    private func forward(_ layer: Layer, _ mode: Mode) {
        let p = parameters.layers[layer.id], y = outputs[layer.id]!.baseAddress
        let x = layer.inputs.first.map { UnsafePointer(outputs[$0]!.baseAddress) }
        let count = batch * layer.shape.count
        switch layer.op {
        case .input:
            break
        case let .convolution(c):
            Conv2D.forward(convolutionShape(layer, c), input: x!, weights: p.weights!.baseAddress,
                           bias: p.bias.map { UnsafePointer($0.baseAddress) }, output: y, pool: pool)
        case .batchNorm:
            let shape = feature(layer.id)
            switch mode {
            case let .training(momentum):
                let running = momentum.map { BatchNorm.RunningStatistics(mean: p.runningMean!.baseAddress, variance: p.runningVariance!.baseAddress, momentum: $0) }
                BatchNorm.trainingForward(shape, input: x!, output: y, gamma: p.gamma!.baseAddress, beta: p.beta!.baseAddress,
                                          savedMean: savedMean[layer.id]!.baseAddress,
                                          savedInverseStandardDeviation: savedInverseStandardDeviation[layer.id]!.baseAddress,
                                          running: running, pool: pool)
            case .inference:
                BatchNorm.inferenceForward(shape, input: x!, output: y, mean: p.runningMean!.baseAddress, variance: p.runningVariance!.baseAddress,
                                           gamma: p.gamma!.baseAddress, beta: p.beta!.baseAddress, pool: pool)
            }
        case let .activation(a):
            Self.kernel(a).forward(input: x!, output: y, count: count, pool: pool)
        case .hardSigmoid:
            FathomKernels.Activation.hardSigmoid.forward(input: x!, output: y, count: count, pool: pool)
        case let .averagePool(w):
            Pool2D.averageForward(poolShape(layer, w), input: x!, output: y, pool: pool)
        case let .maxPool(w):
            Pool2D.maxForward(poolShape(layer, w), input: x!, output: y, pool: pool)
        case .globalAveragePool:
            Pool2D.globalAverageForward(feature(layer.inputs[0]), input: x!, output: y)
        case let .linear(out, _):
            Linear.forward(batch: batch, inFeatures: graph.layers[layer.inputs[0]].shape.count, outFeatures: out, input: x!,
                           weights: p.weights!.baseAddress, bias: p.bias.map { UnsafePointer($0.baseAddress) }, output: y, pool: pool)
        case .add:
            Elementwise.add(outputs[layer.inputs[0]]!.baseAddress, outputs[layer.inputs[1]]!.baseAddress, into: y, count: count, pool: pool)
            for extra in layer.inputs.dropFirst(2) { Elementwise.add(y, outputs[extra]!.baseAddress, into: y, count: count, pool: pool) }
        case .channelScale:
            let gate = outputs[layer.inputs[1]]!.baseAddress, plane = layer.shape.height * layer.shape.width
            for p in 0..<batch * layer.shape.channels {
                let scale = gate[p]
                for i in p * plane..<(p + 1) * plane { y[i] = x![i] * scale }
            }
        case let .channelShuffle(groups):
            ChannelShuffle.forward(feature(layer.id), groups: groups, input: x!, output: y)
        case .zero:
            y.update(repeating: 0, count: count)
        }
    }
}
