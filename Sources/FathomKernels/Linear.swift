/// A fully connected layer, `output[batch, out] = input[batch, in] · weightsᵀ + bias`, with
/// weights stored `[out, in]` (PyTorch's layout); every product is one SGEMM.
public enum Linear {
    /// `output = input · weightsᵀ + bias` (`bias` may be `nil`); `output` is overwritten.
    public static func forward(
        batch: Int, inFeatures: Int, outFeatures: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        if let bias {
            for row in 0..<batch { (output + row * outFeatures).update(from: bias, count: outFeatures) }
        }
        sgemm(
            transposeB: true, m: batch, n: outFeatures, k: inFeatures, a: input, lda: inFeatures,
            b: weights, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: output, ldc: outFeatures, pool: pool)
    }

    /// `inputGradient = outputGradient · weights` (overwritten).
    public static func backwardInput(
        batch: Int, inFeatures: Int, outFeatures: Int, outputGradient: UnsafePointer<Float>,
        weights: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        sgemm(
            m: batch, n: inFeatures, k: outFeatures, a: outputGradient, lda: outFeatures,
            b: weights, ldb: inFeatures, c: inputGradient, ldc: inFeatures, pool: pool)
    }

    /// `weightGradient = outputGradientᵀ · input` and `biasGradient = Σ_batch outputGradient`
    /// (both overwritten; `biasGradient` may be `nil`).
    public static func backwardWeights(
        batch: Int, inFeatures: Int, outFeatures: Int, input: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>?, pool: ThreadPool? = .shared
    ) {
        sgemm(
            transposeA: true, m: outFeatures, n: inFeatures, k: batch, a: outputGradient, lda: outFeatures,
            b: input, ldb: inFeatures, c: weightGradient, ldc: inFeatures, pool: pool)
        guard let biasGradient else { return }
        biasGradient.update(repeating: 0, count: outFeatures)
        for row in 0..<batch {
            for feature in 0..<outFeatures { biasGradient[feature] += outputGradient[row * outFeatures + feature] }
        }
    }
}
