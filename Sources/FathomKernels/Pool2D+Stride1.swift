/// Windowed pooling forward at stride 1 (NAS-Bench-201's 3×3 average pooling), one plane at a time: the plane is
/// copied into a buffer bordered with the reduction's identity (0 for sums, −∞ for maxima), and each vector of 8
/// outputs combines the `k²` shifted vectors of that buffer in one pass, with no per-row calls. Averages divide by
/// the number of real inputs of each window (`count_include_pad=False`) as one scale per row times one per column.
///
/// Measured with `fathom measure --per-layer` on NAS-Bench-201 (16 planes of 32×32, one thread): 7.6 µs per 3×3
/// average pool, against 8.8 µs for the separable row-by-row pass (``PoolingRows``), whose per-row calls dominate on
/// such small planes; and planes are spread over the pool from 2 048 elements on, where the row pass needed 16 384.
/// 3×3 windows then went down the plane in strips (``reduceColumns(_:rowScales:columnScales:into:_:)``).
struct Stride1Pooling {
    let shape: Pool2DShape
    let reduction: PoolingRows.Reduction
    /// Whether results are added to the output instead of replacing it.
    let accumulates: Bool

    /// The padded buffer's row length: the input row, `padding` identity values on each side, and room for the last
    /// vector's loads.
    private var rowStride: Int { shape.input.width + 2 * shape.padding + 8 }
    private var paddedRows: Int { shape.input.height + 2 * shape.padding }

