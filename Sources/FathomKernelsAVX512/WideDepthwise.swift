/// The depthwise convolution's plane kernel for AVX-512 (x86-64-v4): vectors of 16 outputs along a row, four at a
/// time, each with two sums (even and odd kernel rows: eight independent FMA chains). The caller (FathomKernels'
/// depthwise kernel) pads the plane and splits its columns by phase, so that the inputs of 16 neighbouring outputs
/// are 16 consecutive floats at any stride. A row of 16 outputs or more ends with a vector that ends at the row's end
/// (recomputing a few outputs); a row of 8 to 15 is one vector, whose lanes past the row's end are stored over the
/// start of the next row (which is stored after it) except in the plane's last row, stored lane by lane. The caller's
/// padded plane keeps the reads of those lanes inside it.
public enum WideDepthwise {
    /// Outputs per vector.
    public static let lanes = 16
    /// The narrowest row this kernel takes: narrower ones take the AVX2 kernel.
    public static let minimumWidth = 8

    /// `output[oh·outWidth + ow] = activation(bias + Σ filter[kh·k + kw] · origin[oh·rowStep + ow + taps[kh·k + kw]])`
    /// for every output of the plane (`outWidth ≥ minimumWidth`).
    @inline(never)
    public static func plane(
        kernel: Int, outHeight: Int, outWidth: Int, rowStep: Int, taps: UnsafePointer<Int>, origin: UnsafePointer<Float>,
        filter: UnsafePointer<Float>, bias: Float, activation: WideActivation?, output: UnsafeMutablePointer<Float>
    ) {
        let p = PlaneGeometry(outHeight: outHeight, outWidth: outWidth, rowStep: rowStep, origin: origin, output: output)
        switch kernel {
        case 3: plane(k: 3, p, taps, filter, bias, activation)
        case 5: plane(k: 5, p, taps, filter, bias, activation)
        case 7: plane(k: 7, p, taps, filter, bias, activation)
        case let k: plane(k: k, p, taps, filter, bias, activation)
        }
    }

    /// ``plane(kernel:outHeight:outWidth:rowStep:taps:origin:filter:bias:activation:output:)`` with a literal `k`, so
    /// that the window loops unroll.
    @inline(__always)
    private static func plane(
        k: Int, _ p: PlaneGeometry, _ taps: UnsafePointer<Int>, _ filter: UnsafePointer<Float>, _ bias: Float, _ activation: WideActivation?
    ) {
        let vectorsPerRow = (p.outWidth + lanes - 1) / lanes, count = p.outHeight * vectorsPerRow
        @inline(__always) func vector(_ v: Int) -> (output: Int, input: UnsafePointer<Float>) {
            let (oh, column) = min(v, count - 1).quotientAndRemainder(dividingBy: vectorsPerRow)
            let ow = max(0, min(lanes * column, p.outWidth - lanes))
            return (oh * p.outWidth + ow, p.origin + oh * p.rowStep + ow)
        }
        /// Where a narrow plane's last row starts: its vector is stored lane by lane, spilling past the plane.
        let lastRow = p.outWidth < lanes ? (p.outHeight - 1) * p.outWidth : Int.max
        @inline(__always) func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
        }
        @inline(__always) func store(_ sums: SIMD16<Float>, at offset: Int) {
            var values = sums
            if let activation { values = activation.value(values) }
            if offset < lastRow {
                UnsafeMutableRawPointer(p.output + offset).storeBytes(of: values, as: SIMD16<Float>.self)
            } else {
                for lane in 0..<p.outWidth { p.output[offset + lane] = values[lane] }
            }
        }
        for first in stride(from: 0, to: count, by: 4) {
            let v0 = vector(first), v1 = vector(first + 1), v2 = vector(first + 2), v3 = vector(first + 3)
            let start = SIMD16<Float>(repeating: bias)
            var e0 = start, e1 = start, e2 = start, e3 = start
            var o0 = SIMD16<Float>(), o1 = SIMD16<Float>(), o2 = SIMD16<Float>(), o3 = SIMD16<Float>()
            for kh in 0..<k {
                for kw in 0..<k {
                    let w = SIMD16<Float>(repeating: filter[kh * k + kw]), tap = taps[kh * k + kw]
                    if kh % 2 == 0 {
                        e0 = e0.addingProduct(w, load(v0.input + tap)); e1 = e1.addingProduct(w, load(v1.input + tap))
                        e2 = e2.addingProduct(w, load(v2.input + tap)); e3 = e3.addingProduct(w, load(v3.input + tap))
                    } else {
                        o0 = o0.addingProduct(w, load(v0.input + tap)); o1 = o1.addingProduct(w, load(v1.input + tap))
                        o2 = o2.addingProduct(w, load(v2.input + tap)); o3 = o3.addingProduct(w, load(v3.input + tap))
                    }
                }
            }
            store(e0 + o0, at: v0.output); store(e1 + o1, at: v1.output)
            store(e2 + o2, at: v2.output); store(e3 + o3, at: v3.output)
        }
    }
}

/// The plane ``WideDepthwise`` computes: output rows of `outWidth`, input row `oh` at `origin + oh·rowStep`.
struct PlaneGeometry {
    let outHeight: Int
    let outWidth: Int
    let rowStep: Int
    let origin: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
}
