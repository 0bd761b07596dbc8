extension MetaLearnedModel {
    /// One meta-training task: a device's support set (with its embedding) and query set.
    struct MetaTask: Sendable {
        let task: Task
        let query: ArchitectureBatch
        let queryTargets: [Float]
    }

    /// The step of the central differences in ``hessianVectorProduct(at:_:support:scratch:)``, as a norm of the
    /// perturbation (DARTS's 0.01).
    static let hessianStep: Float = 0.01

    /// The length of ``metaGradient(_:noise:queryWeight:klWeight:)``'s gradient: θ, α and the inference network.
    var metaParameterCount: Int { 2 * layout.parameterCount + encoder.parameterCount }

    /// `queryWeight · L_query(θ_K) + klWeight · KL` for one task and posterior draw `noise`, and its gradient with
    /// respect to ``metaParameters`` (θ, α, the inference network), second order (HELP's `create_graph=True`).
    ///
    /// Backward through the inner loop `θₖ₊₁ = θₖ − α ⊙ gₖ`: with `v = ∂L/∂θₖ₊₁`, `∂L/∂α −= gₖ ⊙ v` and
    /// `∂L/∂θₖ = v − Hₖ (α ⊙ v)`, where the Hessian-vector product of the support loss is taken by central differences
    /// of its gradient (``hessianVectorProduct(at:_:support:scratch:)``). Then through the modulation to θ and `z`, and
    /// through `z = μ + softplus(ρ) ⊙ noise` and the KL term to the inference network.
    ///
    /// - Complexity: one forward and backward pass on the query set, and `3 · innerSteps` on the support set.
    func metaGradient(_ metaTask: MetaTask, noise: [Float], queryWeight: Float, klWeight: Float) -> (queryLoss: Float, kl: Float, gradient: [Float]) {
        var gradient = [Float](repeating: 0, count: metaParameterCount)
        let (queryLoss, kl) = gradient.withUnsafeMutableBufferPointer {
            metaGradient(metaTask, noise: noise, queryWeight: queryWeight, klWeight: klWeight, scratch: ScratchMemory(), gradient: $0.baseAddress!)
        }
        return (queryLoss, kl, gradient)
    }

    /// ``metaGradient(_:noise:queryWeight:klWeight:)`` with its intermediate vectors in `scratch`, the gradient
    /// written to `gradient` (``metaParameterCount`` values).
    func metaGradient(_ metaTask: MetaTask, noise: [Float], queryWeight: Float, klWeight: Float, scratch: ScratchMemory,
                      gradient out: UnsafeMutablePointer<Float>) -> (queryLoss: Float, kl: Float) {
        let task = metaTask.task, n = layout.parameterCount
        let sample = modulation(hardware: task.hardware, noise: noise)
        modulate(by: sample.z, into: scratch.buffer(MetaSlot.visited(0), count: n))
        let query = Task(hardware: task.hardware, support: metaTask.query, targets: metaTask.queryTargets)
        let v = scratch.buffer(MetaSlot.v, count: n), u = scratch.buffer(MetaSlot.u, count: n)
        let queryLoss = task.withView { support in
            innerLoop(task: support, scratch: scratch)
            let queryLoss = query.withView { query in
                layout.lossAndGradient(scratch.buffer(MetaSlot.visited(settings.innerSteps), count: n), batch: query.support,
                                       hardware: query.hardware, targets: query.targets, scratch: scratch, gradient: v)
            }
            for i in 0..<n { v[i] = v[i] * queryWeight }
            let rateGradient = out + n
            rateGradient.update(repeating: 0, count: n)
            innerRates.withUnsafeBufferPointer { rates in
                for step in (0..<settings.innerSteps).reversed() {
                    let gradient = scratch.buffer(MetaSlot.gradient(step), count: n)
                    for i in 0..<n { rateGradient[i] -= gradient[i] * v[i] }
                    for i in 0..<n { u[i] = rates[i] * v[i] }
                    hessianVectorProduct(at: scratch.buffer(MetaSlot.visited(step), count: n), u, support: support, scratch: scratch)
                    for i in 0..<n { v[i] -= u[i] }
                }
            }
            return queryLoss
        }
        let zGradient = demodulate(v, z: sample.z, into: out)
        let sigma = sample.rho.map(softplus)
        let (kl, klMean, klSigma) = klFromStandardNormal(mean: sample.mean, sigma: sigma)
        let meanGradient = (0..<zGradient.count).map { zGradient[$0] + klWeight * klMean[$0] }
        let rhoGradient = (0..<zGradient.count).map { i in
            (zGradient[i] * sample.noise[i] + klWeight * klSigma[i]) * logistic(sample.rho[i])
        }
        let encoderGradient = encoder.gradient(encoderParameters, embedding: task.hardware, hidden: sample.hidden,
                                               meanGradient: meanGradient, rhoGradient: rhoGradient)
        (out + 2 * n).update(from: encoderGradient, count: encoderGradient.count)
        return (queryLoss, kl)
    }

    /// Replaces `u` by `H u`, the support loss's Hessian at `theta` times `u`, as `(∇L(θ + r u) − ∇L(θ − r u)) / 2r`
    /// with `r = hessianStep / ‖u‖` (exact for a quadratic loss; the networks are piecewise linear, so it is an
    /// approximation only where a step crosses a ReLU kink). `u = 0` is left as it is.
    func hessianVectorProduct(at theta: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, support: Task.View, scratch: ScratchMemory) {
        let n = layout.parameterCount
        var squares: Float = 0
        for i in 0..<n { squares = squares + u[i] * u[i] }
        let norm = squares.squareRoot()
        guard norm > 0 else { return }
        let r = Self.hessianStep / norm
        let shifted = scratch.buffer(MetaSlot.shifted, count: n)
        let plus = scratch.buffer(MetaSlot.plus, count: n), minus = scratch.buffer(MetaSlot.minus, count: n)
        for (sign, gradient) in [(Float(1), plus), (Float(-1), minus)] {
            for i in 0..<n { shifted[i] = theta[i] + sign * r * u[i] }
            _ = layout.lossAndGradient(shifted, batch: support.support, hardware: support.hardware, targets: support.targets,
                                       scratch: scratch, gradient: gradient)
        }
        for i in 0..<n { u[i] = (plus[i] - minus[i]) / (2 * r) }
    }
}
