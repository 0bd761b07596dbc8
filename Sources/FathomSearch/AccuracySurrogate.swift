import FathomSpaces

/// The differentiable accuracy model of Frank-Wolfe search on tables (where there is no supernet to relax): kernel
/// ridge regression on the queried (architecture, accuracy) pairs with the kernel `1 + s + γ·s(s-1)/2`, `s` the
/// number of active genes two architectures share. That kernel is the inner product of constant, one-hot-per-gene and
/// pairwise one-hot features, so the model is a quadratic function of the one-hot genes; its multilinear extension
/// (its expectation when every gene is drawn independently from a probability vector) is exact and cheap to
/// differentiate, which is what Frank-Wolfe steps need (HardCoRe-NAS, Nayman et al. 2021, relaxes the same way).
///
/// Points are added one at a time and the Cholesky factor of the kernel matrix grows by one row (O(m²)).
struct AccuracySurrogate {
    let pairWeight: Double
    let ridge: Double
    private var archs: [[Int]] = []
    private var targets: [Double] = []
    /// Row-major lower-triangular Cholesky factor of `K + ridge·I`, `capacity` wide.
    private var factor: [Double] = []
    private var capacity = 0
    private var mean = 0.0
    private var weights: [Double] = []

    init(pairWeight: Double, ridge: Double) {
        self.pairWeight = pairWeight
        self.ridge = ridge
    }

    var count: Int { archs.count }

    private func kernel(_ a: [Int], _ b: [Int]) -> Double {
        var shared = 0.0
        for (x, y) in zip(a, b) where x == y && x >= 0 { shared += 1 }
        return 1 + shared + pairWeight * shared * (shared - 1) / 2
    }

    /// Adds one observation and refits.
    mutating func add(_ arch: Architecture, accuracy: Double) {
        let m = archs.count
        if m == capacity { grow() }
        var row = archs.map { kernel($0, arch.genes) }
        for i in 0..<m {
            for k in 0..<i { row[i] -= factor[i * capacity + k] * row[k] }
            row[i] /= factor[i * capacity + i]
        }
        let diagonal = kernel(arch.genes, arch.genes) + ridge - row.reduce(0) { $0 + $1 * $1 }
        for k in 0..<m { factor[m * capacity + k] = row[k] }
        factor[m * capacity + m] = max(diagonal, ridge).squareRoot()
        archs.append(arch.genes)
        targets.append(accuracy)
        refit()
    }

    /// Doubles the factor's storage.
    private mutating func grow() {
        let wider = max(16, 2 * capacity)
        var copy = Array(repeating: 0.0, count: wider * wider)
        for i in 0..<archs.count {
            for k in 0...i { copy[i * wider + k] = factor[i * capacity + k] }
        }
        factor = copy
        capacity = wider
    }

    /// Solves `(K + ridge·I) w = y - mean` with the stored factor.
    private mutating func refit() {
        let m = archs.count
        mean = targets.reduce(0, +) / Double(m)
        var x = targets.map { $0 - mean }
        for i in 0..<m {
            for k in 0..<i { x[i] -= factor[i * capacity + k] * x[k] }
            x[i] /= factor[i * capacity + i]
        }
        for i in stride(from: m - 1, through: 0, by: -1) {
            for k in (i + 1)..<m { x[i] -= factor[k * capacity + i] * x[k] }
            x[i] /= factor[i * capacity + i]
        }
        weights = x
    }

    /// The predicted accuracy of `arch`.
    func predict(_ arch: Architecture) -> Double {
        zip(archs, weights).reduce(mean) { $0 + $1.1 * kernel($1.0, arch.genes) }
    }

    /// The expected prediction when gene `i` takes value `j` with probability `p[i][j]` independently.
    func value(_ p: [[Double]]) -> Double {
        zip(archs, weights).reduce(mean) { total, item in
            let q = matchProbabilities(item.0, p)
            let s = q.reduce(0, +), squares = q.reduce(0) { $0 + $1 * $1 }
            return total + item.1 * (1 + s + pairWeight * (s * s - squares) / 2)
        }
    }

    /// The gradient of `value(p)` with respect to every `p[i][j]`.
    func gradient(_ p: [[Double]]) -> [[Double]] {
        var g = p.map { Array(repeating: 0.0, count: $0.count) }
        for (x, w) in zip(archs, weights) {
            let q = matchProbabilities(x, p)
            let s = q.reduce(0, +)
            for (i, value) in x.enumerated() where value >= 0 {
                g[i][value] += w * (1 + pairWeight * (s - q[i]))
            }
        }
        return g
    }

    /// The probability that each gene of `p` matches `x` (0 where `x`'s gene is inactive).
    private func matchProbabilities(_ x: [Int], _ p: [[Double]]) -> [Double] {
        x.indices.map { x[$0] >= 0 ? p[$0][x[$0]] : 0 }
    }
}
