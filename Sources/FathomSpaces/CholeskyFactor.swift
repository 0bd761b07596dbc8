import Foundation

/// The Cholesky factor `L` (`A = L Lᵀ`) of a symmetric positive-definite matrix, for the small dense systems of
/// ridge regressions and Gaussian evidences (search's surrogates, the latency predictors' Bayesian heads).
public struct CholeskyFactor: Sendable, Equatable {
    /// The order of the matrix.
    public let order: Int
    /// `L`, row-major `order × order` (the upper triangle is left as the input had it and never read).
    private let lower: [Double]

    /// Factorises the row-major `n×n` matrix `matrix` (only its lower triangle is read); nil when it is not positive definite.
    /// - Complexity: O(n³).
    public init?(_ matrix: [Double], order n: Int) {
        precondition(matrix.count == n * n, "CholeskyFactor: \(matrix.count) entries for order \(n)")
        var l = matrix
        for j in 0..<n {
            var diagonal = l[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 0 else { return nil }
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<n {
                var value = l[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = value / root
            }
        }
        order = n
        lower = l
    }

    /// `x` with `A x = b`.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        Self.solve(lower: lower, stride: order, b)
    }

    /// `x` with `L Lᵀ x = b` for a lower-triangular `L` stored row-major with `stride` entries per row (a factor grown
    /// in place keeps spare columns), of order `b.count`.
    /// - Complexity: O(n²).
    public static func solve(lower: [Double], stride: Int, _ b: [Double]) -> [Double] {
        let n = b.count
        var x = b
        for i in 0..<n {
            for k in 0..<i { x[i] -= lower[i * stride + k] * x[k] }
            x[i] /= lower[i * stride + i]
        }
        for i in Swift.stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { x[i] -= lower[k * stride + i] * x[k] }
            x[i] /= lower[i * stride + i]
        }
        return x
    }

    /// `log det A`.
    public var logDeterminant: Double {
        (0..<order).reduce(0) { $0 + 2 * log(lower[$1 * order + $1]) }
    }
}
