import FathomSpaces

/// Seeded samples of architectures a supernet is judged on.
public enum SupernetSampling {
    /// `count` architectures of `space` drawn with `seed`, skipping cells whose output is cut off from their input by
    /// `none` edges (they would all score alike and flatter a ranking) and cells that run the same convolutions and
    /// pools as one already drawn (the same `liveEquivalent`: they differ only in dead edges or in edges out of an
    /// always-zero node, and would count one network twice).
    public static func connected(_ space: SearchSpace, count: Int, seed: UInt64) -> [Architecture] {
        var rng = SeededGenerator(seed: seed)
        var result: [Architecture] = [], seen: Set<Architecture> = []
        var attempts = 0
        while result.count < count, attempts < 100 * count {
            attempts += 1
            let arch = space.sample(using: &rng)
            if isConnected(arch, in: space), seen.insert(space.liveEquivalent(arch)).inserted { result.append(arch) }
        }
        return result
    }

    /// Whether `arch`'s cell output depends on its input (always true outside cell spaces).
    public static func isConnected(_ arch: Architecture, in space: SearchSpace) -> Bool {
        SupernetLayout.isConnected(arch, in: space)
    }
}
