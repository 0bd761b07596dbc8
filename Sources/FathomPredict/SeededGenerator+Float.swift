import FathomSpaces

extension SeededGenerator {
    /// A uniform `Float` in `[-limit, limit)` with 24 random bits (initial weights).
    mutating func float(symmetric limit: Float) -> Float {
        (Float(next() >> 40) * 0x1.0p-24 * 2 - 1) * limit
    }
}
