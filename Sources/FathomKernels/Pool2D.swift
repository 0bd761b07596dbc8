/// The geometry of a square pooling window over an NCHW tensor.
public struct Pool2DShape: Hashable, Sendable, Codable {
    public var input: FeatureMapShape
    public var kernelSize: Int
    public var stride: Int
    public var padding: Int

    /// A pooling window; `stride` defaults to `kernelSize` (non-overlapping windows) and `padding`
    /// may be at most half the window.
    public init(input: FeatureMapShape, kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? kernelSize) > 0 && padding >= 0 && 2 * padding <= kernelSize,
                     "Pool2DShape: kernel \(kernelSize), stride \(stride ?? kernelSize), padding \(padding)")
        self.input = input
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        precondition(outHeight > 0 && outWidth > 0, "Pool2DShape: \(input.height)x\(input.width) input is smaller than the window")
    }

    public var outHeight: Int { (input.height + 2 * padding - kernelSize) / stride + 1 }
    public var outWidth: Int { (input.width + 2 * padding - kernelSize) / stride + 1 }
    public var output: FeatureMapShape {
        FeatureMapShape(batch: input.batch, channels: input.channels, height: outHeight, width: outWidth)
    }

    /// The real (unpadded) inputs, along one axis `size` long, of output `o`'s window on that axis.
    func windowExtent(_ o: Int, size: Int) -> Int {
        let start = o * stride - padding
        return min(size, start + kernelSize) - max(0, start)
    }
}

/// Average and max pooling, windowed and global, forward and backward, over NCHW tensors.
///
/// Windows are clipped to the image: average pooling divides by the number of real inputs in the
/// window (PyTorch's `count_include_pad=False`, as NAS-Bench-201 uses) and max pooling never picks
/// padding. Planes are spread over the pool; windowed forward passes run on a bordered copy of each plane at stride 1
/// (``Stride1Pooling``) and separably otherwise (``PoolingRows``).
public enum Pool2D {
    /// `output[o] = mean of the window's inputs`; with `accumulate` (only where ``accumulates(_:)``), `output[o] +=`
    /// it instead: a sum of a pool and convolutions with no separate add.
    public static func averageForward(
        _ shape: Pool2DShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared,
        accumulate: Bool = false
    ) {
        precondition(!accumulate || accumulates(shape), "accumulating needs a stride-1 pool: \(shape)")
        forward(shape, .average, input: input, output: output, pool: pool, accumulate: accumulate)
    }

    /// Whether average pooling can add its result to the output (`averageForward(…, accumulate: true)`): at stride 1.
    public static func accumulates(_ shape: Pool2DShape) -> Bool {
        shape.stride == 1
    }

    /// `inputGradient` (overwritten): each output's gradient shared equally by its window's inputs.
    ///
    /// A stride-1 pool whose padding keeps the plane's size (NAS-Bench-201's 3×3): the outputs whose windows cover
    /// an input are the window around that input, and an input's window counts as many real inputs as the output at
    /// the same place. So the gradient is `count ⊙ averagePool(outputGradient ⊘ count)`, on the forward kernel.
    public static func averageBackward(
        _ shape: Pool2DShape, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        pool: ThreadPool? = .shared
    ) {
        if shape.stride == 1, 2 * shape.padding == shape.kernelSize - 1 {
            ScratchCache.withWorkspace { workspace in
                let shares = workspace.allocate(shape.output.count)
                shares.update(from: outputGradient, count: shape.output.count)
                scaleByWindowCounts(shape, shares, inverse: true)
                forward(shape, .average, input: shares, output: inputGradient, pool: pool, accumulate: false)
                scaleByWindowCounts(shape, inputGradient, inverse: false)
            }
            return
        }
        inputGradient.update(repeating: 0, count: shape.input.count)
        forEachWindow(shape, pool: pool) { inputPlane, outputIndex, rows, columns in
            let share = outputGradient[outputIndex] / Float(rows.count * columns.count)
            for row in rows { for column in columns { inputGradient[inputPlane + row * shape.input.width + column] += share } }
        }
    }

