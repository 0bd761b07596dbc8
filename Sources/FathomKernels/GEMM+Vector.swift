/// Matrix-vector products (`m == 1` or `n == 1`), which the 6×16 micro-kernel would mostly waste
/// (it pads the lone row or column to 6 or 16) and which are bound by reading the matrix anyway:
/// the matrix is streamed once, in whichever direction it is contiguous.
///
/// The product is seen as `output[o] = alpha · Σ_p matrix[o][p] · vector[p] + beta · output[o]`,
/// with `matrix[o][p]` at `matrix + o·outputStride + p·reductionStride`.
struct GemvProblem {
    let matrix: UnsafePointer<Float>
    let outputStride: Int
    let reductionStride: Int
    let vector: UnsafePointer<Float>
    let vectorStride: Int
    let outputs: Int
    let reduction: Int
    let alpha: Float
    let beta: Float
    let output: UnsafeMutablePointer<Float>
    let outputElementStride: Int

    /// The problem for a GEMM with `m == 1` or `n == 1`, or `nil` when the matrix is contiguous in
    /// neither direction (the general path then handles it).
    init?(_ problem: GemmProblem, m: Int, n: Int) {
        let matrix: GemmOperand, vector: GemmOperand
        if m == 1 {
            // C[0][j] = Σ_p A[0][p] · B[p][j]: B is the matrix, indexed (j, p).
            (matrix, vector) = (GemmOperand(transposing: problem.b), problem.a)
            (outputs, vectorStride, outputElementStride) = (n, problem.a.columnStride, 1)
        } else {
            // C[i][0] = Σ_p A[i][p] · B[p][0]: A is the matrix, indexed (i, p).
            (matrix, vector) = (problem.a, problem.b)
            (outputs, vectorStride, outputElementStride) = (m, problem.b.rowStride, problem.ldc)
        }
        guard matrix.rowStride == 1 || matrix.columnStride == 1 else { return nil }
        self.matrix = matrix.base
        outputStride = matrix.rowStride
        reductionStride = matrix.columnStride
        self.vector = vector.base
        reduction = problem.k
        alpha = problem.alpha
        beta = problem.beta
        output = problem.c
    }

    func compute(pool: ThreadPool?) {
        ScratchCache.withWorkspace { workspace in
            let contiguousVector = contiguous(vector, stride: vectorStride, count: reduction, workspace: workspace)
            let minimumChunk = max(16, (1 << 16) / max(reduction, 1))
            ThreadPool.forEachChunk(of: outputs, minimumChunk: minimumChunk, pool: pool) { range in
                if reductionStride == 1 {
                    var o = range.lowerBound
                    while o + 4 <= range.upperBound {
                        let sums = VectorMath.dot4(matrix + o * outputStride, rowStride: outputStride, contiguousVector, count: reduction)
                        for row in 0..<4 { store(sums[row], at: o + row) }
                        o += 4
                    }
                    for o in o..<range.upperBound {
                        store(VectorMath.dot(matrix + o * outputStride, contiguousVector, count: reduction), at: o)
                    }
                } else {
                    ScratchCache.withWorkspace { accumulate(range, contiguousVector, sums: $0.allocate(range.count)) }
                }
            }
        }
    }

    /// Outputs `range` when the matrix is contiguous along the outputs: sums of scaled rows.
    private func accumulate(_ range: Range<Int>, _ vector: UnsafePointer<Float>, sums: UnsafeMutablePointer<Float>) {
        let count = range.count
        sums.update(repeating: 0, count: count)
        for p in 0..<reduction {
            let row = matrix + p * reductionStride + range.lowerBound, scale = SIMD8<Float>(repeating: vector[p])
            var index = 0
            while index + 8 <= count {
                let raw = UnsafeMutableRawPointer(sums + index)
                let sum = raw.load(as: SIMD8<Float>.self)
                    .addingProduct(scale, UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Float>.self))
                raw.storeBytes(of: sum, as: SIMD8<Float>.self)
                index += 8
            }
            while index < count {
                sums[index] += vector[p] * row[index]
                index += 1
            }
        }
        for (offset, o) in range.enumerated() { store(sums[offset], at: o) }
    }

    @inline(__always)
    private func store(_ sum: Float, at o: Int) {
        let target = output + o * outputElementStride
        target.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * target.pointee
    }

    /// `values` itself when contiguous, else a contiguous copy in `workspace`.
    private func contiguous(
        _ values: UnsafePointer<Float>, stride: Int, count: Int, workspace: Workspace
    ) -> UnsafePointer<Float> {
        guard stride != 1 else { return values }
        let copy = workspace.allocate(count)
        for index in 0..<count { copy[index] = values[index * stride] }
        return UnsafePointer(copy)
    }
}

extension GemmOperand {
    /// The same matrix with rows and columns swapped.
    init(transposing operand: GemmOperand) {
        self.init(base: operand.base, rowStride: operand.columnStride, columnStride: operand.rowStride)
    }
}
