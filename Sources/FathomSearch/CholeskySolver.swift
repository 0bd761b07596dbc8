/// Solves a symmetric positive-definite system `A x = b` by Cholesky factorisation (the normal equations of the
/// ridge regressions that Frank-Wolfe search fits).
enum CholeskySolver {
    /// `x` with `A x = b` for the row-major `n×n` matrix `a`, or nil when `a` is not positive definite.
    /// - Complexity: O(n³).
    static func solve(_ a: [Double], _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = a
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
        var x = b
        for i in 0..<n {
            for k in 0..<i { x[i] -= l[i * n + k] * x[k] }
            x[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { x[i] -= l[k * n + i] * x[k] }
            x[i] /= l[i * n + i]
        }
        return x
    }
}
