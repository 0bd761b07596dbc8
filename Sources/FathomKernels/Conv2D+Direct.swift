import FathomKernelsAVX512

/// Direct stride-1 convolution on NCHW planes, with no im2col and no packing: the kernel ONNX Runtime's MLAS gets
/// from NCHWc, kept in NCHW.
///
/// Each band of output rows copies the input rows it reads once, zero-padded, and every vector of the micro-tile is a
/// run of consecutive outputs, so that no padding column is computed and every whole vector is stored in place:
/// - where output rows are a multiple of the vector wide (16 with AVX-512, 8 with AVX2), into padded planes
///   (`Wp = W + 2·padding` wide): a vector is a row's outputs `x … x + 15` and reads, for tap `(ky, kx)`, padded row
///   `y + ky` from column `x + kx` (``DirectConvGeometry/rowAligned``);
/// - otherwise into `k` column-shifted copies, copy `kx` holding each padded row's `Wo` columns from `kx` on: output
///   `q = y·Wo + x` then reads element `q + ky·Wo` of copy `kx`, so consecutive outputs read consecutive inputs
///   across row ends as well (``DirectConvGeometry/shiftedCopies``), at the price of `k` copies instead of one;
/// - a pointwise convolution reads its input in place, where flat positions are output positions too.
/// (Before, every shape ran on one padded plane at flat positions `y·Wp + x`, computing and dropping the `2·padding`
/// columns of each row and scattering the vectors that crossed a row end: 20% of the work on 8×8 planes.)
///
/// The micro-tile is 4 output channels × 24 positions (three `SIMD8` vectors) with AVX2: 12 accumulators; each
/// (channel, tap) step loads 3 input vectors, broadcasts 4 weights read in place, and issues 12 FMAs. With AVX-512 it
/// is 8 channels × 48 positions (`WideDirectConv`, three `SIMD16` vectors, 24 accumulators), which doubles the work per
/// step. The bias and the activation are applied before the tile is stored.
enum DirectConv2D {
    /// Output channels and flat positions of one tile with the kernels of `isa`.
    static func tile(_ isa: KernelISA) -> (channels: Int, positions: Int) {
        isa == .avx512 ? (WideDirectConv.channelsPerTile, WideDirectConv.positionsPerTile) : (4, 24)
    }

    /// Whether the direct kernel can compute this convolution: stride 1 and not depthwise (which has its own
    /// kernel). A pointwise convolution reads its input in place: no padding, and flat positions are the plane's.
    static func computes(_ shape: Conv2DShape) -> Bool {
        shape.stride == 1 && !shape.isDepthwise
    }

    /// Whether the automatic choice takes the direct kernel: it computes the shape and at least 60% of the positions it
    /// computes are outputs (all of them but the last tile's overhang, so only tiny planes fall short). Measured with
    /// `fathom bench conv` (one thread, batch 8, GFLOP/s, best of 3), direct against panel GEMM: AVX-512 3×3, 16 channels
    /// on 32×32 130 against 53, 64 on 8×8 122 against 86, 5×5 160 on 7×7 (82% of positions used) 110 against 51; AVX2
    /// 3×3 64 on 8×8 70 against 58 (the panel GEMM's, the automatic choice before), 5×5 160 on 7×7 (68%) 57 against 41.
    /// A pointwise convolution takes it only with the AVX-512 tile (1×1, one thread, GFLOP/s direct against SGEMM on
    /// the input: 16 channels on 32×32 39/35, 32 on 16×16 55/35, 96 on 14×14 78/50, 240 on 14×14 90/73); with AVX2,
    /// SGEMM is as fast or faster (32 on 16×16 44/50, 96 on 14×14 51/65).
    static func suits(_ shape: Conv2DShape, isa: KernelISA = .current) -> Bool {
        guard computes(shape), !shape.isPointwise || isa == .avx512 else { return false }
        let computed = DirectConvGeometry(shape, rows: 0..<shape.outHeight, isa: isa).computedPositions
        return 5 * shape.outPlane >= 3 * computed
    }

