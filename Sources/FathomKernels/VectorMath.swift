/// Small SIMD loops over contiguous floats shared by the normalization, pooling and loss kernels.
enum VectorMath {
    /// `destination[0..<count] = source[0..<count]` in vectors of 8: for the short rows of small feature maps,
    /// where a `memmove` call per row costs more than the copy. `rectified` copies `relu(source)` instead (as
    /// ``Activation/relu`` computes it), for a convolution that applies its input's ReLU as it copies it.
    @inline(__always)
    static func copy(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int, rectified: Bool = false) {
        var i = 0
        while i + 8 <= count {
            var x = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
            if rectified { x.replace(with: 0, where: x .< 0) }
            UnsafeMutableRawPointer(destination + i).storeBytes(of: x, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] = rectified && source[i] < 0 ? 0 : source[i]
            i += 1
        }
    }

    /// `destination[i] = source[i]` (or `+=` when `adding`; of `max(source[i], 0)` when `rectified`, which only a
    /// copy takes) for `i < count`, for short runs (the direct convolution's scattered outputs and its copies of input
    /// rows): a copy of 8 or more as overlapping vectors and of 4 to 7 as two overlapping halves, with no call
    /// (`update(from:count:)` calls `memmove`, which cost more than the copy); sums go vector by vector, as
    /// overlapping ones would add twice.
    @inline(__always)
    static func copyShort(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int, adding: Bool,
                          rectified: Bool = false) {
        // Concrete vector types only: a generic helper over `SIMD` was not specialized and ran 100 times slower.
        @inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
            let x = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
            return rectified ? x.replacing(with: 0, where: x .< 0) : x
        }
        @inline(__always) func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
            let x = UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
            return rectified ? x.replacing(with: 0, where: x .< 0) : x
        }
        @inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }
        @inline(__always) func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self) }
        var i = 0
        if adding {
            precondition(!rectified, "copyShort rectifies copies only")
            while i + 8 <= count {
                store8(load8(source + i) + load8(destination + i), destination + i)
                i += 8
            }
            while i < count {
                destination[i] += source[i]
                i += 1
            }
        } else if count >= 8 {
            while i + 8 < count {
                store8(load8(source + i), destination + i)
                i += 8
            }
            store8(load8(source + count - 8), destination + count - 8)
        } else if count >= 4 {
            store4(load4(source), destination)
            store4(load4(source + count - 4), destination + count - 4)
        } else {
            for j in 0..<count { destination[j] = rectified ? max(source[j], 0) : source[j] }
        }
    }

    /// `destination[i] = 0` for `i < count`, as overlapping vectors with no call (for short rows, where `memset`'s
    /// call costs more than the stores).
    @inline(__always)
    static func zeroShort(_ destination: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func store8(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self) }
        @inline(__always) func store4(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: SIMD4<Float>(), as: SIMD4<Float>.self) }
        if count >= 8 {
            var i = 0
            while i + 8 < count {
                store8(destination + i)
                i += 8
            }
            store8(destination + count - 8)
        } else if count >= 4 {
            store4(destination)
            store4(destination + count - 4)
        } else {
            for j in 0..<count { destination[j] = 0 }
        }
    }

    /// `Σ x[i]`.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        reduce(x, x, count: count) { sum, a, _ in sum + a }
    }

    /// `Σ x[i] · y[i]`.
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        reduce(x, y, count: count) { sum, a, b in sum.addingProduct(a, b) }
    }

    /// `Σ rows[r·rowStride + i] · x[i]` for rows `r` 0 to 3: four outputs of a matrix-vector product at once, each
    /// vector of `x` loaded once for all four, in four independent chains of FMAs (one row's `dot` has two). OFA-MBV3's
    /// classifier (1 280 → 1 000 at batch 1) spent 7.5% of the network's time in one `dot` per output.
    static func dot4(_ rows: UnsafePointer<Float>, rowStride: Int, _ x: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        let r1 = rows + rowStride, r2 = rows + 2 * rowStride, r3 = rows + 3 * rowStride
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var i = 0
        while i + 8 <= count {
            let v = load(x + i)
            s0 = s0.addingProduct(load(rows + i), v)
            s1 = s1.addingProduct(load(r1 + i), v)
            s2 = s2.addingProduct(load(r2 + i), v)
            s3 = s3.addingProduct(load(r3 + i), v)
            i += 8
        }
        var sums = SIMD4<Float>(s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while i < count {
            sums += SIMD4(rows[i], r1[i], r2[i], r3[i]) * x[i]
            i += 1
        }
        return sums
    }

    /// `Σ (x[i] − center)²`.
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, count: Int, from center: Float) -> Float {
        let center = SIMD8<Float>(repeating: center)
        return reduce(x, x, count: count, padding: center[0]) { sum, a, _ in
            let deviation = a - center
            return sum.addingProduct(deviation, deviation)
        }
    }

    /// `y[i] = x[i] · scale + shift` (`y` may be `x`).
    static func affine(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, scale: Float, shift: Float
    ) {
        let scaleVector = SIMD8<Float>(repeating: scale), shiftVector = SIMD8<Float>(repeating: shift)
        var index = 0
        while index + 8 <= count {
            let value = UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + index).storeBytes(of: shiftVector.addingProduct(value, scaleVector), as: SIMD8<Float>.self)
            index += 8
        }
        while index < count {
            y[index] = x[index] * scale + shift
            index += 1
        }
    }

    /// Folds `combine(partial, x[i…i+7], y[i…i+7])` over both arrays, then adds the lanes. The
    /// tail is padded with `padding`, which must make `combine` add nothing.
    @inline(__always)
    private static func reduce(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int, padding: Float = 0,
        _ combine: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
    ) -> Float {
        var first = SIMD8<Float>(), second = SIMD8<Float>()
        var index = 0
        while index + 16 <= count {
            first = combine(first, UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self),
                            UnsafeRawPointer(y + index).loadUnaligned(as: SIMD8<Float>.self))
            second = combine(second, UnsafeRawPointer(x + index + 8).loadUnaligned(as: SIMD8<Float>.self),
                             UnsafeRawPointer(y + index + 8).loadUnaligned(as: SIMD8<Float>.self))
            index += 16
        }
        while index < count {
            let lanes = min(8, count - index)
            var a = SIMD8<Float>(repeating: padding), b = SIMD8<Float>(repeating: padding)
            for lane in 0..<lanes { a[lane] = x[index + lane]; b[lane] = y[index + lane] }
            second = combine(second, a, b)
            index += lanes
        }
        return (first + second).sum()
    }
}
