/// Assigns the activations of a compiled network to as few buffers as their lifetimes allow: a buffer is free again
/// after the last step that reads any layer mapped to it, and a later layer takes the smallest free buffer that is
/// large enough (or grows the largest free one). Pinned buffers (the input, constants computed once) are never
/// reused.
struct BufferPlanner {
    private(set) var sizes: [Int] = []
    /// The last layer (graph order, which is execution order) that reads any layer mapped to each buffer.
    private var lastUse: [Int] = []
    private var pinned: Set<Int> = []
    private var free: [Int] = []

    /// A buffer of at least `count` floats. `fresh` never takes a freed one: a constant, computed once before any run,
    /// must not share memory with a step that runs every time.
    mutating func allocate(_ count: Int, fresh: Bool) -> Int {
        let fitting = free.indices.filter { sizes[free[$0]] >= count }.min { sizes[free[$0]] < sizes[free[$1]] }
        if !fresh, let index = fitting ?? free.indices.max(by: { sizes[free[$0]] < sizes[free[$1]] }) {
            let buffer = free.remove(at: index)
            sizes[buffer] = max(sizes[buffer], count)
            lastUse[buffer] = -1
            return buffer
        }
        sizes.append(count)
        lastUse.append(-1)
        return sizes.count - 1
    }

    /// Records that a layer read last by layer `lastReader` lives in `buffer`; `pin` keeps the buffer for good.
    mutating func hold(_ buffer: Int, until lastReader: Int, pin: Bool) {
        lastUse[buffer] = max(lastUse[buffer], lastReader)
        if pin { pinned.insert(buffer) }
    }

    /// Frees `buffer` if no layer after `layer` reads it and it is not pinned; returns whether it did.
    mutating func releaseIfDone(_ buffer: Int, after layer: Int) -> Bool {
        guard lastUse[buffer] <= layer, !pinned.contains(buffer), !free.contains(buffer) else { return false }
        free.append(buffer)
        return true
    }
}