    /// `output = activation(conv(input, weights) + bias)` for every image and group of `shape` (with `accumulate`,
    /// `output += …` instead, the activation applied before the sum; with `rectifyInput`, `relu(input)` instead of
    /// `input`, applied as the band copies its rows or, read in place, as the tile loads them). An image group with
    /// the pool to itself is split into one band of output rows per thread; each band pads the input rows it reads
    /// (its own rows plus a halo of `k − 1`) into its own buffer, so that no thread waits for a shared copy.
    static func forward(
        _ shape: Conv2DShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, pool: ThreadPool?, activation: Activation?, accumulate: Bool = false,
        rectifyInput: Bool = false, isa: KernelISA = .current
    ) {
        precondition(!rectifyInput || !shape.isPointwise || isa == .avx512, "only the AVX-512 tile rectifies an input it reads in place")
        let m = shape.outChannelsPerGroup, weightsPerGroup = m * shape.patchSize
        Conv2D.forEachImageAndGroup(shape, pool: pool) { image, group, bandPool, _ in
            let source = input + (image * shape.inChannels + group * shape.inChannelsPerGroup) * shape.inPlane
            let bands = min(bandPool?.threadCount ?? 1, shape.outHeight)
            let run = { (band: Int) in
                let rows = shape.outHeight * band / bands..<shape.outHeight * (band + 1) / bands
                let geometry = DirectConvGeometry(shape, rows: rows, isa: isa)
                ScratchCache.withWorkspace { workspace in
                    DirectConvJob(
                        geometry: geometry, input: geometry.padded(source, workspace: workspace, rectified: rectifyInput),
                        weights: weights + group * weightsPerGroup, bias: bias.map { $0 + group * m },
                        output: output + (image * shape.outChannels + group * m) * shape.outPlane + rows.lowerBound * shape.outWidth,
                        activation: activation,
                        tail: geometry.readsInPlace ? workspace.allocate(shape.inChannelsPerGroup * geometry.tilePositions) : nil,
                        accumulates: accumulate, rectifiesTiles: rectifyInput && geometry.readsInPlace
                    ).compute()
                }
            }
            if bands > 1, let bandPool { bandPool.parallelFor(bands, run) } else { run(0) }
        }
    }
}

/// Sizes of a band of output rows of one image group's direct convolution: its padded input planes and its flat
/// output positions.
struct DirectConvGeometry {
    let shape: Conv2DShape
    /// The band's output rows.
    let rows: Range<Int>
    /// Width of a padded input row, and the stride between output rows in flat positions.
    let rowStride: Int
    /// Floats of one padded input plane (the band's rows and the `k − 1` rows below them), or of one input plane
    /// when the input is read in place.
    let planeStride: Int
    /// Whether tiles read the input in place (a pointwise convolution) rather than a padded copy.
    let readsInPlace: Bool
    /// Whether tiles take whole rows' vectors instead of runs of flat positions: each vector is a row's 16 (AVX-512) or
    /// 8 (AVX2) outputs, read from one padded row per tap, so no padding column is computed and every vector is stored
    /// in place. Where output rows are a multiple of the vector wide and the input is padded (a copy is made anyway).
    let rowAligned: Bool
    /// Whether tiles read column-shifted copies of the padded rows instead: one copy per kernel column, rows
    /// `outWidth` wide, so that flat positions are output positions (no padding column computed, every whole vector
    /// of consecutive outputs stored in place, across row ends too) for `kernel` copies instead of one. Where the
    /// input is padded and rows are not a multiple of the vector wide.
    let shiftedCopies: Bool
    /// Floats between the copies of consecutive kernel columns, or 1 for one padded plane read at `+kx`.
    let columnStride: Int
    /// Flat output positions: the band's rows of `rowStride` (which, except with ``rowAligned``, are output rows).
    let positions: Int
    /// The kernels' instruction set, and the flat positions of one of its tiles.
    let isa: KernelISA
    let tilePositions: Int

