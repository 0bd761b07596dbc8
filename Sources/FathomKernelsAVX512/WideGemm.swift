/// SGEMM's register tile for AVX-512 (x86-64-v4): 12 rows × 32 columns of C (two `SIMD16` vectors per row), 24
/// accumulators of the 32 ZMM registers. Each step of `k` loads the two B vectors, broadcasts 12 A values and issues 24
/// FMAs: 14 loads per 24 FMAs, against 8 per 12 for the AVX2 6×16 tile.
///
/// A and B come packed (the caller packs them: A panels of 12 rows, each step's 12 values adjacent; B panels of 32
/// columns); the caller handles partial tiles through a scratch tile. Compiled for x86-64-v4, called only where the
/// processor runs it (`KernelISA` in FathomKernels).
public enum WideGemm {
    /// Rows of C in one tile (the A panel's height).
    public static let rows = 12
    /// Columns of C in one tile (the B panel's width).
    public static let columns = 32

    /// `c[i][j] = Σ_p a[12p + i] · b[32p + j] + beta · c[i][j]` for `i < 12`, `j < 32`, rows of C `ldc` apart (with
    /// `beta == 0`, C is only written, NaNs included).
    @inline(never)
    public static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        var sums = WideGemmRows(kc: kc, a: a, rowStride: 1, depthStride: rows, b: b)
        if beta != 0 { sums.addScaled(beta, c, ldc: ldc) }
        sums.store(to: c, ldc: ldc)
    }
}

extension WideGemm {
    /// `c[i][j] = activation(Σ_p a[i·lda + p] · b[32p + j] + bias[i])` for `i < rows` (at most 12) and `j < columns`
    /// (at most 32), with A read in place (row-major, `lda` apart, a convolution's weights) and C overwritten. A partial
    /// tile is computed into `scratch` (12 × 32 floats) and copied; its missing A rows repeat the last real one, so that
    /// every load stays inside A.
    @inline(never)
    public static func directTile(
        kc: Int, a: UnsafePointer<Float>, lda: Int, rows validRows: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
        columns validColumns: Int, bias: UnsafePointer<Float>?, activation: WideActivation?, scratch: UnsafeMutablePointer<Float>
    ) {
        let full = validRows == rows && validColumns == columns
        var sums = WideGemmRows(kc: kc, a: a, rowStride: lda, rows: validRows, depthStride: 1, b: b)
        if let bias { sums.addBias(bias, rows: validRows) }
        if let activation { sums.apply(activation) }
        sums.store(to: full ? c : scratch, ldc: full ? ldc : columns)
        guard !full else { return }
        for i in 0..<validRows {
            (c + i * ldc).update(from: scratch + i * columns, count: validColumns)
        }
    }
}

/// The 24 accumulators of one 12×32 tile: row `i` of C sums A's row `i` (packed, or read in place) times the B panel.
struct WideGemmRows {
    var c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51: SIMD16<Float>
    var c60, c61, c70, c71, c80, c81, c90, c91, cA0, cA1, cB0, cB1: SIMD16<Float>

