extension MetaLearnedModel {
    /// One meta-training task: a device's support set (with its embedding) and query set.
    struct MetaTask: Sendable {
        let task: Task
        let query: ArchitectureBatch
        let queryTargets: [Float]
    }

    /// The step of the central differences in ``hessianVectorProduct(at:_:task:)``, as a norm of the perturbation
    /// (DARTS's 0.01).
    static let hessianStep: Float = 0.01

    /// `queryWeight · L_query(θ_K) + klWeight · KL` for one task and posterior draw `noise`, and its gradient with
    /// respect to ``metaParameters`` (θ, α, the inference network), second order (HELP's `create_graph=True`).
    ///
    /// Backward through the inner loop `θₖ₊₁ = θₖ − α ⊙ gₖ`: with `v = ∂L/∂θₖ₊₁`, `∂L/∂α −= gₖ ⊙ v` and
    /// `∂L/∂θₖ = v − Hₖ (α ⊙ v)`, where the Hessian-vector product of the support loss is taken by central differences
    /// of its gradient (``hessianVectorProduct(at:_:task:)``). Then through the modulation to θ and `z`, and through
    /// `z = μ + softplus(ρ) ⊙ noise` and the KL term to the inference network.
    ///
    /// - Complexity: one forward and backward pass on the query set, and `3 · innerSteps` on the support set.
    func metaGradient(_ metaTask: MetaTask, noise: [Float], queryWeight: Float, klWeight: Float) -> (queryLoss: Float, kl: Float, gradient: [Float]) {
        let task = metaTask.task
        let sample = modulation(hardware: task.hardware, noise: noise)
        let (visited, gradients) = innerLoop(from: modulated(by: sample.z), task: task)
        let (queryLoss, queryGradient) = layout.lossAndGradient(visited.last!, batch: metaTask.query, hardware: task.hardware,
                                                                targets: metaTask.queryTargets)
        var v = queryGradient.map { $0 * queryWeight }
        var rateGradient = [Float](repeating: 0, count: innerRates.count)
        for step in (0..<settings.innerSteps).reversed() {
            for i in v.indices { rateGradient[i] -= gradients[step][i] * v[i] }
            let product = hessianVectorProduct(at: visited[step], zip(innerRates, v).map(*), task: task)
            for i in v.indices { v[i] -= product[i] }
        }
        let (parameterGradient, zGradient) = demodulated(v, z: sample.z)
        let sigma = sample.rho.map(softplus)
        let (kl, klMean, klSigma) = klFromStandardNormal(mean: sample.mean, sigma: sigma)
        let meanGradient = (0..<zGradient.count).map { zGradient[$0] + klWeight * klMean[$0] }
        let rhoGradient = (0..<zGradient.count).map { i in
            (zGradient[i] * sample.noise[i] + klWeight * klSigma[i]) * logistic(sample.rho[i])
        }
        let encoderGradient = encoder.gradient(encoderParameters, embedding: task.hardware, hidden: sample.hidden,
                                               meanGradient: meanGradient, rhoGradient: rhoGradient)
        return (queryLoss, kl, parameterGradient + rateGradient + encoderGradient)
    }

    /// `H u`, the support loss's Hessian at `theta` times `u`, as `(∇L(θ + r u) − ∇L(θ − r u)) / 2r` with
    /// `r = hessianStep / ‖u‖` (exact for a quadratic loss; the networks are piecewise linear, so it is an
    /// approximation only where a step crosses a ReLU kink).
    func hessianVectorProduct(at theta: [Float], _ u: [Float], task: Task) -> [Float] {
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return u }
        let r = Self.hessianStep / norm
        func gradient(_ sign: Float) -> [Float] {
            layout.lossAndGradient(zip(theta, u).map { $0 + sign * r * $1 }, batch: task.support, hardware: task.hardware,
                                   targets: task.targets).gradient
        }
        return zip(gradient(1), gradient(-1)).map { ($0 - $1) / (2 * r) }
    }
}