    init(_ shape: Conv2DShape, rows: Range<Int>, isa: KernelISA) {
        self.shape = shape
        self.rows = rows
        self.isa = isa
        tilePositions = DirectConv2D.tile(isa).positions
        readsInPlace = shape.isPointwise
        rowAligned = !readsInPlace && shape.outWidth % (isa == .avx512 ? 16 : 8) == 0
        shiftedCopies = !readsInPlace && !rowAligned
        rowStride = shiftedCopies ? shape.outWidth : shape.inWidth + 2 * shape.padding
        let bandRows = rows.count + shape.kernelSize - 1
        columnStride = shiftedCopies ? bandRows * rowStride : 1
        planeStride = readsInPlace ? shape.inPlane : (shiftedCopies ? shape.kernelSize : 1) * bandRows * rowStride
        positions = rows.count * rowStride
        assert(rowAligned || rowStride == shape.outWidth, "flat positions are output positions")
    }

    /// Whether the tile at flat position `q`, `width` positions wide, may read the input directly: always from a padded
    /// copy; in place only if it stays inside the plane (so that the last channel's reads stay inside the input).
    @inline(__always)
    func tileFits(at q: Int, width: Int) -> Bool {
        !readsInPlace || rows.lowerBound * rowStride + q + width <= shape.inPlane
    }

    var tileCount: Int { (positions + tilePositions - 1) / tilePositions }

    /// Flat positions of the tile at `q`: `tilePositions`, except that the AVX-512 kernel's last tile covers only the
    /// vectors of 16 that reach a position of the band.
    @inline(__always)
    func tileWidth(at q: Int) -> Int {
        isa == .avx512 ? min(tilePositions, (positions - q + 15) / 16 * 16) : tilePositions
    }

    /// Positions computed over all tiles, the last tile's overhang included.
    var computedPositions: Int {
        rowAligned ? rows.count * shape.outWidth : (tileCount - 1) * tilePositions + tileWidth(at: (tileCount - 1) * tilePositions)
    }

    /// Outputs per vector of the instruction set's tile.
    var vectorWidth: Int { isa == .avx512 ? 16 : 8 }

    /// With ``rowAligned``: the band's row vectors, in row order.
    var rowVectorCount: Int { rows.count * (shape.outWidth / vectorWidth) }

    /// With ``rowAligned``: where row vector `v` reads (from the band's padded copy) and writes (in an output plane).
    @inline(__always)
    func rowVector(_ v: Int) -> (input: Int, output: Int) {
        let perRow = shape.outWidth / vectorWidth, y = v / perRow, x = v % perRow * vectorWidth
        return (y * rowStride + x, y * shape.outWidth + x)
    }

    /// Floats a tile reads past its first position in one plane.
    var tileReach: Int { tilePositions + (shape.kernelSize - 1) * (rowStride + columnStride) }

    /// The input planes the band reads: a zero-padded copy in `workspace` of input rows `rows.lowerBound − padding`
    /// onwards (of their ReLU if `rectified`), or its column-shifted copies, followed by enough zeros that the last
    /// tile reads inside it; or, read in place, the band's first row.
    func padded(_ source: UnsafePointer<Float>, workspace: Workspace, rectified: Bool) -> UnsafePointer<Float> {
        if readsInPlace { return source + rows.lowerBound * rowStride }
        let channels = shape.inChannelsPerGroup, p = shape.padding, w = shape.inWidth, bandRows = rows.count + shape.kernelSize - 1
        let copy = workspace.allocate(channels * planeStride + tileReach)
        if shiftedCopies {
            shiftedCopies(source, into: copy, rectified: rectified)
        } else {
            // Every float is written once: a row's padding columns are zeroed, its pixels copied (no memset of the whole).
            for c in 0..<channels {
                for r in 0..<bandRows {
                    let y = rows.lowerBound - p + r, row = copy + c * planeStride + r * rowStride
                    guard y >= 0 && y < shape.inHeight else { VectorMath.zeroShort(row, count: rowStride); continue }
                    for i in 0..<p { row[i] = 0; row[p + w + i] = 0 }
                    VectorMath.copyShort(source + (c * shape.inHeight + y) * w, to: row + p, count: w, adding: false, rectified: rectified)
                }
            }
        }
        (copy + channels * planeStride).update(repeating: 0, count: tileReach)
        return UnsafePointer(copy)
    }

