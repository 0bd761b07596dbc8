/// Lowering of convolution windows to matrix columns and back.
///
/// `im2col` writes, for one image and one group of `channels` input planes, the matrix
/// `col[(c·k + kh)·k + kw][oh·outWidth + ow] = input[c][oh·s + kh − p][ow·s + kw − p]` (0 outside
/// the image), so that the convolution is `weights[group] · col`. `col2im` is its adjoint: it adds
/// every column entry back onto the input position it came from.
enum Im2col {
    static func im2col(
        _ shape: Conv2DShape, image: UnsafePointer<Float>, channels: Int, into col: UnsafeMutablePointer<Float>
    ) {
        // Rows are short (an output row): plain loops beat memcpy/memset calls here.
        forEachWindowRow(shape, channels: channels) { source, destination, valid in
            let row = col + destination
            for ow in 0..<valid.lowerBound { row[ow] = 0 }
            let inputs = image + source, outputs = row + valid.lowerBound
            if shape.stride == 1 {
                for offset in 0..<valid.count { outputs[offset] = inputs[offset] }
            } else {
                for offset in 0..<valid.count { outputs[offset] = inputs[offset * shape.stride] }
            }
            for ow in valid.upperBound..<shape.outWidth { row[ow] = 0 }
        } outsideImage: { destination in
            for ow in 0..<shape.outWidth { col[destination + ow] = 0 }
        }
    }

    /// `image += col2im(col)`: the adjoint of ``im2col(_:image:channels:into:)``.
    static func col2imAdding(
        _ shape: Conv2DShape, col: UnsafePointer<Float>, channels: Int, into image: UnsafeMutablePointer<Float>
    ) {
        forEachWindowRow(shape, channels: channels) { source, destination, valid in
            let inputs = image + source, outputs = col + destination + valid.lowerBound
            for offset in 0..<valid.count { inputs[offset * shape.stride] += outputs[offset] }
        } outsideImage: { _ in }
    }

    /// Visits every row of output positions for every (channel, kh, kw) window offset: `inside`
    /// gets the image offset of the first valid input, the col offset of the row, and the range of
    /// `ow` whose input lies inside the image; `outsideImage` gets rows whose input row is padding.
    @inline(__always)
    private static func forEachWindowRow(
        _ shape: Conv2DShape, channels: Int,
        inside: (_ source: Int, _ destination: Int, _ valid: Range<Int>) -> Void,
        outsideImage: (_ destination: Int) -> Void
    ) {
        let k = shape.kernelSize, s = shape.stride, p = shape.padding
        var destination = 0
        for c in 0..<channels {
            for kh in 0..<k {
                for kw in 0..<k {
                    // Output columns whose input column ow·s + kw − p lies in [0, inWidth).
                    let first = min(shape.outWidth, max(0, ceilingDivision(p - kw, s)))
                    let end = max(first, min(shape.outWidth, floorDivision(shape.inWidth - 1 + p - kw, s) + 1))
                    for oh in 0..<shape.outHeight {
                        let ih = oh * s + kh - p
                        if ih < 0 || ih >= shape.inHeight {
                            outsideImage(destination)
                        } else {
                            let source = (c * shape.inHeight + ih) * shape.inWidth + first * s + kw - p
                            inside(source, destination, first..<end)
                        }
                        destination += shape.outWidth
                    }
                }
            }
        }
    }

    private static func floorDivision(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func ceilingDivision(_ a: Int, _ b: Int) -> Int { -floorDivision(-a, b) }
}
