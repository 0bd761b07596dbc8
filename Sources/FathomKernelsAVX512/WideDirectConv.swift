/// The direct convolution's register tile for AVX-512 (x86-64-v4): 8 output channels × 48 positions (three `SIMD16`
/// vectors of 16 consecutive outputs, each reading where the caller says), 24 accumulators of the 32 ZMM registers. Each (input channel, tap) step loads 3 input vectors,
/// broadcasts 8 weights read in place, and issues 24 FMAs: twice the work per step of the AVX2 tile (4 × 24), with
/// fewer loads per FMA. A plane's last tile may be one or two vectors wide, so that a plane of 64 positions (8×8)
/// costs 64 + 16 positions' work instead of 96.
///
/// This module is compiled for x86-64-v4, apart from the rest of Fathom's kernels (x86-64-v3), and is called only
/// where the processor runs it (`KernelISA` in FathomKernels asks CPUID and the OS). The tile adds the bias, applies
/// the activation and stores each vector of 16 results straight into the output when the caller has a place for it
/// (16 consecutive outputs), otherwise into scratch memory for the caller to scatter.
public enum WideDirectConv {
    /// Output channels of one tile.
    public static let channelsPerTile = 8
    /// Flat positions of one tile.
    public static let positionsPerTile = 48

    /// Computes one tile of `vectors` (1 to 3) vectors of 16 positions and stores it through `output`: row `i` is
    /// output channel `min(i, rows − 1)`, whose filter starts at `weights + i·filterStride` (`kernel²` taps per input
    /// channel, channel after channel); position `j` sums
    /// `weights[tap] · input[c·planeStride + ky·rowStride + kx·columnStride + j]` over channels `c` and taps `(ky, kx)`
    /// (`columnStride` 1 for a padded plane; the size of one copy for column-shifted copies of it). Vectors 1 and 2 read
    /// from `vectorOffsets` floats past vector 0 (16 and 32: one run of consecutive positions; other offsets let each
    /// vector be a row's 16 outputs). Reads `16 + (kernel − 1)·(rowStride + columnStride)` floats from each vector's
    /// start in each input plane; stores rows `i < rows`.
    public static func tile(
        kernel: Int, vectors: Int, inChannels: Int, input: UnsafePointer<Float>, rowStride: Int, columnStride: Int = 1, planeStride: Int,
        vectorOffsets: (Int, Int) = (16, 32), weights: UnsafePointer<Float>, filterStride: Int, rows: Int, output: WideTileOutput
    ) {
        let p = TilePlanes(inChannels: inChannels, input: input, rowStride: rowStride, columnStride: columnStride, planeStride: planeStride,
                           byteOffsets: (4 * vectorOffsets.0, 4 * vectorOffsets.1))
        switch vectors {
        case 1: tile(kernel, AbsentVector.self, AbsentVector.self, p, weights, filterStride, rows, output)
        case 2: tile(kernel, PresentVector.self, AbsentVector.self, p, weights, filterStride, rows, output)
        default: tile(kernel, PresentVector.self, PresentVector.self, p, weights, filterStride, rows, output)
        }
    }

    /// The tile of one width with the kernel size as a type where it is 1, 3, 5 or 7, so that the taps unroll.
    @inline(__always)
    private static func tile<Second: TileVector, Third: TileVector>(
        _ kernel: Int, _ second: Second.Type, _ third: Third.Type, _ p: TilePlanes, _ weights: UnsafePointer<Float>,
        _ filterStride: Int, _ rows: Int, _ output: WideTileOutput
    ) {
        switch kernel {
        case 1: tile(TileKernel1.self, second, third, p, weights, filterStride, rows, output)
        case 3: tile(TileKernel3.self, second, third, p, weights, filterStride, rows, output)
        case 5: tile(TileKernel5.self, second, third, p, weights, filterStride, rows, output)
        case 7: tile(TileKernel7.self, second, third, p, weights, filterStride, rows, output)
        default: anyKernel(kernel, second, third, p, weights, filterStride, rows, output)
        }
    }

    // One function per kernel size and width (specialized), each small enough for the compiler to inline the stores'
    // vector loads and stores: in one function per width holding all kernel sizes they were calls.
    @inline(never)
    private static func tile<Kernel: TileKernel, Second: TileVector, Third: TileVector>(
        _: Kernel.Type, _ second: Second.Type, _ third: Third.Type, _ p: TilePlanes, _ weights: UnsafePointer<Float>,
        _ filterStride: Int, _ rows: Int, _ output: WideTileOutput
    ) {
        WideTile(kernel: Kernel.size, second, third, p, weights, filterStride, rows).store(rows: rows, second, third, output)
    }

    @inline(never)
    private static func anyKernel<Second: TileVector, Third: TileVector>(
        _ kernel: Int, _ second: Second.Type, _ third: Third.Type, _ p: TilePlanes, _ weights: UnsafePointer<Float>,
        _ filterStride: Int, _ rows: Int, _ output: WideTileOutput
    ) {
        WideTile(kernel: kernel, second, third, p, weights, filterStride, rows).store(rows: rows, second, third, output)
    }
}

