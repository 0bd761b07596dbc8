import FathomGraph
import FathomKernels
import Foundation

/// An extracted subnet as a JSON file: `space`, `arch`, `source` (the checkpoint it came from) and per layer of
/// `NetworkGraph(space:arch:)` its `name`, `op` and the values it has (`weights`, `bias`, `gamma`, `beta`,
/// `running_mean`, `running_variance`, PyTorch layouts), so that any tool can rebuild the standalone network.
public enum SubnetFile {
    /// Writes the file (atomically).
    public static func write(space: String, arch: String, source: String, graph: NetworkGraph, parameters: NetworkParameters, to url: URL) throws {
        func values(_ b: AlignedBuffer?) -> [Double]? { b.map { (0..<$0.count).map { i in Double(b!.baseAddress[i]) } } }
        let layers: [[String: Any]] = zip(graph.layers, parameters.layers).compactMap { layer, p in
            guard !p.allBuffers.isEmpty else { return nil }
            var entry: [String: Any] = ["id": layer.id, "name": layer.name, "op": "\(layer.op)".prefix { $0 != "(" }.description]
            for (key, buffer) in [("weights", p.weights), ("bias", p.bias), ("gamma", p.gamma), ("beta", p.beta),
                                  ("running_mean", p.runningMean), ("running_variance", p.runningVariance)] {
                if let v = values(buffer) { entry[key] = v }
            }
            return entry
        }
        let object: [String: Any] = ["space": space, "arch": arch, "source": source, "layers": layers]
        do {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url, options: .atomic)
        } catch {
            throw NNError.writeFailed(path: url.path, detail: "\(error)")
        }
    }
}
