import FathomKernelsAVX512

/// Direct SIMD kernels for depthwise convolution (one filter per channel), forward and backward.
///
/// Each channel plane is first copied into a zero-bordered scratch plane (``PaddedPlane``), whose
/// columns are split by phase modulo the stride, so that the inputs of 8 neighbouring outputs are 8
/// contiguous floats at any stride and the inner loops need no bounds checks. Outputs are computed
/// 8 at a time along a row (`SIMD8<Float>`). Planes are spread over the pool.
enum DepthwiseConv2D {
    /// With AVX-512 (`isa`), planes whose rows have at least 8 outputs run `WideDepthwise` (16 outputs per vector; a
    /// row of 8 to 15 is one vector: on a 12×12 plane, 16 lanes per row where the AVX2 kernel spent two vectors of 8).
    static func forward(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool?, activation: Activation? = nil,
        isa: KernelISA = .current
    ) {
        let planes = shape.batch * shape.inChannels, k = shape.kernelSize
        let wide = isa == .avx512 && shape.outWidth >= WideDepthwise.minimumWidth
        forEachPlaneChunk(planes: planes, pool: pool) { planeRange, workspace in
            let padded = PaddedPlane(shape, workspace: workspace)
            withUnsafeTemporaryAllocation(of: Int.self, capacity: k * k) { taps in
            for kh in 0..<k {
                for kw in 0..<k { taps[kh * k + kw] = padded.window(row: kh, column: kw, stride: shape.stride) - padded.base }
            }
            for plane in planeRange {
                let channel = plane % shape.inChannels, filter = weights + channel * k * k, planeOutput = output + plane * shape.outPlane
                padded.load(input + plane * shape.inPlane)
                if wide {
                    WideDepthwise.plane(
                        kernel: k, outHeight: shape.outHeight, outWidth: shape.outWidth,
                        rowStep: padded.window(row: shape.stride, column: 0, stride: shape.stride) - padded.base, taps: taps.baseAddress!,
                        origin: padded.base, filter: filter, bias: bias?[channel] ?? 0, activation: activation?.wide, output: planeOutput)
                } else {
                    forwardPlane(shape, padded: padded, filter: filter, bias: bias?[channel] ?? 0, activation: activation, output: planeOutput)
                }
            }
            }
        }
    }

