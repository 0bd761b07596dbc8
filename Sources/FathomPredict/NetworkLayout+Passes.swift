/// The forward and backward passes of a ``NetworkLayout``.
///
/// The passes work on pointers into a ``ScratchMemory`` that the caller keeps between calls: the forward pass leaves
/// its activations there (the tape the backward pass reads), the backward pass its intermediate gradients. A training
/// loop that reuses one scratch memory allocates nothing per step. The array-returning forms make a scratch memory
/// of their own per call.
extension NetworkLayout {
    /// The scratch slots the passes use (``ScratchMemory`` slots below ``NetworkLayout/scratchSlots``).
    private enum Slot {
        /// Per trunk layer of a graph trunk, the input of its dense part (the aggregated `A·H`).
        static func trunkInput(_ layer: Int) -> Int { layer }
        /// Per trunk layer, its output after ReLU.
        static func trunkOutput(_ layer: Int) -> Int { 8 + layer }
        /// Per hardware layer, its output after ReLU.
        static func hardwareOutput(_ layer: Int) -> Int { 16 + layer }
        /// The head's input (trunk output, hardware branch appended), then each head layer's output; the last is
        /// the prediction.
        static func head(_ index: Int) -> Int { 18 + index }
        /// Two gradient buffers the backward pass alternates between.
        static let gradientA = 22, gradientB = 23
        /// The hardware branch's gradient, and its input gradient.
        static let branchA = 24, branchB = 25
        /// The loss gradient with respect to the outputs.
        static let outputGradient = 26
    }

    /// Scratch slots `0..<scratchSlots` belong to the passes; callers sharing the scratch memory use higher ones.
    static let scratchSlots = 32

    /// Runs the network with `parameters` on `batch` under one device's `hardware` embedding (ignored, and may be
    /// empty, when the layout has no hardware branch), leaving its activations in `scratch`.
    ///
    /// - Returns: the predictions, one normalised latency per architecture, in `scratch` (valid until its next use).
    /// - Complexity: O(rows × parameters), plus O(rows × nodes² × hidden) for graph aggregation.
    func forward(_ parameters: UnsafePointer<Float>, batch: ArchitectureBatch.View, hardware embedding: UnsafePointer<Float>,
                 scratch: ScratchMemory) -> UnsafeMutablePointer<Float> {
        let rows = batch.rows, trunkRows = trunkRows(rows)
        var h = batch.features
        for (index, layer) in trunk.enumerated() {
            var x = h
            if input == .graph {
                let aggregated = scratch.buffer(Slot.trunkInput(index), count: trunkRows * layer.inputs)
                aggregate(batch.adjacency, h, into: aggregated, width: layer.inputs, graphs: rows, transposed: false)
                x = UnsafePointer(aggregated)
            }
            let output = scratch.buffer(Slot.trunkOutput(index), count: trunkRows * layer.outputs)
            layer.forward(parameters: parameters, input: x, output: output, rows: trunkRows, relu: true)
            h = UnsafePointer(output)
        }
        // The trunk's features (a graph's at its global node, the last), then the hardware branch, per row.
        let features = scratch.buffer(Slot.head(0), count: rows * headWidth)
        for row in 0..<rows {
            let trunkRow = input == .graph ? (row + 1) * nodes - 1 : row
            (features + row * headWidth).update(from: h + trunkRow * hidden, count: hidden)
        }
        if hardwareSize > 0 {
            var branch = embedding
            for (index, layer) in hardware.enumerated() {
                let output = scratch.buffer(Slot.hardwareOutput(index), count: hidden)
                layer.forward(parameters: parameters, input: branch, output: output, rows: 1, relu: true)
                branch = UnsafePointer(output)
            }
            for row in 0..<rows { (features + row * headWidth + hidden).update(from: branch, count: hidden) }
        }
        var x = UnsafePointer(features)
        for (index, layer) in head.enumerated() {
            let output = scratch.buffer(Slot.head(index + 1), count: rows * layer.outputs)
            layer.forward(parameters: parameters, input: x, output: output, rows: rows, relu: index < head.count - 1)
            x = UnsafePointer(output)
        }
        return scratch.buffer(Slot.head(head.count), count: rows)
    }

