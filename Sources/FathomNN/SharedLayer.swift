import FathomGraph
import FathomKernels

/// One parameterised layer of a supernet at its largest size, with the gradient that the subnets of a step
/// accumulate into it. Subnets get copies cut from it (`gather`) and hand their gradients back (`scatter`).
final class SharedLayer: @unchecked Sendable {
    let parameters: LayerParameters
    let gradients: LayerGradients
    /// The weights' geometry (nil for batch norm).
    let geometry: SliceGeometry?
    /// Once-for-All's kernel transformation, for elastic depthwise layers.
    let transform: KernelTransform?
    /// Whether a subnet used the layer since the last optimizer step.
    var touched = false

    init(parameters: LayerParameters, geometry: SliceGeometry?, transform: KernelTransform?) {
        self.parameters = parameters
        self.gradients = LayerGradients(like: parameters)
        self.geometry = geometry
        self.transform = transform
    }

    /// The parameters of a subnet layer of geometry `sub` (or `channels` channels for batch norm), and the saved
    /// kernel-transform steps per channel when the kernel is transformed.
    func gather(_ sub: SliceGeometry?, channels: Int) -> (LayerParameters, [[(kernel: Int, input: [Float])]]?) {
        func first(_ b: AlignedBuffer?, _ n: Int) -> AlignedBuffer? {
            b.map { source in
                let copy = AlignedBuffer(count: n, zeroed: false)
                copy.baseAddress.update(from: source.baseAddress, count: n)
                return copy
            }
        }
        guard let geometry, let sub, let full = parameters.weights else {
            return (LayerParameters(gamma: first(parameters.gamma, channels), beta: first(parameters.beta, channels),
                                    runningMean: first(parameters.runningMean, channels), runningVariance: first(parameters.runningVariance, channels)), nil)
        }
        let weights = AlignedBuffer(count: sub.out * sub.inner * sub.kernel * sub.kernel, zeroed: false)
        var steps: [[(kernel: Int, input: [Float])]]?
        if let transform, sub.kernel < geometry.kernel {
            let area = geometry.kernel * geometry.kernel, subArea = sub.kernel * sub.kernel
            steps = (0..<sub.out).map { c in
                let (filter, saved) = transform.forward(Array(UnsafeBufferPointer(start: full.baseAddress + c * area, count: area)), to: sub.kernel)
                (weights.baseAddress + c * subArea).update(from: filter, count: subArea)
                return saved
            }
        } else {
            geometry.forEachWeight(of: sub) { s, f in weights.baseAddress[s] = full.baseAddress[f] }
        }
        return (LayerParameters(weights: weights, bias: first(parameters.bias, sub.out)), steps)
    }

    /// Adds a subnet layer's gradients into the shared ones.
    func scatter(_ g: LayerGradients, _ sub: SliceGeometry?, steps: [[(kernel: Int, input: [Float])]]?) {
        touched = true
        func add(_ source: AlignedBuffer?, _ destination: AlignedBuffer?) {
            guard let source, let destination else { return }
            for i in 0..<source.count { destination.baseAddress[i] += source.baseAddress[i] }
        }
        add(g.bias, gradients.bias)
        add(g.gamma, gradients.gamma)
        add(g.beta, gradients.beta)
        guard let geometry, let sub, let subGradient = g.weights, let full = gradients.weights else { return }
        if let transform, let steps {
            let area = geometry.kernel * geometry.kernel, subArea = sub.kernel * sub.kernel
            for c in 0..<sub.out {
                let filter = transform.backward(Array(UnsafeBufferPointer(start: subGradient.baseAddress + c * subArea, count: subArea)), steps: steps[c])
                for i in 0..<area { full.baseAddress[c * area + i] += filter[i] }
            }
        } else {
            geometry.forEachWeight(of: sub) { s, f in full.baseAddress[f] += subGradient.baseAddress[s] }
        }
    }

    /// Copies a subnet batch norm's running statistics back into the first channels.
    func storeStatistics(from sub: LayerParameters) {
        for (source, destination) in [(sub.runningMean, parameters.runningMean), (sub.runningVariance, parameters.runningVariance)] {
            guard let source, let destination else { continue }
            destination.baseAddress.update(from: source.baseAddress, count: source.count)
        }
    }

    /// Every buffer that defines the layer: learned values, running statistics, kernel-transform matrices.
    var stateBuffers: [AlignedBuffer] {
        parameters.allBuffers + (transform?.kernels.dropLast().map { transform!.matrices[$0]! } ?? [])
    }

    /// A layer with the same geometry and a copy of this one's state (its gradients zero).
    func clone() -> SharedLayer {
        func fresh(_ b: AlignedBuffer?) -> AlignedBuffer? { b.map { AlignedBuffer(count: $0.count) } }
        let p = parameters
        let copy = SharedLayer(parameters: LayerParameters(weights: fresh(p.weights), bias: fresh(p.bias), gamma: fresh(p.gamma), beta: fresh(p.beta),
                                                           runningMean: fresh(p.runningMean), runningVariance: fresh(p.runningVariance)),
                               geometry: geometry, transform: transform.map { KernelTransform(kernels: $0.kernels) })
        copy.copy(from: self)
        return copy
    }

    /// Overwrites this layer's state with `other`'s (the same shapes).
    func copy(from other: SharedLayer) {
        for (destination, source) in zip(stateBuffers, other.stateBuffers) {
            destination.baseAddress.update(from: source.baseAddress, count: source.count)
        }
    }

    /// Zeroes the accumulated gradients.
    func clearGradients() {
        for b in gradients.all { b.baseAddress.update(repeating: 0, count: b.count) }
        for b in transform?.gradients.values.map({ $0 }) ?? [] { b.baseAddress.update(repeating: 0, count: b.count) }
        touched = false
    }
}
