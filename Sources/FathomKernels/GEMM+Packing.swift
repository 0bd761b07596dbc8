/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panel layouts that
/// ``GemmMicroKernel`` streams through, so that the kernel's loads are sequential and aligned
/// whatever the operands' transposition and leading dimensions.
enum GemmPacking {
    /// Packs rows `rows` and columns `depth` of `alpha * op(A)` into panels of `panelRows` rows
    /// (the tile's): panel `r` holds, for each `p`, the `panelRows` values
    /// `A[r·panelRows ..< (r+1)·panelRows][p]` (rows past the block are zero).
    static func packA(
        _ a: GemmOperand, rows: Range<Int>, depth: Range<Int>, alpha: Float, panelRows: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let kc = depth.count
        var destination = packed
        for panelStart in stride(from: rows.lowerBound, to: rows.upperBound, by: panelRows) {
            let valid = min(panelRows, rows.upperBound - panelStart)
            for i in 0..<panelRows {
                guard i < valid else {
                    for p in 0..<kc { destination[p * panelRows + i] = 0 }
                    continue
                }
                // Walk row `panelStart + i` of op(A) along the depth.
                var source = a.element(row: panelStart + i, column: depth.lowerBound)
                for p in 0..<kc {
                    destination[p * panelRows + i] = alpha * source.pointee
                    source += a.columnStride
                }
            }
            destination += panelRows * kc
        }
    }

    /// Packs rows `depth` and columns `columns` of op(B) into panels of `panelColumns` columns (the
    /// tile's, a multiple of 16): panel `j` holds, for each `p`, the values
    /// `B[p][j·panelColumns ..< (j+1)·panelColumns]` (columns past the block are zero).
    static func packB(
        _ b: GemmOperand, depth: Range<Int>, columns: Range<Int>, panelColumns: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let kc = depth.count
        var destination = packed
        for panelStart in stride(from: columns.lowerBound, to: columns.upperBound, by: panelColumns) {
            let valid = min(panelColumns, columns.upperBound - panelStart)
            if valid == panelColumns && b.columnStride == 1 {
                // The common case: contiguous floats per row of B, copied 16 at a time.
                var source = b.element(row: depth.lowerBound, column: panelStart)
                for p in 0..<kc {
                    for j in stride(from: 0, to: panelColumns, by: 16) {
                        let row = UnsafeRawPointer(source + j).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(destination + p * panelColumns + j).storeBytes(of: row, as: SIMD16<Float>.self)
                    }
                    source += b.rowStride
                }
            } else if valid == panelColumns && b.rowStride == 1 {
                // op(B) = Bᵀ: each column of the panel is a contiguous row of the stored B.
                for half in stride(from: 0, to: panelColumns, by: 8) {
                    transpose8Columns(
                        b.element(row: depth.lowerBound, column: panelStart + half), columnStride: b.columnStride,
                        depth: kc, into: destination + half, destinationStride: panelColumns)
                }
            } else {
                for j in 0..<panelColumns {
                    guard j < valid else {
                        for p in 0..<kc { destination[p * panelColumns + j] = 0 }
                        continue
                    }
                    var source = b.element(row: depth.lowerBound, column: panelStart + j)
                    for p in 0..<kc {
                        destination[p * panelColumns + j] = source.pointee
                        source += b.rowStride
                    }
                }
            }
            destination += panelColumns * kc
        }
    }
}

extension GemmPacking {
    /// Writes `destination[p·destinationStride + j] = source[j·columnStride + p]` for `j < 8` and
    /// `p < depth`: 8 contiguous source rows become 8 lanes, transposed 8×8 blocks at a time.
    static func transpose8Columns(
        _ source: UnsafePointer<Float>, columnStride: Int, depth: Int,
        into destination: UnsafeMutablePointer<Float>, destinationStride: Int
    ) {
        @inline(__always) func load(_ j: Int, _ p: Int) -> SIMD8<Float> {
            UnsafeRawPointer(source + j * columnStride + p).loadUnaligned(as: SIMD8<Float>.self)
        }
        var p = 0
        while p + 8 <= depth {
            let r0 = load(0, p), r1 = load(1, p), r2 = load(2, p), r3 = load(3, p)
            let r4 = load(4, p), r5 = load(5, p), r6 = load(6, p), r7 = load(7, p)
            for i in 0..<8 {
                let column = SIMD8(r0[i], r1[i], r2[i], r3[i], r4[i], r5[i], r6[i], r7[i])
                UnsafeMutableRawPointer(destination + (p + i) * destinationStride).storeBytes(of: column, as: SIMD8<Float>.self)
            }
            p += 8
        }
        while p < depth {
            for j in 0..<8 { destination[p * destinationStride + j] = source[j * columnStride + p] }
            p += 1
        }
    }
}

/// A row-major matrix operand seen through an optional transposition: element `(i, j)` of op(X)
/// sits at `base + i * rowStride + j * columnStride`.
struct GemmOperand {
    let base: UnsafePointer<Float>
    let rowStride: Int
    let columnStride: Int

    init(_ base: UnsafePointer<Float>, leadingDimension: Int, transposed: Bool) {
        self.init(
            base: base, rowStride: transposed ? 1 : leadingDimension, columnStride: transposed ? leadingDimension : 1)
    }

    init(base: UnsafePointer<Float>, rowStride: Int, columnStride: Int) {
        self.base = base
        self.rowStride = rowStride
        self.columnStride = columnStride
    }

    @inline(__always)
    func element(row: Int, column: Int) -> UnsafePointer<Float> {
        base + row * rowStride + column * columnStride
    }
}
