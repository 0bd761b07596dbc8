/// The activations the AVX-512 tiles apply as they store, on `SIMD16`: the same formulas as FathomKernels'
/// `Activation.value` on `SIMD8` (its conv tests check the two against the same reference). Concrete vector types on
/// purpose: comparisons through the generic `SIMD` protocol compile to lane-by-lane loops.
public enum WideActivation: Sendable {
    case relu
    case relu6
    case hardSwish
    case hardSigmoid

    /// `f(x)` lane by lane.
    @_transparent
    func value(_ x: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .relu: return x.replacing(with: 0, where: x .< 0)
        case .relu6: return Self.clamp(x, 0, 6)
        case .hardSwish: return x * Self.clamp(x + 3, 0, 6) * (1 / 6)
        case .hardSigmoid: return Self.clamp(x + 3, 0, 6) * (1 / 6)
        }
    }

    /// `min(max(x, low), high)` lane by lane, as two compare-and-blends.
    @_transparent
    private static func clamp(_ x: SIMD16<Float>, _ low: Float, _ high: Float) -> SIMD16<Float> {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }
}
