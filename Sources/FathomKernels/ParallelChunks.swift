extension ThreadPool {
    /// Splits `0..<count` into contiguous ranges of at least `minimumChunk` elements (about two per
    /// thread) and calls `body` on each, in parallel when `pool` is non-nil and there is more than
    /// one range.
    static func forEachChunk(
        of count: Int, minimumChunk: Int, pool: ThreadPool?, _ body: (Range<Int>) -> Void
    ) {
        let threads = pool?.threadCount ?? 1
        let chunks = max(1, min(2 * threads, count / max(minimumChunk, 1)))
        guard chunks > 1, let pool else {
            body(0..<count)
            return
        }
        pool.parallelFor(chunks) { chunk in body(count * chunk / chunks..<count * (chunk + 1) / chunks) }
    }
}
