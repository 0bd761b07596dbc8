import FathomKernelsAVX512

/// The weight gradient of a stride-1 convolution as dot products over padded planes, with no im2col and no packing.
///
/// With the input's planes zero-padded to width `Wp = inWidth + 2·padding` and the output gradient laid out on rows of
/// the same width (zeros past `outWidth`), output position `t = y·Wp + x` reads input position `t + ky·Wp + kx` for
/// kernel tap `(ky, kx)`. So `∂L/∂w[o, c, ky, kx] = Σ_t g[o, t] · x[c, t + ky·Wp + kx]`: a dot product of one
/// contiguous gradient row and one contiguous, shifted input row, for every (output channel, input channel, tap).
/// The padding columns cost `Wp / outWidth` more multiply-adds (7% on 28×28 planes, 29% on 7×7) than im2col and
/// GEMM, which on the small channel counts of training-time cells spend more than that on the lowering, the
/// transposes of packing and the GEMM's edges.
struct PlaneWeightGradient {
    let shape: Conv2DShape
    /// `Wp`: the padded row width.
    let paddedWidth: Int
    /// Positions per dot product: the output rows at width `Wp`, rounded up to a whole vector (the rest are zeros).
    let length: Int
    /// Floats per padded input plane: the padded rows, and slack so that every shifted row of `length` floats stays
    /// inside the plane.
    let planeStride: Int
    /// Whether the AVX-512 loop (``WideDotBlock``) runs the dot products.
    let wide: Bool

    /// The plan for `shape` on `isa`; nil unless it is a stride-1, non-depthwise convolution.
    init?(_ shape: Conv2DShape, isa: KernelISA = .current) {
        guard shape.stride == 1, !shape.isDepthwise else { return nil }
        self.shape = shape
        wide = isa == .avx512
        paddedWidth = shape.inWidth + 2 * shape.padding
        let vector = wide ? WideDotBlock.lanes : 8
        length = (shape.outHeight * paddedWidth + vector - 1) / vector * vector
        let taps = (shape.kernelSize - 1) * (paddedWidth + 1)
        planeStride = max((shape.inHeight + 2 * shape.padding) * paddedWidth, taps + length)
    }

    /// Bytes of laid-out planes per chunk of images: about what the L2 cache holds, so that the blocks of the
    /// gradient, which all read the whole chunk, read it from there.
    static let chunkBytes = 256 * 1024

    /// `weightGradient` (overwritten) summed over the batch. The images are taken in chunks; a chunk's planes are laid
    /// out first, so that each dot product runs over all of its images before its vector is summed. The threads share
    /// out the blocks of the gradient, and each block is summed in the same order whatever the thread count (the
    /// same weights on 1 or 2 threads).
    func compute(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
                 pool: ThreadPool?) {
        let inChannels = shape.inChannelsPerGroup, outChannels = shape.outChannelsPerGroup
        let perImage = inChannels * planeStride + outChannels * length
        let chunk = max(1, min(shape.batch, Self.chunkBytes / (4 * perImage)))
        let blocks = (outChannels + 1) / 2 * ((shape.patchSize + 3) / 4), threads = pool?.threadCount ?? 1
        ScratchCache.withWorkspace { workspace in
            let planes = workspace.allocate(chunk * inChannels * planeStride), rows = workspace.allocate(chunk * outChannels * length)
            for group in 0..<shape.groups {
                let gradient = weightGradient + group * outChannels * shape.patchSize
                for start in stride(from: 0, to: shape.batch, by: chunk) {
                    let images = start..<min(start + chunk, shape.batch)
                    for (index, image) in images.enumerated() {
                        pad(input + (image * shape.inChannels + group * inChannels) * shape.inPlane, channels: inChannels,
                            into: planes + index * inChannels * planeStride)
                        spread(outputGradient + (image * shape.outChannels + group * outChannels) * shape.outPlane, channels: outChannels,
                               into: rows + index * outChannels * length)
                    }
                    let adding = start > 0
                    if let pool, threads > 1 {
                        pool.parallelFor(threads) { part in
                            accumulate(rows: rows, planes: planes, images: images.count, blocks: blocks * part / threads..<blocks * (part + 1) / threads,
                                       into: gradient, adding: adding)
                        }
                    } else {
                        accumulate(rows: rows, planes: planes, images: images.count, blocks: 0..<blocks, into: gradient, adding: adding)
                    }
                }
            }
        }
    }

