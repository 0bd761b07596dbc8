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
    let layout: ChoiceLayout
    private var archs: [[Int]] = []
    /// The one-hot columns of each point's active genes.
    private var columns: [[Int]] = []
    private var targets: [Double] = []
    /// Row-major lower-triangular Cholesky factor of `K + ridge·I`, `capacity` wide.
    private var factor: [Double] = []
    private var capacity = 0
    private var mean = 0.0
    private var weights: [Double] = []

    init(pairWeight: Double, ridge: Double, layout: ChoiceLayout) {
        self.pairWeight = pairWeight
        self.ridge = ridge
        self.layout = layout
    }

    var count: Int { archs.count }

    private func kernel(_ a: [Int], _ b: [Int]) -> Double {
        var shared = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count where a[i] == b[i] && a[i] >= 0 { shared += 1 }
            }
        }
        let s = Double(shared)
        return 1 + s + pairWeight * s * (s - 1) / 2
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
        columns.append(layout.columns(of: arch))
        targets.append(accuracy)
        refit()
    }

    /// Adds the candidates of `queried` (a search's queries, in order) past the `count` it has seen, and refits.
    mutating func add(newIn queried: [Candidate]) {
        for candidate in queried[count...] { add(candidate.arch, accuracy: candidate.score) }
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
        mean = targets.reduce(0, +) / Double(archs.count)
        weights = CholeskyFactor.solve(lower: factor, stride: capacity, targets.map { $0 - mean })
    }

    /// The predicted accuracy of `arch`.
    func predict(_ arch: Architecture) -> Double {
        var total = mean
        for m in archs.indices { total += weights[m] * kernel(archs[m], arch.genes) }
        return total
    }

    /// The expected prediction when every gene is drawn independently from its columns of `p` (flat in `layout`).
    func value(_ p: [Double]) -> Double {
        var total = mean
        for (x, w) in zip(columns, weights) {
            var s = 0.0, squares = 0.0
            for c in x {
                s += p[c]
                squares += p[c] * p[c]
            }
            total += w * (1 + s + pairWeight * (s * s - squares) / 2)
        }
        return total
    }

    /// The gradient of `value(p)` with respect to every column of `p`.
    func gradient(_ p: [Double]) -> [Double] {
        var g = Array(repeating: 0.0, count: p.count)
        for (x, w) in zip(columns, weights) {
            var s = 0.0
            for c in x { s += p[c] }
            for c in x { g[c] += w * (1 + pairWeight * (s - p[c])) }
        }
        return g
    }
}
