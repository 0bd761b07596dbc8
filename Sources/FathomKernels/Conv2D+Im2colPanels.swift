/// Packs micro-panels of one image group's im2col matrix straight from the input, in the layout the
/// micro-kernel reads for B (`patchSize` rows of `width` floats: 16 for AVX2's tile, 32 for
/// AVX-512's), so that a convolution never writes the whole im2col matrix: each panel is built just
/// before the micro-kernel uses it.
///
/// Panel columns are output pixels `q = oh·outWidth + ow`. The 16 pixels of a panel fall into a few
/// runs, each within one output row (a pointwise convolution's panel is one run: its pixels are
/// consecutive input floats). At stride 1, a run's inputs for one window offset are consecutive, so a
/// row of the panel is one vector copy (lanes that fall in the left or right padding are zeroed
/// after it); at stride 2, the even lanes of a copy twice as long; other strides, and runs of other
/// lengths, are gathered element by element.
struct Im2colPanels {
    let shape: Conv2DShape
    /// The group's first input plane; the group's planes are `inPlane` apart.
    let image: UnsafePointer<Float>
    /// Floats per panel row (pixels per panel).
    let width: Int

    /// One run of panel lanes whose pixels share an output row.
    private struct Run {
        var lane: Int
        var outRow: Int
        var outColumn: Int
        var count: Int
    }

    /// Writes panel `columns` (at most `width` pixels; lanes past them are zero) into `panel`,
    /// `patchSize · width` floats.
    func pack(columns: Range<Int>, into panel: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Run.self, capacity: width) { runs in
            var runCount = 0
            if shape.isPointwise {
                runs[0] = Run(lane: 0, outRow: 0, outColumn: columns.lowerBound, count: columns.count)
                runCount = 1
            } else {
                var q = columns.lowerBound
                while q < columns.upperBound {
                    let (oh, ow) = q.quotientAndRemainder(dividingBy: shape.outWidth)
                    let count = min(columns.upperBound - q, shape.outWidth - ow)
                    runs[runCount] = Run(lane: q - columns.lowerBound, outRow: oh, outColumn: ow, count: count)
                    runCount += 1
                    q += count
                }
            }
            packRows(runs: UnsafeBufferPointer(rebasing: runs[0..<runCount]), valid: columns.count, into: panel)
        }
    }

    /// Fills the panel run by run: a run's window columns and real lanes depend only on `kw`, so
    /// they are computed once per run; the inner loop copies one run of one panel row.
    private func packRows(runs: UnsafeBufferPointer<Run>, valid: Int, into panel: UnsafeMutablePointer<Float>) {
        let k = shape.kernelSize, s = shape.stride, p = shape.padding, width = shape.inWidth, nr = self.width
        let end = image + shape.inChannelsPerGroup * shape.inPlane
        if valid < nr { panel.update(repeating: 0, count: shape.patchSize * nr) }
        withUnsafeTemporaryAllocation(of: (first: Int, lanes: Range<Int>).self, capacity: k) { columns in
            for run in runs {
                for kw in 0..<k {
                    let first = run.outColumn * s + kw - p
                    columns[kw] = (first, validLanes(first: first, stride: s, count: run.count, width: width))
                }
                for kh in 0..<k {
                    let ih = run.outRow * s + kh - p
                    let inside = ih >= 0 && ih < shape.inHeight
                    for channel in 0..<shape.inChannelsPerGroup {
                        let rows = panel + (channel * k + kh) * k * nr + run.lane
                        let inputRow = image + channel * shape.inPlane + ih * width
                        for kw in 0..<k {
                            let destination = rows + kw * nr
                            guard inside else {
                                destination.update(repeating: 0, count: run.count)
                                continue
                            }
                            let (first, lanes) = columns[kw]
                            let source = inputRow + first
                            if (s == 1 || s == 2) && source >= image && source + s * run.count <= end
                                && Self.copyVector(source, stride: s, lanes: lanes, count: run.count, to: destination) {
                                continue
                            }
                            for j in 0..<lanes.lowerBound { destination[j] = 0 }
                            for j in lanes { destination[j] = source[j * s] }
                            for j in lanes.upperBound..<run.count { destination[j] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// The lanes `j < count` whose input column `first + j·stride` lies in `0..<width` (a pointwise
    /// run may span rows: all its lanes are real).
    @inline(__always)
    private func validLanes(first: Int, stride: Int, count: Int, width: Int) -> Range<Int> {
        guard !shape.isPointwise else { return 0..<count }
        let low = first >= 0 ? 0 : (-first + stride - 1) / stride
        let high = first >= width ? 0 : (width - first + stride - 1) / stride
        return min(low, count)..<max(min(low, count), min(high, count))
    }

    /// Copies a run of 8, 16 or 32 lanes at stride 1 or 2 as vectors (stride 2 keeps the even lanes of twice as many
    /// consecutive floats), then zeroes the few lanes outside `lanes` (window columns in the padding); returns false
    /// for other lengths (the caller copies element by element).
    @inline(__always)
    private static func copyVector(
        _ source: UnsafePointer<Float>, stride: Int, lanes: Range<Int>, count: Int, to destination: UnsafeMutablePointer<Float>
    ) -> Bool {
        let raw = UnsafeMutableRawPointer(destination), input = UnsafeRawPointer(source)
        switch (count, stride) {
        case (8, 1): raw.storeBytes(of: input.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        case (16, 1), (32, 1):
            for j in Swift.stride(from: 0, to: count, by: 16) {
                raw.storeBytes(of: input.loadUnaligned(fromByteOffset: 4 * j, as: SIMD16<Float>.self), toByteOffset: 4 * j, as: SIMD16<Float>.self)
            }
        case (8, 2), (16, 2), (32, 2):
            for j in Swift.stride(from: 0, to: count, by: 8) {
                raw.storeBytes(of: input.loadUnaligned(fromByteOffset: 8 * j, as: SIMD16<Float>.self).evenHalf, toByteOffset: 4 * j,
                               as: SIMD8<Float>.self)
            }
        default: return false
        }
        for j in 0..<lanes.lowerBound { destination[j] = 0 }
        for j in lanes.upperBound..<count { destination[j] = 0 }
        return true
    }
}
