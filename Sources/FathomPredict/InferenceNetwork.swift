import FathomSpaces
import Foundation

/// HELP's inference network (`net.py`, `InferenceNetwork`): from a device's hardware embedding, the posterior
/// `q(z) = N(μ, softplus(ρ)²)` of the variables that modulate the predictor's head, and its KL divergence from N(0, 1).
///
/// `z_encoder` is `Linear(hardware, 10) → ReLU → Linear(10, 2·zSize)`; the first `zSize` outputs are μ, the rest ρ.
/// Parameters are one flat vector (two ``DenseLayerShape``s), initialised as PyTorch's `nn.Linear`.
struct InferenceNetwork: Sendable, Equatable, Codable {
    /// The hardware embedding's length.
    let hardwareSize: Int
    /// The number of modulation variables.
    let zSize: Int
    /// HELP's hidden width.
    static let hidden = 10

    var layers: [DenseLayerShape] {
        [DenseLayerShape(inputs: hardwareSize, outputs: Self.hidden, weightOffset: 0),
         DenseLayerShape(inputs: Self.hidden, outputs: 2 * zSize, weightOffset: hardwareSize * Self.hidden + Self.hidden)]
    }

    var parameterCount: Int { layers[1].biasOffset + layers[1].outputs }

    func initialParameters(seed: UInt64) -> [Float] {
        var random = SeededGenerator(seed: seed)
        return layers.flatMap { layer in
            let bound = 1 / Float(layer.inputs).squareRoot()
            return (0..<(layer.inputs * layer.outputs + layer.outputs)).map { _ in random.float(symmetric: bound) }
        }
    }

    /// The posterior for one device: the hidden activation (kept for ``gradient``), μ and ρ.
    func posterior(_ parameters: [Float], embedding: [Float]) -> (hidden: [Float], mean: [Float], rho: [Float]) {
        let hidden = layers[0].forward(parameters: parameters, input: embedding, rows: 1, relu: true)
        let output = layers[1].forward(parameters: parameters, input: hidden, rows: 1, relu: false)
        return (hidden, Array(output[..<zSize]), Array(output[zSize...]))
    }

    /// The gradient with respect to the parameters, given the loss's gradients with respect to μ and ρ.
    func gradient(_ parameters: [Float], embedding: [Float], hidden: [Float], meanGradient: [Float], rhoGradient: [Float]) -> [Float] {
        var gradient = [Float](repeating: 0, count: parameterCount)
        let hiddenGradient = layers[1].backward(parameters: parameters, input: hidden, outputGradient: meanGradient + rhoGradient,
                                                rows: 1, propagate: true, gradient: &gradient)
        _ = layers[0].backward(parameters: parameters, input: embedding, outputGradient: reluMasked(hiddenGradient, by: hidden),
                               rows: 1, propagate: false, gradient: &gradient)
        return gradient
    }
}

/// `log(1 + eˣ)`, computed without overflow.
func softplus(_ x: Float) -> Float { x > 20 ? x : log1p(exp(x)) }

/// The derivative of ``softplus(_:)``: the logistic function.
func logistic(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

/// `KL(N(μ, σ²) ‖ N(0, 1))` summed over the variables: `Σ −log σ + (σ² + μ²)/2 − 1/2` (PyTorch's
/// `kl_divergence(Normal, Normal)` with a standard normal), and its gradients with respect to μ and σ.
func klFromStandardNormal(mean: [Float], sigma: [Float]) -> (kl: Float, meanGradient: [Float], sigmaGradient: [Float]) {
    var kl: Float = 0
    for (m, s) in zip(mean, sigma) { kl += -log(s) + (s * s + m * m) / 2 - 0.5 }
    return (kl, mean, sigma.map { $0 - 1 / $0 })
}
