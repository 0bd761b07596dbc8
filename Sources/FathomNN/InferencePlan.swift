import FathomGraph
import FathomKernels
import FathomSpaces

/// Turns a graph into inference steps and a buffer assignment.
///
/// - A conv whose only reader is a batch norm gets the norm folded into its weights and bias (`w·s`, `b·s + β − μ·s`
///   with `s = γ/√(σ² + ε)`), and the norm becomes an alias of the conv's output.
/// - An activation whose input has no other reader runs in place; when that input is the convolution computed just
///   before, the activation is fused into it (applied as the convolution stores its output).
/// - An activation that repeats one already computed on the same input (NAS-Bench-201 cells apply one ReLU per edge
///   to a shared node) reuses its output, unless that buffer was since overwritten in place.
/// - A ReLU read only by convolutions that can apply it themselves (``Conv2D/rectifiesInput(_:)``: NAS-Bench-201's
///   ReLU-conv-BN edges) has no step: it aliases its input, and the convolutions read that with `rectifyInput`.
/// - Activations share buffers as their lifetimes allow (``BufferPlanner``): a batch-32 NAS-Bench-201 network needs a
///   handful of buffers instead of one per layer.
/// - When `dropDeadLayers` is set, dead layers are skipped and the steps of constant layers (those that do not
///   depend on the input) go to `constantSteps`, which run once when the network is built, as constant folding.
struct InferencePlan {
    private(set) var steps: [InferenceStep] = []
    /// Steps whose output does not depend on the input, in order; empty unless dead layers are dropped.
    private(set) var constantSteps: [InferenceStep] = []
    /// The graph layer of each step (a conv with a folded batch norm is the conv's layer).
    private(set) var stepLayers: [Int] = []
    private(set) var bufferOfLayer: [Int]
    private var buffers = BufferPlanner()
    var bufferSizes: [Int] { buffers.sizes }

    static let epsilon: Float = 1e-5

