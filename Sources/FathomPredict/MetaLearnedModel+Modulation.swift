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
        forEachHeadEntry { index, column, bias in
            theta[index] = bias == nil ? theta[index] * (1 + settings.zScaling * z[column]) : theta[index] + settings.zScaling * z[bias!]
        }
        return theta
    }

    /// The gradients with respect to θ and `z` of a loss whose gradient with respect to the modulated parameters is `v`.
    func demodulated(_ v: [Float], z: [Float]) -> (parameters: [Float], z: [Float]) {
        var parameterGradient = v
        var zGradient = [Float](repeating: 0, count: z.count)
        forEachHeadEntry { index, column, bias in
            if let bias {
                zGradient[bias] += settings.zScaling * v[index]
            } else {
                parameterGradient[index] = v[index] * (1 + settings.zScaling * z[column])
                zGradient[column] += settings.zScaling * v[index] * parameters[index]
            }
        }
        return (parameterGradient, zGradient)
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