    /// Row `i` of A at `a + min(i, rows − 1)·rowStride`, step `p` at `p·depthStride` along it (literal strides
    /// specialise the loop after inlining).
    @inline(__always)
    init(kc: Int, a: UnsafePointer<Float>, rowStride: Int, rows: Int = WideGemm.rows, depthStride: Int, b: UnsafePointer<Float>) {
        @inline(__always) func row(_ i: Int) -> UnsafePointer<Float> { a + min(i, rows - 1) * rowStride }
        let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5)
        let a6 = row(6), a7 = row(7), a8 = row(8), a9 = row(9), aA = row(10), aB = row(11)
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        var c80 = SIMD16<Float>(), c81 = SIMD16<Float>(), c90 = SIMD16<Float>(), c91 = SIMD16<Float>()
        var cA0 = SIMD16<Float>(), cA1 = SIMD16<Float>(), cB0 = SIMD16<Float>(), cB1 = SIMD16<Float>()
        var b = UnsafeRawPointer(b), p = 0
        for _ in 0..<kc {
            let b0 = b.load(as: SIMD16<Float>.self), b1 = b.load(fromByteOffset: 64, as: SIMD16<Float>.self)
            var x = SIMD16<Float>(repeating: a0[p])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD16(repeating: a1[p]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD16(repeating: a2[p]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD16(repeating: a3[p]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD16(repeating: a4[p]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD16(repeating: a5[p]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = SIMD16(repeating: a6[p]); c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = SIMD16(repeating: a7[p]); c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            x = SIMD16(repeating: a8[p]); c80 = c80.addingProduct(x, b0); c81 = c81.addingProduct(x, b1)
            x = SIMD16(repeating: a9[p]); c90 = c90.addingProduct(x, b0); c91 = c91.addingProduct(x, b1)
            x = SIMD16(repeating: aA[p]); cA0 = cA0.addingProduct(x, b0); cA1 = cA1.addingProduct(x, b1)
            x = SIMD16(repeating: aB[p]); cB0 = cB0.addingProduct(x, b0); cB1 = cB1.addingProduct(x, b1)
            b += WideGemm.columns * MemoryLayout<Float>.stride
            p += depthStride
        }
        (self.c00, self.c01, self.c10, self.c11, self.c20, self.c21) = (c00, c01, c10, c11, c20, c21)
        (self.c30, self.c31, self.c40, self.c41, self.c50, self.c51) = (c30, c31, c40, c41, c50, c51)
        (self.c60, self.c61, self.c70, self.c71, self.c80, self.c81) = (c60, c61, c70, c71, c80, c81)
        (self.c90, self.c91, self.cA0, self.cA1, self.cB0, self.cB1) = (c90, c91, cA0, cA1, cB0, cB1)
    }

    /// Adds `beta · c` (rows `ldc` apart) to the sums.
    @inline(__always)
    mutating func addScaled(_ beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let scale = SIMD16<Float>(repeating: beta)
        @inline(__always) func add(_ low: inout SIMD16<Float>, _ high: inout SIMD16<Float>, _ i: Int) {
            let row = UnsafeRawPointer(c + i * ldc)
            low = low.addingProduct(scale, row.loadUnaligned(as: SIMD16<Float>.self))
            high = high.addingProduct(scale, row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
        }
        add(&c00, &c01, 0); add(&c10, &c11, 1); add(&c20, &c21, 2); add(&c30, &c31, 3); add(&c40, &c41, 4); add(&c50, &c51, 5)
        add(&c60, &c61, 6); add(&c70, &c71, 7); add(&c80, &c81, 8); add(&c90, &c91, 9); add(&cA0, &cA1, 10); add(&cB0, &cB1, 11)
    }

    /// Adds row `min(i, rows − 1)`'s bias to row `i`.
    @inline(__always)
    mutating func addBias(_ bias: UnsafePointer<Float>, rows: Int) {
        @inline(__always) func b(_ i: Int) -> SIMD16<Float> { SIMD16(repeating: bias[i < rows ? i : rows - 1]) }
        var x = b(0); c00 += x; c01 += x; x = b(1); c10 += x; c11 += x; x = b(2); c20 += x; c21 += x
        x = b(3); c30 += x; c31 += x; x = b(4); c40 += x; c41 += x; x = b(5); c50 += x; c51 += x
        x = b(6); c60 += x; c61 += x; x = b(7); c70 += x; c71 += x; x = b(8); c80 += x; c81 += x
        x = b(9); c90 += x; c91 += x; x = b(10); cA0 += x; cA1 += x; x = b(11); cB0 += x; cB1 += x
    }

    /// Replaces every sum by `f(sum)`.
    @inline(__always)
    mutating func apply(_ f: WideActivation) {
        c00 = f.value(c00); c01 = f.value(c01); c10 = f.value(c10); c11 = f.value(c11); c20 = f.value(c20); c21 = f.value(c21)
        c30 = f.value(c30); c31 = f.value(c31); c40 = f.value(c40); c41 = f.value(c41); c50 = f.value(c50); c51 = f.value(c51)
        c60 = f.value(c60); c61 = f.value(c61); c70 = f.value(c70); c71 = f.value(c71); c80 = f.value(c80); c81 = f.value(c81)
        c90 = f.value(c90); c91 = f.value(c91); cA0 = f.value(cA0); cA1 = f.value(cA1); cB0 = f.value(cB0); cB1 = f.value(cB1)
    }

    /// Stores the 12 rows of 32, `ldc` apart.
    @inline(__always)
    func store(to c: UnsafeMutablePointer<Float>, ldc: Int) {
        @inline(__always) func row(_ i: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
            let raw = UnsafeMutableRawPointer(c + i * ldc)
            raw.storeBytes(of: low, as: SIMD16<Float>.self)
            raw.storeBytes(of: high, toByteOffset: 64, as: SIMD16<Float>.self)
        }
        row(0, c00, c01); row(1, c10, c11); row(2, c20, c21); row(3, c30, c31); row(4, c40, c41); row(5, c50, c51)
        row(6, c60, c61); row(7, c70, c71); row(8, c80, c81); row(9, c90, c91); row(10, cA0, cA1); row(11, cB0, cB1)
    }
}
