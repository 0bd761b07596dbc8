import FathomSpaces

extension DeviceMixtureModel.Adaptation {
    /// The standard deviation (ms) of the latency a measurement of the architecture at `encoding` would give, under
    /// the adapted mixture: each component's Gaussian-process predictive variance `k** − k*ᵀ K⁻¹ k*` (measurement
    /// noise included), mixed with the components' weights and the spread of their means. Large where the
    /// measurements say little (far from the measured architectures, or devices unlike any known one), so a search
    /// can check on the device exactly the predictions that could fall on either side of its budget.
    public func spread(_ encoding: [Double]) -> Double {
        let posterior = self.posterior
        let prior = posterior.prior, settings = posterior.settings
        let projection = posterior.population.deviations.map { DeviceMixtureModel.dot($0, encoding) }
        let spreadCount = Double(max(posterior.population.deviations.count, 1))
        /// `x Σδ yᵀ` for the query `x` and a measured `y`, or the query itself.
        func correctionCovariance(_ measured: Int?) -> Double {
            let other = measured.map { posterior.encodings[$0] } ?? encoding
            let otherProjection = measured.map { posterior.population.projections[$0] } ?? projection
            return prior.correction * prior.correction * DeviceMixtureModel.dot(encoding, other)
                + prior.populationScale * prior.populationScale * DeviceMixtureModel.dot(projection, otherProjection) / spreadCount
        }
        let crossCorrections = posterior.encodings.indices.map { correctionCovariance($0) }
        let selfCorrection = correctionCovariance(nil)
        var mean = 0.0, secondMoment = 0.0, total = 0.0
        for component in posterior.components {
            let value = component.basis.value(encoding)
            let cross = zip(component.measuredValues, crossCorrections).map { settings.offsetVariance + settings.stretchVariance * value * $0 + $1 }
            let own = settings.offsetVariance + settings.stretchVariance * value * value + selfCorrection + prior.noise
            let variance = max(own - DeviceMixtureModel.dot(cross, component.factor.solve(cross)), 0)
            let componentMean = value + DeviceMixtureModel.dot(cross, component.dual)
            mean += component.share * componentMean
            secondMoment += component.share * (variance + componentMean * componentMean)
            total += component.share
        }
        guard total > 0 else { return .infinity }
        mean /= total
        return scale * max(secondMoment / total - mean * mean, 0).squareRoot()
    }

    /// The adapted mixture's Bayesian state, in units of the measurements' median.
    struct Posterior: Sendable, Equatable {
        /// One device's regression, with its weight in the mixture.
        struct Component: Sendable, Equatable {
            let share: Double
            let basis: DeviceMixtureModel.Basis
            /// The basis at the measured architectures.
            let measuredValues: [Double]
            /// The Cholesky factor of `K` and `K⁻¹ r` (``DeviceMixtureModel/ComponentFit``).
            let factor: CholeskyFactor
            let dual: [Double]
        }

        /// The measured architectures' encodings.
        let encodings: [[Double]]
        let population: DeviceMixtureModel.PopulationSpread
        let prior: DeviceMixtureModel.CorrectionPrior
        /// The components with a weight above 1e-9.
        let components: [Component]
        let settings: DeviceMixtureModel.Settings
    }
}
