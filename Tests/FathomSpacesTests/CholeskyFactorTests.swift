import Foundation
import Testing
import FathomSpaces

/// The Cholesky factor against a system with a known solution and a matrix with a known determinant.
@Suite struct CholeskyFactorTests {
    @Test func solvesAndGivesTheLogDeterminant() throws {
        // A = M Mᵀ + I for a fixed M: symmetric positive definite.
        let m: [[Double]] = [[2, 0, 1], [1, 3, 0], [0, 1, 4]]
        var a = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                var sum: Double = i == j ? 1 : 0
                for k in 0..<3 { sum += m[i][k] * m[j][k] }
                a[i * 3 + j] = sum
            }
        }
        let x: [Double] = [1, -2, 0.5]
        var b = [Double](repeating: 0, count: 3)
        for i in 0..<3 { for j in 0..<3 { b[i] += a[i * 3 + j] * x[j] } }
        let factor = try #require(CholeskyFactor(a, order: 3))
        for (solved, expected) in zip(factor.solve(b), x) {
            let error: Double = abs(solved - expected)
            #expect(error < 1e-12)
        }
        // det by cofactor expansion.
        let first: Double = a[0] * (a[4] * a[8] - a[5] * a[7])
        let second: Double = a[1] * (a[3] * a[8] - a[5] * a[6])
        let third: Double = a[2] * (a[3] * a[7] - a[4] * a[6])
        let error: Double = abs(factor.logDeterminant - log(first - second + third))
        #expect(error < 1e-12)
    }

    @Test func refusesAMatrixThatIsNotPositiveDefinite() {
        #expect(CholeskyFactor([1, 2, 2, 1], order: 2) == nil)
    }
}
