import Foundation

/// Adam (Kingma & Ba, ICLR 2015) taking ascent steps on a ragged parameter array (the policy's logits).
struct AdamAscent {
    let rate: Double
    let beta1 = 0.9
    let beta2 = 0.999
    let epsilon = 1e-8
    private var first: [[Double]]
    private var second: [[Double]]
    private var step = 0

    /// Zero moments shaped like `parameters`.
    init(rate: Double, shapedLike parameters: [[Double]]) {
        self.rate = rate
        first = parameters.map { Array(repeating: 0, count: $0.count) }
        second = first
    }

    /// Moves `parameters` up `gradient`.
    mutating func ascend(_ parameters: inout [[Double]], along gradient: [[Double]]) {
        step += 1
        let correction1 = 1 - pow(beta1, Double(step)), correction2 = 1 - pow(beta2, Double(step))
        for i in parameters.indices {
            for j in parameters[i].indices {
                let g = gradient[i][j]
                first[i][j] = beta1 * first[i][j] + (1 - beta1) * g
                second[i][j] = beta2 * second[i][j] + (1 - beta2) * g * g
                parameters[i][j] += rate * (first[i][j] / correction1) / ((second[i][j] / correction2).squareRoot() + epsilon)
            }
        }
    }
}
