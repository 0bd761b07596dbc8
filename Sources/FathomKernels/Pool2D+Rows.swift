/// Windowed pooling forward at strides above 1, computed separably: for each output row, the window's
/// input rows are first reduced into one padded row (vertical pass), then each output reduces
/// `kernelSize` neighbours of that row (horizontal pass). Stride 1 has ``Stride1Pooling``.
///
/// Windows are clipped to the image as ``Pool2D`` documents: the padded row's border holds the
/// reduction's identity (0 for sums, −∞ for maxima), so padding never counts, and averages divide by
/// the number of real inputs (`count_include_pad=False`) through a reciprocal per output column.
/// - Complexity: O(planes · (outHeight · kernelSize · width + outHeight · outWidth · kernelSize)).
struct PoolingRows {
    /// The reduction a pooling window applies.
    enum Reduction {
        case average, maximum
    }

    let shape: Pool2DShape
    let reduction: Reduction

    /// `output = pool(input)` over every plane, planes spread over `pool`.
    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let planes = shape.input.batch * shape.input.channels
        let minimumPlanes = max(1, (1 << 14) / max(1, shape.input.plane))
        ThreadPool.forEachChunk(of: planes, minimumChunk: minimumPlanes, pool: pool) { planeRange in
            ScratchCache.withWorkspace { workspace in
                let row = workspace.allocate(paddedWidth)
                row.update(repeating: identity, count: paddedWidth)  // the border; the interior is rewritten per row
                let columnScales = workspace.allocate(shape.outWidth + 8)
                fillColumnScales(columnScales)
                for plane in planeRange {
                    forwardPlane(input + plane * shape.input.plane, output + plane * shape.output.plane,
                                 row: row, columnScales: columnScales)
                }
            }
        }
    }

    /// The padded row's length: the input row, `padding` identity values on each side, and a margin
    /// so that the last output vector's loads stay inside it.
    private var paddedWidth: Int { shape.input.width + 2 * shape.padding + shape.kernelSize + 8 }

    private var identity: Float { reduction == .average ? 0 : -.infinity }

    /// `1 / (real columns of window ow)` for averages, 1 for maxima; lanes past `outWidth` are 1.
    private func fillColumnScales(_ scales: UnsafeMutablePointer<Float>) {
        scales.update(repeating: 1, count: shape.outWidth + 8)
        guard reduction == .average else { return }
        for ow in 0..<shape.outWidth { scales[ow] = 1 / Float(shape.windowExtent(ow, size: shape.input.width)) }
    }

    private func forwardPlane(
        _ plane: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        row: UnsafeMutablePointer<Float>, columnScales: UnsafePointer<Float>
    ) {
        let width = shape.input.width, p = shape.padding
        for oh in 0..<shape.outHeight {
            let top = oh * shape.stride - p
            let rows = max(0, top)..<min(shape.input.height, top + shape.kernelSize)
            reduceRows(plane, rows: rows, into: row + p, width: width)
            let rowScale = reduction == .average ? 1 / Float(rows.count) : 1
            let outputRow = output + oh * shape.outWidth
            var first = 0
            if shape.kernelSize == 2 && shape.stride == 2 {
                // A 2×2 window at stride 2 (NAS-Bench-201's reduction shortcut): the two neighbours of 8 outputs are the
                // even and odd lanes of 16 consecutive values.
                while first + 8 <= shape.outWidth {
                    let pairs = UnsafeRawPointer(row + 2 * first).loadUnaligned(as: SIMD16<Float>.self)
                    let value = combine(pairs.evenHalf, pairs.oddHalf) * load8(columnScales + first) * rowScale
                    UnsafeMutableRawPointer(outputRow + first).storeBytes(of: value, as: SIMD8<Float>.self)
                    first += 8
                }
            }
            for ow in first..<shape.outWidth {
                let window = row + ow * shape.stride
                var value = window[0]
                for kw in 1..<shape.kernelSize { value = combine(value, window[kw]) }
                outputRow[ow] = value * columnScales[ow] * rowScale
            }
        }
    }

    /// `destination[w] = reduce over rows of plane[row][w]` for `w < width`.
    private func reduceRows(_ plane: UnsafePointer<Float>, rows: Range<Int>, into destination: UnsafeMutablePointer<Float>, width: Int) {
        let top = plane + rows.lowerBound * width, count = rows.count
        var w = 0
        while w + 8 <= width {
            var value = load8(top + w)
            for r in 1..<count { value = combine(value, load8(top + r * width + w)) }
            UnsafeMutableRawPointer(destination + w).storeBytes(of: value, as: SIMD8<Float>.self)
            w += 8
        }
        while w < width {
            var value = top[w]
            for r in 1..<count { value = combine(value, top[r * width + w]) }
            destination[w] = value
            w += 1
        }
    }

    @inline(__always)
    private func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        reduction == .average ? a + b : a.replacing(with: b, where: b .> a)
    }

    @inline(__always)
    private func combine(_ a: Float, _ b: Float) -> Float {
        reduction == .average ? a + b : (b > a ? b : a)
    }

    @inline(__always)
    private func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}
