import ArgumentParser
import FathomGraph
import FathomONNX
import FathomSpaces
import Foundation

/// `fathom export SPEC.json --onnx FILE`: an exported architecture as an ONNX model.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an exported architecture (DIR/exported/NAME.json) as an ONNX model (IR 8, opset 17).",
        discussion: """
        Example:
          fathom export runs/quickstart/exported/quickstart.json --onnx quickstart.onnx --reference-output quickstart.ref.json
          python3 scripts/onnx_check.py quickstart.onnx quickstart.ref.json

        SPEC.json needs the keys "space" and "arch"; other keys are ignored. The model's input is "input" \
        [batch, C, H, W] float (an elastic arch's own resolution), its output "logits" [batch, classes]; dead layers \
        are dropped. Weights are seeded random for now (--weights seeded:SEED gives the values every Fathom \
        executor uses for that seed); supernet and trained weights arrive with the supernet.

        --reference-output writes Fathom's own executor logits on a seeded input (SeededGenerator(seed: 1), \
        uniform in [-1, 1), NCHW order), together with that input, for scripts/onnx_check.py to compare with \
        ONNX Runtime.
        """
    )

    @Argument(help: "The exported spec: a JSON file with \"space\" and \"arch\".") var spec: String
    @Option(help: "The ONNX file to write.") var onnx: String
    @Option(help: "The batch size the model is fixed to.") var batch: Int = 1
    @Option(help: "Where the weights come from: \(WeightsSource.forms). Supernet and trained weights arrive with the supernet.")
    var weights: String = "seeded:0"
    @Option(help: "Also write Fathom's executor output on the seeded input (and that input) to this JSON file.")
    var referenceOutput: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
    }

    struct Output: Encodable {
        let onnx: String
        let bytes: Int
        let space: String
        let arch: String
        let batch: Int
        let weights: String
        let input_shape: [Int]
        let reference_output: String?
    }

    func run() throws {
        let architecture = try ArchitectureSpec.load(contentsOf: spec)
        let source = try WeightsSource(parsing: weights)
        let space = try SearchSpace.load(architecture.space)
        let graph = try NetworkGraph(space: space, arch: try space.parse(architecture.arch))
        let parameters = source.parameters(for: graph)
        let exporter = try ONNXExporter(graph: graph, parameters: parameters, batch: batch)
        let bytes = try exporter.serializedModel()
        try ExportFile.write(bytes, to: onnx)
        if let referenceOutput {
            let reference = ReferenceOutput(spec: architecture, weights: source, graph: graph, parameters: parameters, batch: batch)
            try ExportFile.write(try reference.json(), to: referenceOutput)
        }
        let input = graph.inputShape
        let out = Output(onnx: onnx, bytes: bytes.count, space: architecture.space, arch: architecture.arch, batch: batch,
                         weights: source.description, input_shape: [batch, input.channels, input.height, input.width],
                         reference_output: referenceOutput)
        if json { return try printJSONLine(out) }
        print("wrote \(onnx) (\(bytes.count) bytes): \(out.space) \(out.arch), input \(out.input_shape), weights \(out.weights)"
              + (referenceOutput.map { ", reference output \($0)" } ?? ""))
    }
}
