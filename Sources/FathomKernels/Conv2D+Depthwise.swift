/// Direct SIMD kernels for depthwise convolution (one filter per channel), forward and backward.
///
/// Each channel plane is first copied into a zero-bordered scratch plane, so that the inner loops
/// need no bounds checks; outputs are then computed 8 at a time along a row (`SIMD8<Float>`), with
/// the remainder of a row done one by one.
enum DepthwiseConv2D {
    /// Planes (image, channel pairs) handled per parallel task.
    private static func taskCount(planes: Int, pool: ThreadPool?) -> Int {
        min(planes, 4 * (pool?.threadCount ?? 1))
    }

    static func forward(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let planes = shape.batch * shape.inChannels
        forEachPlaneChunk(planes: planes, pool: pool) { planeRange, workspace in
            let padded = PaddedPlane(shape, workspace: workspace)
            for plane in planeRange {
                let channel = plane % shape.inChannels
                padded.load(input + plane * shape.inPlane)
                forwardPlane(
                    shape, padded: padded, filter: weights + channel * shape.kernelSize * shape.kernelSize,
                    bias: bias?[channel] ?? 0, output: output + plane * shape.outPlane)
            }
        }
    }

    /// `inputGradient` (overwritten) from `outputGradient`.
    static func backwardInput(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let planes = shape.batch * shape.inChannels
        forEachPlaneChunk(planes: planes, pool: pool) { planeRange, workspace in
            let padded = PaddedPlane(shape, workspace: workspace)
            for plane in planeRange {
                let channel = plane % shape.inChannels
                padded.clear()
                scatterPlane(
                    shape, outputGradient: outputGradient + plane * shape.outPlane,
                    filter: weights + channel * shape.kernelSize * shape.kernelSize, into: padded)
                padded.store(into: inputGradient + plane * shape.inPlane)
            }
        }
    }

    /// `weightGradient` and `biasGradient` (overwritten; the latter may be `nil`).
    static func backwardWeights(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?, pool: ThreadPool?
    ) {
        let taps = shape.kernelSize * shape.kernelSize
        forEachPlaneChunk(planes: shape.inChannels, pool: pool) { channels, workspace in
            let padded = PaddedPlane(shape, workspace: workspace)
            for channel in channels {
                let filterGradient = weightGradient + channel * taps
                filterGradient.update(repeating: 0, count: taps)
                var biasSum: Float = 0
                for image in 0..<shape.batch {
                    let plane = image * shape.inChannels + channel
                    padded.load(input + plane * shape.inPlane)
                    let gradient = outputGradient + plane * shape.outPlane
                    accumulateFilterGradient(shape, padded: padded, outputGradient: gradient, into: filterGradient)
                    for index in 0..<shape.outPlane { biasSum += gradient[index] }
                }
                biasGradient?[channel] = biasSum
            }
        }
    }

    /// Splits `0..<planes` into contiguous chunks run in parallel, each with its own workspace.
    private static func forEachPlaneChunk(
        planes: Int, pool: ThreadPool?, _ body: (Range<Int>, Workspace) -> Void
    ) {
        let tasks = taskCount(planes: planes, pool: pool)
        let run = { (task: Int) in
            ScratchCache.withWorkspace { body(planes * task / tasks..<planes * (task + 1) / tasks, $0) }
        }
        if let pool { pool.parallelFor(tasks, run) } else { (0..<tasks).forEach(run) }
    }

    private static func forwardPlane(
        _ shape: Conv2DShape, padded: PaddedPlane, filter: UnsafePointer<Float>, bias: Float,
        output: UnsafeMutablePointer<Float>
    ) {
        let k = shape.kernelSize, s = shape.stride, width = shape.outWidth
        for oh in 0..<shape.outHeight {
            let window = padded.base + oh * s * padded.rowStride
            let outputRow = output + oh * width
            var ow = 0
            while ow + 8 <= width {
                var sum = SIMD8<Float>(repeating: bias)
                for kh in 0..<k {
                    let row = window + kh * padded.rowStride + ow * s
                    for kw in 0..<k {
                        sum = sum.addingProduct(SIMD8(repeating: filter[kh * k + kw]), load8(row + kw, stride: s))
                    }
                }
                UnsafeMutableRawPointer(outputRow + ow).storeBytes(of: sum, as: SIMD8<Float>.self)
                ow += 8
            }
            while ow < width {
                var sum = bias
                for kh in 0..<k {
                    let row = window + kh * padded.rowStride + ow * s
                    for kw in 0..<k { sum += filter[kh * k + kw] * row[kw] }
                }
                outputRow[ow] = sum
                ow += 1
            }
        }
    }

