/// Where one fully connected layer's weights and biases sit in a flat parameter vector, and its forward and
/// backward passes over a batch laid out row after row.
struct DenseLayerShape {
    let inputs: Int
    let outputs: Int
    /// Index of the first weight; weights are row-major `[output][input]`.
    let weightOffset: Int
    /// Index of the first bias, right after the weights.
    var biasOffset: Int { weightOffset + inputs * outputs }

    /// `relu?(W·x + b)` for each of `rows` inputs.
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func forward(parameters: [Float], input: [Float], rows: Int, relu: Bool) -> [Float] {
        var output = [Float](repeating: 0, count: rows * outputs)
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    let weights = p.baseAddress! + weightOffset
                    for row in 0..<rows {
                        for o in 0..<outputs {
                            let sum = p[biasOffset + o] + dotProduct(weights + o * inputs, x.baseAddress! + row * inputs, count: inputs)
                            y[row * outputs + o] = relu ? max(sum, 0) : sum
                        }
                    }
                }
            }
        }
        return output
    }

    /// Adds this layer's weight and bias gradients to `gradient`, given its input and the loss gradient with respect
    /// to its pre-activation outputs; returns the loss gradient with respect to its input, or `[]` unless `propagate`.
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func backward(parameters: [Float], input: [Float], outputGradient: [Float], rows: Int, propagate: Bool,
                  gradient: inout [Float]) -> [Float] {
        var inputGradient = [Float](repeating: 0, count: propagate ? rows * inputs : 0)
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gradient.withUnsafeMutableBufferPointer { g in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            for row in 0..<rows {
                                let inputRow = x.baseAddress! + row * inputs
                                for o in 0..<outputs {
                                    let d = dy[row * outputs + o]
                                    let w = weightOffset + o * inputs
                                    g[biasOffset + o] += d
                                    addScaled(d, inputRow, to: g.baseAddress! + w, count: inputs)
                                    if propagate {
                                        addScaled(d, p.baseAddress! + w, to: dx.baseAddress! + row * inputs, count: inputs)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
