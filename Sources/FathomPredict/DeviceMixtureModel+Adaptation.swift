import FathomSpaces
import Foundation

extension DeviceMixtureModel {
    /// A device's adapted latency model: `latency ≈ scale · (bias + weights · encoding)`, and how it was chosen.
    public struct Adaptation: Sendable, Equatable {
        /// The median of the measured latencies (ms), the unit of the fit.
        public let scale: Double
        public let weights: [Double]
        public let bias: Double
        /// Each known device's posterior weight, in ``DeviceMixtureModel/bases`` order.
        public let deviceWeights: [Double]
        /// What ``spread(_:)`` reads.
        let posterior: Posterior

        /// The chosen `τ`, `s` and `σ²` (``Settings``).
        public var correction: Double { posterior.prior.correction }
        public var populationScale: Double { posterior.prior.populationScale }
        public var noiseVariance: Double { posterior.prior.noise }

        /// The latency in ms at an encoding.
        public func latency(_ encoding: [Double]) -> Double {
            scale * (bias + DeviceMixtureModel.dot(weights, encoding))
        }
    }

    /// Adapts to a device from its measured `latencies` (ms) of architectures with the given `encodings` (``SearchSpace/choiceOneHot(_:)``):
    /// for every `(τ, s, σ²)` of the grid the evidence of each basis, the grid point with the largest total evidence,
    /// and the evidence-weighted mixture of the bases' posterior means there.
    ///
    /// - Throws: `PredictError.tooFewMeasurements` with fewer than 2 measurements or a median latency of 0.
    public func adapt(encodings: [[Double]], latencies: [Double], device: String) throws -> Adaptation {
        let scale = RankMetrics.median(latencies)
        guard latencies.count >= 2, scale > 0 else { throw PredictError.tooFewMeasurements(device: device, count: latencies.count, needed: 2) }
        let targets = latencies.map { $0 / scale }
        let population = PopulationSpread(bases: bases.map(\.weights), encodings: encodings)
        let gram = encodings.map { a in encodings.map { b in Self.dot(a, b) } }
        let values = bases.map { basis in encodings.map(basis.value) }
        var best: (evidence: Double, fits: [ComponentFit], prior: CorrectionPrior)?
        for correction in settings.corrections {
            for populationScale in settings.populationScales {
                for noise in settings.noiseVariances {
                    let prior = CorrectionPrior(correction: correction, populationScale: populationScale, noise: noise)
                    let covariance = prior.covariance(gram: gram, populationGram: population.gram)
                    let fits = values.map { fit(basis: $0, targets: targets, correctionCovariance: covariance, noise: noise) }
                    let evidence = Self.logMeanExp(fits.map(\.logEvidence))
                    if evidence > best?.evidence ?? -.infinity { best = (evidence, fits, prior) }
                }
            }
        }
        guard let best else { throw PredictError.singularFit(device: device) }
        let top = best.fits.map(\.logEvidence).max()!
        let unnormalised = best.fits.map { exp($0.logEvidence - top) }
        let deviceWeights = unnormalised.map { $0 / unnormalised.reduce(0, +) }
        let width = bases.first?.weights.count ?? 0
        var weights = [Double](repeating: 0, count: width), bias = 0.0
        for ((basis, fit), share) in zip(zip(bases, best.fits), deviceWeights) where share > 0 {
            // The component's posterior mean as one linear model: a + b·(bias_k + w_k·x) + δ·x, with δ the prior
            // covariance of the corrections times Xᵀα.
            let correction = best.prior.correctionMean(encodings: encodings, dual: fit.dual, population: population, width: width)
            for i in 0..<width { weights[i] += share * (fit.stretch * basis.weights[i] + correction[i]) }
            bias += share * (fit.offset + fit.stretch * basis.bias)
        }
        let components = bases.indices.compactMap { k -> Adaptation.Posterior.Component? in
            guard deviceWeights[k] > 1e-9, let factor = best.fits[k].factor else { return nil }
            return Adaptation.Posterior.Component(share: deviceWeights[k], basis: bases[k], measuredValues: values[k], factor: factor,
                                                  dual: best.fits[k].dual)
        }
        return Adaptation(scale: scale, weights: weights, bias: bias, deviceWeights: deviceWeights,
                          posterior: Adaptation.Posterior(encodings: encodings, population: population, prior: best.prior, components: components,
                                               settings: settings))
    }

    /// How the known devices' per-choice costs spread: the deviations `D` of the bases' weights from their mean,
    /// so that their covariance is `C = DᵀD / K`, seen through the measured encodings `X`.
    struct PopulationSpread: Sendable, Equatable {
        /// `K × width`, one row per basis.
        let deviations: [[Double]]
        /// `X·Dᵀ`: one row per measurement, one column per basis.
        let projections: [[Double]]
        /// `X C Xᵀ`.
        let gram: [[Double]]