    init(graph: NetworkGraph, parameters: NetworkParameters, batch: Int, dropDeadLayers: Bool) {
        bufferOfLayer = [Int](repeating: -1, count: graph.layers.count)
        let skip = graph.layers.map { dropDeadLayers && $0.isDead && $0.id != 0 }
        var readers = [Int](repeating: 0, count: graph.layers.count), lastReader = [Int](repeating: -1, count: graph.layers.count)
        for layer in graph.layers where !skip[layer.id] {
            for input in layer.inputs { readers[input] += 1; lastReader[input] = layer.id }
        }
        var folded = Set<Int>()
        /// ReLU layers fused into the convolutions that read them.
        var rectifiedLayers = Set<Int>()
        /// Activations computed so far, by function and input layer; buffers written in place since they were made.
        var computedActivations: [ActivationKey: Int] = [:]
        var overwrittenBuffers = Set<Int>(), sharedBuffers = Set<Int>()
        for layer in graph.layers where !skip[layer.id] {
            func feature(_ id: Int) -> FeatureMapShape {
                let s = graph.layers[id].shape
                return FeatureMapShape(batch: batch, channels: s.channels, height: s.height, width: s.width)
            }
            let pinned = layer.id == 0 || (dropDeadLayers && layer.isConstant)
            /// Maps this layer onto `buffer`, which then lives until this layer's last reader.
            func assign(_ buffer: Int) {
                bufferOfLayer[layer.id] = buffer
                buffers.hold(buffer, until: lastReader[layer.id], pin: pinned)
            }
            func newBuffer() -> Int {
                let buffer = buffers.allocate(batch * layer.shape.count, fresh: pinned)
                assign(buffer)
                return buffer
            }
            let p = parameters.layers[layer.id]
            let inputs = layer.inputs.map { bufferOfLayer[$0] }
            /// `f(input)`: reused, fused into the convolution before it, in place, or into a new buffer.
            func addActivation(_ f: FathomKernels.Activation, layer: Layer, input: Int) {
                let key = ActivationKey(function: f, input: layer.inputs[0])
                if let done = computedActivations[key], !overwrittenBuffers.contains(done) {
                    assign(done)
                    sharedBuffers.insert(done)
                    return
                }
                if f == .relu && Self.convolutionsRectify(layer.id, graph: graph, batch: batch, skip: skip) {
                    assign(input)
                    rectifiedLayers.insert(layer.id)
                    return
                }
                let count = batch * layer.shape.count
                if readers[layer.inputs[0]] == 1 && layer.inputs[0] != 0 && !sharedBuffers.contains(input) {
                    assign(input)
                    overwrittenBuffers.insert(input)
                    if case var .convolution(c)? = steps.last, c.output == input, c.activation == nil, !c.accumulate {
                        c.activation = f
                        steps[steps.count - 1] = .convolution(c)
                    } else {
                        steps.append(.activation(f, count: count, input: input, output: input))
                    }
                } else {
                    let output = newBuffer()
                    computedActivations[key] = output
                    steps.append(.activation(f, count: count, input: input, output: output))
                }
            }
            defer {
                stepLayers += Array(repeating: layer.id, count: steps.count - stepLayers.count)
                // Buffers whose last reader this was are free for later layers; what they held is gone.
                for buffer in Set(inputs) where buffers.releaseIfDone(buffer, after: layer.id) {
                    computedActivations = computedActivations.filter { $0.value != buffer }
                    overwrittenBuffers.remove(buffer)
                    sharedBuffers.remove(buffer)
                }
            }
            switch layer.op {
            case .input:
                _ = newBuffer()
            case let .convolution(c):
                let shape = Self.shape(of: c, input: graph.layers[layer.inputs[0]].shape, batch: batch)
                var weights = p.weights!, bias = p.bias
                if let norm = Self.onlyReaderIsBatchNorm(layer.id, graph: graph, readers: readers, skip: skip) {
                    (weights, bias) = Self.fold(weights: weights, bias: bias, norm: parameters.layers[norm], outChannels: c.outChannels)
                    folded.insert(norm)
                }
                steps.append(.convolution(ConvolutionStep(shape: shape, weights: weights, bias: bias, input: inputs[0], output: newBuffer(),
                                                          rectifyInput: rectifiedLayers.contains(layer.inputs[0]))))
            case .batchNorm:
                if folded.contains(layer.id) {
                    assign(inputs[0])
                } else {
                    let view = LayerParametersView(gamma: p.gamma!, beta: p.beta!, mean: p.runningMean!, variance: p.runningVariance!)
                    steps.append(.batchNorm(feature(layer.id), view, input: inputs[0], output: newBuffer()))
                }
            case let .activation(a):
                let f: FathomKernels.Activation = a == .relu ? .relu : a == .relu6 ? .relu6 : .hardSwish
                addActivation(f, layer: layer, input: inputs[0])
            case .hardSigmoid:
                addActivation(.hardSigmoid, layer: layer, input: inputs[0])
            case let .averagePool(w):
                steps.append(.averagePool(Pool2DShape(input: feature(layer.inputs[0]), kernelSize: w.kernel, stride: w.stride, padding: w.padding),
                                          input: inputs[0], output: newBuffer(), accumulate: false))
            case let .maxPool(w):
                steps.append(.maxPool(Pool2DShape(input: feature(layer.inputs[0]), kernelSize: w.kernel, stride: w.stride, padding: w.padding),
                                      input: inputs[0], output: newBuffer()))
            case .globalAveragePool:
                steps.append(.globalAveragePool(feature(layer.inputs[0]), input: inputs[0], output: newBuffer()))
            case let .linear(out, _):
                steps.append(.linear(batch: batch, inFeatures: graph.layers[layer.inputs[0]].shape.count, outFeatures: out,
                                     weights: p.weights!, bias: p.bias, input: inputs[0], output: newBuffer()))
            case .add:
                let count = batch * layer.shape.count
                if let (sum, rest) = fuseSum(of: layer, inputs: inputs, graph: graph, readers: readers) {
                    assign(sum)
                    if !rest.isEmpty { steps.append(.add(inputs: [sum] + rest, count: count, output: sum)) }
                } else {
                    steps.append(.add(inputs: inputs, count: count, output: newBuffer()))
                }
            case .channelScale:
                steps.append(.channelScale(feature(layer.id), input: inputs[0], gate: inputs[1], output: newBuffer()))
            case let .channelShuffle(groups):
                steps.append(.channelShuffle(feature(layer.id), groups: groups, input: inputs[0], output: newBuffer()))
            case .zero:
                steps.append(.zero(count: batch * layer.shape.count, output: newBuffer()))
            }
        }
        if dropDeadLayers { separateConstantSteps(graph) }
    }

    /// Moves the steps of constant layers to `constantSteps`. No other step writes their buffers: a step writes in
    /// place only into an input that it alone reads, and a layer that reads only constant layers is constant itself.
    private mutating func separateConstantSteps(_ graph: NetworkGraph) {
        let constant = stepLayers.map { graph.layers[$0].isConstant }
        constantSteps = zip(steps, constant).filter { $0.1 }.map(\.0)
        steps = zip(steps, constant).filter { !$0.1 }.map(\.0)
        stepLayers = stepLayers.filter { !graph.layers[$0].isConstant }
    }