    /// `inputGradient` (overwritten) from `outputGradient`.
    ///
    /// At stride 1 (with `padding < kernelSize`), the input gradient is itself a depthwise
    /// convolution: the output gradient, padded by `kernelSize − 1 − padding`, correlated with the
    /// flipped filter, so it runs through the forward kernel. Other strides scatter each output's
    /// gradient over its window.
    static func backwardInput(
        _ shape: Conv2DShape, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let k = shape.kernelSize, taps = k * k
        let planes = shape.batch * shape.inChannels
        guard shape.stride == 1 && shape.padding < k else {
            forEachPlaneChunk(planes: planes, pool: pool) { planeRange, workspace in
                let padded = PaddedPlane(shape, workspace: workspace)
                let gradientRows = GradientRows(shape, workspace: workspace)
                for plane in planeRange {
                    padded.clear()
                    gradientRows.load(outputGradient + plane * shape.outPlane)
                    scatterPlane(
                        shape, gradientRows: gradientRows.base, rowStride: gradientRows.rowStride,
                        filter: weights + plane % shape.inChannels * taps, into: padded)
                    padded.store(into: inputGradient + plane * shape.inPlane)
                }
            }
            return
        }
        let transposed = Conv2DShape(
            batch: shape.batch, inChannels: shape.inChannels, inHeight: shape.outHeight, inWidth: shape.outWidth,
            outChannels: shape.inChannels, kernelSize: k, padding: k - 1 - shape.padding, groups: shape.inChannels)
        forEachPlaneChunk(planes: planes, pool: pool) { planeRange, workspace in
            let padded = PaddedPlane(transposed, workspace: workspace)
            let flipped = workspace.allocate(taps)
            for plane in planeRange {
                let filter = weights + plane % shape.inChannels * taps
                for tap in 0..<taps { flipped[tap] = filter[taps - 1 - tap] }
                padded.load(outputGradient + plane * shape.outPlane)
                forwardPlane(transposed, padded: padded, filter: flipped, bias: 0, output: inputGradient + plane * shape.inPlane)
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
            let gradientRows = GradientRows(shape, workspace: workspace)
            for channel in channels {
                let filterGradient = weightGradient + channel * taps
                filterGradient.update(repeating: 0, count: taps)
                var biasSum: Float = 0
                for image in 0..<shape.batch {
                    let plane = image * shape.inChannels + channel
                    padded.load(input + plane * shape.inPlane)
                    let gradient = outputGradient + plane * shape.outPlane
                    gradientRows.load(gradient)
                    accumulateFilterGradient(
                        shape, padded: padded, gradientRows: gradientRows.base, rowStride: gradientRows.rowStride,
                        into: filterGradient)
                    biasSum += VectorMath.sum(gradient, count: shape.outPlane)
                }
                biasGradient?[channel] = biasSum
            }
        }
    }

    /// Splits `0..<planes` into contiguous chunks (four per thread, for balance) run in parallel,
    /// each with its own workspace.
    private static func forEachPlaneChunk(
        planes: Int, pool: ThreadPool?, _ body: (Range<Int>, Workspace) -> Void
    ) {
        let tasks = min(planes, 4 * (pool?.threadCount ?? 1))
        let run = { (task: Int) in
            ScratchCache.withWorkspace { body(planes * task / tasks..<planes * (task + 1) / tasks, $0) }
        }
        if let pool { pool.parallelFor(tasks, run) } else { (0..<tasks).forEach(run) }
    }

    /// ``forwardPlane(_:k:s:padded:filter:bias:activation:output:)`` in a function of its own per common geometry
    /// (``DepthwiseGeometry``, specialized): one function holding all seven was too large for the compiler to inline the vector
    /// stores and activations into.
    private static func forwardPlane(
        _ shape: Conv2DShape, padded: PaddedPlane, filter: UnsafePointer<Float>, bias: Float,
        activation: Activation? = nil, output: UnsafeMutablePointer<Float>
    ) {
        @inline(__always) func run<G: DepthwiseGeometry>(_: G.Type) {
            forwardPlane(G.self, shape, padded: padded, filter: filter, bias: bias, activation: activation, output: output)
        }
        switch (shape.kernelSize, shape.stride) {
        case (3, 1): run(Kernel3Stride1.self)
        case (3, 2): run(Kernel3Stride2.self)
        case (5, 1): run(Kernel5Stride1.self)
        case (5, 2): run(Kernel5Stride2.self)
        case (7, 1): run(Kernel7Stride1.self)
        case (7, 2): run(Kernel7Stride2.self)
        case let (k, s): forwardPlane(shape, k: k, s: s, padded: padded, filter: filter, bias: bias, activation: activation, output: output)
        }
    }

    @inline(never)
    private static func forwardPlane<G: DepthwiseGeometry>(
        _: G.Type, _ shape: Conv2DShape, padded: PaddedPlane, filter: UnsafePointer<Float>, bias: Float, activation: Activation?,
        output: UnsafeMutablePointer<Float>
    ) {
        forwardPlane(shape, k: G.kernel, s: G.stride, padded: padded, filter: filter, bias: bias, activation: activation, output: output)
    }

    /// Calls `body(kernelSize, stride)` with literal arguments for the common geometries (k ∈ {3, 5,
    /// 7}, s ∈ {1, 2}), so that after inlining the window loops are fully unrolled.
    @inline(__always)
    private static func withConstantGeometry(_ shape: Conv2DShape, _ body: (Int, Int) -> Void) {
        switch (shape.kernelSize, shape.stride) {
        case (3, 1): body(3, 1)
        case (3, 2): body(3, 2)
        case (5, 1): body(5, 1)
        case (5, 2): body(5, 2)
        case (7, 1): body(7, 1)
        case (7, 2): body(7, 2)
        case let (k, s): body(k, s)
        }
    }

    /// One output plane, as vectors of 8 outputs along a row, four vectors at a time (each with two
    /// sums, for even and odd kernel rows: eight independent FMA chains hide the FMA latency). A row's
    /// last vector ends at the row's end when the row has 8 outputs or more (recomputing a few), else
    /// starts at the row's start with only the real outputs stored (the padded plane's margin keeps
    /// the extra reads inside it). A last group of fewer than four vectors repeats its last one.
    @inline(__always)
    private static func forwardPlane(
        _ shape: Conv2DShape, k: Int, s: Int, padded: PaddedPlane, filter: UnsafePointer<Float>, bias: Float,
        activation: Activation?, output: UnsafeMutablePointer<Float>
    ) {
        let width = shape.outWidth, vectorsPerRow = (width + 7) / 8, count = shape.outHeight * vectorsPerRow
        /// Output offset and padded-plane origin of vector `v` (clamped to the last one).
        @inline(__always) func vector(_ v: Int) -> (output: Int, input: UnsafePointer<Float>) {
            let (oh, column) = min(v, count - 1).quotientAndRemainder(dividingBy: vectorsPerRow)
            let ow = min(8 * column, max(0, width - 8))
            return (oh * width + ow, UnsafePointer(padded.window(row: oh * s, column: 0, stride: s)) + ow)
        }
        @inline(__always) func store(_ sums: SIMD8<Float>, at offset: Int) {
            let values = activation.map { $0.value(sums) } ?? sums
            if width >= 8 {
                UnsafeMutableRawPointer(output + offset).storeBytes(of: values, as: SIMD8<Float>.self)
            } else {
                for lane in 0..<width { output[offset + lane] = values[lane] }
            }
        }
        for first in stride(from: 0, to: count, by: 4) {
            let v0 = vector(first), v1 = vector(first + 1), v2 = vector(first + 2), v3 = vector(first + 3)
            let start = SIMD8<Float>(repeating: bias)
            var e0 = start, e1 = start, e2 = start, e3 = start
            var o0 = SIMD8<Float>(), o1 = SIMD8<Float>(), o2 = SIMD8<Float>(), o3 = SIMD8<Float>()
            for kh in 0..<k {
                for kw in 0..<k {
                    let w = SIMD8<Float>(repeating: filter[kh * k + kw])
                    let tap = padded.window(row: kh, column: kw, stride: s) - padded.base
                    if kh % 2 == 0 {
                        e0 = e0.addingProduct(w, load8(v0.input + tap)); e1 = e1.addingProduct(w, load8(v1.input + tap))
                        e2 = e2.addingProduct(w, load8(v2.input + tap)); e3 = e3.addingProduct(w, load8(v3.input + tap))
                    } else {
                        o0 = o0.addingProduct(w, load8(v0.input + tap)); o1 = o1.addingProduct(w, load8(v1.input + tap))
                        o2 = o2.addingProduct(w, load8(v2.input + tap)); o3 = o3.addingProduct(w, load8(v3.input + tap))
                    }
                }
            }
            store(e0 + o0, at: v0.output); store(e1 + o1, at: v1.output)
            store(e2 + o2, at: v2.output); store(e3 + o3, at: v3.output)
        }
    }

    /// `padded += Σ filter[kh][kw] · gradient` placed at every window position, with the gradient's
    /// rows `rowStride` apart and zero-padded to whole vectors (adding their zeros past a row's end
    /// lands in the padded plane's margin). Taps are the outer loops, so that consecutive vector
    /// updates never overlap (overlapping read-modify-writes would stall on store forwarding).
    private static func scatterPlane(
        _ shape: Conv2DShape, gradientRows: UnsafePointer<Float>, rowStride: Int, filter: UnsafePointer<Float>,
        into padded: PaddedPlane
    ) {
        withConstantGeometry(shape) { k, s in
            for kh in 0..<k {
                for kw in 0..<k {
                    let weight = SIMD8<Float>(repeating: filter[kh * k + kw])
                    for oh in 0..<shape.outHeight {
                        let target = padded.window(row: oh * s + kh, column: kw, stride: s)
                        let gradients = gradientRows + oh * rowStride
                        for ow in stride(from: 0, to: rowStride, by: 8) {
                            let raw = UnsafeMutableRawPointer(target + ow)
                            let updated = raw.loadUnaligned(as: SIMD8<Float>.self).addingProduct(weight, load8(gradients + ow))
                            raw.storeBytes(of: updated, as: SIMD8<Float>.self)
                        }
                    }
                }
            }
        }
    }

    /// `filterGradient[kh][kw] += Σ gradient[oh][ow] · padded[oh·s + kh][ow·s + kw]`, with the
    /// gradient's rows `rowStride` apart and zero-padded to whole vectors (the padded plane's margin
    /// keeps the matching reads past a row inside it).
    private static func accumulateFilterGradient(
        _ shape: Conv2DShape, padded: PaddedPlane, gradientRows: UnsafePointer<Float>, rowStride: Int,
        into filterGradient: UnsafeMutablePointer<Float>
    ) {
        withConstantGeometry(shape) { k, s in
            for kh in 0..<k {
                for kw in 0..<k {
                    @inline(__always)
                    func addRow(_ oh: Int, into sum: inout SIMD8<Float>) {
                        let inputs = padded.window(row: oh * s + kh, column: kw, stride: s)
                        let gradients = gradientRows + oh * rowStride
                        for ow in stride(from: 0, to: rowStride, by: 8) {
                            sum = sum.addingProduct(load8(gradients + ow), load8(inputs + ow))
                        }
                    }
                    // Even and odd output rows add into separate sums: two FMA chains instead of one.
                    var even = SIMD8<Float>(), odd = SIMD8<Float>()
                    for oh in stride(from: 0, to: shape.outHeight - 1, by: 2) {
                        addRow(oh, into: &even)
                        addRow(oh + 1, into: &odd)
                    }
                    if shape.outHeight % 2 == 1 { addRow(shape.outHeight - 1, into: &even) }
                    filterGradient[kh * k + kw] += (even + odd).sum()
                }
            }
        }
    }

    @inline(__always)
    private static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}

/// One channel plane with a zero border of `padding` on every side, its columns stored by phase:
/// padded column `c` lives in phase `c % stride` at position `c / stride`, so that the inputs of
/// consecutive outputs (columns `ow·stride + kw`) are consecutive floats. Each phase has a right
/// margin so that 16-wide loads past the last window stay inside the allocation.
struct PaddedPlane {
    let base: UnsafeMutablePointer<Float>
    private let rowStride: Int
    private let phaseWidth: Int
    private let shape: Conv2DShape
    /// `padding` divided by the stride, kept so that copying rows needs no division.
    private let paddingQuotient: Int, paddingRemainder: Int

