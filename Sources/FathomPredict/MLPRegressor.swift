import FathomSpaces
/// A small fully connected regressor: `inputSize → hidden… → 1`, ReLU after every hidden layer, a linear output.
///
/// Parameters live in one flat `Float` vector, layer after layer: each layer's weights row-major
/// (`[output][input]`), then its biases. Initial values follow PyTorch's `nn.Linear` default,
/// U(−1/√fan_in, 1/√fan_in) for weights and biases, drawn from a seeded portable generator, so the same seed gives
/// the same network everywhere. Codable: the JSON holds `inputSize`, `hiddenSizes` and `parameters`.
public struct MLPRegressor: Sendable, Equatable {
    /// The length of every input vector.
    public let inputSize: Int
    /// The width of each hidden layer, input side first.
    public let hiddenSizes: [Int]
    /// Every weight and bias, in the layout described above.
    var parameters: [Float]

    /// A freshly initialised network.
    public init(inputSize: Int, hidden: [Int], seed: UInt64) {
        precondition(inputSize > 0 && hidden.allSatisfy { $0 > 0 }, "MLPRegressor: layer sizes must be positive")
        self.inputSize = inputSize
        self.hiddenSizes = hidden
        var random = SeededGenerator(seed: seed)
        var parameters: [Float] = []
        for layer in Self.layers(inputSize: inputSize, hidden: hidden) {
            let bound = 1 / Float(layer.inputs).squareRoot()
            for _ in 0..<(layer.inputs * layer.outputs + layer.outputs) {
                parameters.append(random.float(symmetric: bound))
            }
        }
        self.parameters = parameters
    }

    /// The prediction for every row of `x` (each of length `inputSize`).
    ///
    /// - Complexity: O(rows × parameters).
    public func predict(x: [[Float]]) -> [Float] {
        let chunk = 256
        return stride(from: 0, to: x.count, by: chunk).flatMap { start in
            let rows = x[start..<min(start + chunk, x.count)]
            return activations(batch: flatten(rows), rows: rows.count).last!
        }
    }

    /// The layers' geometry, input side first.
    var layers: [DenseLayerShape] { Self.layers(inputSize: inputSize, hidden: hiddenSizes) }

    /// Every layer's output for a batch of `rows` inputs laid out row after row; element 0 is the input itself.
    /// Hidden outputs are after ReLU, the last is the prediction.
    func activations(batch input: [Float], rows: Int) -> [[Float]] {
        var outputs = [input]
        let shapes = layers
        for (index, layer) in shapes.enumerated() {
            outputs.append(layer.forward(parameters: parameters, input: outputs[index], rows: rows, relu: index < shapes.count - 1))
        }
        return outputs
    }

    /// The rows of `x` laid out one after another, each checked to be `inputSize` long.
    func flatten(_ x: ArraySlice<[Float]>) -> [Float] {
        var flat: [Float] = []
        flat.reserveCapacity(x.count * inputSize)
        for row in x {
            precondition(row.count == inputSize, "MLPRegressor: input of length \(row.count), expected \(inputSize)")
            flat.append(contentsOf: row)
        }
        return flat
    }

    private static func layers(inputSize: Int, hidden: [Int]) -> [DenseLayerShape] {
        let sizes = [inputSize] + hidden + [1]
        var offset = 0
        return zip(sizes, sizes.dropFirst()).map { inputs, outputs in
            defer { offset += inputs * outputs + outputs }
            return DenseLayerShape(inputs: inputs, outputs: outputs, weightOffset: offset)
        }
    }
}

extension MLPRegressor: Codable {
    private enum CodingKeys: String, CodingKey { case inputSize, hiddenSizes, parameters }

    /// Decodes a saved network, rejecting one whose parameter count does not fit its layer sizes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputSize = try container.decode(Int.self, forKey: .inputSize)
        hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes)
        parameters = try container.decode([Float].self, forKey: .parameters)
        guard inputSize > 0, hiddenSizes.allSatisfy({ $0 > 0 }), let last = layers.last,
              parameters.count == last.biasOffset + last.outputs else {
            throw DecodingError.dataCorruptedError(forKey: .parameters, in: container,
                debugDescription: "\(parameters.count) parameters do not fit layers \([inputSize] + hiddenSizes + [1])")
        }
    }
}
