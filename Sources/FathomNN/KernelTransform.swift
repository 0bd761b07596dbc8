import FathomKernels

/// Once-for-All's kernel transformation for one elastic depthwise layer: a smaller kernel is not the plain centre
/// of the larger one but `T · vec(centre)`, stepping down one kernel size at a time (7 → 5 → 3), with one learned
/// `k² × k²` matrix per step shared by all channels and initialised to the identity.
final class KernelTransform: @unchecked Sendable {
    /// The elastic kernel sizes, ascending.
    let kernels: [Int]
    /// Per target kernel `k` (every size but the largest), the `k² × k²` matrix and its gradient.
    let matrices: [Int: AlignedBuffer]
    let gradients: [Int: AlignedBuffer]

    init(kernels: [Int]) {
        self.kernels = kernels.sorted()
        var m: [Int: AlignedBuffer] = [:], g: [Int: AlignedBuffer] = [:]
        for k in self.kernels.dropLast() {
            let matrix = AlignedBuffer(count: k * k * k * k)
            for i in 0..<k * k { matrix.baseAddress[i * k * k + i] = 1 }
            m[k] = matrix
            g[k] = AlignedBuffer(count: k * k * k * k)
        }
        matrices = m
        gradients = g
    }

    /// The `k × k` filter made from a full `K × K` filter, with every step's input saved for `backward`.
    func forward(_ full: [Float], to k: Int) -> (filter: [Float], steps: [(kernel: Int, input: [Float])]) {
        var current = full, size = kernels.last!
        var steps: [(Int, [Float])] = []
        for target in kernels.reversed().dropFirst() where target >= k {
            let input = Self.centre(current, size, target)
            let t = matrices[target]!.baseAddress, n = target * target
            current = (0..<n).map { row in (0..<n).reduce(Float(0)) { $0 + t[row * n + $1] * input[$1] } }
            steps.append((target, input))
            size = target
        }
        return (current, steps)
    }

    /// Adds the matrices' gradients and returns the full filter's gradient for the filter gradient `gradient`.
    func backward(_ gradient: [Float], steps: [(kernel: Int, input: [Float])]) -> [Float] {
        var current = gradient
        for (index, step) in steps.enumerated().reversed() {
            let n = step.kernel * step.kernel, t = matrices[step.kernel]!.baseAddress, dt = gradients[step.kernel]!.baseAddress
            for row in 0..<n { for column in 0..<n { dt[row * n + column] += current[row] * step.input[column] } }
            let input = (0..<n).map { column in (0..<n).reduce(Float(0)) { $0 + t[$1 * n + column] * current[$1] } }
            let larger = index == 0 ? kernels.last! : steps[index - 1].kernel
            current = Self.padded(input, step.kernel, larger)
        }
        return current
    }

    /// The centre `small × small` window of a `large × large` filter.
    static func centre(_ filter: [Float], _ large: Int, _ small: Int) -> [Float] {
        let o = (large - small) / 2
        return (0..<small * small).map { filter[($0 / small + o) * large + $0 % small + o] }
    }

    /// A `small × small` filter placed at the centre of a zero `large × large` one.
    static func padded(_ filter: [Float], _ small: Int, _ large: Int) -> [Float] {
        var result = [Float](repeating: 0, count: large * large)
        let o = (large - small) / 2
        for i in 0..<small * small { result[(i / small + o) * large + i % small + o] = filter[i] }
        return result
    }
}