    /// `output = pool(input)` over every plane, planes spread over `pool`.
    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let planes = shape.input.batch * shape.input.channels
        ThreadPool.forEachChunk(of: planes, minimumChunk: max(1, 2048 / shape.input.plane), pool: pool) { planeRange in
            ScratchCache.withWorkspace { workspace in
                let padded = workspace.allocate(paddedRows * rowStride + 8)
                padded.update(repeating: reduction == .average ? 0 : -.infinity, count: paddedRows * rowStride + 8)
                let rowScales = workspace.allocate(shape.outHeight), columnScales = workspace.allocate(shape.outWidth + 8)
                fillScales(rows: rowScales, columns: columnScales)
                for plane in planeRange {
                    copy(input + plane * shape.input.plane, into: padded)
                    let out = output + plane * shape.output.plane
                    switch (reduction, shape.kernelSize) {
                    case (.average, 3): averageColumns(padded, rowScales: rowScales, columnScales: columnScales, into: out)
                    case (.average, _): average(padded, rowScales: rowScales, columnScales: columnScales, into: out)
                    case (.maximum, 3): maximumColumns(padded, into: out)
                    case (.maximum, _): maximum(padded, into: out)
                    }
                }
            }
        }
    }

    // One function per reduction and path, so that each stays small enough for the compiler to inline its vector loads
    // and stores (in one function holding all four they were calls: 7% of a pool-heavy network's time).
    @inline(never)
    private func averageColumns(_ padded: UnsafePointer<Float>, rowScales: UnsafePointer<Float>, columnScales: UnsafePointer<Float>,
                                into output: UnsafeMutablePointer<Float>) {
        reduceColumns(padded, rowScales: rowScales, columnScales: columnScales, into: output, +)
    }

    @inline(never)
    private func average(_ padded: UnsafePointer<Float>, rowScales: UnsafePointer<Float>, columnScales: UnsafePointer<Float>,
                         into output: UnsafeMutablePointer<Float>) {
        reduce(padded, kernel: shape.kernelSize, rowScales: rowScales, columnScales: columnScales, into: output, +)
    }

    @inline(never)
    private func maximumColumns(_ padded: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        reduceColumns(padded, rowScales: nil, columnScales: nil, into: output) { $0.replacing(with: $1, where: $1 .> $0) }
    }

    @inline(never)
    private func maximum(_ padded: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        reduce(padded, kernel: shape.kernelSize, rowScales: nil, columnScales: nil, into: output) { $0.replacing(with: $1, where: $1 .> $0) }
    }

    /// `1 / (real rows of window oh)` and `1 / (real columns of window ow)` for averages, 1 for maxima; the column
    /// lanes past `outWidth` are 1.
    private func fillScales(rows: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>) {
        for oh in 0..<shape.outHeight { rows[oh] = reduction == .average ? 1 / Float(shape.windowExtent(oh, size: shape.input.height)) : 1 }
        columns.update(repeating: 1, count: shape.outWidth + 8)
        for ow in 0..<shape.outWidth where reduction == .average { columns[ow] = 1 / Float(shape.windowExtent(ow, size: shape.input.width)) }
    }

    /// Copies one plane into the padded buffer's interior (the border keeps the identity).
    private func copy(_ plane: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let width = shape.input.width, p = shape.padding
        for y in 0..<shape.input.height {
            VectorMath.copy(plane + y * width, to: padded + (y + p) * rowStride + p, count: width)
        }
    }

    /// ``reduce(_:kernel:rowScales:columnScales:into:_:)`` for 3×3 windows, a strip of 8 output columns at a time down
    /// the plane: each padded row's 3-wide combination is computed once and kept for the three windows that use it, so
    /// that an output vector costs 3 loads and 4 combines instead of 9 and 8. Measured on a NAS-Bench-201 network of
    /// three 3×3 average pools per cell (`fathom bench infer`, best of 3, AVX-512 Xeon, 2 threads): batch 32 12.2 →
    /// 10.3 ms, batch 1 0.73 → 0.67 ms; what is left of the pooling is mostly the copy, which reads the input.
    @inline(__always)
    private func reduceColumns(
        _ padded: UnsafePointer<Float>, rowScales: UnsafePointer<Float>?, columnScales: UnsafePointer<Float>?,
        into output: UnsafeMutablePointer<Float>, _ combine: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
    ) {
        let outWidth = shape.outWidth, stride = rowStride
        @inline(__always) func row(_ p: UnsafePointer<Float>) -> SIMD8<Float> { windowRow(p, kernel: 3, combine) }
        var ow = 0
        while ow < outWidth {
            var above = row(padded + ow), middle = row(padded + stride + ow)
            let scales = columnScales.map { UnsafeRawPointer($0 + ow).loadUnaligned(as: SIMD8<Float>.self) }
            for oh in 0..<shape.outHeight {
                let below = row(padded + (oh + 2) * stride + ow)
                var value = combine(combine(above, middle), below)
                if let rowScales, let scales { value *= SIMD8<Float>(repeating: rowScales[oh]) * scales }
                let outputRow = output + oh * outWidth
                store(value, to: outputRow + ow, count: min(8, outWidth - ow))
                (above, middle) = (middle, below)
            }
            ow += 8
        }
    }

    /// Stores (or, accumulating, adds) the first `count` lanes of `value` at `target`.
    @inline(__always)
    private func store(_ value: SIMD8<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        if count == 8 {
            let sum = accumulates ? UnsafeRawPointer(target).loadUnaligned(as: SIMD8<Float>.self) + value : value
            UnsafeMutableRawPointer(target).storeBytes(of: sum, as: SIMD8<Float>.self)
        } else {
            for lane in 0..<count { target[lane] = accumulates ? target[lane] + value[lane] : value[lane] }
        }
    }

    /// `combine` folded over the `kernel` vectors of 8 from `p`, one column apart: one row of 8 adjacent windows.
    @inline(__always)
    private func windowRow(_ p: UnsafePointer<Float>, kernel: Int, _ combine: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) -> SIMD8<Float> {
        // `column` is the stride (1): a literal 1 lets LLVM rebuild the overlapping loads from one load and shuffles,
        // measured 1.5× slower than plain unaligned loads.
        let column = shape.stride
        var value = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        for kx in 1..<kernel { value = combine(value, UnsafeRawPointer(p + kx * column).loadUnaligned(as: SIMD8<Float>.self)) }
        return value
    }

    /// One plane's outputs from the padded buffer for any window size, `combine` folding each row of a window and then
    /// the rows (a dependency chain of `2(k − 1)` steps rather than `k² − 1`); averages are scaled by
    /// `rowScales × columnScales`.
    @inline(__always)
    private func reduce(
        _ padded: UnsafePointer<Float>, kernel: Int, rowScales: UnsafePointer<Float>?, columnScales: UnsafePointer<Float>?,
        into output: UnsafeMutablePointer<Float>, _ combine: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
    ) {
        let outWidth = shape.outWidth, stride = rowStride
        @inline(__always) func row(_ p: UnsafePointer<Float>) -> SIMD8<Float> { windowRow(p, kernel: kernel, combine) }
        for oh in 0..<shape.outHeight {
            let top = padded + oh * stride, outputRow = output + oh * outWidth
            var ow = 0
            while ow < outWidth {
                var value = row(top + ow)
                for ky in 1..<kernel { value = combine(value, row(top + ky * stride + ow)) }
                if let rowScales, let columnScales {
                    value *= SIMD8<Float>(repeating: rowScales[oh]) * UnsafeRawPointer(columnScales + ow).loadUnaligned(as: SIMD8<Float>.self)
                }
                store(value, to: outputRow + ow, count: min(8, outWidth - ow))
                ow += 8
            }
        }
    }
}
