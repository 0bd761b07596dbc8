extension MetaLearnedModel {
    /// A posterior sample of the modulation variables for one device, with what its gradient needs.
    struct Modulation {
        /// The inference network's hidden activation.
        let hidden: [Float]
        let mean: [Float]
        let rho: [Float]
        /// The standard-normal draw: `z = μ + softplus(ρ) ⊙ noise`.
        let noise: [Float]
        let z: [Float]
    }

    /// Samples `z` for a device with `hardware` embedding from `noise` (standard-normal, `encoder.zSize` values).
    func modulation(hardware: [Float], noise: [Float]) -> Modulation {
        let (hidden, mean, rho) = encoder.posterior(encoderParameters, embedding: hardware)
        let z = (0..<mean.count).map { mean[$0] + softplus(rho[$0]) * noise[$0] }
        return Modulation(hidden: hidden, mean: mean, rho: rho, noise: noise, z: z)
    }

    /// θ with its head modulated by `z` (HELP's `get_params_z`).
    func modulated(by z: [Float]) -> [Float] {
        var theta = parameters
        theta.withUnsafeMutableBufferPointer { modulate(by: z, into: $0.baseAddress!) }
        return theta
    }

    /// Writes θ with its head modulated by `z` to `theta` (``NetworkLayout/parameterCount`` values).
    func modulate(by z: [Float], into theta: UnsafeMutablePointer<Float>) {
        theta.update(from: parameters, count: parameters.count)
        forEachHeadEntry { index, column, bias in
            theta[index] = bias == nil ? theta[index] * (1 + settings.zScaling * z[column]) : theta[index] + settings.zScaling * z[bias!]
        }
    }

    /// The gradients with respect to θ and `z` of a loss whose gradient with respect to the modulated parameters is `v`.
    func demodulated(_ v: [Float], z: [Float]) -> (parameters: [Float], z: [Float]) {
        var parameterGradient = v
        let zGradient = parameterGradient.withUnsafeMutableBufferPointer { demodulate($0.baseAddress!, z: z, into: $0.baseAddress!) }
        return (parameterGradient, zGradient)
    }

    /// ``demodulated(_:z:)`` writing the gradient with respect to θ to `parameterGradient` (which may be `v`) and
    /// returning the one with respect to `z`.
    func demodulate(_ v: UnsafeMutablePointer<Float>, z: [Float], into parameterGradient: UnsafeMutablePointer<Float>) -> [Float] {
        if parameterGradient != v { parameterGradient.update(from: v, count: parameters.count) }
        var zGradient = [Float](repeating: 0, count: z.count)
        forEachHeadEntry { index, column, bias in
            let vi = v[index]
            if let bias {
                zGradient[bias] += settings.zScaling * vi
            } else {
                parameterGradient[index] = vi * (1 + settings.zScaling * z[column])
                zGradient[column] += settings.zScaling * vi * parameters[index]
            }
        }
        return zGradient
    }

    /// Calls `body` for every head parameter: its index, the `z` index of its weight column, and for a bias the `z`
    /// index of its layer's bias shift (nil for a weight).
    private func forEachHeadEntry(_ body: (_ index: Int, _ column: Int, _ bias: Int?) -> Void) {
        let width = layout.headWidth
        for (k, layer) in layout.head.enumerated() {
            for o in 0..<layer.outputs {
                for i in 0..<layer.inputs { body(layer.weightOffset + o * layer.inputs + i, k * width + i, nil) }
                body(layer.biasOffset + o, 0, 3 * width + k)
            }
        }
    }
}