    /// ``padded(_:workspace:rectified:)`` as column-shifted copies: copy `kx` of a padded row holds its `outWidth`
    /// columns from `kx` on, so output column `x` reads input column `x + kx − padding` (zero outside the input).
    private func shiftedCopies(_ source: UnsafePointer<Float>, into copy: UnsafeMutablePointer<Float>, rectified: Bool) {
        let p = shape.padding, w = shape.inWidth, width = shape.outWidth, bandRows = rows.count + shape.kernelSize - 1
        for c in 0..<shape.inChannelsPerGroup {
            for kx in 0..<shape.kernelSize {
                let first = min(max(0, p - kx), width), last = max(first, min(width, w + p - kx))
                for r in 0..<bandRows {
                    let y = rows.lowerBound - p + r, row = copy + c * planeStride + kx * columnStride + r * rowStride
                    guard y >= 0 && y < shape.inHeight && last > first else { VectorMath.zeroShort(row, count: width); continue }
                    if first > 0 || last < width { VectorMath.zeroShort(row, count: width) }
                    VectorMath.copyShort(source + (c * shape.inHeight + y) * w + first + kx - p, to: row + first, count: last - first,
                                         adding: false, rectified: rectified)
                }
            }
        }
    }
}

/// One band of one image group's direct convolution: computes and stores its tiles.
struct DirectConvJob {
    let geometry: DirectConvGeometry
    let input: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let activation: Activation?
    /// Room for one tile's columns of every input channel, when the input is read in place (``tileInput(at:)``).
    let tail: UnsafeMutablePointer<Float>?
    /// Whether results are added to the output instead of replacing it.
    let accumulates: Bool
    /// Whether the input is read in place and its ReLU is fused into the convolution: each tile's columns are then
    /// copied to `tail`, rectified, once for all output channels.
    let rectifiesTiles: Bool

    /// Computes every tile of the band for every output channel, all channels of a tile before the next tile, while
    /// its input is in L1.
    func compute() {
        switch (geometry.isa, geometry.rowAligned) {
        case (.avx512, true): computeRowAligned()
        case (.avx512, false): computeWide()
        default: computeNarrow()
        }
    }