    /// Sets `gradient` (``parameterCount`` values) to the gradient with respect to `parameters` of a loss whose
    /// gradient with respect to the outputs of the last ``forward(_:batch:hardware:scratch:)`` in `scratch`, with the
    /// same arguments, is `outputGradient` (backpropagation).
    ///
    /// - Complexity: the forward pass's.
    func backward(_ parameters: UnsafePointer<Float>, batch: ArchitectureBatch.View, hardware embedding: UnsafePointer<Float>,
                  outputGradient: UnsafePointer<Float>, scratch: ScratchMemory, gradient: UnsafeMutablePointer<Float>) {
        let rows = batch.rows, trunkRows = trunkRows(rows)
        gradient.update(repeating: 0, count: parameterCount)
        let size = max(rows * headWidth, trunkRows * hidden)
        var d = scratch.buffer(Slot.gradientA, count: size), other = scratch.buffer(Slot.gradientB, count: size)
        d.update(from: outputGradient, count: rows)
        for (index, layer) in head.enumerated().reversed() {
            if index < head.count - 1 {
                reluMask(d, by: scratch.buffer(Slot.head(index + 1), count: rows * layer.outputs), count: rows * layer.outputs)
            }
            layer.backward(parameters: parameters, input: scratch.buffer(Slot.head(index), count: rows * layer.inputs),
                           outputGradient: d, rows: rows, inputGradient: other, gradient: gradient)
            swap(&d, &other)
        }
        // `d`: the gradient with respect to the head's input, rows × headWidth.
        if hardwareSize > 0 {
            var branch = scratch.buffer(Slot.branchA, count: hidden), branchInput = scratch.buffer(Slot.branchB, count: hidden)
            branch.update(repeating: 0, count: hidden)
            for row in 0..<rows {
                (other + row * hidden).update(from: d + row * headWidth, count: hidden)
                for i in 0..<hidden { branch[i] += d[row * headWidth + hidden + i] }
            }
            for (index, layer) in hardware.enumerated().reversed() {
                reluMask(branch, by: scratch.buffer(Slot.hardwareOutput(index), count: hidden), count: hidden)
                let x = index == 0 ? embedding : UnsafePointer(scratch.buffer(Slot.hardwareOutput(index - 1), count: hidden))
                layer.backward(parameters: parameters, input: x, outputGradient: branch, rows: 1,
                               inputGradient: index > 0 ? branchInput : nil, gradient: gradient)
                swap(&branch, &branchInput)
            }
            swap(&d, &other)
        }
        // `d`: the gradient with respect to the trunk's features, rows × hidden.
        if input == .graph {
            // Placed at each graph's global node, zeros elsewhere.
            other.update(repeating: 0, count: trunkRows * hidden)
            for graph in 0..<rows {
                (other + ((graph + 1) * nodes - 1) * hidden).update(from: d + graph * hidden, count: hidden)
            }
            swap(&d, &other)
        }
        for (index, layer) in trunk.enumerated().reversed() {
            reluMask(d, by: scratch.buffer(Slot.trunkOutput(index), count: trunkRows * layer.outputs), count: trunkRows * layer.outputs)
            let x = input == .graph ? UnsafePointer(scratch.buffer(Slot.trunkInput(index), count: trunkRows * layer.inputs))
                : index == 0 ? batch.features : UnsafePointer(scratch.buffer(Slot.trunkOutput(index - 1), count: trunkRows * layer.inputs))
            layer.backward(parameters: parameters, input: x, outputGradient: d, rows: trunkRows,
                           inputGradient: index > 0 ? other : nil, gradient: gradient)
            if index > 0 {
                if input == .graph {
                    aggregate(batch.adjacency, other, into: d, width: layer.inputs, graphs: rows, transposed: true)
                } else {
                    swap(&d, &other)
                }
            }
        }
    }

    /// The mean squared error of the predictions for `batch` against `targets` (one per row), with its gradient
    /// with respect to `parameters` written to `gradient` (``parameterCount`` values).
    ///
    /// - Complexity: a forward and a backward pass.
    func lossAndGradient(_ parameters: UnsafePointer<Float>, batch: ArchitectureBatch.View, hardware: UnsafePointer<Float>,
                         targets: UnsafePointer<Float>, scratch: ScratchMemory, gradient: UnsafeMutablePointer<Float>) -> Float {
        let rows = batch.rows
        let output = forward(parameters, batch: batch, hardware: hardware, scratch: scratch)
        let outputGradient = scratch.buffer(Slot.outputGradient, count: rows)
        let count = Float(rows)
        var loss: Float = 0
        for row in 0..<rows {
            let error = output[row] - targets[row]
            loss = loss + error * error
            outputGradient[row] = 2 * error / count
        }
        backward(parameters, batch: batch, hardware: hardware, outputGradient: outputGradient, scratch: scratch, gradient: gradient)
        return loss / count
    }

