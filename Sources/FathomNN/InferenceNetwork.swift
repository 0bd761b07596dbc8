import FathomGraph
import FathomKernels
import FathomSpaces

/// A network compiled from a graph for inference at a fixed batch size: activations allocated once, batch norm
/// folded into the convolution before it, activations applied in place, dead layers (NAS-Bench-201 edges that cannot
/// reach the output) dropped and constant layers (edges out of an all-`none` node) computed once here, unless asked to
/// keep them. `run` allocates nothing.
public final class InferenceNetwork: @unchecked Sendable {
    public let graph: NetworkGraph
    public let batch: Int
    /// Whether dead layers were dropped and constant ones folded (part of every measurement's context).
    public let dropsDeadLayers: Bool
    let steps: [InferenceStep]
    /// The graph layer each step computes (`InferenceNetwork+Profile.swift`).
    let stepLayers: [Int]
    let buffers: [AlignedBuffer]
    private let bufferOfLayer: [Int]
    let pool: ThreadPool

    /// Compiles `graph` with `parameters` for `batch` images, running kernels on `pool`.
    public init(graph: NetworkGraph, parameters: NetworkParameters, batch: Int, dropDeadLayers: Bool = true, pool: ThreadPool = .shared) {
        precondition(batch > 0, "batch must be positive")
        self.graph = graph
        self.batch = batch
        self.dropsDeadLayers = dropDeadLayers
        self.pool = pool
        let plan = InferencePlan(graph: graph, parameters: parameters, batch: batch, dropDeadLayers: dropDeadLayers)
        steps = plan.steps
        stepLayers = plan.stepLayers
        bufferOfLayer = plan.bufferOfLayer
        buffers = plan.bufferSizes.map { AlignedBuffer(count: $0) }
        for step in plan.constantSteps { step.execute(buffers, pool: pool) }
    }

    /// The input activation, `batch × C × H × W` floats, to fill before `run()`.
    public var input: UnsafeMutablePointer<Float> { buffers[bufferOfLayer[0]].baseAddress }

    /// The output activation (`batch × classes` logits) after `run()`.
    public var output: UnsafePointer<Float> { UnsafePointer(buffers[bufferOfLayer[graph.output]].baseAddress) }

    /// Bytes of the activation buffers (layers share them as their lifetimes allow).
    public var activationBytes: Int { buffers.reduce(0) { $0 + $1.count } * MemoryLayout<Float>.stride }

    /// Multiply-adds of one run (live, input-dependent layers when dead ones are dropped), for throughput figures.
    public var multiplyAdds: Int { batch * (dropsDeadLayers ? graph.inputDependentFlops : graph.flops) }

    /// Runs the network on `input`.
    public func run() {
        for step in steps { step.execute(buffers, pool: pool) }
    }
}
