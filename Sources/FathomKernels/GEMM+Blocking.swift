import FathomKernelsAVX512

/// One SGEMM call, resolved into operands, and the GotoBLAS/BLIS loop nest that computes a
/// rectangle of its C on one thread.
///
/// Loop nest, outermost first: column blocks of NC (B block lives in L3), depth blocks of KC (pack
/// op(B), KC×NC), row blocks of MC (pack alpha·op(A), MC×KC, lives in L2), then B micro-panels of the
/// tile's width (KC×16 = 16 KB at KC = 256 with AVX2, KC×32 = 32 KB with AVX-512, in L1) and,
/// innermost, A micro-panels of the tile's height streamed from L2 through the micro-kernel
/// (``GemmTile``: 6×16 with AVX2, 12×32 with AVX-512).
struct GemmProblem {
    let a: GemmOperand
    let b: GemmOperand
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let k: Int
    let alpha: Float
    let beta: Float
    let tile: GemmTile

    /// Upper bounds of the cache blocks (Zen 3/4: 32 KB L1d, 512 KB–1 MB L2, shared L3).
    static let maxRowBlock = 144     // MC: 144×256 floats of A = 144 KB
    static let maxDepthBlock = 256   // KC
    static let maxColumnBlock = 3072 // NC: 256×3072 floats of B = 3 MB

    /// Computes `C[rows][columns] = alpha * op(A)[rows] * op(B)[columns] + beta * C[rows][columns]`.
    func computeTile(rows: Range<Int>, columns: Range<Int>, workspace: Workspace) {
        let kcMax = min(k, Self.maxDepthBlock)
        let mcMax = min(rows.count, Self.maxRowBlock), ncMax = min(columns.count, Self.maxColumnBlock)
        let packedA = workspace.allocate(Self.roundUp(mcMax, to: tile.rows) * kcMax)
        let packedB = workspace.allocate(Self.roundUp(ncMax, to: tile.columns) * kcMax)
        let edgeScratch = workspace.allocate(tile.rows * tile.columns)

        for columnBlock in Self.blocks(of: columns, maxSize: Self.maxColumnBlock, granule: tile.columns) {
            for depthBlock in Self.blocks(of: 0..<k, maxSize: Self.maxDepthBlock, granule: 1) {
                GemmPacking.packB(b, depth: depthBlock, columns: columnBlock, panelColumns: tile.columns, into: packedB)
                let blockBeta = depthBlock.lowerBound == 0 ? beta : 1
                for rowBlock in Self.blocks(of: rows, maxSize: Self.maxRowBlock, granule: tile.rows) {
                    GemmPacking.packA(a, rows: rowBlock, depth: depthBlock, alpha: alpha, panelRows: tile.rows, into: packedA)
                    multiplyPackedBlocks(
                        packedA, packedB, rows: rowBlock, columns: columnBlock, kc: depthBlock.count,
                        beta: blockBeta, edgeScratch: edgeScratch)
                }
            }
        }
    }

    /// Runs the micro-kernel over every tile of one packed MC×KC by KC×NC block pair.
    private func multiplyPackedBlocks(
        _ packedA: UnsafeMutablePointer<Float>, _ packedB: UnsafeMutablePointer<Float>,
        rows: Range<Int>, columns: Range<Int>, kc: Int, beta: Float,
        edgeScratch: UnsafeMutablePointer<Float>
    ) {
        let mr = tile.rows, nr = tile.columns
        for jr in stride(from: 0, to: columns.count, by: nr) {
            let n = min(nr, columns.count - jr)
            let bPanel = packedB + jr * kc
            for ir in stride(from: 0, to: rows.count, by: mr) {
                let m = min(mr, rows.count - ir)
                let aPanel = packedA + ir * kc
                let cTile = c + (rows.lowerBound + ir) * ldc + columns.lowerBound + jr
                if m == mr && n == nr {
                    tile.compute(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, beta: beta)
                } else {
                    tile.computeEdge(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, beta: beta, m: m, n: n, scratch: edgeScratch)
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

/// The register tile SGEMM packs its operands for and the micro-kernel that computes it: AVX2's 6×16
/// (``GemmMicroKernel``) or AVX-512's 12×32 (`WideGemm`), by ``KernelISA``.
struct GemmTile {
    let rows: Int
    let columns: Int
    let isa: KernelISA

    init(_ isa: KernelISA) {
        self.isa = isa
        (rows, columns) = isa == .avx512 ? (WideGemm.rows, WideGemm.columns) : (GemmMicroKernel.rows, GemmMicroKernel.columns)
    }

    /// `c[0..<rows][0..<columns] = acc + beta * c` from packed panels.
    @inline(__always)
    func compute(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        if isa == .avx512 {
            WideGemm.tile(kc: kc, a: a, b: b, c: c, ldc: ldc, beta: beta)
        } else {
            GemmMicroKernel.tile(kc: kc, a: a, b: b, c: c, ldc: ldc, beta: beta)
        }
    }

    /// A tile that C only partly covers (`m` rows, `n` columns): computed into `scratch` (`rows × columns` floats) and
    /// merged into C element by element.
    func computeEdge(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float,
                     m: Int, n: Int, scratch: UnsafeMutablePointer<Float>) {
        compute(kc: kc, a: a, b: b, c: scratch, ldc: columns, beta: 0)
        for i in 0..<m {
            let row = c + i * ldc, computed = scratch + i * columns
            for j in 0..<n {
                row[j] = beta == 0 ? computed[j] : computed[j] + beta * row[j]
            }
        }
    }
}
