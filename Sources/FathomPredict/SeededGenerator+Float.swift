import FathomSpaces
import Foundation

extension SeededGenerator {
    /// A uniform `Float` in `[-limit, limit)` with 24 random bits (initial weights).
    mutating func float(symmetric limit: Float) -> Float {
        (Float(next() >> 40) * 0x1.0p-24 * 2 - 1) * limit
    }

    /// `count` standard-normal draws (Box–Muller on this generator's uniform doubles).
    mutating func normals(count: Int) -> [Float] {
        (0..<count).map { _ in
            let u = max(unit(), .leastNonzeroMagnitude)
            return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * unit()))
        }
    }
}