    /// Each input plane at `planeStride`, zero-padded on every side (and zeros in the slack).
    private func pad(_ input: UnsafePointer<Float>, channels: Int, into planes: UnsafeMutablePointer<Float>) {
        planes.update(repeating: 0, count: channels * planeStride)
        for channel in 0..<channels {
            for y in 0..<shape.inHeight {
                (planes + channel * planeStride + (y + shape.padding) * paddedWidth + shape.padding)
                    .update(from: input + (channel * shape.inHeight + y) * shape.inWidth, count: shape.inWidth)
            }
        }
    }

    /// Each output-gradient plane on rows of `paddedWidth` floats, zeros past `outWidth` and past the last row.
    private func spread(_ gradient: UnsafePointer<Float>, channels: Int, into rows: UnsafeMutablePointer<Float>) {
        rows.update(repeating: 0, count: channels * length)
        for channel in 0..<channels {
            for y in 0..<shape.outHeight {
                (rows + channel * length + y * paddedWidth).update(from: gradient + (channel * shape.outHeight + y) * shape.outWidth,
                                                                   count: shape.outWidth)
            }
        }
    }

    /// `gradient[o, j] = Σ_images rows[o] · planes[j]` (or `+=` when `adding`) for the output channels `o` and (input channel, tap) pairs `j`
    /// of `blocks`: block `b` is output channels `2·(b / quads)` and the next, taps `4·(b % quads)` and the next three
    /// (eight vector accumulators).
    private func accumulate(rows: UnsafeMutablePointer<Float>, planes: UnsafeMutablePointer<Float>, images: Int, blocks: Range<Int>,
                            into gradient: UnsafeMutablePointer<Float>, adding: Bool) {
        let kernel = shape.kernelSize, taps = shape.patchSize, outChannels = shape.outChannelsPerGroup, quads = (taps + 3) / 4
        let rowsPerImage = outChannels * length, planesPerImage = shape.inChannelsPerGroup * planeStride
        func tap(_ j: Int) -> UnsafePointer<Float> {
            let c = j / (kernel * kernel), within = j % (kernel * kernel)
            return UnsafePointer(planes + c * planeStride + within / kernel * paddedWidth + within % kernel)
        }
        @inline(__always) func store(_ sums: SIMD4<Float>, count: Int, to destination: UnsafeMutablePointer<Float>) {
            for q in 0..<count { destination[q] = adding ? destination[q] + sums[q] : sums[q] }
        }
        for block in blocks {
            let o = 2 * (block / quads), j = 4 * (block % quads)
            let pair = min(2, outChannels - o), quad = min(4, taps - j)
            let first = UnsafePointer(rows + o * length), second = UnsafePointer(rows + (o + pair - 1) * length)
            let b0 = tap(j), b1 = tap(j + min(1, quad - 1)), b2 = tap(j + min(2, quad - 1)), b3 = tap(j + min(3, quad - 1))
            let sums = (wide ? WideDotBlock.sums : Self.sums)(first, second, b0, b1, b2, b3, length, images, rowsPerImage, planesPerImage)
            store(sums.first, count: quad, to: gradient + o * taps + j)
            if pair == 2 { store(sums.second, count: quad, to: gradient + (o + 1) * taps + j) }
        }
    }

    /// ``WideDotBlock/sums(first:second:_:_:_:_:length:images:rowStride:planeStride:)`` in `SIMD8` vectors, for
    /// processors without AVX-512 (the two are twins: each module compiles its own vector width).
    static func sums(first: UnsafePointer<Float>, second: UnsafePointer<Float>,
                     _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>, _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>,
                     length: Int, images: Int, rowStride: Int, planeStride: Int) -> (first: SIMD4<Float>, second: SIMD4<Float>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0
        for image in 0..<images {
            let x0 = first + image * rowStride, y0 = second + image * rowStride, shift = image * planeStride
            var t = 0
            while t < length {
                let x = load(x0 + t), y = load(y0 + t)
                let v0 = load(b0 + shift + t), v1 = load(b1 + shift + t), v2 = load(b2 + shift + t), v3 = load(b3 + shift + t)
                a0.addProduct(x, v0); a1.addProduct(x, v1); a2.addProduct(x, v2); a3.addProduct(x, v3)
                c0.addProduct(y, v0); c1.addProduct(y, v1); c2.addProduct(y, v2); c3.addProduct(y, v3)
                t += 8
            }
        }
        return (SIMD4(a0.sum(), a1.sum(), a2.sum(), a3.sum()), SIMD4(c0.sum(), c1.sum(), c2.sum(), c3.sum()))
    }
}