    /// Fuses a sum into the convolutions and average pools it adds, when it can: those that only this sum reads and
    /// that can accumulate (``Conv2D/accumulates(_:)``: the direct kernel; ``Pool2D/accumulates(_:)``: stride 1) write
    /// into the buffer of the first of them, the others adding to it. Returns that buffer and the sum's other inputs
    /// (to add to it in place), or nil when none qualifies. NAS-Bench-201 nodes sum their incoming edges this way, as
    /// ONNX Runtime fuses a Sum into its convolutions. Constant layers stay out: their steps run once, at build time.
    private mutating func fuseSum(of layer: Layer, inputs: [Int], graph: NetworkGraph, readers: [Int]) -> (sum: Int, rest: [Int])? {
        /// The step that wrote `buffer` last, if it is a convolution or an average pool that can accumulate.
        func accumulatingStep(writing buffer: Int, layer id: Int) -> Int? {
            guard readers[id] == 1, !graph.layers[id].isConstant, let index = steps.lastIndex(where: { $0.output == buffer }) else { return nil }
            switch steps[index] {
            case let .convolution(c) where c.activation == nil && !c.accumulate && Conv2D.accumulates(c.shape): return index
            case let .averagePool(shape, _, _, false) where Pool2D.accumulates(shape): return index
            default: return nil
            }
        }
        var fused: [(input: Int, step: Int)] = []
        for (position, id) in layer.inputs.enumerated() {
            if let step = accumulatingStep(writing: inputs[position], layer: id) { fused.append((position, step)) }
        }
        fused.sort { $0.step < $1.step }
        guard let first = fused.first else { return nil }
        let sum = inputs[first.input]
        for other in fused.dropFirst() {
            switch steps[other.step] {
            case var .convolution(c):
                (c.output, c.accumulate) = (sum, true)
                steps[other.step] = .convolution(c)
            case let .averagePool(shape, input, _, _):
                steps[other.step] = .averagePool(shape, input: input, output: sum, accumulate: true)
            default: continue
            }
        }
        return (sum, inputs.indices.filter { index in !fused.contains { $0.input == index } }.map { inputs[$0] })
    }

    private static func shape(of c: Convolution, input x: TensorShape, batch: Int) -> Conv2DShape {
        Conv2DShape(batch: batch, inChannels: x.channels, inHeight: x.height, inWidth: x.width, outChannels: c.outChannels,
                    kernelSize: c.kernel, stride: c.stride, padding: c.padding, groups: c.groups)
    }

    /// Whether layer `id` has readers and all of them are convolutions that can apply a ReLU to their input.
    private static func convolutionsRectify(_ id: Int, graph: NetworkGraph, batch: Int, skip: [Bool]) -> Bool {
        let readers = readerLayers(of: id, graph: graph, skip: skip)
        return !readers.isEmpty && readers.allSatisfy { reader in
            guard case let .convolution(c) = reader.op else { return false }
            return Conv2D.rectifiesInput(shape(of: c, input: graph.layers[id].shape, batch: batch))
        }
    }

    /// The layers that read layer `id`, skipped ones left out.
    private static func readerLayers(of id: Int, graph: NetworkGraph, skip: [Bool]) -> [Layer] {
        graph.layers.filter { !skip[$0.id] && $0.inputs.contains(id) }
    }

    private static func onlyReaderIsBatchNorm(_ id: Int, graph: NetworkGraph, readers: [Int], skip: [Bool]) -> Int? {
        guard readers[id] == 1,
              let reader = readerLayers(of: id, graph: graph, skip: skip).first,
              case .batchNorm = reader.op else { return nil }
        return reader.id
    }

    private static func fold(weights: AlignedBuffer, bias: AlignedBuffer?, norm: LayerParameters, outChannels: Int) -> (AlignedBuffer, AlignedBuffer) {
        let perChannel = weights.count / outChannels
        let w = AlignedBuffer(count: weights.count, zeroed: false), b = AlignedBuffer(count: outChannels, zeroed: false)
        for c in 0..<outChannels {
            let scale = norm.gamma!.baseAddress[c] / (norm.runningVariance!.baseAddress[c] + epsilon).squareRoot()
            for i in 0..<perChannel { w.baseAddress[c * perChannel + i] = weights.baseAddress[c * perChannel + i] * scale }
            let original = bias?.baseAddress[c] ?? 0
            b.baseAddress[c] = (original - norm.runningMean!.baseAddress[c]) * scale + norm.beta!.baseAddress[c]
        }
        return (w, b)
    }
}

/// An activation as the plan deduplicates it: the function and the graph layer it reads.
private struct ActivationKey: Hashable {
    let function: FathomKernels.Activation
    let input: Int
}
