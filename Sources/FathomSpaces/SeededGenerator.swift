/// A portable, seeded pseudo-random generator (SplitMix64 seeding xoshiro256**).
///
/// Every random choice in Fathom goes through this type with an explicit seed, so the same seed gives the same
/// samples on every machine and Swift version. Integer draws use Lemire's unbiased method implemented here,
/// not the standard library's `random(in:using:)`, whose algorithm is not a stability promise.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method). `bound` must be positive.
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniformly chosen element of a non-empty collection.
    public mutating func element<C: RandomAccessCollection>(of items: C) -> C.Element where C.Index == Int {
        items[items.startIndex + int(below: items.count)]
    }

    /// The elements of `items` in a uniformly random order (Fisher–Yates with this generator's own bounded draws).
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var result = items
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(i, int(below: i + 1))
        }
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