    init(_ shape: Conv2DShape, workspace: Workspace) {
        self.shape = shape
        let paddedWidth = shape.inWidth + 2 * shape.padding
        phaseWidth = (paddedWidth + shape.stride - 1) / shape.stride + 16
        rowStride = phaseWidth * shape.stride
        (paddingQuotient, paddingRemainder) = shape.padding.quotientAndRemainder(dividingBy: shape.stride)
        base = workspace.allocate((shape.inHeight + 2 * shape.padding) * rowStride)
    }

    private var rowCount: Int { shape.inHeight + 2 * shape.padding }

    /// The input under output column 0 for window offset (`row`, `column`): the input under output
    /// column `ow` is `ow` floats further.
    @inline(__always)
    func window(row: Int, column: Int, stride: Int) -> UnsafeMutablePointer<Float> {
        base + row * rowStride + (column % stride) * phaseWidth + column / stride
    }

    func clear() { base.update(repeating: 0, count: rowCount * rowStride) }

    /// Copies a plane into the interior, zeroing the border.
    func load(_ plane: UnsafePointer<Float>) {
        clear()
        for row in 0..<shape.inHeight {
            switch shape.stride {
            case 1: interiorRow(row).update(from: plane + row * shape.inWidth, count: shape.inWidth)
            case 2: loadStride2Row(plane + row * shape.inWidth, row: row)
            default: forEachPhase(ofRow: row) { padded, source in padded.pointee = plane[source] }
            }
        }
    }