/// A tile's kernel size as a type, for a tile function of its own per size.
protocol TileKernel {
    static var size: Int { get }
}

enum TileKernel1: TileKernel { static var size: Int { 1 } }
enum TileKernel3: TileKernel { static var size: Int { 3 } }
enum TileKernel5: TileKernel { static var size: Int { 5 } }
enum TileKernel7: TileKernel { static var size: Int { 7 } }

/// Whether a tile has its second (or third) vector of 16 positions: the tile loads, accumulates and stores that vector
/// through these functions, which compile to nothing for an ``AbsentVector``. (A width passed as an `Int` and tested
/// in the loop keeps the compiler from inlining the tile, which then runs at half speed.)
protocol TileVector {
    static func load(_ x: UnsafeRawPointer, fromByteOffset offset: Int) -> SIMD16<Float>
    static func adding(_ sum: SIMD16<Float>, _ a: SIMD16<Float>, _ x: SIMD16<Float>) -> SIMD16<Float>
    static func store(_ store: () -> Void)
}

/// A vector the tile computes.
enum PresentVector: TileVector {
    @_transparent
    static func load(_ x: UnsafeRawPointer, fromByteOffset offset: Int) -> SIMD16<Float> {
        x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    }

    @_transparent
    static func adding(_ sum: SIMD16<Float>, _ a: SIMD16<Float>, _ x: SIMD16<Float>) -> SIMD16<Float> { sum.addingProduct(a, x) }

    @_transparent
    static func store(_ store: () -> Void) { store() }
}

/// A vector past the tile's end.
enum AbsentVector: TileVector {
    @_transparent
    static func load(_ x: UnsafeRawPointer, fromByteOffset offset: Int) -> SIMD16<Float> { SIMD16() }

    @_transparent
    static func adding(_ sum: SIMD16<Float>, _ a: SIMD16<Float>, _ x: SIMD16<Float>) -> SIMD16<Float> { sum }

    @_transparent
    static func store(_ store: () -> Void) {}
}

/// Where a tile's results go: vector `v` (16 consecutive positions) of row `i` to `vectors.v + i·channelStride`, or,
/// where `vectors.v` is nil, to `scratch + 48·i + 16·v`; each after `activation(sum + bias[i])`. A tile narrower than
/// three vectors ignores the places of the vectors it lacks.
public struct WideTileOutput {
    public var vectors: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?)
    /// Floats between the outputs of consecutive rows (output channels).
    public var channelStride: Int
    /// 8 × 48 floats for the vectors without a place in the output.
    public var scratch: UnsafeMutablePointer<Float>
    /// One value per row, or nil for none.
    public var bias: UnsafePointer<Float>?
    public var activation: WideActivation?
    /// Whether vectors with a place in the output are added to what it holds (after the bias and the activation)
    /// instead of replacing it; vectors in scratch are written as they are.
    public var accumulates: Bool

    public init(vectors: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?), channelStride: Int,
                scratch: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, activation: WideActivation?, accumulates: Bool) {
        self.vectors = vectors
        self.channelStride = channelStride
        self.scratch = scratch
        self.bias = bias
        self.activation = activation
        self.accumulates = accumulates
    }
}

/// Where a tile reads its input: `inChannels` planes `planeStride` apart, rows `rowStride` apart, kernel columns
/// `columnStride` apart, vectors 1 and 2 `byteOffsets` past vector 0.
struct TilePlanes {
    let inChannels: Int
    let input: UnsafePointer<Float>
    let rowStride: Int
    let columnStride: Int
    let planeStride: Int
    let byteOffsets: (Int, Int)
}

/// The 24 accumulators of one tile, row `i` vector `v` in `c<i><v>`.
struct WideTile {
    var c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32: SIMD16<Float>
    var c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72: SIMD16<Float>

