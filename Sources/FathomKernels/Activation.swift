import FathomKernelsAVX512

/// Pointwise activation functions, forward and backward, with PyTorch's definitions and gradient
/// conventions at the kinks (the gradient at a kink is the one-sided value PyTorch uses).
public enum Activation: String, Sendable, Codable, CaseIterable {
    /// `max(0, x)`.
    case relu
    /// `min(max(0, x), 6)`.
    case relu6
    /// `x · relu6(x + 3) / 6`.
    case hardSwish
    /// `relu6(x + 3) / 6`.
    case hardSigmoid

    /// Elements below which an activation runs on one thread.
    private static let minimumChunk = 1 << 15

    /// `output[i] = f(input[i])` for `i < count` (`output` may be `input`).
    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool? = .shared
    ) {
        ThreadPool.forEachChunk(of: count, minimumChunk: Self.minimumChunk, pool: pool) { range in
            Self.map(range, input, output) { value($0) }
        }
    }

    /// `inputGradient[i] = f′(input[i]) · outputGradient[i]` (`inputGradient` may be
    /// `outputGradient`). `input` is the forward pass's input.
    public func backward(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool? = .shared
    ) {
        ThreadPool.forEachChunk(of: count, minimumChunk: Self.minimumChunk, pool: pool) { range in
            Self.map(range, input, outputGradient, inputGradient) { x, g in derivative(x) * g }
        }
    }

    /// `f(x)` lane by lane (also the epilogue of fused kernels).
    @inline(__always)
    func value(_ x: SIMD8<Float>) -> SIMD8<Float> {
        switch self {
        case .relu: return x.replacing(with: 0, where: x .< 0)
        case .relu6: return Self.clamp(x, 0, 6)
        case .hardSwish: return x * Self.clamp(x + 3, 0, 6) * (1 / 6)
        case .hardSigmoid: return Self.clamp(x + 3, 0, 6) * (1 / 6)
        }
    }

    /// The same function for the AVX-512 tiles.
    var wide: WideActivation {
        switch self {
        case .relu: .relu
        case .relu6: .relu6
        case .hardSwish: .hardSwish
        case .hardSigmoid: .hardSigmoid
        }
    }

    @inline(__always)
    private func derivative(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let zero = SIMD8<Float>(repeating: 0), one = SIMD8<Float>(repeating: 1)
        switch self {
        case .relu: return zero.replacing(with: one, where: x .> 0)
        case .relu6: return zero.replacing(with: one, where: (x .> 0) .& (x .< 6))
        case .hardSwish:
            return (x / 3 + 0.5).replacing(with: 0, where: x .< -3).replacing(with: 1, where: x .> 3)
        case .hardSigmoid: return zero.replacing(with: 1.0 / 6, where: (x .> -3) .& (x .< 3))
        }
    }

    /// `min(max(x, low), high)` lane by lane, as two compare-and-blends (`SIMD.clamped` is not
    /// specialised into vector code here and runs about 10× slower).
    @inline(__always)
    private static func clamp(_ x: SIMD8<Float>, _ low: Float, _ high: Float) -> SIMD8<Float> {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    /// `output[i] = body(input[i])` over `range`, 8 at a time (the tail in one zero-padded vector).
    @inline(__always)
    private static func map(
        _ range: Range<Int>, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        _ body: (SIMD8<Float>) -> SIMD8<Float>
    ) {
        map(range, input, input, output) { x, _ in body(x) }
    }

    /// `output[i] = body(first[i], second[i])` over `range`, 8 at a time (the tail in one
    /// zero-padded vector).
    @inline(__always)
    private static func map(
        _ range: Range<Int>, _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, _ body: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
    ) {
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let x = UnsafeRawPointer(first + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(second + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(output + index).storeBytes(of: body(x, y), as: SIMD8<Float>.self)
            index += 8
        }
        let tail = range.upperBound - index
        guard tail > 0 else { return }
        var x = SIMD8<Float>(), y = SIMD8<Float>()
        for lane in 0..<tail { x[lane] = first[index + lane]; y[lane] = second[index + lane] }
        let result = body(x, y)
        for lane in 0..<tail { output[index + lane] = result[lane] }
    }
}
