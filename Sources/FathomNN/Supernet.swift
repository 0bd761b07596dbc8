import FathomGraph
import FathomKernels
import FathomSpaces

/// A weight-sharing supernet over a cell space (NAS-Bench-201 ops; every edge op has its own weights) or an elastic
/// space (Once-for-All: per stage slot one largest block; smaller kernels are the transformed centre, smaller expand
/// ratios the first channels, smaller depths the first blocks). Any architecture of the space can be drawn from it as
/// a `Subnet` with inherited weights. A few-shot supernet (`split`) holds one such set of layers per choice of the split
/// gene, keyed `split<choice>/…`; before the split every architecture uses the first.
public final class Supernet: @unchecked Sendable {
    public let space: SearchSpace
    public let split: SupernetSplit?
    /// Sets of layers: one per choice of the split gene, else one.
    public let copyCount: Int
    /// Whether architectures use the copy of their split gene's choice (the trainer sets it from the step).
    public var splitActive = false
    /// Shared layers in a fixed order (the order of checkpoints and of the optimizer); a few-shot supernet lists
    /// the first copy's, then the second's, and so on.
    let keys: [String]
    let layers: [String: SharedLayer]

    /// A supernet with seeded initial weights (He-uniform, as `NetworkParameters`); a few-shot one starts every copy
    /// from the same weights (its split gene must be one of the space's: the trainer checks the config).
    public init(space: SearchSpace, seed: UInt64, split: SupernetSplit? = nil) throws {
        self.space = space
        self.split = split
        precondition(split.map { space.genes.indices.contains($0.gene) } ?? true, "the split gene must be a gene of the space")
        let copies = split.map { space.genes[$0.gene].choices } ?? 1
        copyCount = copies
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
        if copies > 1 {
            self.keys = (0..<copies).flatMap { c in keys.map { Self.splitKey($0, copy: c) } }
            self.layers = Dictionary(uniqueKeysWithValues: (0..<copies).flatMap { c in
                keys.map { (Self.splitKey($0, copy: c), c == 0 ? layers[$0]! : layers[$0]!.clone()) }
            })
        } else {
            self.keys = keys
            self.layers = layers
        }
    }

    /// The key of a layer in copy `copy` of a few-shot supernet.
    static func splitKey(_ key: String, copy: Int) -> String { "split\(copy)/\(key)" }

    /// Copies the first copy's weights, statistics and kernel transforms into every other copy (the split itself),
    /// and likewise the optimizer's `velocities`, which follow `optimizerParameters` (so the same copy-major order).
    public func copyFirstSplit(velocities: [AlignedBuffer]) {
        func spread<T>(_ items: [T], _ copy: (_ destination: T, _ source: T) -> Void) {
            let perCopy = items.count / copyCount
            for c in 1..<copyCount {
                for i in 0..<perCopy { copy(items[c * perCopy + i], items[i]) }
            }
        }
        spread(keys.map { layers[$0]! }) { $0.copy(from: $1) }
        spread(velocities) { $0.baseAddress.update(from: $1.baseAddress, count: $1.count) }
    }

    /// The prefix of `arch`'s layers: its split choice's copy once the split is active, else the first copy.
    private func prefix(_ arch: Architecture) -> (String) -> String {
        guard let split else { return { $0 } }
        let copy = splitActive ? max(arch.genes[split.gene], 0) : 0
        return { Self.splitKey($0, copy: copy) }
    }

    /// The subnet of `arch`, with its weights cut from the shared ones.
    public func subnet(_ arch: Architecture) throws -> Subnet {
        let graph = try NetworkGraph(space: space, arch: arch)
        var parameters: [LayerParameters] = [], bindings: [Subnet.Binding?] = []
        let prefixed = prefix(arch)
        for (layer, key) in zip(graph.layers, SupernetLayout.keys(graph, arch: arch, space: space).map { $0.map(prefixed) }) {
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
        keys.flatMap { layers[$0]!.stateBuffers }
    }

    /// Zeroes every accumulated gradient.
    public func clearGradients() {
        for key in keys { layers[key]!.clearGradients() }
    }
}
