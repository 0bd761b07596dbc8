import FathomGraph
import FathomNN
@testable import FathomONNX
import FathomSpaces
import Foundation
import SwiftProtobuf
import Testing

/// The exported model's bytes decode back to the expected ONNX graph.
@Suite struct ExporterTests {
    static let nasBench201 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"

    /// Exports `arch` of `space` with seeded weights and decodes the bytes again.
    static func export(_ space: String, _ arch: String, batch: Int = 2, seed: UInt64 = 0) throws -> (NetworkGraph, NetworkParameters, Onnx_ModelProto) {
        let searchSpace = try SearchSpace.load(space)
        let graph = try NetworkGraph(space: searchSpace, arch: try searchSpace.parse(arch))
        let parameters = NetworkParameters(graph: graph, seed: seed)
        let exporter = try ONNXExporter(graph: graph, parameters: parameters, batch: batch)
        return (graph, parameters, try Onnx_ModelProto(serializedBytes: try exporter.serializedModel()))
    }

    static func count(_ model: Onnx_ModelProto, _ opType: String) -> Int {
        model.graph.node.filter { $0.opType == opType }.count
    }

    static func dims(_ info: Onnx_ValueInfoProto) -> [Int64] {
        info.type.tensorType.shape.dim.map(\.dimValue)
    }

    @Test func headerInputAndOutput() throws {
        let (graph, _, model) = try Self.export("nasbench201", Self.nasBench201)
        #expect(model.irVersion == 8)
        #expect(model.producerName == "fathom")
        #expect(model.opsetImport.map(\.version) == [17])
        #expect(model.graph.input.map(\.name) == ["input"])
        #expect(model.graph.output.map(\.name) == ["logits"])
        let shape = graph.inputShape
        #expect(Self.dims(model.graph.input[0]) == [2, Int64(shape.channels), Int64(shape.height), Int64(shape.width)])
        #expect(Self.dims(model.graph.output[0]) == [2, 10])
        #expect(model.graph.node.last?.output == ["logits"])
    }

    @Test func nasBench201DropsDeadEdgesAndKeepsEveryLiveLayer() throws {
        // Node 1 reaches the output only through none edges, so edge 1<-0 is dead in every cell.
        let (graph, _, model) = try Self.export("nasbench201", "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")
        let convs = graph.liveLayers.filter { if case .convolution = $0.op { true } else { false } }.count
        #expect(graph.layers.contains { $0.isDead })
        #expect(Self.count(model, "Conv") == convs)
        #expect(Self.count(model, "AveragePool") == graph.liveLayers.filter { if case .averagePool = $0.op { true } else { false } }.count)
        #expect(Self.count(model, "Gemm") == 1)
        let names = Set(model.graph.node.map(\.name))
        for layer in graph.layers.dropFirst() { #expect(names.contains(layer.name) == !layer.isDead, "\(layer.name)") }
    }

    @Test func averagePoolKeepsCountIncludePad() throws {
        let (_, _, model) = try Self.export("nasbench201", "|avg_pool_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")
        let padded = model.graph.node.filter { $0.opType == "AveragePool" && $0.attribute.contains { $0.name == "pads" && $0.ints != [0, 0, 0, 0] } }
        #expect(!padded.isEmpty)
        for node in padded { #expect(node.attribute.first { $0.name == "count_include_pad" }?.i == 0) }
    }

    @Test func squeezeExciteAndHardSwishBecomeTheirOperators() throws {
        let space = try SearchSpace.load("fmnist-mbv3")
        let arch = space.format(space.sample(count: 1, seed: 3)[0])
        let (graph, _, model) = try Self.export("fmnist-mbv3", arch)
        let scales = graph.liveLayers.filter { $0.op == .channelScale }.count
        #expect(scales > 0)
        #expect(Self.count(model, "Mul") == scales)
        #expect(Self.count(model, "HardSigmoid") == scales)
        #expect(Self.count(model, "HardSwish") > 0)
        let sigmoid = try #require(model.graph.node.first { $0.opType == "HardSigmoid" })
        #expect(sigmoid.attribute.first { $0.name == "alpha" }?.f == 1.0 / 6)
    }

    @Test func channelShuffleIsReshapeTransposeReshape() throws {
        let arch = "k3_e1-k3_e1-k3_e3-k3_e6-k5_e1-k5_e1_g2-k5_e3-k5_e6-skip-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1-k3_e1"
        let (graph, _, model) = try Self.export("fbnet", arch)
        let shuffles = graph.liveLayers.filter { if case .channelShuffle = $0.op { true } else { false } }.count
        #expect(shuffles > 0)
        #expect(Self.count(model, "Transpose") == shuffles)
        let transpose = try #require(model.graph.node.first { $0.opType == "Transpose" })
        #expect(transpose.attribute.first { $0.name == "perm" }?.ints == [0, 2, 1, 3, 4])
        #expect(model.graph.node.contains { $0.opType == "Conv" && $0.attribute.contains { $0.name == "group" && $0.i == 2 } })
    }

    @Test func initializersAreLittleEndianFloat32() throws {
        let (graph, parameters, model) = try Self.export("nasbench201", Self.nasBench201, seed: 5)
        let stem = graph.layers[1]
        let weight = try #require(model.graph.initializer.first { $0.name == "\(stem.name).weight" })
        #expect(weight.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue))
        let values = weight.rawData.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let expected = parameters.layers[stem.id].weights!
        #expect(values == Array(UnsafeBufferPointer(start: expected.baseAddress, count: expected.count)))
        #expect(weight.dims.reduce(1, *) == Int64(expected.count))
    }

    @Test func referenceOutputRunsTheDocumentedSeededInput() throws {
        let (graph, parameters, _) = try Self.export("nasbench201", Self.nasBench201)
        let spec = ArchitectureSpec(space: "nasbench201", arch: Self.nasBench201)
        let reference = ReferenceOutput(spec: spec, weights: .seeded(0), graph: graph, parameters: parameters, batch: 2)
        var rng = SeededGenerator(seed: 1)
        #expect(reference.input_shape == [2, 3, 32, 32])
        #expect(reference.input.prefix(3) == (0..<3).map { _ in Float(rng.unit() * 2 - 1) }[...])
        #expect(reference.logits_shape == [2, 10])
        #expect(reference.logits.count == 20 && reference.logits.allSatisfy(\.isFinite))
    }
}
