/// A dense, row-major `Float` tensor: a shape and the aligned buffer holding its elements.
///
/// A class, so copies share storage: layers keep activations and gradients as `Tensor`s and hand
/// their ``data`` pointers to the kernels. Layout conventions (NCHW for images) are the caller's.
public final class Tensor: @unchecked Sendable {  // Sendable on the same terms as AlignedBuffer.
    /// Extent of each dimension, outermost first.
    public let shape: [Int]
    /// The elements, `shape.reduce(1, *)` of them.
    public let buffer: AlignedBuffer

    /// A tensor of the given shape, zero-filled.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape has a negative extent: \(shape)")
        self.shape = shape
        buffer = AlignedBuffer(count: shape.reduce(1, *))
    }

    /// A tensor of the given shape holding `values` (row-major; the count must match the shape).
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "Tensor of shape \(shape) needs \(count) values, got \(values.count)")
        _ = buffer.pointer.update(fromContentsOf: values)
    }

    /// Number of elements.
    public var count: Int { buffer.count }
    /// First element; valid while `self` is alive.
    public var data: UnsafeMutablePointer<Float> { buffer.baseAddress }
    /// The elements copied into an array.
    public var values: [Float] { Array(buffer.pointer) }
}
