import Foundation

/// Softmax cross-entropy against a target distribution per image: hard labels with optional label smoothing
/// (`(1 − ε)·onehot + ε/K`), or a teacher's probabilities (in-place distillation).
///
/// The loss is the batch mean of `−Σ_k t_k log softmax(z)_k`; its gradient is `(softmax(z) − t) / batch`.
public enum ClassificationLoss {
    /// What one forward pass scored.
    public struct Result: Sendable {
        /// Mean loss over the batch.
        public var loss: Double
        /// Images whose largest logit is their label.
        public var correct: Int
    }

    /// Hard labels, smoothed by `smoothing` (0 disables it). Writes `∂loss/∂logits` into `gradient` when given.
    public static func labels(logits: UnsafePointer<Float>, labels: [Int], classes: Int, smoothing: Double = 0,
                              gradient: UnsafeMutablePointer<Float>?) -> Result {
        evaluate(logits: logits, labels: labels, classes: classes, gradient: gradient) { row, k in
            (k == labels[row] ? 1 - smoothing : 0) + smoothing / Double(classes)
        }
    }

    /// A teacher's probabilities (`batch × classes`) as soft targets; `labels` only count correct answers.
    public static func distillation(logits: UnsafePointer<Float>, teacher: UnsafePointer<Float>, labels: [Int], classes: Int,
                                    gradient: UnsafeMutablePointer<Float>?) -> Result {
        evaluate(logits: logits, labels: labels, classes: classes, gradient: gradient) { row, k in Double(teacher[row * classes + k]) }
    }

    /// Softmax of every row of `logits` into `probabilities`.
    public static func softmax(logits: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>, batch: Int, classes: Int) {
        for row in 0..<batch {
            let p = logProbabilities(logits + row * classes, classes)
            for k in 0..<classes { probabilities[row * classes + k] = Float(exp(p[k])) }
        }
    }

    /// Images of the batch whose largest logit is their label.
    public static func correct(logits: UnsafePointer<Float>, labels: [Int], classes: Int) -> Int {
        labels.indices.filter { row in argmax(logits + row * classes, classes) == labels[row] }.count
    }

    private static func evaluate(logits: UnsafePointer<Float>, labels: [Int], classes: Int, gradient: UnsafeMutablePointer<Float>?,
                                 target: (Int, Int) -> Double) -> Result {
        let batch = labels.count
        var total = 0.0
        for row in 0..<batch {
            let z = logits + row * classes
            let logP = logProbabilities(z, classes)
            for k in 0..<classes {
                let t = target(row, k)
                total -= t * logP[k]
                gradient?[row * classes + k] = Float((exp(logP[k]) - t) / Double(batch))
            }
        }
        return Result(loss: total / Double(batch), correct: correct(logits: logits, labels: labels, classes: classes))
    }

    private static func logProbabilities(_ z: UnsafePointer<Float>, _ classes: Int) -> [Double] {
        let maximum = (0..<classes).map { Double(z[$0]) }.max()!
        let logSum = log((0..<classes).reduce(0.0) { $0 + exp(Double(z[$1]) - maximum) }) + maximum
        return (0..<classes).map { Double(z[$0]) - logSum }
    }

    private static func argmax(_ z: UnsafePointer<Float>, _ classes: Int) -> Int {
        (1..<classes).reduce(0) { z[$1] > z[$0] ? $1 : $0 }
    }
}