    /// Multiplies every value of a plane-sized map by its window's count of real inputs (or divides, `inverse`).
    private static func scaleByWindowCounts(_ shape: Pool2DShape, _ values: UnsafeMutablePointer<Float>, inverse: Bool) {
        let width = shape.outWidth, height = shape.outHeight
        let columns = (0..<width).map { Float(shape.windowExtent($0, size: shape.input.width)) }
        for plane in 0..<shape.input.batch * shape.input.channels {
            for y in 0..<height {
                let rowCount = Float(shape.windowExtent(y, size: shape.input.height)), row = values + (plane * height + y) * width
                for x in 0..<width { row[x] = inverse ? row[x] / (rowCount * columns[x]) : row[x] * (rowCount * columns[x]) }
            }
        }
    }

    /// `output[o] = max of the window's inputs`.
    public static func maxForward(
        _ shape: Pool2DShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        forward(shape, .maximum, input: input, output: output, pool: pool)
    }

    /// Windowed forward: ``Stride1Pooling`` at stride 1, ``PoolingRows`` otherwise (which never accumulates).
    private static func forward(
        _ shape: Pool2DShape, _ reduction: PoolingRows.Reduction, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        pool: ThreadPool?, accumulate: Bool = false
    ) {
        if shape.stride == 1 {
            Stride1Pooling(shape: shape, reduction: reduction, accumulates: accumulate).forward(input: input, output: output, pool: pool)
        } else {
            PoolingRows(shape: shape, reduction: reduction).forward(input: input, output: output, pool: pool)
        }
    }

    /// `inputGradient` (overwritten): each output's gradient goes to its window's maximum (the first
    /// one on ties), found again in `input`, the forward pass's input.
    public static func maxBackward(
        _ shape: Pool2DShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool? = .shared
    ) {
        inputGradient.update(repeating: 0, count: shape.input.count)
        forEachWindow(shape, pool: pool) { inputPlane, outputIndex, rows, columns in
            let winner = inputPlane + argmax(input + inputPlane, width: shape.input.width, rows, columns)
            inputGradient[winner] += outputGradient[outputIndex]
        }
    }

    /// `output[n][c] = mean of plane (n, c)`; `output` has `batch · channels` elements.
    public static func globalAverageForward(
        _ shape: FeatureMapShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(shape.plane)
        for plane in 0..<shape.batch * shape.channels {
            output[plane] = VectorMath.sum(input + plane * shape.plane, count: shape.plane) * scale
        }
    }

    /// `inputGradient[n][c][·] = outputGradient[n][c] / (height · width)` (overwritten).
    public static func globalAverageBackward(
        _ shape: FeatureMapShape, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(shape.plane)
        for plane in 0..<shape.batch * shape.channels {
            (inputGradient + plane * shape.plane).update(repeating: outputGradient[plane] * scale, count: shape.plane)
        }
    }

    /// Offset, within a plane, of the first largest input of a window.
    private static func argmax(_ plane: UnsafePointer<Float>, width: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Int {
        var best = rows.lowerBound * width + columns.lowerBound
        for row in rows {
            for column in columns where plane[row * width + column] > plane[best] { best = row * width + column }
        }
        return best
    }

    /// Calls `body(inputPlaneOffset, outputIndex, rows, columns)` for every window, with the window
    /// clipped to the image. Planes are split between threads, so that no two threads write into the
    /// same plane.
    private static func forEachWindow(
        _ shape: Pool2DShape, pool: ThreadPool?, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void
    ) {
        let input = shape.input, planes = input.batch * input.channels
        let minimumPlanes = max(1, (1 << 14) / max(1, input.plane))
        ThreadPool.forEachChunk(of: planes, minimumChunk: minimumPlanes, pool: pool) { planeRange in
            for plane in planeRange {
                var outputIndex = plane * shape.outHeight * shape.outWidth
                for oh in 0..<shape.outHeight {
                    let top = oh * shape.stride - shape.padding
                    let rows = max(0, top)..<min(input.height, top + shape.kernelSize)
                    for ow in 0..<shape.outWidth {
                        let left = ow * shape.stride - shape.padding
                        let columns = max(0, left)..<min(input.width, left + shape.kernelSize)
                        body(plane * input.plane, outputIndex, rows, columns)
                        outputIndex += 1
                    }
                }
            }
        }
    }
}
