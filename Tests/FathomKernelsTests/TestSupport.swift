@testable import FathomKernels

/// Deterministic pseudo-random floats in [-1, 1) (SplitMix64), so failures reproduce.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}

/// Largest `|actual - expected|`, relative to `max(1, |expected|)`.
func maxRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count)
    return zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// Central differences of `f` at `x` in Double, one coordinate at a time.
func finiteDifferences(_ x: [Double], step: Double = 1e-4, _ f: ([Double]) -> Double) -> [Double] {
    var point = x
    return x.indices.map { index in
        point[index] = x[index] + step
        let above = f(point)
        point[index] = x[index] - step
        let below = f(point)
        point[index] = x[index]
        return (above - below) / (2 * step)
    }
}
