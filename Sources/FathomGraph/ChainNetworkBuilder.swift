import FathomSpaces

/// Builds the graph of a chain-space (FBNet) architecture as HW-NAS-Bench's FBNet network does
/// (see `search-spaces/VERIFIED.md` for the source of each detail).
struct ChainNetworkBuilder {
    let space: SearchSpace
    let chain: ChainSpace

    func build(_ arch: Architecture) throws -> NetworkGraph {
        var b = GraphBuilder(input: TensorShape(channels: space.inputChannels, height: space.inputHeight, width: space.inputWidth))
        var x = try b.convBN(0, out: chain.stemChannels, kernel: chain.stemKernel, stride: chain.stemStride, activation: .relu, name: "stem")
        for (index, layer) in chain.layers.enumerated() {
            let name = "layer\(index)"
            switch chain.ops[arch.genes[index]].kind {
            case .skip:
                if layer.stride != 1 || layer.inChannels != layer.outChannels {
                    x = try b.convBN(x, out: layer.outChannels, kernel: 1, stride: layer.stride, activation: .relu, name: "\(name).skip")
                }
            case let .mbconv(kernel, expand, groups):
                let mid = layer.inChannels * expand
                var y = try b.convBN(x, out: mid, kernel: 1, groups: groups, activation: .relu, name: "\(name).pw")
                if groups > 1 { y = try b.add(.channelShuffle(groups: groups), [y], name: "\(name).shuffle") }
                y = try b.convBN(y, out: mid, kernel: kernel, stride: layer.stride, groups: mid, activation: .relu, name: "\(name).dw")
                y = try b.convBN(y, out: layer.outChannels, kernel: 1, groups: groups, activation: .identity, name: "\(name).pwl")
                x = layer.stride == 1 && layer.inChannels == layer.outChannels ? try b.add(.add, [x, y], name: "\(name).add") : y
            }
        }
        let head = try b.convBN(x, out: chain.headChannels, kernel: 1, activation: .relu, name: "head")
        let pool = try b.add(.globalAveragePool, [head], name: "head.pool")
        _ = try b.add(.linear(outFeatures: space.classes, bias: true), [pool], name: "head.classifier")
        return b.graph()
    }
}
