import FathomGraph
import FathomNN
import Foundation
import SwiftProtobuf

/// Exports a network graph with its parameters as an ONNX model (IR version 8, opset 17, producer `fathom`) that
/// computes what Fathom's `InferenceNetwork` computes.
///
/// The model has one input, `input`, a float tensor `[batch, C, H, W]` (the graph's input shape, which for an elastic
/// architecture is the arch's own resolution), and one output, `logits`, `[batch, classes]`. Every layer becomes the
/// nodes of the matching ONNX operators (see `ONNXExporter+Layers.swift`); its output tensor carries the layer's name.
/// Dead layers (NAS-Bench-201 edges into nodes that never reach the output) are dropped: nothing the model outputs
/// depends on them (runtimes would prune them anyway). Batch norms stay `BatchNormalization`
/// nodes (runtimes fold them); Fathom's executor folds them into the convolutions, which agrees to float rounding.
/// Weights are initializers stored as little-endian float32 `raw_data`.
public struct ONNXExporter {
    /// The ONNX IR version the model declares.
    public static let irVersion: Int64 = 8
    /// The default-domain opset the model imports.
    public static let opset: Int64 = 17
    /// The name of the model's input tensor.
    public static let inputName = "input"
    /// The name of the model's output tensor.
    public static let outputName = "logits"

    /// The network exported.
    public let graph: NetworkGraph
    /// Its weights, stored as initializers.
    public let parameters: NetworkParameters
    /// The batch size the model's input and output are fixed to.
    public let batch: Int

    /// Prepares the export of `graph` with `parameters` for a fixed batch size.
    public init(graph: NetworkGraph, parameters: NetworkParameters, batch: Int) throws {
        guard batch >= 1 else { throw ONNXError.invalidBatch(batch) }
        self.graph = graph
        self.parameters = parameters
        self.batch = batch
    }

    /// The model's protobuf message.
    var model: Onnx_ModelProto {
        var writer = ONNXGraphWriter()
        for layer in graph.layers.dropFirst() where !layer.isDead { lower(layer, into: &writer) }
        let input = graph.inputShape
        return .with {
            $0.irVersion = Self.irVersion
            $0.producerName = "fathom"
            $0.opsetImport = [.with { $0.domain = ""; $0.version = Self.opset }]
            $0.graph = .with {
                $0.name = "fathom"
                $0.node = writer.nodes
                $0.initializer = writer.initializers
                $0.input = [Onnx_ValueInfoProto(name: Self.inputName, floatShape: [batch, input.channels, input.height, input.width])]
                $0.output = [Onnx_ValueInfoProto(name: Self.outputName, floatShape: [batch, graph.layers[graph.output].shape.count])]
            }
        }
    }

    /// The model as ONNX protobuf bytes.
    public func serializedModel() throws -> Data {
        try model.serializedData()
    }
}