    /// Splits one input row into the two phases of a stride-2 plane, 16 columns at a time.
    private func loadStride2Row(_ source: UnsafePointer<Float>, row: Int) {
        let p = shape.padding, paddedRow = base + (row + p) * rowStride
        // Input column c goes to phase (c + p) % 2, position (c + p) / 2.
        let evenColumns = paddedRow + (p % 2) * phaseWidth + p / 2
        let oddColumns = paddedRow + (1 - p % 2) * phaseWidth + (p + 1) / 2
        var column = 0
        while column + 16 <= shape.inWidth {
            let values = UnsafeRawPointer(source + column).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(evenColumns + column / 2).storeBytes(of: values.evenHalf, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(oddColumns + column / 2).storeBytes(of: values.oddHalf, as: SIMD8<Float>.self)
            column += 16
        }
        while column < shape.inWidth {
            (column % 2 == 0 ? evenColumns : oddColumns)[column / 2] = source[column]
            column += 1
        }
    }

    /// Copies the interior out to a plane (the border is dropped).
    func store(into plane: UnsafeMutablePointer<Float>) {
        for row in 0..<shape.inHeight {
            if shape.stride == 1 {
                (plane + row * shape.inWidth).update(from: interiorRow(row), count: shape.inWidth)
            } else {
                forEachPhase(ofRow: row) { padded, destination in plane[destination] = padded.pointee }
            }
        }
    }

    /// Input row `row` in a stride-1 plane (one phase).
    private func interiorRow(_ row: Int) -> UnsafeMutablePointer<Float> {
        base + (row + shape.padding) * rowStride + shape.padding
    }

    /// Calls `body(paddedElement, planeIndex)` for every element of input row `row`, phase by
    /// phase, so that the padded side advances one float at a time.
    @inline(__always)
    private func forEachPhase(ofRow row: Int, _ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        let s = shape.stride, rowStart = row * shape.inWidth, rowEnd = rowStart + shape.inWidth
        let paddedRow = base + (row + shape.padding) * rowStride
        for phase in 0..<s {
            // The first input column whose padded column (column + padding) lies in this phase, and
            // that padded column's position in the phase.
            let wraps = phase < paddingRemainder
            var source = rowStart + phase - paddingRemainder + (wraps ? s : 0)
            var padded = paddedRow + phase * phaseWidth + paddingQuotient + (wraps ? 1 : 0)
            while source < rowEnd {
                body(padded, source)
                padded += 1
                source += s
            }
        }
    }
}

/// One output-gradient plane with its rows zero-padded to a whole number of 8-float vectors, so
/// that the backward loops run on whole vectors only.
struct GradientRows {
    let base: UnsafeMutablePointer<Float>
    let rowStride: Int
    private let shape: Conv2DShape

