import FathomGraph
import FathomKernels
import FathomSpaces

/// A weight-sharing supernet over a cell space (NAS-Bench-201 ops; every edge op has its own weights) or an elastic
/// space (Once-for-All: per stage slot one largest block; smaller kernels are the transformed centre, smaller expand
/// ratios the first channels, smaller depths the first blocks). Any architecture of the space can be drawn from it as
/// a `Subnet` with inherited weights.
public final class Supernet: @unchecked Sendable {
    public let space: SearchSpace
    /// Shared layers in a fixed order (the order of checkpoints and of the optimizer).
    let keys: [String]
    let layers: [String: SharedLayer]

    /// A supernet with seeded initial weights (He-uniform, as `NetworkParameters`).
    public init(space: SearchSpace, seed: UInt64) throws {
        self.space = space
        var rng = SeededGenerator(seed: seed)
        var keys: [String] = [], layers: [String: SharedLayer] = [:]
        var elasticKernels: [Int] = []
        if case let .elastic(elastic) = space.family, elastic.kernels.count > 1 { elasticKernels = elastic.kernels }
        for arch in try SupernetLayout.references(space) {
            let graph = try NetworkGraph(space: space, arch: arch)
            for (layer, key) in zip(graph.layers, SupernetLayout.keys(graph, arch: arch, space: space)) {
                guard let key, layers[key] == nil else { continue }
                let geometry = SliceGeometry(layer, in: graph)
                let transformed = !elasticKernels.isEmpty && key.hasPrefix("s") && key.contains(".depthwise.conv")
                keys.append(key)
                layers[key] = SharedLayer(parameters: LayerParameters.initial(for: layer, in: graph, rng: &rng), geometry: geometry,
                                          transform: transformed ? KernelTransform(kernels: elasticKernels) : nil)
            }
        }
        self.keys = keys
        self.layers = layers
    }

    /// The subnet of `arch`, with its weights cut from the shared ones.
    public func subnet(_ arch: Architecture) throws -> Subnet {
        let graph = try NetworkGraph(space: space, arch: arch)
        var parameters: [LayerParameters] = [], bindings: [Subnet.Binding?] = []
        for (layer, key) in zip(graph.layers, SupernetLayout.keys(graph, arch: arch, space: space)) {
            guard let key else {
                parameters.append(LayerParameters())
                bindings.append(nil)
                continue
            }
            guard let shared = layers[key] else {
                throw NNError.architectureOutsideSupernet(arch: space.format(arch), space: space.name, detail: "the supernet has no layer \(key)")
            }
            let geometry = SliceGeometry(layer, in: graph)
            if let geometry, let full = shared.geometry, !full.contains(geometry) {
                throw NNError.architectureOutsideSupernet(arch: space.format(arch), space: space.name,
                                                          detail: "layer \(key) needs \(geometry), the supernet holds \(full)")
            }
            let (p, steps) = shared.gather(geometry, channels: layer.shape.channels)
            parameters.append(p)
            bindings.append(Subnet.Binding(shared: shared, geometry: geometry, transformSteps: steps))
        }
        return Subnet(arch: arch, graph: graph, parameters: NetworkParameters(layers: parameters), bindings: bindings)
    }

    /// Every learned buffer with its accumulated gradient, in checkpoint order (kernel transforms after their layer).
    public var optimizerParameters: [SGD.Parameter] {
        keys.flatMap { key -> [SGD.Parameter] in
            let layer = layers[key]!
            let own = zip(layer.parameters.learned, layer.gradients.all).map { SGD.Parameter(value: $0.buffer, gradient: $1, decays: $0.decays) }
            let transforms = (layer.transform?.kernels.dropLast() ?? []).map {
                SGD.Parameter(value: layer.transform!.matrices[$0]!, gradient: layer.transform!.gradients[$0]!, decays: false)
            }
            return own + transforms
        }
    }

    /// For each of `optimizerParameters`, whether a subnet used its layer since the last `clearGradients()`
    /// (unused layers are left alone by the optimizer, as PyTorch skips parameters without a gradient).
    public var touchedParameters: [Bool] {
        keys.flatMap { key -> [Bool] in
            let layer = layers[key]!
            return Array(repeating: layer.touched, count: layer.parameters.learned.count + max((layer.transform?.kernels.count ?? 1) - 1, 0))
        }
    }

    /// Every buffer that defines the supernet (learned values, running statistics, kernel transforms), in a fixed order.
    public var stateBuffers: [AlignedBuffer] {
        keys.flatMap { key -> [AlignedBuffer] in
            let layer = layers[key]!
            return layer.parameters.allBuffers + (layer.transform?.kernels.dropLast().map { layer.transform!.matrices[$0]! } ?? [])
        }
    }

    /// Zeroes every accumulated gradient.
    public func clearGradients() {
        for key in keys { layers[key]!.clearGradients() }
    }
}