    /// The predictions of the network with `parameters` for `batch` on a device with `hardware` embedding.
    func predict(_ parameters: [Float], batch: ArchitectureBatch, hardware: [Float]) -> [Float] {
        predict(parameters, batch: batch, hardware: hardware, scratch: ScratchMemory())
    }

    /// ``predict(_:batch:hardware:)`` with the activations in `scratch`.
    func predict(_ parameters: [Float], batch: ArchitectureBatch, hardware: [Float], scratch: ScratchMemory) -> [Float] {
        checkArguments(parameters, hardware: hardware)
        guard batch.rows > 0 else { return [] }
        return parameters.withUnsafeBufferPointer { p in
            hardware.withUnsafeBufferPointer { e in
                batch.withView { view in
                    let output = forward(p.baseAddress!, batch: view, hardware: e.baseAddress ?? p.baseAddress!, scratch: scratch)
                    return Array(UnsafeBufferPointer(start: output, count: batch.rows))
                }
            }
        }
    }

    /// The mean squared error of the predictions for `batch` against `targets`, and its gradient.
    func lossAndGradient(_ parameters: [Float], batch: ArchitectureBatch, hardware: [Float], targets: [Float]) -> (loss: Float, gradient: [Float]) {
        checkArguments(parameters, hardware: hardware)
        precondition(targets.count == batch.rows, "network: \(targets.count) targets for \(batch.rows) architectures")
        var gradient = [Float](repeating: 0, count: parameterCount)
        guard batch.rows > 0 else { return (.nan, gradient) }
        let scratch = ScratchMemory()
        let loss = parameters.withUnsafeBufferPointer { p in
            hardware.withUnsafeBufferPointer { e in
                targets.withUnsafeBufferPointer { t in
                    gradient.withUnsafeMutableBufferPointer { g in
                        batch.withView { view in
                            lossAndGradient(p.baseAddress!, batch: view, hardware: e.baseAddress ?? p.baseAddress!, targets: t.baseAddress!,
                                            scratch: scratch, gradient: g.baseAddress!)
                        }
                    }
                }
            }
        }
        return (loss, gradient)
    }

    /// Traps on parameters or an embedding of the wrong length (a programming error).
    func checkArguments(_ parameters: [Float], hardware: [Float]) {
        precondition(parameters.count == parameterCount, "network: \(parameters.count) parameters, expected \(parameterCount)")
        precondition(hardwareSize == 0 || hardware.count == hardwareSize,
                     "network: hardware embedding of \(hardware.count), expected \(hardwareSize)")
    }

    private func trunkRows(_ rows: Int) -> Int { input == .graph ? rows * nodes : rows }

    /// Per graph, `A·H` (or `Aᵀ·H` when `transposed`) for node rows of `width` values, written to `out`.
    private func aggregate(_ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                           width: Int, graphs: Int, transposed: Bool) {
        y.update(repeating: 0, count: graphs * nodes * width)
        for graph in 0..<graphs {
            let matrix = graph * nodes * nodes, base = graph * nodes * width
            for i in 0..<nodes {
                for j in 0..<nodes {
                    let weight = a[matrix + i * nodes + j]
                    guard weight != 0 else { continue }
                    let (to, from) = transposed ? (j, i) : (i, j)
                    addScaled(weight, x + base + from * width, to: y + base + to * width, count: width)
                }
            }
        }
    }
}

/// `d` where `activation > 0`, else 0: the gradient through a ReLU (0 at 0, as in PyTorch).
func reluMasked(_ d: [Float], by activation: [Float]) -> [Float] {
    zip(d, activation).map { $1 > 0 ? $0 : 0 }
}

/// ``reluMasked(_:by:)`` in place over `count` values.
@inline(__always)
func reluMask(_ d: UnsafeMutablePointer<Float>, by activation: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count where !(activation[i] > 0) { d[i] = 0 }
}
