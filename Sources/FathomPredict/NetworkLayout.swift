import FathomSpaces

/// The shape of HELP's latency predictor (`net.py`: `Net` for one-hot inputs, `GCN` for cell graphs), with or without
/// its hardware branch, and where each layer sits in one flat parameter vector.
///
/// - trunk: one-hot → `fc1`, `fc2` (ReLU); or graph → `gc1`…`gc4` (ReLU, each `A·H·W + b`), read out at the global
///   node (the last);
/// - hardware branch (when `hardwareSize > 0`): the embedding → `fc_hw1`, `fc_hw2` (ReLU), concatenated after the trunk;
/// - head: `fc3`, `fc4` (ReLU) and `fc5` → one normalised latency.
///
/// Layers are stored in that order, each as row-major `[output][input]` weights then biases (``DenseLayerShape``).
/// Initial values follow HELP: PyTorch's `nn.Linear` default U(±1/√fan_in) for dense layers; graph convolutions
/// U(±0.05) for weights (`GCN.init_weights`) and U(±1/√out) for biases (`GraphConvolution.reset_parameters`).
public struct NetworkLayout: Sendable, Equatable, Codable {
    /// How architectures are read.
    public let input: NetworkInput
    /// The one-hot length, or a graph node's feature length.
    public let inputSize: Int
    /// Graph nodes per architecture (0 for one-hot inputs).
    public let nodes: Int
    /// HELP's `layer_size`: the trunk's width.
    public let hidden: Int
    /// The hardware embedding's length; 0 for a network without the hardware branch.
    public let hardwareSize: Int

    /// The number of graph convolutions of a graph trunk (HELP: 4).
    static let graphLayers = 4

    /// A layout for `space`'s architectures read as `input`.
    ///
    /// - Throws: `PredictError.notACellSpace` for a graph input on a space without cells.
    public init(space: SearchSpace, input: NetworkInput, hidden: Int, hardwareSize: Int) throws {
        precondition(hidden > 0 && hardwareSize >= 0, "NetworkLayout: sizes must be positive")
        self.input = input
        self.hidden = hidden
        self.hardwareSize = hardwareSize
        switch input {
        case .oneHot:
            inputSize = space.oneHotLength
            nodes = 0
        case .graph:
            guard let graph = space.cellGraph(Architecture(genes: Array(repeating: 0, count: space.genes.count))) else {
                throw PredictError.notACellSpace(space: space.name)
            }
            inputSize = graph.featureSize
            nodes = graph.nodes
        }
    }

    /// The width of the head's input: the trunk's, doubled by the hardware branch.
    public var headWidth: Int { hardwareSize > 0 ? 2 * hidden : hidden }

    /// The trunk's layers, input side first.
    var trunk: [DenseLayerShape] {
        let count = input == .graph ? Self.graphLayers : 2
        return (0..<count).map { DenseLayerShape(inputs: $0 == 0 ? inputSize : hidden, outputs: hidden, weightOffset: 0) }
            .placed(from: 0)
    }

    /// The hardware branch's two layers, or none.
    var hardware: [DenseLayerShape] {
        guard hardwareSize > 0 else { return [] }
        return [DenseLayerShape(inputs: hardwareSize, outputs: hidden, weightOffset: 0),
                DenseLayerShape(inputs: hidden, outputs: hidden, weightOffset: 0)].placed(from: trunk.end)
    }

    /// `fc3`, `fc4`, `fc5`.
    var head: [DenseLayerShape] {
        [DenseLayerShape(inputs: headWidth, outputs: headWidth, weightOffset: 0),
         DenseLayerShape(inputs: headWidth, outputs: headWidth, weightOffset: 0),
         DenseLayerShape(inputs: headWidth, outputs: 1, weightOffset: 0)].placed(from: (hardware.isEmpty ? trunk : hardware).end)
    }

    /// The length of the parameter vector.
    public var parameterCount: Int { head.end }

    /// Freshly initialised parameters (see the type's description).
    public func initialParameters(seed: UInt64) -> [Float] {
        var random = SeededGenerator(seed: seed)
        var parameters: [Float] = []
        parameters.reserveCapacity(parameterCount)
        for (index, layer) in (trunk + hardware + head).enumerated() {
            let isGraphConvolution = input == .graph && index < Self.graphLayers
            let weightBound = isGraphConvolution ? 0.05 : 1 / Float(layer.inputs).squareRoot()
            let biasBound = 1 / Float(isGraphConvolution ? layer.outputs : layer.inputs).squareRoot()
            for _ in 0..<(layer.inputs * layer.outputs) { parameters.append(random.float(symmetric: weightBound)) }
            for _ in 0..<layer.outputs { parameters.append(random.float(symmetric: biasBound)) }
        }
        return parameters
    }
}

extension [DenseLayerShape] {
    /// The same layers laid out one after another from `offset`.
    fileprivate func placed(from offset: Int) -> [DenseLayerShape] {
        var next = offset
        return map { layer in
            defer { next += layer.inputs * layer.outputs + layer.outputs }
            return DenseLayerShape(inputs: layer.inputs, outputs: layer.outputs, weightOffset: next)
        }
    }

    /// The index just past the last layer's biases.
    fileprivate var end: Int { last.map { $0.biasOffset + $0.outputs } ?? 0 }
}
