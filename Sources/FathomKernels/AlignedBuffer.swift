/// A fixed-size block of `Float`s on the heap, 64-byte aligned (one cache line, one AVX-512 vector),
/// owned by this object and freed when it goes away.
///
/// Kernels read and write it through ``baseAddress``. Access is not synchronized: like a shared
/// `UnsafeMutablePointer`, concurrent writers must touch disjoint ranges, which every kernel in this
/// module does (it partitions its output between threads). That contract, and the fact that the
/// address and size never change, is why the type is `@unchecked Sendable`.
public final class AlignedBuffer: @unchecked Sendable {
    /// Alignment of every buffer, in bytes.
    public static let alignment = 64

    /// Number of `Float`s in the buffer.
    public let count: Int
    /// First element; valid for `count` elements for the lifetime of `self`.
    public let baseAddress: UnsafeMutablePointer<Float>

    /// Allocates `count` floats, set to zero when `zeroed` (the default), left undefined otherwise.
    public init(count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "AlignedBuffer count must be non-negative, got \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: Self.alignment)
        baseAddress = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { baseAddress.initialize(repeating: 0, count: count) }
    }

    deinit { UnsafeMutableRawPointer(baseAddress).deallocate() }

    /// The elements as a buffer pointer (no copy).
    public var pointer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: baseAddress, count: count)
    }
}
