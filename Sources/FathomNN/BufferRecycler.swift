import FathomKernels

/// Keeps activation buffers of finished training networks for the next ones of the same sizes, so that a supernet
/// step (a new network per sampled path) does not map and fault in fresh memory each time. Buffers come back
/// uninitialised. Not thread-safe: one recycler per training loop.
public final class BufferRecycler: @unchecked Sendable {
    private var free: [Int: [AlignedBuffer]] = [:]

    public init() {}

    /// A buffer of `count` floats (contents undefined).
    func take(_ count: Int) -> AlignedBuffer {
        free[count]?.popLast() ?? AlignedBuffer(count: count, zeroed: false)
    }

    /// Returns buffers for reuse.
    func give(_ buffers: [AlignedBuffer]) {
        for b in buffers { free[b.count, default: []].append(b) }
    }
}