    /// ``compute()`` with AVX-512 tiles of three row vectors (``DirectConvGeometry/rowAligned``): the band's rows are
    /// cut into vectors of 16 outputs, taken three at a time in row order, each read from its own row of the padded
    /// copy and stored straight into its place in the output.
    private func computeRowAligned() {
        let shape = geometry.shape, m = shape.outChannelsPerGroup, k = shape.patchSize, mr = WideDirectConv.channelsPerTile
        let total = geometry.rowVectorCount, fused = activation.map(\.wide)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * WideDirectConv.positionsPerTile) { scratch in
            for first in stride(from: 0, to: total, by: 3) {
                let vectors = min(3, total - first)
                let p0 = geometry.rowVector(first), p1 = geometry.rowVector(min(first + 1, total - 1))
                let p2 = geometry.rowVector(min(first + 2, total - 1))
                for row in stride(from: 0, to: m, by: mr) {
                    let plane = output + row * shape.outPlane
                    let tileOutput = WideTileOutput(
                        vectors: (plane + p0.output, plane + p1.output, plane + p2.output), channelStride: shape.outPlane,
                        scratch: scratch.baseAddress!, bias: bias.map { $0 + row }, activation: fused, accumulates: accumulates)
                    WideDirectConv.tile(kernel: shape.kernelSize, vectors: vectors, inChannels: shape.inChannelsPerGroup, input: input + p0.input,
                                        rowStride: geometry.rowStride, planeStride: geometry.planeStride,
                                        vectorOffsets: (p1.input - p0.input, p2.input - p0.input), weights: weights + row * k,
                                        filterStride: k, rows: min(mr, m - row), output: tileOutput)
                }
            }
        }
    }

    /// ``compute()`` with the AVX-512 tile (`WideDirectConv`) over flat positions, which are output positions (a
    /// pointwise convolution's plane, or column-shifted copies): each vector of 16 is stored in place by the tile
    /// itself, except one that reaches past the band, which goes through scratch memory and is copied here in part.
    /// The last tile has only the vectors that reach a position of the band (``DirectConvGeometry/tileWidth(at:)``).
    private func computeWide() {
        let m = geometry.shape.outChannelsPerGroup, k = geometry.shape.patchSize, (mr, width) = DirectConv2D.tile(.avx512)
        let vector = width / 3, fused = activation.map(\.wide), positions = geometry.positions
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * width) { scratch in
            for tile in 0..<geometry.tileCount {
                let q = tile * width, tileWidth = geometry.tileWidth(at: q), vectors = tileWidth / vector
                @inline(__always) func place(_ v: Int) -> Int? { q + (v + 1) * vector <= positions ? q + v * vector : nil }
                let places = (place(0), place(1), place(2)), last = q + (vectors - 1) * vector
                let (source, planeStride) = tileInput(at: q, width: tileWidth)
                for row in stride(from: 0, to: m, by: mr) {
                    let rows = min(mr, m - row), plane = output + row * geometry.shape.outPlane
                    @inline(__always) func target(_ place: Int?) -> UnsafeMutablePointer<Float>? { place.map { plane + $0 } }
                    let tileOutput = WideTileOutput(
                        vectors: (target(places.0), target(places.1), target(places.2)), channelStride: geometry.shape.outPlane,
                        scratch: scratch.baseAddress!, bias: bias.map { $0 + row }, activation: fused, accumulates: accumulates)
                    WideDirectConv.tile(kernel: geometry.shape.kernelSize, vectors: vectors, inChannels: geometry.shape.inChannelsPerGroup, input: source,
                                        rowStride: geometry.rowStride, columnStride: geometry.columnStride, planeStride: planeStride,
                                        weights: weights + row * k, filterStride: k, rows: rows, output: tileOutput)
                    guard last + vector > positions else { continue }
                    for i in 0..<rows {
                        VectorMath.copyShort(scratch.baseAddress! + i * width + (vectors - 1) * vector, to: plane + i * geometry.shape.outPlane + last,
                                             count: positions - last, adding: accumulates)
                    }
                }
            }
        }
    }

    /// ``compute()`` with the AVX2 tile: three vectors of 8 positions, consecutive flat positions, or with
    /// ``DirectConvGeometry/rowAligned`` three row vectors of 8 outputs in row order (a band's last tile may lack one or
    /// two: they read the first and are stored nowhere).
    private func computeNarrow() {
        let m = geometry.shape.outChannelsPerGroup, (mr, width) = DirectConv2D.tile(.avx2), k = geometry.shape.patchSize
        let vectors = geometry.rowVectorCount
        /// Row vector `v`'s input offset from vector `first`'s and its place; a missing one reads vector `first` and
        /// is stored nowhere.
        @inline(__always) func rowVector(_ v: Int, after first: Int) -> (input: Int, place: VectorPlace) {
            guard v < vectors else { return (0, VectorPlace(offset: 0, count: 0)) }
            let (input, output) = geometry.rowVector(v)
            return (input - geometry.rowVector(first).input, VectorPlace(offset: output, count: 8))
        }
        for tile in 0..<(geometry.rowAligned ? (vectors + 2) / 3 : geometry.tileCount) {
            let source: UnsafePointer<Float>, planeStride: Int, places: (VectorPlace, VectorPlace, VectorPlace), offsets: (Int, Int)
            if geometry.rowAligned {
                let first = 3 * tile, a = rowVector(first, after: first), b = rowVector(first + 1, after: first), c = rowVector(first + 2, after: first)
                (source, planeStride, places) = (input + geometry.rowVector(first).input, geometry.planeStride, (a.place, b.place, c.place))
                offsets = (b.input, c.input)
            } else {
                let q = tile * width
                (source, planeStride) = tileInput(at: q, width: width)
                (places, offsets) = ((place(q), place(q + 8), place(q + 16)), (8, 16))
            }
            for row in stride(from: 0, to: m, by: mr) {
                let rows = min(mr, m - row)
                @inline(__always) func offset(_ i: Int) -> Int { min(i, rows - 1) * k }
                let sums = DirectConvAccumulators(geometry: geometry, input: source, planeStride: planeStride, weights: weights + row * k,
                                                  offsets: (0, offset(1), offset(2), offset(3)), vectorOffsets: offsets)
                let s = sums.finished(bias: bias.map { $0 + row }, rows: rows, activation: activation)
                let plane = geometry.shape.outPlane, first = output + row * plane
                store(s.c00, places.0, first); store(s.c01, places.1, first); store(s.c02, places.2, first)
                if rows > 1 { store(s.c10, places.0, first + plane); store(s.c11, places.1, first + plane); store(s.c12, places.2, first + plane) }
                if rows > 2 { store(s.c20, places.0, first + 2 * plane); store(s.c21, places.1, first + 2 * plane); store(s.c22, places.2, first + 2 * plane) }
                if rows > 3 { store(s.c30, places.0, first + 3 * plane); store(s.c31, places.1, first + 3 * plane); store(s.c32, places.2, first + 3 * plane) }
            }
        }
    }

    /// The input of the tile at flat position `q`, `width` positions wide, and its plane stride: `input + q`, or a copy
    /// of its columns of every channel in `tail`, zero-padded to the tile's width, for a tile that would read past the
    /// input in place or whose input is rectified.
    @inline(__always)
    private func tileInput(at q: Int, width: Int) -> (UnsafePointer<Float>, Int) {
        guard let tail, rectifiesTiles || !geometry.tileFits(at: q, width: width) else { return (input + q, geometry.planeStride) }
        let valid = min(width, geometry.positions - q)
        for c in 0..<geometry.shape.inChannelsPerGroup {
            VectorMath.copy(input + c * geometry.planeStride + q, to: tail + c * width, count: valid, rectified: rectifiesTiles)
            (tail + c * width + valid).update(repeating: 0, count: width - valid)
        }
        return (UnsafePointer(tail), width)
    }

    /// Where the eight outputs at flat position `q` go (flat positions are output positions): all eight, or those
    /// before the band's end.
    @inline(__always)
    private func place(_ q: Int) -> VectorPlace {
        VectorPlace(offset: q, count: min(8, geometry.positions - q))
    }

    /// Stores (or, accumulating, adds) a vector's outputs into `plane`: one vector store for eight, else one by one.
    @inline(__always)
    private func store(_ values: SIMD8<Float>, _ place: VectorPlace, _ plane: UnsafeMutablePointer<Float>) {
        if place.count == 8 {
            let target = UnsafeMutableRawPointer(plane + place.offset)
            let existing = accumulates ? target.loadUnaligned(as: SIMD8<Float>.self) : SIMD8()
            target.storeBytes(of: values + existing, as: SIMD8<Float>.self)
            return
        }
        for lane in 0..<max(place.count, 0) { plane[place.offset + lane] = values[lane] + (accumulates ? plane[place.offset + lane] : 0) }
    }
}

