/// HELP's min-max normalisation of latencies (`normalization` in HELP's `utils.py`):
/// `y = (latency − min) / (max − min) · portion + (1 − portion) / 2`.
///
/// HELP uses `portion` 0.9 for a predictor's targets, with min and max taken over the device's trimmed
/// adaptation pool (`loader.py`, `Data.__init__`: `normalization(latency, index=train_idx)`), so targets fill
/// [0.05, 0.95]; and `portion` 1.0 for the hardware embedding, which then fills [0, 1].
public struct LatencyScaler: Codable, Sendable, Equatable {
    /// The latency (ms) that maps to `(1 − portion) / 2`.
    public let minimum: Double
    /// The latency (ms) that maps to `(1 + portion) / 2`.
    public let maximum: Double
    /// The width of the normalised range.
    public let portion: Double

    /// Fits the scaler to the smallest and largest of `latencies`; nil when they are empty or all equal.
    public init?(fitting latencies: [Double], portion: Double = 0.9) {
        guard let minimum = latencies.min(), let maximum = latencies.max(), maximum > minimum else { return nil }
        self.minimum = minimum
        self.maximum = maximum
        self.portion = portion
    }

    /// The normalised value of a latency in ms.
    public func normalise(_ latency: Double) -> Double {
        (latency - minimum) / (maximum - minimum) * portion + (1 - portion) / 2
    }

    /// The latency in ms of a normalised value (the inverse of ``normalise(_:)``).
    public func denormalise(_ value: Double) -> Double {
        (value - (1 - portion) / 2) / portion * (maximum - minimum) + minimum
    }
}
