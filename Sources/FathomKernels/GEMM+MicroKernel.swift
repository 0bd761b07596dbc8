/// The register-blocked core of SGEMM: a 6×16 tile of C from 6 rows of A (`kc` columns) and a
/// packed B micro-panel (`kc` rows of 16).
///
/// The 12 accumulators (6 rows × two `SIMD8<Float>`), the two B vectors and one broadcast A value
/// use 15 of the 16 AVX2 registers; each step of `k` issues 12 FMAs for 8 loads. A is read either
/// packed (``GemmPacking/packA(_:rows:depth:alpha:panelRows:into:)``: the 6 values of one `k` adjacent) or
/// in place from 6 rows `lda` apart (``directTile(kc:a:lda:rows:b:c:ldc:columns:epilogue:scratch:)``), which
/// saves packing A when each of its panels meets only a few B panels (a convolution's weights).
enum GemmMicroKernel {
    static let rows = 6
    static let columns = 16

    /// `c[0..<6][0..<16] = acc + beta * c` (with `beta == 0`, C is overwritten, NaNs included).
    /// `a` (packed) and `b` are 32-byte aligned; `c` may be unaligned.
    @inline(__always)
    static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float
    ) {
        let sums = GemmAccumulators(kc: kc, a: a, rowStride: 1, depthStride: rows, b: b)
        sums.store(to: c, ldc: ldc) { row, low, high in
            guard beta != 0 else { return (low, high) }
            let scale = SIMD8<Float>(repeating: beta)
            let raw = UnsafeRawPointer(row)
            return (low.addingProduct(scale, raw.loadUnaligned(as: SIMD8<Float>.self)),
                    high.addingProduct(scale, raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)))
        }
    }

    /// `c[i][j] = epilogue(Σ_p a[i·lda + p] · b[p][j], row i)` for `i < rows` (at most 6) and
    /// `j < columns` (at most 16), with A read in place (row-major, `lda` apart, alpha = 1) and C
    /// overwritten. A partial tile is computed into `scratch` (96 floats) and copied; its missing A
    /// rows repeat the last real one, so every load stays inside A.
    @inline(__always)
    static func directTile(
        kc: Int, a: UnsafePointer<Float>, lda: Int, rows validRows: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, columns validColumns: Int, epilogue: GemmEpilogue,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let full = validRows == rows && validColumns == columns
        @inline(__always) func offset(_ i: Int) -> Int { min(i, validRows - 1) * lda }
        let sums = GemmAccumulators(kc: kc, a: a, offsets: (0, offset(1), offset(2), offset(3), offset(4), offset(5)),
                                    depthStride: 1, b: b)
        let target = full ? c : scratch, targetStride = full ? ldc : columns
        var index = 0
        sums.store(to: target, ldc: targetStride) { _, low, high in
            defer { index += 1 }
            return epilogue.apply(low, high, row: min(index, validRows - 1))
        }
        guard !full else { return }
        for i in 0..<validRows {
            (c + i * ldc).update(from: scratch + i * columns, count: validColumns)
        }
    }
}

/// What happens to a tile's sums before they are stored: a bias per row of C (a convolution's bias
/// per output channel), then an activation.
struct GemmEpilogue {
    var bias: UnsafePointer<Float>?
    var activation: Activation?

    @inline(__always)
    func apply(_ low: SIMD8<Float>, _ high: SIMD8<Float>, row: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        var low = low, high = high
        if let bias {
            let value = SIMD8<Float>(repeating: bias[row])
            low += value
            high += value
        }
        if let activation {
            low = activation.value(low)
            high = activation.value(high)
        }
        return (low, high)
    }
}

/// The 12 accumulators of one 6×16 tile after `kc` steps: row `i`, step `p` multiplies
/// `a[i·rowStride + p·depthStride]` by the 16 floats at `b + 16p`.
struct GemmAccumulators {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()

    /// Rows `rowStride` apart (literal strides specialise the loop after inlining).
    @inline(__always)
    init(kc: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>) {
        self.init(kc: kc, a: a, offsets: (0, rowStride, 2 * rowStride, 3 * rowStride, 4 * rowStride, 5 * rowStride),
                  depthStride: depthStride, b: b)
    }

    /// Row `i` at `a + offsets.i`.
    @inline(__always)
    init(kc: Int, a: UnsafePointer<Float>, offsets o: (Int, Int, Int, Int, Int, Int), depthStride: Int, b: UnsafePointer<Float>) {
        var a = a, b = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = b.load(as: SIMD8<Float>.self)
            let b1 = b.load(fromByteOffset: 32, as: SIMD8<Float>.self)
            var x = SIMD8<Float>(repeating: a[o.0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD8(repeating: a[o.1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD8(repeating: a[o.2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD8(repeating: a[o.3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD8(repeating: a[o.4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD8(repeating: a[o.5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            a += depthStride
            b += GemmMicroKernel.columns * MemoryLayout<Float>.stride
        }
    }

    /// Stores the 6 rows, `ldc` apart, each through `transform(rowAddress, low, high)`, top row first.
    @inline(__always)
    func store(
        to c: UnsafeMutablePointer<Float>, ldc: Int,
        _ transform: (UnsafeMutablePointer<Float>, SIMD8<Float>, SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>)
    ) {
        @inline(__always) func row(_ i: Int, _ low: SIMD8<Float>, _ high: SIMD8<Float>) {
            let address = c + i * ldc
            let (low, high) = transform(address, low, high)
            let raw = UnsafeMutableRawPointer(address)
            raw.storeBytes(of: low, as: SIMD8<Float>.self)
            raw.storeBytes(of: high, toByteOffset: 32, as: SIMD8<Float>.self)
        }
        row(0, c00, c01); row(1, c10, c11); row(2, c20, c21)
        row(3, c30, c31); row(4, c40, c41); row(5, c50, c51)
    }
}