    /// `padded += Σ filter[kh][kw] · outputGradient` placed at every window position.
    private static func scatterPlane(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, filter: UnsafePointer<Float>,
        into padded: PaddedPlane
    ) {
        let k = shape.kernelSize, s = shape.stride, width = shape.outWidth
        for oh in 0..<shape.outHeight {
            let gradientRow = outputGradient + oh * width
            for kh in 0..<k {
                let row = padded.base + (oh * s + kh) * padded.rowStride
                for kw in 0..<k {
                    let weight = filter[kh * k + kw]
                    let target = row + kw
                    var ow = 0
                    if s == 1 {
                        let weights = SIMD8<Float>(repeating: weight)
                        while ow + 8 <= width {
                            let raw = UnsafeMutableRawPointer(target + ow)
                            let updated = raw.loadUnaligned(as: SIMD8<Float>.self)
                                .addingProduct(weights, UnsafeRawPointer(gradientRow + ow).loadUnaligned(as: SIMD8<Float>.self))
                            raw.storeBytes(of: updated, as: SIMD8<Float>.self)
                            ow += 8
                        }
                    }
                    while ow < width {
                        target[ow * s] += weight * gradientRow[ow]
                        ow += 1
                    }
                }
            }
        }
    }

    /// `filterGradient[kh][kw] += Σ outputGradient[oh][ow] · padded[oh·s + kh][ow·s + kw]`.
    private static func accumulateFilterGradient(
        _ shape: Conv2DShape, padded: PaddedPlane, outputGradient: UnsafePointer<Float>,
        into filterGradient: UnsafeMutablePointer<Float>
    ) {
        let k = shape.kernelSize, s = shape.stride, width = shape.outWidth
        for kh in 0..<k {
            for kw in 0..<k {
                var vectorSum = SIMD8<Float>()
                var scalarSum: Float = 0
                for oh in 0..<shape.outHeight {
                    let row = padded.base + (oh * s + kh) * padded.rowStride + kw
                    let gradientRow = outputGradient + oh * width
                    var ow = 0
                    while ow + 8 <= width {
                        let gradient = UnsafeRawPointer(gradientRow + ow).loadUnaligned(as: SIMD8<Float>.self)
                        vectorSum = vectorSum.addingProduct(gradient, load8(row + ow * s, stride: s))
                        ow += 8
                    }
                    while ow < width {
                        scalarSum += gradientRow[ow] * row[ow * s]
                        ow += 1
                    }
                }
                filterGradient[kh * k + kw] += vectorSum.sum() + scalarSum
            }
        }
    }

    /// Eight values `pointer[0], pointer[stride], …, pointer[7·stride]`. Stride 2 reads 16 floats
    /// (one past the last needed), which the padded plane's row margin covers.
    @inline(__always)
    private static func load8(_ pointer: UnsafePointer<Float>, stride: Int) -> SIMD8<Float> {
        let raw = UnsafeRawPointer(pointer)
        switch stride {
        case 1: return raw.loadUnaligned(as: SIMD8<Float>.self)
        case 2: return raw.loadUnaligned(as: SIMD16<Float>.self).evenHalf
        default: return SIMD8((0..<8).lazy.map { pointer[$0 * stride] })
        }
    }
}

/// One channel plane with a zero border of `padding` on every side, plus a right margin so that
/// vector loads running past the last window stay inside the allocation.
struct PaddedPlane {
    let base: UnsafeMutablePointer<Float>
    let rowStride: Int
    let rows: Int
    private let shape: Conv2DShape

    init(_ shape: Conv2DShape, workspace: Workspace) {
        self.shape = shape
        rowStride = shape.inWidth + 2 * shape.padding + 16
        rows = shape.inHeight + 2 * shape.padding + 1
        base = workspace.allocate(rows * rowStride)
    }

    func clear() { base.update(repeating: 0, count: rows * rowStride) }

    /// Copies a plane into the interior, zeroing the border.
    func load(_ plane: UnsafePointer<Float>) {
        clear()
        for row in 0..<shape.inHeight {
            interior(row).update(from: plane + row * shape.inWidth, count: shape.inWidth)
        }
    }

    /// Copies the interior out to a plane (the border is dropped).
    func store(into plane: UnsafeMutablePointer<Float>) {
        for row in 0..<shape.inHeight {
            (plane + row * shape.inWidth).update(from: interior(row), count: shape.inWidth)
        }
    }

    private func interior(_ row: Int) -> UnsafeMutablePointer<Float> {
        base + (row + shape.padding) * rowStride + shape.padding
    }
}
