import FathomGraph
import FathomNN
import FathomSpaces
import Foundation

/// Fathom's own executor output on a documented seeded input, written next to an ONNX export so that an outside
/// runtime can be checked against it (`scripts/onnx_check.py`).
///
/// The input is `batch × C × H × W` floats in NCHW order, element `i` being `unit() * 2 - 1` of the `i`-th draw of
/// `SeededGenerator(seed: 1)` (uniform in [-1, 1), as `fathom bench infer` fills it); it is written out in full so
/// that a checker need not reproduce the generator. The logits come from `InferenceNetwork` (dead layers dropped).
public struct ReferenceOutput: Codable, Equatable, Sendable {
    /// The seed of the input's generator.
    public static let inputSeed: UInt64 = 1

    public var space: String
    public var arch: String
    public var weights: String
    public var input_seed: UInt64
    /// `[batch, C, H, W]`.
    public var input_shape: [Int]
    public var input: [Float]
    /// `[batch, classes]`.
    public var logits_shape: [Int]
    public var logits: [Float]

    /// Runs `graph` with `parameters` on the seeded input.
    public init(spec: ArchitectureSpec, weights: WeightsSource, graph: NetworkGraph, parameters: NetworkParameters, batch: Int) {
        let shape = graph.inputShape, classes = graph.layers[graph.output].shape.count
        let network = InferenceNetwork(graph: graph, parameters: parameters, batch: batch)
        var rng = SeededGenerator(seed: Self.inputSeed)
        let input = (0..<batch * shape.count).map { _ in Float(rng.unit() * 2 - 1) }
        network.input.update(from: input, count: input.count)
        network.run()
        space = spec.space
        arch = spec.arch
        self.weights = weights.description
        input_seed = Self.inputSeed
        input_shape = [batch, shape.channels, shape.height, shape.width]
        self.input = input
        logits_shape = [batch, classes]
        logits = Array(UnsafeBufferPointer(start: network.output, count: batch * classes))
    }
}

extension ReferenceOutput {
    /// The JSON document (sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
