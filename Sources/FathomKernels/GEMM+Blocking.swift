/// One SGEMM call, resolved into operands, and the GotoBLAS/BLIS loop nest that computes a
/// rectangle of its C on one thread.
///
/// Loop nest, outermost first: column blocks of NC (B block lives in L3), depth blocks of KC (pack
/// op(B), KC×NC), row blocks of MC (pack alpha·op(A), MC×KC, lives in L2), then 16-column B
/// micro-panels (KC×16 = 16 KB at KC = 256, stays in the 32 KB L1) and, innermost, 6-row A
/// micro-panels streamed from L2 through the 6×16 micro-kernel.
struct GemmProblem {
    let a: GemmOperand
    let b: GemmOperand
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let k: Int
    let alpha: Float
    let beta: Float

    /// Upper bounds of the cache blocks (Zen 3/4: 32 KB L1d, 512 KB–1 MB L2, shared L3).
    static let maxRowBlock = 144     // MC: 144×256 floats of A = 144 KB
    static let maxDepthBlock = 256   // KC
    static let maxColumnBlock = 3072 // NC: 256×3072 floats of B = 3 MB

    /// Computes `C[rows][columns] = alpha * op(A)[rows] * op(B)[columns] + beta * C[rows][columns]`.
    func computeTile(rows: Range<Int>, columns: Range<Int>, workspace: Workspace) {
        let kcMax = min(k, Self.maxDepthBlock)
        let mcMax = min(rows.count, Self.maxRowBlock), ncMax = min(columns.count, Self.maxColumnBlock)
        let packedA = workspace.allocate(Self.roundUp(mcMax, to: GemmMicroKernel.rows) * kcMax)
        let packedB = workspace.allocate(Self.roundUp(ncMax, to: GemmMicroKernel.columns) * kcMax)
        let edgeScratch = workspace.allocate(GemmMicroKernel.rows * GemmMicroKernel.columns)

        for columnBlock in Self.blocks(of: columns, maxSize: Self.maxColumnBlock, granule: GemmMicroKernel.columns) {
            for depthBlock in Self.blocks(of: 0..<k, maxSize: Self.maxDepthBlock, granule: 1) {
                GemmPacking.packB(b, depth: depthBlock, columns: columnBlock, into: packedB)
                let blockBeta = depthBlock.lowerBound == 0 ? beta : 1
                for rowBlock in Self.blocks(of: rows, maxSize: Self.maxRowBlock, granule: GemmMicroKernel.rows) {
                    GemmPacking.packA(a, rows: rowBlock, depth: depthBlock, alpha: alpha, into: packedA)
                    multiplyPackedBlocks(
                        packedA, packedB, rows: rowBlock, columns: columnBlock, kc: depthBlock.count,
                        beta: blockBeta, edgeScratch: edgeScratch)
                }
            }
        }
    }

    /// Runs the micro-kernel over every 6×16 tile of one packed MC×KC by KC×NC block pair.
    private func multiplyPackedBlocks(
        _ packedA: UnsafeMutablePointer<Float>, _ packedB: UnsafeMutablePointer<Float>,
        rows: Range<Int>, columns: Range<Int>, kc: Int, beta: Float,
        edgeScratch: UnsafeMutablePointer<Float>
    ) {
        let mr = GemmMicroKernel.rows, nr = GemmMicroKernel.columns
        for jr in stride(from: 0, to: columns.count, by: nr) {
            let n = min(nr, columns.count - jr)
            let bPanel = packedB + jr * kc
            for ir in stride(from: 0, to: rows.count, by: mr) {
                let m = min(mr, rows.count - ir)
                let aPanel = packedA + ir * kc
                let cTile = c + (rows.lowerBound + ir) * ldc + columns.lowerBound + jr
                if m == mr && n == nr {
                    GemmMicroKernel.tile(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, beta: beta)
                } else {
                    GemmMicroKernel.edgeTile(
                        kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, beta: beta, m: m, n: n,
                        scratch: edgeScratch)
                }
            }
        }
    }

    /// Splits `range` into the fewest blocks of at most `maxSize`, of near-equal sizes that are
    /// multiples of `granule` (except the last), so that no block is a small leftover.
    static func blocks(of range: Range<Int>, maxSize: Int, granule: Int) -> [Range<Int>] {
        guard !range.isEmpty else { return [] }
        let count = (range.count + maxSize - 1) / maxSize
        let size = roundUp((range.count + count - 1) / count, to: granule)
        return stride(from: range.lowerBound, to: range.upperBound, by: size).map {
            $0..<min($0 + size, range.upperBound)
        }
    }

    static func roundUp(_ value: Int, to multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }
}
