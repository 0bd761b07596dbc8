/// The register-blocked core of SGEMM: a 6×16 tile of C from a packed A micro-panel (6 rows,
/// `kc` columns, column-interleaved) and a packed B micro-panel (`kc` rows of 16).
///
/// The 12 accumulators (6 rows × two `SIMD8<Float>`), the two B vectors and one broadcast A value
/// use 15 of the 16 AVX2 registers; each step of `k` issues 12 FMAs for 8 loads.
enum GemmMicroKernel {
    static let rows = 6
    static let columns = 16

    /// `c[0..<6][0..<16] = acc + beta * c` (with `beta == 0`, C is overwritten, NaNs included).
    /// `a` and `b` are 32-byte aligned; `c` may be unaligned.
    @inline(__always)
    static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float
    ) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
        var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        var a = a, b = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = b.load(as: SIMD8<Float>.self)
            let b1 = b.load(fromByteOffset: 32, as: SIMD8<Float>.self)
            var x = SIMD8<Float>(repeating: a[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD8(repeating: a[1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD8(repeating: a[2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD8(repeating: a[3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD8(repeating: a[4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD8(repeating: a[5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            a += rows
            b += columns * MemoryLayout<Float>.stride
        }
        store(c00, c01, to: c, beta: beta)
        store(c10, c11, to: c + ldc, beta: beta)
        store(c20, c21, to: c + 2 * ldc, beta: beta)
        store(c30, c31, to: c + 3 * ldc, beta: beta)
        store(c40, c41, to: c + 4 * ldc, beta: beta)
        store(c50, c51, to: c + 5 * ldc, beta: beta)
    }

    /// A tile that C only partly covers (`m < 6` rows or `n < 16` columns): computed into `scratch`
    /// (96 floats) and merged into C element by element.
    static func edgeTile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float, m: Int, n: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        tile(kc: kc, a: a, b: b, c: scratch, ldc: columns, beta: 0)
        for i in 0..<m {
            let row = c + i * ldc, computed = scratch + i * columns
            for j in 0..<n {
                row[j] = beta == 0 ? computed[j] : computed[j] + beta * row[j]
            }
        }
    }

    @inline(__always)
    private static func store(
        _ low: SIMD8<Float>, _ high: SIMD8<Float>, to c: UnsafeMutablePointer<Float>, beta: Float
    ) {
        let raw = UnsafeMutableRawPointer(c)
        var low = low, high = high
        if beta != 0 {
            let scale = SIMD8<Float>(repeating: beta)
            low = low.addingProduct(scale, raw.loadUnaligned(as: SIMD8<Float>.self))
            high = high.addingProduct(scale, raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
        }
        raw.storeBytes(of: low, as: SIMD8<Float>.self)
        raw.storeBytes(of: high, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}
