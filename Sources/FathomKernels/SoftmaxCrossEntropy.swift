import Foundation

/// Softmax over the classes of each row of a `[batch, classes]` logit matrix, and the cross-entropy
/// loss of a classifier, computed stably (the row maximum is subtracted before exponentiation).
public enum SoftmaxCrossEntropy {
    /// `probabilities[b] = softmax(logits[b])` (may be `logits`).
    public static func softmax(
        logits: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>, batch: Int, classes: Int
    ) {
        for row in 0..<batch {
            let input = logits + row * classes, output = probabilities + row * classes
            var maximum = input[0]
            for index in 1..<classes { maximum = max(maximum, input[index]) }
            var sum: Float = 0
            for index in 0..<classes {
                output[index] = exp(input[index] - maximum)
                sum += output[index]
            }
            let scale = 1 / sum
            for index in 0..<classes { output[index] *= scale }
        }
    }

    /// Mean over the batch of `−log softmax(logits[b])[labels[b]]`. When `gradient` is given, it
    /// receives `∂loss/∂logits = (softmax(logits) − onehot(labels)) / batch` (it may be `logits`).
    public static func loss(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, batch: Int, classes: Int,
        gradient: UnsafeMutablePointer<Float>? = nil
    ) -> Float {
        precondition(batch > 0 && classes > 0, "SoftmaxCrossEntropy: empty batch or no classes")
        var total = 0.0
        for row in 0..<batch {
            let input = logits + row * classes, label = labels[row]
            precondition((0..<classes).contains(label), "SoftmaxCrossEntropy: label \(label) of row \(row) is not in 0..<\(classes)")
            var maximum = input[0]
            for index in 1..<classes { maximum = max(maximum, input[index]) }
            var sum: Float = 0
            for index in 0..<classes { sum += exp(input[index] - maximum) }
            let logSum = log(sum) + maximum
            total += Double(logSum - input[label])
            guard let gradient else { continue }
            let output = gradient + row * classes, scale = 1 / Float(batch)
            for index in 0..<classes { output[index] = exp(input[index] - logSum) * scale }
            output[label] -= scale
        }
        return Float(total / Double(batch))
    }
}
