import FathomKernels
import Synchronization

/// Keeps activation buffers of finished training networks for the next ones of the same sizes, so that a supernet
/// step (a new network per sampled path) does not map and fault in fresh memory each time. Buffers come back
/// zeroed (some kernels read their output before overwriting it). Networks built side by side may share one.
public final class BufferRecycler: @unchecked Sendable {
    private let free = Mutex<[Int: [AlignedBuffer]]>([:])

    public init() {}

    /// A zeroed buffer of `count` floats.
    func take(_ count: Int) -> AlignedBuffer {
        guard let buffer = free.withLock({ $0[count]?.popLast() }) else { return AlignedBuffer(count: count) }
        buffer.baseAddress.update(repeating: 0, count: count)
        return buffer
    }

    /// Returns buffers for reuse.
    func give(_ buffers: [AlignedBuffer]) {
        free.withLock { free in
            for b in buffers { free[b.count, default: []].append(b) }
        }
    }
}
