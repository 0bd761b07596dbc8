/// Single-precision matrix multiply, row-major: `C = alpha * op(A) * op(B) + beta * C`, where
/// op(A) is `m`×`k`, op(B) is `k`×`n` and C is `m`×`n`.
///
/// - Parameters:
///   - transposeA: op(A) = Aᵀ, with A stored `k`×`m` (leading dimension `lda >= m`); otherwise A is
///     stored `m`×`k` (`lda >= k`).
///   - transposeB: op(B) = Bᵀ, with B stored `n`×`k` (`ldb >= k`); otherwise `k`×`n` (`ldb >= n`).
///   - beta: with `beta == 0`, C is only written (its previous contents, NaNs included, are ignored).
///   - pool: the threads to use; `nil` computes on the calling thread. Small products stay on one
///     thread whatever the pool.
///   - isa: the instruction set of the micro-kernel (``KernelISA/current`` unless a test or benchmark
///     compares them); it must run on this processor.
///
/// Matrix-vector products (`m == 1` or `n == 1`) stream the matrix once (`GemvProblem`). Otherwise
/// C is split into one rectangle per thread (along M, N or both, whichever keeps the rectangles
/// squarest); each thread runs the packed, cache-blocked loop nest of `GemmProblem` on its own.
/// Scratch memory comes from reused workspaces: a steady stream of calls allocates nothing.
/// - Complexity: O(m·n·k).
public func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    pool: ThreadPool? = .shared, isa: KernelISA = .current
) {
    precondition(isa.isSupported, "sgemm: this processor does not run \(isa.rawValue) kernels")
    precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension m=\(m) n=\(n) k=\(k)")
    precondition(lda >= max(1, transposeA ? m : k), "sgemm: lda=\(lda) too small")
    precondition(ldb >= max(1, transposeB ? k : n), "sgemm: ldb=\(ldb) too small")
    precondition(ldc >= max(1, n), "sgemm: ldc=\(ldc) too small")
    guard m > 0 && n > 0 else { return }
    guard k > 0 && alpha != 0 else {
        scaleMatrix(c, rows: m, columns: n, ldc: ldc, by: beta)
        return
    }
    let problem = GemmProblem(
        a: GemmOperand(a, leadingDimension: lda, transposed: transposeA),
        b: GemmOperand(b, leadingDimension: ldb, transposed: transposeB),
        c: c, ldc: ldc, k: k, alpha: alpha, beta: beta, tile: GemmTile(isa))

    if m == 1 || n == 1, let vectorProblem = GemvProblem(problem, m: m, n: n) {
        vectorProblem.compute(pool: pool)
        return
    }
    let threads = pool?.threadCount ?? 1
    let tiles = GemmThreading.tiles(m: m, n: n, k: k, threads: threads, tile: problem.tile)
    guard tiles.count > 1, let pool else {
        ScratchCache.withWorkspace { problem.computeTile(rows: 0..<m, columns: 0..<n, workspace: $0) }
        return
    }
    pool.parallelFor(tiles.count) { index in
        ScratchCache.withWorkspace {
            problem.computeTile(rows: tiles[index].rows, columns: tiles[index].columns, workspace: $0)
        }
    }
}

/// `C *= beta` over an `rows`×`columns` block (`beta == 0` writes zeros).
private func scaleMatrix(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ldc: Int, by beta: Float) {
    guard beta != 1 else { return }
    for i in 0..<rows {
        let row = c + i * ldc
        if beta == 0 {
            row.update(repeating: 0, count: columns)
        } else {
            for j in 0..<columns { row[j] *= beta }
        }
    }
}
