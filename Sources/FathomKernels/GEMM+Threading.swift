/// How one SGEMM is split between threads.
enum GemmThreading {
    /// Products below this many multiply-adds run on one thread: waking workers costs more.
    static let minimumParallelWork = 64 * 64 * 64

    /// Splits C into at most `threads` non-empty rectangles with borders on micro-tile boundaries,
    /// choosing the grid (rows × columns of rectangles) whose largest rectangle is smallest, and
    /// among those the one that packs least (smallest rectangle perimeter).
    static func tiles(m: Int, n: Int, k: Int, threads: Int, tile: GemmTile) -> [(rows: Range<Int>, columns: Range<Int>)] {
        guard threads > 1, m * n * k >= minimumParallelWork else { return [(0..<m, 0..<n)] }
        var best: (rowParts: Int, columnParts: Int, area: Int, perimeter: Int)?
        for rowParts in 1...threads where threads % rowParts == 0 {
            let columnParts = threads / rowParts
            let tileM = GemmProblem.roundUp((m + rowParts - 1) / rowParts, to: tile.rows)
            let tileN = GemmProblem.roundUp((n + columnParts - 1) / columnParts, to: tile.columns)
            let area = min(tileM, m) * min(tileN, n), perimeter = tileM + tileN
            if best == nil || area < best!.area || (area == best!.area && perimeter < best!.perimeter) {
                best = (rowParts, columnParts, area, perimeter)
            }
        }
        let rowBlocks = split(m, parts: best!.rowParts, granule: tile.rows)
        let columnBlocks = split(n, parts: best!.columnParts, granule: tile.columns)
        return rowBlocks.flatMap { rows in columnBlocks.map { columns in (rows, columns) } }
    }

    /// `0..<total` in at most `parts` non-empty ranges whose borders are multiples of `granule`.
    private static func split(_ total: Int, parts: Int, granule: Int) -> [Range<Int>] {
        let size = GemmProblem.roundUp((total + parts - 1) / parts, to: granule)
        return stride(from: 0, to: total, by: size).map { $0..<min($0 + size, total) }
    }
}
