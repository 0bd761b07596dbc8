/// A bump allocator of 64-byte-aligned `Float` scratch memory, reused from call to call so that hot
/// loops allocate nothing once it has grown to their needs.
///
/// ``allocate(_:)`` hands out consecutive slices; ``reset()`` takes them all back at once. When a
/// request does not fit, a separate chunk is allocated; the next ``reset()`` merges everything into
/// one block of the high-water size, so a steady workload stops allocating after its first round.
///
/// A workspace belongs to one thread at a time. It is `@unchecked Sendable` so that it can be handed
/// from thread to thread (kernels borrow them from ``ScratchCache``, which transfers ownership under
/// a lock); it is never used by two threads at once.
public final class Workspace: @unchecked Sendable {
    private var block: AlignedBuffer
    private var used = 0
    private var overflowChunks: [AlignedBuffer] = []
    private var overflowFloats = 0

    /// Creates a workspace with room for `capacity` floats before it has to grow.
    public init(capacity: Int = 0) {
        block = AlignedBuffer(count: capacity, zeroed: false)
    }

    /// Floats available in the main block (grows after a ``reset()`` that followed an overflow).
    public var capacity: Int { block.count }

    /// Returns `count` floats, 64-byte aligned, with undefined contents, valid until ``reset()``.
    public func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let rounded = Self.roundedToAlignment(count)
        if used + rounded <= block.count {
            defer { used += rounded }
            return block.baseAddress + used
        }
        let chunk = AlignedBuffer(count: rounded, zeroed: false)
        overflowChunks.append(chunk)
        overflowFloats += rounded
        return chunk.baseAddress
    }

    /// Takes back every slice handed out; grows the main block if the last round overflowed it.
    public func reset() {
        if overflowFloats > 0 {
            block = AlignedBuffer(count: used + overflowFloats, zeroed: false)
            overflowChunks.removeAll()
            overflowFloats = 0
        }
        used = 0
    }

    /// Rounds a float count up so that the next slice starts on an aligned address.
    private static func roundedToAlignment(_ count: Int) -> Int {
        let floatsPerLine = AlignedBuffer.alignment / MemoryLayout<Float>.stride
        return (max(count, 1) + floatsPerLine - 1) / floatsPerLine * floatsPerLine
    }
}
