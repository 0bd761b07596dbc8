/// The FMA-throughput probe with AVX-512 vectors, for the peak that benchmarks compare against: the `SIMD16` twin of
/// FathomKernels' AVX2 `fmaLoop` (a generic version would compile to lane-by-lane code), kept in this module so that it
/// compiles for x86-64-v4.
public enum WideFmaLoop {
    /// Lanes of one vector.
    public static let lanes = 16
    /// Independent accumulators per round (enough to hide the FMA latency on two FMA units).
    public static let accumulators = 12

    /// `iterations` rounds of 12 independent `SIMD16` FMAs; returns a value depending on all of them so that the loop
    /// is not optimized away.
    @inline(never)
    public static func run(iterations: Int, seed: Float) -> Float {
        let x = SIMD16<Float>(repeating: 0.999_999), y = SIMD16<Float>(repeating: 1e-7)
        var a0 = SIMD16<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3
        var a4 = a0 + 4, a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7
        var a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
        for _ in 0..<iterations {
            a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
            a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
            a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
            a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
    }
}