/// Where a vector of 8 outputs goes in an output plane: its first output's offset, and how many of its lanes are
/// outputs (8, fewer at a band's end, none for a tile's missing vector).
struct VectorPlace {
    let offset: Int
    let count: Int
}

/// The 12 accumulators of one 4-channel × 24-position tile.
struct DirectConvAccumulators {
    var c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32: SIMD8<Float>

    /// The sums, one input channel after another with its `kernel²` taps inside: a literal `kernel` unrolls the
    /// taps into one straight run of FMAs per channel. The sums are local variables until the end, so that they stay
    /// in registers.
    @inline(__always)
    private static func sums(
        kernel: Int, _ g: DirectConvGeometry, _ input: UnsafePointer<Float>, _ planeStride: Int, _ weights: UnsafePointer<Float>, _ o: (Int, Int, Int, Int),
        _ vectorOffsets: (Int, Int)
    ) -> DirectConvAccumulators {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c22 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>(), c32 = SIMD8<Float>()
        let rowStride = g.rowStride, columnStride = g.columnStride, second = 4 * vectorOffsets.0, third = 4 * vectorOffsets.1
        var plane = input, w = weights
        for _ in 0..<g.shape.inChannelsPerGroup {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let x = UnsafeRawPointer(plane + ky * rowStride + kx * columnStride), tap = ky * kernel + kx
                    let x0 = x.loadUnaligned(as: SIMD8<Float>.self)
                    let x1 = x.loadUnaligned(fromByteOffset: second, as: SIMD8<Float>.self)
                    let x2 = x.loadUnaligned(fromByteOffset: third, as: SIMD8<Float>.self)
                    var a = SIMD8<Float>(repeating: w[o.0 + tap])
                    c00 = c00.addingProduct(a, x0); c01 = c01.addingProduct(a, x1); c02 = c02.addingProduct(a, x2)
                    a = SIMD8<Float>(repeating: w[o.1 + tap])
                    c10 = c10.addingProduct(a, x0); c11 = c11.addingProduct(a, x1); c12 = c12.addingProduct(a, x2)
                    a = SIMD8<Float>(repeating: w[o.2 + tap])
                    c20 = c20.addingProduct(a, x0); c21 = c21.addingProduct(a, x1); c22 = c22.addingProduct(a, x2)
                    a = SIMD8<Float>(repeating: w[o.3 + tap])
                    c30 = c30.addingProduct(a, x0); c31 = c31.addingProduct(a, x1); c32 = c32.addingProduct(a, x2)
                }
            }
            plane += planeStride
            w += kernel * kernel
        }
        return DirectConvAccumulators(c00: c00, c01: c01, c02: c02, c10: c10, c11: c11, c12: c12,
                                      c20: c20, c21: c21, c22: c22, c30: c30, c31: c31, c32: c32)
    }

    /// The sums plus each row's bias (rows past `rows` repeat the last real one's), through the activation.
    @inline(__always)
    func finished(bias: UnsafePointer<Float>?, rows: Int, activation: Activation?) -> DirectConvAccumulators {
        var s = self
        if let bias {
            var b = SIMD8<Float>(repeating: bias[0])
            s.c00 += b; s.c01 += b; s.c02 += b
            b = SIMD8<Float>(repeating: bias[min(1, rows - 1)])
            s.c10 += b; s.c11 += b; s.c12 += b
            b = SIMD8<Float>(repeating: bias[min(2, rows - 1)])
            s.c20 += b; s.c21 += b; s.c22 += b
            b = SIMD8<Float>(repeating: bias[min(3, rows - 1)])
            s.c30 += b; s.c31 += b; s.c32 += b
        }
        if let f = activation {
            s.c00 = f.value(s.c00); s.c01 = f.value(s.c01); s.c02 = f.value(s.c02)
            s.c10 = f.value(s.c10); s.c11 = f.value(s.c11); s.c12 = f.value(s.c12)
            s.c20 = f.value(s.c20); s.c21 = f.value(s.c21); s.c22 = f.value(s.c22)
            s.c30 = f.value(s.c30); s.c31 = f.value(s.c31); s.c32 = f.value(s.c32)
        }
        return s
    }
}

extension DirectConvAccumulators {
    /// Sums over every input channel and tap: output channel `i` reads its filter at `weights + offsets.i`; vectors 1
    /// and 2 read `vectorOffsets` floats past vector 0.
    @inline(__always)
    init(geometry g: DirectConvGeometry, input: UnsafePointer<Float>, planeStride: Int, weights: UnsafePointer<Float>,
         offsets o: (Int, Int, Int, Int), vectorOffsets v: (Int, Int)) {
        switch g.shape.kernelSize {
        case 1: self = Self.sums(kernel: 1, g, input, planeStride, weights, o, v)
        case 3: self = Self.sums(kernel: 3, g, input, planeStride, weights, o, v)
        case 5: self = Self.sums(kernel: 5, g, input, planeStride, weights, o, v)
        case 7: self = Self.sums(kernel: 7, g, input, planeStride, weights, o, v)
        case let k: self = Self.sums(kernel: k, g, input, planeStride, weights, o, v)
        }
    }
}

