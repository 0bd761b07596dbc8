import FathomSpaces

/// Builds the graph of an elastic-space architecture as Once-for-All's `OFAMobileNetV3.get_active_subnet` builds
/// the subnet (see `search-spaces/VERIFIED.md`).
struct ElasticNetworkBuilder {
    let space: SearchSpace
    let elastic: ElasticSpace

    func build(_ arch: Architecture) throws -> NetworkGraph {
        let r = elastic.resolution(arch.genes)
        var b = GraphBuilder(input: TensorShape(channels: space.inputChannels, height: r, width: r))
        var x = try b.convBN(0, out: elastic.stemChannels, kernel: elastic.stemKernel, stride: elastic.stemStride,
                             activation: elastic.stemActivation, name: "stem")
        x = try mbconv(&b, x, out: elastic.firstBlockChannels, kernel: 3, expand: 1, stride: 1,
                       activation: elastic.firstBlockActivation, squeezeExcite: false, name: "first_block")
        for (index, block) in elastic.blocks(arch.genes).enumerated() {
            let stage = elastic.stages[block.stage]
            x = try mbconv(&b, x, out: block.outChannels, kernel: block.kernel, expand: block.expand, stride: block.stride,
                           activation: stage.activation, squeezeExcite: stage.squeezeExcite, name: "block\(index)")
        }
        x = try b.convBN(x, out: elastic.finalExpandChannels, kernel: 1, activation: .hardSwish, name: "final_expand")
        x = try b.add(.globalAveragePool, [x], name: "pool")
        x = try b.conv(x, out: elastic.featureMixChannels, kernel: 1, name: "feature_mix.conv")
        x = try b.act(x, .hardSwish, name: "feature_mix.act")
        _ = try b.add(.linear(outFeatures: space.classes, bias: true), [x], name: "classifier")
        return b.graph()
    }

    /// Inverted residual: [1×1 expand + BN + act], k×k depthwise + BN + act, [SE], 1×1 project + BN, [+ identity].
    private func mbconv(_ b: inout GraphBuilder, _ x: Int, out: Int, kernel: Int, expand: Int, stride: Int,
                        activation: Activation, squeezeExcite: Bool, name: String) throws -> Int {
        let inChannels = b.shape(x).channels
        var y = x
        var mid = inChannels
        if expand != 1 {
            mid = elastic.makeDivisible(Double(inChannels * expand))
            y = try b.convBN(y, out: mid, kernel: 1, activation: activation, name: "\(name).expand")
        }
        y = try b.convBN(y, out: mid, kernel: kernel, stride: stride, groups: mid, activation: activation, name: "\(name).depthwise")
        if squeezeExcite { y = try self.squeezeExcite(&b, y, name: "\(name).se") }
        y = try b.convBN(y, out: out, kernel: 1, activation: .identity, name: "\(name).project")
        return stride == 1 && inChannels == out ? try b.add(.add, [x, y], name: "\(name).add") : y
    }

    /// OFA's SE module: GAP, 1×1 conv (bias) + ReLU, 1×1 conv (bias) + h-sigmoid, channel-wise scale.
    private func squeezeExcite(_ b: inout GraphBuilder, _ x: Int, name: String) throws -> Int {
        let channels = b.shape(x).channels
        let mid = elastic.makeDivisible(Double(channels / elastic.seReduction))
        let pool = try b.add(.globalAveragePool, [x], name: "\(name).pool")
        let reduce = try b.conv(pool, out: mid, kernel: 1, bias: true, name: "\(name).reduce")
        let relu = try b.add(.activation(.relu), [reduce], name: "\(name).relu")
        let expand = try b.conv(relu, out: channels, kernel: 1, bias: true, name: "\(name).expand")
        let gate = try b.add(.hardSigmoid, [expand], name: "\(name).gate")
        return try b.add(.channelScale, [x, gate], name: "\(name).scale")
    }
}