    init(_ shape: Conv2DShape, workspace: Workspace) {
        self.shape = shape
        rowStride = (shape.outWidth + 7) / 8 * 8
        base = workspace.allocate(shape.outHeight * rowStride)
        base.update(repeating: 0, count: shape.outHeight * rowStride)
    }

    /// Copies a plane in (the padding lanes stay zero).
    func load(_ plane: UnsafePointer<Float>) {
        for row in 0..<shape.outHeight {
            (base + row * rowStride).update(from: plane + row * shape.outWidth, count: shape.outWidth)
        }
    }
}

/// A kernel size and stride known at compile time, for a depthwise plane function of its own.
protocol DepthwiseGeometry {
    static var kernel: Int { get }
    static var stride: Int { get }
}

enum Kernel3Stride1: DepthwiseGeometry { static var kernel: Int { 3 }; static var stride: Int { 1 } }
enum Kernel3Stride2: DepthwiseGeometry { static var kernel: Int { 3 }; static var stride: Int { 2 } }
enum Kernel5Stride1: DepthwiseGeometry { static var kernel: Int { 5 }; static var stride: Int { 1 } }
enum Kernel5Stride2: DepthwiseGeometry { static var kernel: Int { 5 }; static var stride: Int { 2 } }
enum Kernel7Stride1: DepthwiseGeometry { static var kernel: Int { 7 }; static var stride: Int { 1 } }
enum Kernel7Stride2: DepthwiseGeometry { static var kernel: Int { 7 }; static var stride: Int { 2 } }
