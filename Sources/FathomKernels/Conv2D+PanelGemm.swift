import FathomKernelsAVX512

/// A convolution's `weights · im2col(input)` for one image group, without an im2col matrix and
/// without packing the weights: im2col panels are packed block by block (``Im2colPanels``) and the
/// micro-kernel reads the weights in place (``GemmMicroKernel/directTile(kc:a:lda:rows:b:c:ldc:columns:epilogue:scratch:)``,
/// 6×16, or with AVX-512 `WideGemm.directTile`, 12×32), adding the bias and applying the activation as it stores.
///
/// Loop nest, outermost first: blocks of output pixels whose packed panels fill about 128 KB (they
/// stay in L2), then panels of weights (tile rows × `patchSize`, from L1), then pixel panels. The
/// weights are re-read once per pixel block, which is cheap when they are small (a network's
/// convolutions: out channels × patch size) or when there is only one block (few output pixels).
struct PanelGemm {
    let shape: Conv2DShape
    let activation: Activation?
    /// The micro-kernel's tile (``GemmTile``: AVX2's 6×16 or AVX-512's 12×32).
    let tile: GemmTile

    init(shape: Conv2DShape, activation: Activation?, isa: KernelISA = .current) {
        self.shape = shape
        self.activation = activation
        tile = GemmTile(isa)
    }

    /// Floats of packed panels per pixel block.
    static let blockFloats = 32 * 1024
    /// Weights up to this many floats are cheap to re-read once per pixel block.
    static let smallWeights = 64 * 1024

    /// Whether this loop nest suits the shape: several output pixels per image (one pixel is a
    /// matrix-vector product, which ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:pool:isa:)``
    /// streams better) and weights that are small or read once.
    static func suits(_ shape: Conv2DShape) -> Bool {
        let weights = shape.outChannelsPerGroup * shape.patchSize
        return shape.outPlane > 1 && (weights <= smallWeights || pixelsPerBlock(shape, panelWidth: GemmMicroKernel.columns) >= shape.outPlane)
    }

    /// Output pixels per block: whole panels of `panelWidth` pixels whose packed size is about ``blockFloats``.
    static func pixelsPerBlock(_ shape: Conv2DShape, panelWidth: Int) -> Int {
        let panels = max(1, blockFloats / (shape.patchSize * panelWidth))
        return panels * panelWidth
    }

    /// `output[rows][columns] = activation(weights[rows] · im2col(image)[columns] + bias[rows])` for one
    /// image group: `image` is its first input plane, `weights` its `outChannelsPerGroup × patchSize`
    /// filters, `bias` its per-channel bias, `output` its first output plane (planes `outPlane` apart).
    func compute(
        image: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Range<Int>, workspace: Workspace
    ) {
        let k = shape.patchSize, n = shape.outPlane, nr = tile.columns, mr = tile.rows
        let panels = Im2colPanels(shape: shape, image: image, width: nr)
        let blockWidth = Self.pixelsPerBlock(shape, panelWidth: nr)
        let packed = workspace.allocate(min(blockWidth, GemmProblem.roundUp(columns.count, to: nr)) * k)
        let scratch = workspace.allocate(mr * nr)
        for block in stride(from: columns.lowerBound, to: columns.upperBound, by: blockWidth) {
            let blockEnd = min(block + blockWidth, columns.upperBound)
            for (index, panel) in stride(from: block, to: blockEnd, by: nr).enumerated() {
                panels.pack(columns: panel..<min(panel + nr, blockEnd), into: packed + index * nr * k)
            }
            for row in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                let epilogue = GemmEpilogue(bias: bias.map { $0 + row }, activation: activation)
                for (index, panel) in stride(from: block, to: blockEnd, by: nr).enumerated() {
                    let a = weights + row * k, tileRows = min(mr, rows.upperBound - row), b = packed + index * nr * k
                    let c = output + row * n + panel, columns = min(nr, blockEnd - panel)
                    if tile.isa == .avx512 {
                        WideGemm.directTile(kc: k, a: a, lda: k, rows: tileRows, b: b, c: c, ldc: n, columns: columns,
                                            bias: epilogue.bias, activation: activation.map(\.wide), scratch: scratch)
                    } else {
                        GemmMicroKernel.directTile(kc: k, a: a, lda: k, rows: tileRows, b: b, c: c, ldc: n, columns: columns,
                                                   epilogue: epilogue, scratch: scratch)
                    }
                }
            }
        }
    }

    /// Runs ``compute(image:weights:bias:output:rows:columns:workspace:)`` over the whole image group,
    /// split into one rectangle per thread of `pool` (`nil`: on the calling thread).
    func computeAll(
        image: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let m = shape.outChannelsPerGroup, n = shape.outPlane
        let tiles = GemmThreading.tiles(m: m, n: n, k: shape.patchSize, threads: pool?.threadCount ?? 1, tile: tile)
        let run = { (index: Int) in
            ScratchCache.withWorkspace {
                compute(image: image, weights: weights, bias: bias, output: output,
                        rows: tiles[index].rows, columns: tiles[index].columns, workspace: $0)
            }
        }
        if tiles.count > 1, let pool { pool.parallelFor(tiles.count, run) } else { (0..<tiles.count).forEach(run) }
    }
}
