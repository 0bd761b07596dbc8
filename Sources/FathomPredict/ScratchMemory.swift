import Foundation

/// Float buffers kept between calls, so that a training loop's passes allocate nothing per step: each numbered slot
/// grows to the largest size asked of it and is then reused. What a slot holds is left as the last user wrote it;
/// every user initialises what it reads.
///
/// Not thread-safe: one pass at a time per instance (``ScratchPool`` hands one to each concurrent task).
final class ScratchMemory {
    private var pointers: [UnsafeMutablePointer<Float>?] = []
    private var capacities: [Int] = []

    init() {}

    deinit {
        for pointer in pointers { pointer?.deallocate() }
    }

    /// Slot `slot`'s memory, at least `count` floats. The pointer stays valid until the slot is asked for more than
    /// it holds; its contents are kept while it does not grow.
    ///
    /// - Complexity: O(1), or O(count) when the slot grows.
    func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        if slot >= pointers.count {
            pointers += Array(repeating: nil, count: slot + 1 - pointers.count)
            capacities += Array(repeating: 0, count: slot + 1 - capacities.count)
        }
        if let pointer = pointers[slot], capacities[slot] >= count { return pointer }
        pointers[slot]?.deallocate()
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointers[slot] = pointer
        capacities[slot] = max(count, 1)
        return pointer
    }
}

/// ``ScratchMemory`` instances for tasks that run concurrently: each task borrows one for its duration, so there
/// are never more than the tasks running at once. Results do not depend on which instance a task gets.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [ScratchMemory] = []

    init() {}

    /// Runs `body` with a scratch memory no other task is using.
    func withScratch<R>(_ body: (ScratchMemory) throws -> R) rethrows -> R {
        let scratch = lock.withLock { idle.popLast() } ?? ScratchMemory()
        defer { lock.withLock { idle.append(scratch) } }
        return try body(scratch)
    }
}
