import FathomGraph
import FathomSpaces

/// One architecture drawn from a supernet: its graph and parameters cut from the shared ones (copies, so that a
/// training step can run several subnets and apply their summed gradients at once).
public final class Subnet: @unchecked Sendable {
    /// Which shared layer a graph layer was cut from, and how.
    struct Binding {
        let shared: SharedLayer
        let geometry: SliceGeometry?
        let transformSteps: [[(kernel: Int, input: [Float])]]?
    }

    public let arch: Architecture
    public let graph: NetworkGraph
    /// Standalone parameters for `graph`: what `InferenceNetwork` runs and the exporter exports.
    public let parameters: NetworkParameters
    let bindings: [Binding?]

    init(arch: Architecture, graph: NetworkGraph, parameters: NetworkParameters, bindings: [Binding?]) {
        self.arch = arch
        self.graph = graph
        self.parameters = parameters
        self.bindings = bindings
    }

    /// Adds `gradients` (a backward pass of this subnet) into the supernet's shared gradients.
    func accumulate(_ gradients: [LayerGradients]) {
        for (binding, g) in zip(bindings, gradients) {
            binding?.shared.scatter(g, binding?.geometry, steps: binding?.transformSteps)
        }
    }

    /// Copies this subnet's batch-norm running statistics back into the supernet.
    func storeStatistics() {
        for (binding, p) in zip(bindings, parameters.layers) where p.runningMean != nil { binding?.shared.storeStatistics(from: p) }
    }
}
