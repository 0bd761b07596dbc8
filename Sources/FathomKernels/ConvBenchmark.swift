/// What ``benchmarkConv(_:algorithm:threads:repeats:)`` measured.
public struct ConvBenchmarkResult: Sendable, Equatable {
    public var algorithm: Conv2D.Algorithm
    /// Median wall time of one forward call, in seconds.
    public var medianSeconds: Double
    /// `2 · multiply-adds / medianSeconds`, in GFLOP/s.
    public var gflops: Double
}

/// Times `Conv2D.forward` of `shape` (random input and weights, a bias, ReLU fused) with `algorithm` on a pool of
/// `threads` threads: 0.1 s of untimed calls, then the median of `repeats` calls. `algorithm` must run `shape`.
public func benchmarkConv(_ shape: Conv2DShape, algorithm: Conv2D.Algorithm, threads: Int, repeats: Int = 20) -> ConvBenchmarkResult {
    precondition(threads > 0 && repeats > 0, "benchmarkConv needs positive threads and repeats")
    let input = benchmarkInput(count: shape.inputCount), weights = benchmarkInput(count: shape.weightCount)
    let bias = benchmarkInput(count: shape.outChannels), output = AlignedBuffer(count: shape.outputCount)
    let pool = ThreadPool(threadCount: threads)
    let median = medianSeconds(repeats: repeats) {
        Conv2D.forward(shape, input: input.baseAddress, weights: weights.baseAddress, bias: UnsafePointer(bias.baseAddress),
                       output: output.baseAddress, pool: pool, activation: .relu, algorithm: algorithm)
    }
    return ConvBenchmarkResult(algorithm: algorithm, medianSeconds: median, gflops: 2 * Double(shape.multiplyAdds) / median / 1e9)
}
