import Foundation

/// Cosine decay with a linear warm-up, by step: `base · (s + 1) / warmup` for the first `warmupSteps` steps, then
/// `base · ½(1 + cos(π · (s − warmup) / (total − warmup)))` down to zero at `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable {
    public var base: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(base: Double, warmupSteps: Int, totalSteps: Int) {
        self.base = base
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate of step `step` (0-based).
    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return base * Double(step + 1) / Double(warmupSteps) }
        let span = max(totalSteps - warmupSteps, 1)
        let progress = min(Double(step - warmupSteps) / Double(span), 1)
        return base * 0.5 * (1 + cos(Double.pi * progress))
    }
}
