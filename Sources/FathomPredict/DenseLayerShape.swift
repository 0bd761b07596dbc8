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
        guard rows > 0 else { return output }
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    forward(parameters: p.baseAddress!, input: x.baseAddress!, output: y.baseAddress!, rows: rows, relu: relu)
                }
            }
        }
        return output
    }

    /// `relu?(W·x + b)` for each of `rows` inputs (`rows × inputs` values), written to `output` (`rows × outputs`).
    ///
    /// (Sharing weight loads between rows measured slower here for the large batches of meta-training: the
    /// per-output horizontal sums, not the loads, bound this loop.)
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func forward(parameters p: UnsafePointer<Float>, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                 rows: Int, relu: Bool) {
        let weights = p + weightOffset
        for row in 0..<rows {
            for o in 0..<outputs {
                let sum = p[biasOffset + o] + dotProduct(weights + o * inputs, x + row * inputs, count: inputs)
                y[row * outputs + o] = relu ? max(sum, 0) : sum
            }
        }
    }

    /// Adds this layer's weight and bias gradients to `gradient`, given its input and the loss gradient with respect
    /// to its pre-activation outputs; returns the loss gradient with respect to its input, or `[]` unless `propagate`.
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func backward(parameters: [Float], input: [Float], outputGradient: [Float], rows: Int, propagate: Bool,
                  gradient: inout [Float]) -> [Float] {
        var inputGradient = [Float](repeating: 0, count: propagate ? rows * inputs : 0)
        guard rows > 0 else { return inputGradient }
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gradient.withUnsafeMutableBufferPointer { g in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            backward(parameters: p.baseAddress!, input: x.baseAddress!, outputGradient: dy.baseAddress!, rows: rows,
                                     inputGradient: propagate ? dx.baseAddress! : nil, gradient: g.baseAddress!)
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Adds this layer's weight and bias gradients to `gradient`, given its input (`rows × inputs`) and the loss
    /// gradient with respect to its pre-activation outputs (`rows × outputs`); when `inputGradient` is given, writes
    /// the loss gradient with respect to the input there (`rows × inputs`, overwritten).
    ///
    /// Each gradient value takes its terms in the order of a row-by-row, output-by-output
    /// ``addScaled(_:_:to:count:)`` (rows ascending for the weights and biases, outputs ascending for the input
    /// gradient), with the same fused and unfused operations, but the partial sums stay in registers: the weight
    /// gradient over tiles of rows, the input gradient over all outputs for four rows at a time.
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func backward(parameters p: UnsafePointer<Float>, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  rows: Int, inputGradient dx: UnsafeMutablePointer<Float>?, gradient g: UnsafeMutablePointer<Float>) {
        for o in 0..<outputs {
            var bias = g[biasOffset + o]
            for row in 0..<rows { bias += dy[row * outputs + o] }
            g[biasOffset + o] = bias
        }
        let vectorEnd = inputs / 8 * 8
        // Weights: `g[o][i] += Σ_row dy[row][o] · x[row][i]`, rows in order, a tile of rows kept in L1.
        let tile = 64
        for tileStart in stride(from: 0, to: rows, by: tile) {
            let tileRows = tileStart..<min(tileStart + tile, rows)
            for o in 0..<outputs {
                let gw = g + weightOffset + o * inputs
                let d = dy + o
                var i = 0
                while i + 32 <= vectorEnd {
                    var a0 = load8(gw + i), a1 = load8(gw + i + 8), a2 = load8(gw + i + 16), a3 = load8(gw + i + 24)
                    for row in tileRows {
                        let scale = SIMD8<Float>(repeating: d[row * outputs]), xr = x + row * inputs + i
                        a0 = a0.addingProduct(scale, load8(xr))
                        a1 = a1.addingProduct(scale, load8(xr + 8))
                        a2 = a2.addingProduct(scale, load8(xr + 16))
                        a3 = a3.addingProduct(scale, load8(xr + 24))
                    }
                    store8(a0, gw + i)
                    store8(a1, gw + i + 8)
                    store8(a2, gw + i + 16)
                    store8(a3, gw + i + 24)
                    i += 32
                }
                while i < vectorEnd {
                    var a = load8(gw + i)
                    for row in tileRows { a = a.addingProduct(SIMD8<Float>(repeating: d[row * outputs]), load8(x + row * inputs + i)) }
                    store8(a, gw + i)
                    i += 8
                }
                while i < inputs {
                    var a = gw[i]
                    for row in tileRows { a += d[row * outputs] * x[row * inputs + i] }
                    gw[i] = a
                    i += 1
                }
            }
        }
        guard let dx else { return }
        // Inputs: `dx[row][i] = Σ_o dy[row][o] · W[o][i]`, outputs in order, four rows at a time.
        let weights = p + weightOffset
        var row = 0
        while row + 4 <= rows {
            let d = dy + row * outputs, out = dx + row * inputs
            var i = 0
            while i + 16 <= vectorEnd {
                var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
                var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
                for o in 0..<outputs {
                    let w0 = load8(weights + o * inputs + i), w1 = load8(weights + o * inputs + i + 8)
                    let d0 = SIMD8<Float>(repeating: d[o]), d1 = SIMD8<Float>(repeating: d[outputs + o])
                    let d2 = SIMD8<Float>(repeating: d[2 * outputs + o]), d3 = SIMD8<Float>(repeating: d[3 * outputs + o])
                    a00 = a00.addingProduct(d0, w0)
                    a01 = a01.addingProduct(d0, w1)
                    a10 = a10.addingProduct(d1, w0)
                    a11 = a11.addingProduct(d1, w1)
                    a20 = a20.addingProduct(d2, w0)
                    a21 = a21.addingProduct(d2, w1)
                    a30 = a30.addingProduct(d3, w0)
                    a31 = a31.addingProduct(d3, w1)
                }
                store8(a00, out + i)
                store8(a01, out + i + 8)
                store8(a10, out + inputs + i)
                store8(a11, out + inputs + i + 8)
                store8(a20, out + 2 * inputs + i)
                store8(a21, out + 2 * inputs + i + 8)
                store8(a30, out + 3 * inputs + i)
                store8(a31, out + 3 * inputs + i + 8)
                i += 16
            }
            while i < vectorEnd {
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                for o in 0..<outputs {
                    let w = load8(weights + o * inputs + i)
                    a0 = a0.addingProduct(SIMD8<Float>(repeating: d[o]), w)
                    a1 = a1.addingProduct(SIMD8<Float>(repeating: d[outputs + o]), w)
                    a2 = a2.addingProduct(SIMD8<Float>(repeating: d[2 * outputs + o]), w)
                    a3 = a3.addingProduct(SIMD8<Float>(repeating: d[3 * outputs + o]), w)
                }
                store8(a0, out + i)
                store8(a1, out + inputs + i)
                store8(a2, out + 2 * inputs + i)
                store8(a3, out + 3 * inputs + i)
                i += 8
            }
            while i < inputs {
                for k in 0..<4 {
                    var a: Float = 0
                    for o in 0..<outputs { a += d[k * outputs + o] * weights[o * inputs + i] }
                    out[k * inputs + i] = a
                }
                i += 1
            }
            row += 4
        }
        for row in row..<rows {
            let d = dy + row * outputs, out = dx + row * inputs
            var i = 0
            while i < vectorEnd {
                var a = SIMD8<Float>()
                for o in 0..<outputs { a = a.addingProduct(SIMD8<Float>(repeating: d[o]), load8(weights + o * inputs + i)) }
                store8(a, out + i)
                i += 8
            }
            while i < inputs {
                var a: Float = 0
                for o in 0..<outputs { a += d[o] * weights[o * inputs + i] }
                out[i] = a
                i += 1
            }
        }
    }
}
