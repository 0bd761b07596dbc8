import FathomSpaces

/// Builds the graph of a cell-space architecture exactly as NAS-Bench-201's `TinyNetwork` with an `InferCell`.
struct CellNetworkBuilder {
    let space: SearchSpace
    let cell: CellSpace

    func build(_ arch: Architecture) throws -> NetworkGraph {
        var b = GraphBuilder(input: TensorShape(channels: space.inputChannels, height: space.inputHeight, width: space.inputWidth))
        let stem = try b.conv(0, out: cell.stemChannels, kernel: cell.stemKernel, name: "stem.conv")
        var x = try b.add(.batchNorm, [stem], name: "stem.bn")
        for (s, stage) in cell.stages.enumerated() {
            if s > 0 { x = try reduction(&b, x, out: stage.channels, name: "reduction\(s)") }
            for c in 0..<stage.cells {
                x = try cellBody(&b, x, arch: arch, name: "stage\(s).cell\(c)")
            }
        }
        let bn = try b.add(.batchNorm, [x], name: "head.bn")
        let relu = try b.add(.activation(.relu), [bn], name: "head.relu")
        let pool = try b.add(.globalAveragePool, [relu], name: "head.pool")
        _ = try b.add(.linear(outFeatures: space.classes, bias: true), [pool], name: "head.classifier")
        return b.graph()
    }

    /// ResNet basic block with stride 2: ReLU-conv3×3/s2-BN, ReLU-conv3×3-BN, plus avgpool2 + conv1×1 shortcut.
    private func reduction(_ b: inout GraphBuilder, _ x: Int, out: Int, name: String) throws -> Int {
        let a = try reluConvBN(&b, x, out: out, kernel: 3, stride: 2, name: "\(name).conv_a")
        let main = try reluConvBN(&b, a, out: out, kernel: 3, stride: 1, name: "\(name).conv_b")
        let pool = try b.add(.averagePool(Pooling(kernel: 2, stride: 2, padding: 0, countIncludePad: true)), [x], name: "\(name).shortcut.pool")
        let shortcut = try b.conv(pool, out: out, kernel: 1, name: "\(name).shortcut.conv")
        return try b.add(.add, [shortcut, main], name: "\(name).add")
    }

    private func reluConvBN(_ b: inout GraphBuilder, _ x: Int, out: Int, kernel: Int, stride: Int, name: String) throws -> Int {
        let relu = try b.add(.activation(.relu), [x], name: "\(name).relu")
        let conv = try b.conv(relu, out: out, kernel: kernel, stride: stride, name: "\(name).conv")
        return try b.add(.batchNorm, [conv], name: "\(name).bn")
    }

    /// Node j = Σ_{i<j} op(i→j)(node i); edges with `none` are left out; a node with no edge is a zero tensor.
    private func cellBody(_ b: inout GraphBuilder, _ input: Int, arch: Architecture, name: String) throws -> Int {
        var nodes = [input]
        let shape = b.shape(input)
        var gene = 0
        for target in 1..<cell.nodes {
            var terms: [Int] = []
            for source in 0..<target {
                let op = cell.ops[arch.genes[gene]]
                gene += 1
                let edge = "\(name).edge\(target)<-\(source)"
                let x = nodes[source]
                switch op.kind {
                case .zero:
                    continue
                case .identity:
                    terms.append(x)
                case let .reluConvBN(kernel):
                    terms.append(try reluConvBN(&b, x, out: shape.channels, kernel: kernel, stride: 1, name: edge))
                case let .avgPool(kernel):
                    terms.append(try b.add(.averagePool(Pooling(kernel: kernel, stride: 1, padding: kernel / 2, countIncludePad: false)), [x], name: "\(edge).pool"))
                case let .maxPool(kernel):
                    terms.append(try b.add(.maxPool(Pooling(kernel: kernel, stride: 1, padding: kernel / 2, countIncludePad: false)), [x], name: "\(edge).pool"))
                }
            }
            switch terms.count {
            case 0: nodes.append(try b.add(.zero(shape), [], name: "\(name).node\(target).zero"))
            case 1: nodes.append(terms[0])
            default: nodes.append(try b.add(.add, terms, name: "\(name).node\(target).sum"))
            }
        }
        return nodes[cell.nodes - 1]
    }
}
