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
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        var c80 = SIMD16<Float>(), c81 = SIMD16<Float>(), c90 = SIMD16<Float>(), c91 = SIMD16<Float>()
        var cA0 = SIMD16<Float>(), cA1 = SIMD16<Float>(), cB0 = SIMD16<Float>(), cB1 = SIMD16<Float>()
        var a = a, b = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = b.load(as: SIMD16<Float>.self), b1 = b.load(fromByteOffset: 64, as: SIMD16<Float>.self)
            var x = SIMD16<Float>(repeating: a[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD16(repeating: a[1]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD16(repeating: a[2]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD16(repeating: a[3]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD16(repeating: a[4]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD16(repeating: a[5]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = SIMD16(repeating: a[6]); c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = SIMD16(repeating: a[7]); c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            x = SIMD16(repeating: a[8]); c80 = c80.addingProduct(x, b0); c81 = c81.addingProduct(x, b1)
            x = SIMD16(repeating: a[9]); c90 = c90.addingProduct(x, b0); c91 = c91.addingProduct(x, b1)
            x = SIMD16(repeating: a[10]); cA0 = cA0.addingProduct(x, b0); cA1 = cA1.addingProduct(x, b1)
            x = SIMD16(repeating: a[11]); cB0 = cB0.addingProduct(x, b0); cB1 = cB1.addingProduct(x, b1)
            a += rows
            b += columns * MemoryLayout<Float>.stride
        }
        @inline(__always) func store(_ i: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
            let row = UnsafeMutableRawPointer(c + i * ldc)
            var low = low, high = high
            if beta != 0 {
                let scale = SIMD16<Float>(repeating: beta)
                low = low.addingProduct(scale, row.loadUnaligned(as: SIMD16<Float>.self))
                high = high.addingProduct(scale, row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
            }
            row.storeBytes(of: low, as: SIMD16<Float>.self)
            row.storeBytes(of: high, toByteOffset: 64, as: SIMD16<Float>.self)
        }
        store(0, c00, c01); store(1, c10, c11); store(2, c20, c21); store(3, c30, c31)
        store(4, c40, c41); store(5, c50, c51); store(6, c60, c61); store(7, c70, c71)
        store(8, c80, c81); store(9, c90, c91); store(10, cA0, cA1); store(11, cB0, cB1)
    }
}
