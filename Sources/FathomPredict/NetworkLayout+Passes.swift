/// What a forward pass of a ``NetworkLayout`` keeps for its backward pass.
struct NetworkTape {
    /// Per trunk layer, the input of its dense part (for a graph trunk, the aggregated `A·H`).
    var trunkInputs: [[Float]] = []
    /// Per trunk layer, its output after ReLU.
    var trunkOutputs: [[Float]] = []
    /// The hardware embedding, then each hardware layer's output after ReLU.
    var hardware: [[Float]] = []
    /// The head's input (trunk output, hardware branch appended), then each head layer's output; the last is the
    /// prediction.
    var head: [[Float]] = []

    /// One normalised latency per architecture.
    var output: [Float] { head.last! }
}

extension NetworkLayout {
    /// Runs the network with `parameters` on `batch` under one device's `hardware` embedding (ignored, and may be
    /// empty, when the layout has no hardware branch).
    ///
    /// - Complexity: O(rows × parameters), plus O(rows × nodes² × hidden) for graph aggregation.
    func forward(_ parameters: [Float], batch: ArchitectureBatch, hardware embedding: [Float]) -> NetworkTape {
        precondition(parameters.count == parameterCount, "network: \(parameters.count) parameters, expected \(parameterCount)")
        var tape = NetworkTape()
        let rows = batch.rows
        var h = batch.features
        for layer in trunk {
            let x = input == .graph ? aggregate(batch.adjacency, h, width: layer.inputs, graphs: rows, transposed: false) : h
            h = layer.forward(parameters: parameters, input: x, rows: trunkRows(rows), relu: true)
            tape.trunkInputs.append(x)
            tape.trunkOutputs.append(h)
        }
        var features = input == .graph ? readout(h, graphs: rows) : h
        if hardwareSize > 0 {
            precondition(embedding.count == hardwareSize, "network: hardware embedding of \(embedding.count), expected \(hardwareSize)")
            tape.hardware = [embedding]
            for layer in hardware {
                tape.hardware.append(layer.forward(parameters: parameters, input: tape.hardware.last!, rows: 1, relu: true))
            }
            let branch = tape.hardware.last!
            features = (0..<rows).flatMap { row in features[row * hidden..<(row + 1) * hidden] + branch }
        }
        tape.head = [features]
        for (index, layer) in head.enumerated() {
            tape.head.append(layer.forward(parameters: parameters, input: tape.head[index], rows: rows, relu: index < head.count - 1))
        }
        return tape
    }

    /// The predictions of the network with `parameters` for `batch` on a device with `hardware` embedding.
    func predict(_ parameters: [Float], batch: ArchitectureBatch, hardware: [Float]) -> [Float] {
        forward(parameters, batch: batch, hardware: hardware).output
    }

    /// The gradient with respect to `parameters` of a loss whose gradient with respect to the outputs of the
    /// forward pass `tape` is `outputGradient` (backpropagation).
    ///
    /// - Complexity: the forward pass's.
    func gradient(_ parameters: [Float], tape: NetworkTape, batch: ArchitectureBatch, outputGradient: [Float]) -> [Float] {
        let rows = batch.rows
        var gradient = [Float](repeating: 0, count: parameterCount)
        var d = outputGradient
        for (index, layer) in head.enumerated().reversed() {
            if index < head.count - 1 { d = reluMasked(d, by: tape.head[index + 1]) }
            d = layer.backward(parameters: parameters, input: tape.head[index], outputGradient: d, rows: rows,
                               propagate: true, gradient: &gradient)
        }
        var trunkGradient = d
        if hardwareSize > 0 {
            var branch = [Float](repeating: 0, count: hidden)
            trunkGradient = []
            trunkGradient.reserveCapacity(rows * hidden)
            for row in 0..<rows {
                trunkGradient += d[row * headWidth..<(row * headWidth + hidden)]
                for i in 0..<hidden { branch[i] += d[row * headWidth + hidden + i] }
            }
            for (index, layer) in hardware.enumerated().reversed() {
                branch = layer.backward(parameters: parameters, input: tape.hardware[index],
                                        outputGradient: reluMasked(branch, by: tape.hardware[index + 1]), rows: 1,
                                        propagate: index > 0, gradient: &gradient)
            }
        }
        d = input == .graph ? unreadout(trunkGradient, graphs: rows) : trunkGradient
        for (index, layer) in trunk.enumerated().reversed() {
            let inputGradient = layer.backward(parameters: parameters, input: tape.trunkInputs[index],
                                               outputGradient: reluMasked(d, by: tape.trunkOutputs[index]),
                                               rows: trunkRows(rows), propagate: index > 0, gradient: &gradient)
            if index > 0 {
                d = input == .graph
                    ? aggregate(batch.adjacency, inputGradient, width: layer.inputs, graphs: rows, transposed: true)
                    : inputGradient
            }
        }
        return gradient
    }

    /// The mean squared error of the predictions for `batch` against `targets`, and its gradient.
    func lossAndGradient(_ parameters: [Float], batch: ArchitectureBatch, hardware: [Float], targets: [Float]) -> (loss: Float, gradient: [Float]) {
        let tape = forward(parameters, batch: batch, hardware: hardware)
        let errors = zip(tape.output, targets).map { $0 - $1 }
        let count = Float(targets.count)
        let loss = errors.reduce(0) { $0 + $1 * $1 } / count
        return (loss, gradient(parameters, tape: tape, batch: batch, outputGradient: errors.map { 2 * $0 / count }))
    }

    private func trunkRows(_ rows: Int) -> Int { input == .graph ? rows * nodes : rows }

    /// Per graph, `A·H` (or `Aᵀ·H` when `transposed`) for node rows of `width` values.
    private func aggregate(_ adjacency: [Float], _ h: [Float], width: Int, graphs: Int, transposed: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: graphs * nodes * width)
        adjacency.withUnsafeBufferPointer { a in
            h.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    for graph in 0..<graphs {
                        let matrix = graph * nodes * nodes, base = graph * nodes * width
                        for i in 0..<nodes {
                            for j in 0..<nodes {
                                let weight = a[matrix + i * nodes + j]
                                guard weight != 0 else { continue }
                                let (to, from) = transposed ? (j, i) : (i, j)
                                addScaled(weight, x.baseAddress! + base + from * width, to: y.baseAddress! + base + to * width, count: width)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The last (global) node's row of every graph.
    private func readout(_ h: [Float], graphs: Int) -> [Float] {
        (0..<graphs).flatMap { graph in h[((graph + 1) * nodes - 1) * hidden..<(graph + 1) * nodes * hidden] }
    }

    /// The inverse of ``readout``: gradients placed at each graph's global node, zeros elsewhere.
    private func unreadout(_ d: [Float], graphs: Int) -> [Float] {
        var out = [Float](repeating: 0, count: graphs * nodes * hidden)
        for graph in 0..<graphs {
            out.replaceSubrange(((graph + 1) * nodes - 1) * hidden..<(graph + 1) * nodes * hidden, with: d[graph * hidden..<(graph + 1) * hidden])
        }
        return out
    }
}

/// `d` where `activation > 0`, else 0: the gradient through a ReLU (0 at 0, as in PyTorch).
func reluMasked(_ d: [Float], by activation: [Float]) -> [Float] {
    zip(d, activation).map { $1 > 0 ? $0 : 0 }
}