        init(bases: [[Double]], encodings: [[Double]]) {
            let count = Double(max(bases.count, 1))
            let width = bases.first?.count ?? 0
            let mean = (0..<width).map { i in bases.reduce(0) { $0 + $1[i] } / count }
            let deviations = bases.map { weights in zip(weights, mean).map { $0 - $1 } }
            self.deviations = deviations
            let projections = encodings.map { encoding in deviations.map { DeviceMixtureModel.dot($0, encoding) } }
            self.projections = projections
            gram = projections.map { a in projections.map { b in DeviceMixtureModel.dot(a, b) / count } }
        }

        /// `C·v` for `v = Xᵀα` given as `X·Dᵀ`'s transpose times `α`: `Dᵀ (Pᵀ α) / K`.
        func covarianceTimesDual(_ dual: [Double], width: Int) -> [Double] {
            var result = [Double](repeating: 0, count: width)
            for (k, deviation) in deviations.enumerated() {
                let coefficient = zip(projections, dual).reduce(0) { $0 + $1.0[k] * $1.1 } / Double(deviations.count)
                for i in 0..<width { result[i] += coefficient * deviation[i] }
            }
            return result
        }
    }

    /// One point of the hyper-parameter grid: the prior of the per-choice corrections `δ ~ N(0, τ² I + s² C)` and
    /// the noise variance.
    struct CorrectionPrior: Sendable, Equatable {
        let correction: Double
        let populationScale: Double
        let noise: Double

        /// `X (τ² I + s² C) Xᵀ`.
        func covariance(gram: [[Double]], populationGram: [[Double]]) -> [[Double]] {
            zip(gram, populationGram).map { row, populationRow in
                zip(row, populationRow).map { correction * correction * $0 + populationScale * populationScale * $1 }
            }
        }

        /// The posterior mean of `δ`: `(τ² I + s² C) Xᵀα`.
        func correctionMean(encodings: [[Double]], dual: [Double], population: PopulationSpread, width: Int) -> [Double] {
            var result = [Double](repeating: 0, count: width)
            for (encoding, coefficient) in zip(encodings, dual) {
                for i in 0..<width where encoding[i] != 0 { result[i] += correction * correction * coefficient * encoding[i] }
            }
            if populationScale > 0 {
                let spread = population.covarianceTimesDual(dual, width: width)
                for i in 0..<width { result[i] += populationScale * populationScale * spread[i] }
            }
            return result
        }
    }

    /// One basis's Bayesian linear regression on the measurements.
    struct ComponentFit {
        /// `log p(targets)`, up to a constant shared by every component.
        let logEvidence: Double
        /// `K⁻¹ (targets − f)`: the posterior mean is the prior mean plus the prior covariance times `Φᵀ` times this.
        let dual: [Double]
        /// The posterior means of `a` and `b`.
        let offset: Double
        let stretch: Double
        /// The Cholesky factor of `K` (nil when `K` was not positive definite).
        var factor: CholeskyFactor?
    }

    /// The regression `targets = a + b·f + δ·x + noise` with `f` the basis's values: the marginal covariance
    /// `K = σa² 11ᵀ + σb² ffᵀ + X Σδ Xᵀ + σ² I` (`correctionCovariance` is `X Σδ Xᵀ`), the evidence
    /// `−½ rᵀK⁻¹r − ½ log det K` with `r = targets − f` (the prior mean's residual), and the posterior mean
    /// `a = σa² Σ α`, `b = 1 + σb² fᵀα`, `δ = Σδ Xᵀα` with `α = K⁻¹ r`.
    func fit(basis f: [Double], targets: [Double], correctionCovariance: [[Double]], noise: Double) -> ComponentFit {
        let n = targets.count
        var covariance = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                covariance[i * n + j] = settings.offsetVariance + settings.stretchVariance * f[i] * f[j] + correctionCovariance[i][j]
            }
            covariance[i * n + i] += noise
        }
        let residual = zip(targets, f).map { $0 - $1 }
        guard let factor = CholeskyFactor(covariance, order: n) else {
            return ComponentFit(logEvidence: -.infinity, dual: Array(repeating: 0, count: n), offset: 0, stretch: 1)
        }
        let dual = factor.solve(residual)
        return ComponentFit(logEvidence: -0.5 * (Self.dot(residual, dual) + factor.logDeterminant), dual: dual,
                            offset: settings.offsetVariance * dual.reduce(0, +),
                            stretch: 1 + settings.stretchVariance * Self.dot(f, dual), factor: factor)
    }

    /// `log(mean(exp(values)))`, computed without overflow.
    static func logMeanExp(_ values: [Double]) -> Double {
        guard let top = values.max(), top > -.infinity else { return -.infinity }
        return top + log(values.reduce(0) { $0 + exp($1 - top) } / Double(values.count))
    }
}
