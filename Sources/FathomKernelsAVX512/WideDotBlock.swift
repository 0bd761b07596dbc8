/// The AVX-512 inner loop of the plane weight gradient (FathomKernels' `PlaneWeightGradient`): two gradient rows
/// against four shifted input rows, over every image, in `SIMD16` accumulators.
public enum WideDotBlock {
    /// Lanes of one vector; `length` must be a multiple of it.
    public static let lanes = 16

    /// The dot products `first · b[q]` and `second · b[q]` (q = 0…3), each summed over `images` images: image `i`'s
    /// rows start `i · rowStride` floats after `first` and `second`, its shifted input rows `i · planeStride` after
    /// the `b`s, and each product runs over `length` floats.
    @inline(never)
    public static func sums(first: UnsafePointer<Float>, second: UnsafePointer<Float>,
                            _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>, _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>,
                            length: Int, images: Int, rowStride: Int, planeStride: Int) -> (first: SIMD4<Float>, second: SIMD4<Float>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0
        for image in 0..<images {
            let x0 = first + image * rowStride, y0 = second + image * rowStride, shift = image * planeStride
            var t = 0
            while t < length {
                let x = load(x0 + t), y = load(y0 + t)
                let v0 = load(b0 + shift + t), v1 = load(b1 + shift + t), v2 = load(b2 + shift + t), v3 = load(b3 + shift + t)
                a0.addProduct(x, v0); a1.addProduct(x, v1); a2.addProduct(x, v2); a3.addProduct(x, v3)
                c0.addProduct(y, v0); c1.addProduct(y, v1); c2.addProduct(y, v2); c3.addProduct(y, v3)
                t += lanes
            }
        }
        return (SIMD4(a0.sum(), a1.sum(), a2.sum(), a3.sum()), SIMD4(c0.sum(), c1.sum(), c2.sum(), c3.sum()))
    }
}