    /// The sums with a literal `kernel`, so that the taps unroll into one straight run of FMAs per channel; the
    /// accumulators of an absent vector stay zero.
    @inline(__always)
    init<Second: TileVector, Third: TileVector>(kernel: Int, _: Second.Type, _: Third.Type, _ p: TilePlanes, _ weights: UnsafePointer<Float>, _ filterStride: Int, _ rows: Int) {
        @inline(__always) func offset(_ i: Int) -> Int { min(i, rows - 1) * filterStride }
        let o0 = 0, o1 = offset(1), o2 = offset(2), o3 = offset(3), o4 = offset(4), o5 = offset(5), o6 = offset(6), o7 = offset(7)
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c42 = SIMD16<Float>()
        var c50 = SIMD16<Float>(), c51 = SIMD16<Float>(), c52 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c62 = SIMD16<Float>()
        var c70 = SIMD16<Float>(), c71 = SIMD16<Float>(), c72 = SIMD16<Float>()
        var plane = p.input, w = weights
        for _ in 0..<p.inChannels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let x = UnsafeRawPointer(plane + ky * p.rowStride + kx * p.columnStride), tap = ky * kernel + kx
                    let x0 = x.loadUnaligned(as: SIMD16<Float>.self)
                    let x1 = Second.load(x, fromByteOffset: p.byteOffsets.0)
                    let x2 = Third.load(x, fromByteOffset: p.byteOffsets.1)
                    var a = SIMD16<Float>(repeating: w[o0 + tap])
                    c00 = c00.addingProduct(a, x0)
                    c01 = Second.adding(c01, a, x1); c02 = Third.adding(c02, a, x2)
                    a = SIMD16<Float>(repeating: w[o1 + tap])
                    c10 = c10.addingProduct(a, x0)
                    c11 = Second.adding(c11, a, x1); c12 = Third.adding(c12, a, x2)
                    a = SIMD16<Float>(repeating: w[o2 + tap])
                    c20 = c20.addingProduct(a, x0)
                    c21 = Second.adding(c21, a, x1); c22 = Third.adding(c22, a, x2)
                    a = SIMD16<Float>(repeating: w[o3 + tap])
                    c30 = c30.addingProduct(a, x0)
                    c31 = Second.adding(c31, a, x1); c32 = Third.adding(c32, a, x2)
                    a = SIMD16<Float>(repeating: w[o4 + tap])
                    c40 = c40.addingProduct(a, x0)
                    c41 = Second.adding(c41, a, x1); c42 = Third.adding(c42, a, x2)
                    a = SIMD16<Float>(repeating: w[o5 + tap])
                    c50 = c50.addingProduct(a, x0)
                    c51 = Second.adding(c51, a, x1); c52 = Third.adding(c52, a, x2)
                    a = SIMD16<Float>(repeating: w[o6 + tap])
                    c60 = c60.addingProduct(a, x0)
                    c61 = Second.adding(c61, a, x1); c62 = Third.adding(c62, a, x2)
                    a = SIMD16<Float>(repeating: w[o7 + tap])
                    c70 = c70.addingProduct(a, x0)
                    c71 = Second.adding(c71, a, x1); c72 = Third.adding(c72, a, x2)
                }
            }
            plane += p.planeStride
            w += kernel * kernel
        }
        (self.c00, self.c01, self.c02, self.c10, self.c11, self.c12) = (c00, c01, c02, c10, c11, c12)
        (self.c20, self.c21, self.c22, self.c30, self.c31, self.c32) = (c20, c21, c22, c30, c31, c32)
        (self.c40, self.c41, self.c42, self.c50, self.c51, self.c52) = (c40, c41, c42, c50, c51, c52)
        (self.c60, self.c61, self.c62, self.c70, self.c71, self.c72) = (c60, c61, c62, c70, c71, c72)
    }

    /// Stores the present vectors of rows `0 ..< rows` through `output`.
    @_transparent
    func store<Second: TileVector, Third: TileVector>(rows: Int, _ second: Second.Type, _ third: Third.Type, _ output: WideTileOutput) {
        let v = (second, third)
        Self.store(row: 0, v, c00, c01, c02, output); if rows > 1 { Self.store(row: 1, v, c10, c11, c12, output) }
        if rows > 2 { Self.store(row: 2, v, c20, c21, c22, output) }; if rows > 3 { Self.store(row: 3, v, c30, c31, c32, output) }
        if rows > 4 { Self.store(row: 4, v, c40, c41, c42, output) }; if rows > 5 { Self.store(row: 5, v, c50, c51, c52, output) }
        if rows > 6 { Self.store(row: 6, v, c60, c61, c62, output) }; if rows > 7 { Self.store(row: 7, v, c70, c71, c72, output) }
    }

    /// Stores row `i`'s present vectors through `output`.
    @_transparent
    private static func store<Second: TileVector, Third: TileVector>(row i: Int, _ vectors: (Second.Type, Third.Type), _ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>,
                              _ output: WideTileOutput) {
        var bias = SIMD16<Float>()
        if let biases = output.bias { bias = SIMD16(repeating: biases[i]) }
        let scratch = output.scratch + i * WideDirectConv.positionsPerTile, offset = i * output.channelStride
        store(a + bias, output, to: output.vectors.0, offset, else: scratch)
        Second.store { store(b + bias, output, to: output.vectors.1, offset, else: scratch + 16) }
        Third.store { store(c + bias, output, to: output.vectors.2, offset, else: scratch + 32) }
    }

    @_transparent
    private static func store(_ values: SIMD16<Float>, _ output: WideTileOutput, to place: UnsafeMutablePointer<Float>?, _ offset: Int,
                              else scratch: UnsafeMutablePointer<Float>) {
        var values = values
        if let activation = output.activation { values = activation.value(values) }
        let target: UnsafeMutablePointer<Float>
        if let place {
            target = place + offset
            if output.accumulates { values += UnsafeRawPointer(target).loadUnaligned(as: SIMD16<Float>.self) }
        } else {
            target = scratch
        }
        UnsafeMutableRawPointer(target).storeBytes(of: values, as: SIMD16<Float>.self)
    }
}
