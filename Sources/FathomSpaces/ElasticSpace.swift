/// A Once-for-All MobileNetV3-style elastic space: stages of inverted-residual blocks with elastic depth,
/// kernel size and expand ratio per block, and an elastic input resolution.
///
/// Network: stem conv k×k/stride + BN + activation; a fixed first block (depthwise k3, expand 1, residual when
/// channels match); per stage the first `depth` of `maxDepth` slots, each an MBConv block (1×1 expand + BN + act
/// unless expand is 1, k×k depthwise/stride + BN + act, squeeze-and-excite where the stage has it, 1×1 project + BN,
/// identity residual when stride is 1 and channels are kept); final 1×1 expand + BN + h-swish; global average pooling;
/// 1×1 feature-mix conv (no BN) + h-swish; linear classifier. Mid channels are
/// `makeDivisible(inChannels × expand, divisor)`, SE mid channels `makeDivisible(mid / seReduction, divisor)`.
public struct ElasticSpace: Sendable {
    /// A stage of elastic blocks.
    public struct Stage: Hashable, Sendable {
        public let channels: Int
        /// Stride of the stage's first block.
        public let stride: Int
        public let activation: Activation
        public let squeezeExcite: Bool
    }

    /// One active block of an architecture, with its resolved shape parameters.
    public struct Block: Hashable, Sendable {
        public let stage: Int
        public let kernel: Int
        public let expand: Int
        public let inChannels: Int
        public let outChannels: Int
        public let stride: Int
    }

    public let kernels: [Int]
    public let expands: [Int]
    public let depths: [Int]
    public let resolutions: [Int]
    public let stemChannels: Int
    public let stemKernel: Int
    public let stemStride: Int
    public let stemActivation: Activation
    public let firstBlockChannels: Int
    public let firstBlockActivation: Activation
    public let stages: [Stage]
    public let finalExpandChannels: Int
    public let featureMixChannels: Int
    public let seReduction: Int
    public let channelDivisor: Int

    /// Slots per stage: the largest depth.
    public var maxDepth: Int { depths.max() ?? 0 }

    /// OFA's `make_divisible`: round to the nearest multiple of `divisor`, never below `divisor` nor below 90% of `value`.
    public func makeDivisible(_ value: Double) -> Int {
        let divisor = Double(channelDivisor)
        var rounded = max(divisor, (Double(Int(value + divisor / 2)) / divisor).rounded(.down) * divisor)
        if rounded < 0.9 * value { rounded += divisor }
        return Int(rounded)
    }

    static func read(_ reader: JSONObjectReader) throws -> ElasticSpace {
        let elastic = try reader.object("elastic")
        let kernels = try elastic.ints("kernels", in: 1...11)
        let expands = try elastic.ints("expands", in: 1...16)
        let depths = try elastic.ints("depths", in: 1...16)
        let resolutions = try readResolutions(elastic)
        try elastic.finish()
        let stem = try reader.object("stem")
        let stemChannels = try stem.int("channels", in: 1...4096)
        let stemKernel = try stem.int("kernel", default: 3, in: 1...11)
        let stemStride = try stem.int("stride", default: 2, in: 1...4)
        let stemActivation = try Activation.read(stem, "activation")
        try stem.finish()
        let first = try reader.object("first_block")
        let firstChannels = try first.int("channels", in: 1...4096)
        let firstActivation = try Activation.read(first, "activation")
        try first.finish()
        let stages = try reader.objects("stages").map { stage in
            let s = Stage(channels: try stage.int("channels", in: 1...4096), stride: try stage.int("stride", in: 1...2),
                          activation: try Activation.read(stage, "activation"), squeezeExcite: try stage.bool("se", default: false))
            try stage.finish()
            return s
        }
        return ElasticSpace(
            kernels: kernels, expands: expands, depths: depths, resolutions: resolutions,
            stemChannels: stemChannels, stemKernel: stemKernel, stemStride: stemStride, stemActivation: stemActivation,
            firstBlockChannels: firstChannels, firstBlockActivation: firstActivation, stages: stages,
            finalExpandChannels: try reader.int("final_expand_channels", in: 1...16384),
            featureMixChannels: try reader.int("feature_mix_channels", in: 1...16384),
            seReduction: try reader.int("se_reduction", default: 4, in: 1...64),
            channelDivisor: try reader.int("channel_divisor", default: 8, in: 1...64))
    }

    /// Resolutions are a list (`[28]`) or a range object (`{"min": 128, "max": 224, "step": 4}`).
    private static func readResolutions(_ reader: JSONObjectReader) throws -> [Int] {
        let value = try reader.value("resolutions")
        if case .array = value { return try reader.ints("resolutions", in: 1...4096) }
        let range = try JSONObjectReader(value, file: reader.file, path: reader.keyPath("resolutions"))
        let low = try range.int("min", in: 1...4096)
        let high = try range.int("max", in: low...4096)
        let step = try range.int("step", in: 1...4096)
        try range.finish()
        return Array(stride(from: low, through: high, by: step))
    }

    // MARK: genes and strings

    /// Gene layout: `[resolution]`, then per stage `[depth, kernel₀, expand₀, …, kernelₘ, expandₘ]`.
    var genes: [Gene] {
        var genes = [Gene(name: "resolution", labels: resolutions.map(String.init))]
        for s in stages.indices {
            genes.append(Gene(name: "stage \(s) depth", labels: depths.map(String.init)))
            for slot in 0..<maxDepth {
                genes.append(Gene(name: "stage \(s) block \(slot) kernel", labels: kernels.map(String.init)))
                genes.append(Gene(name: "stage \(s) block \(slot) expand", labels: expands.map(String.init)))
            }
        }
        return genes
    }

    private var stageGeneCount: Int { 1 + 2 * maxDepth }
    private func depthGene(_ stage: Int) -> Int { 1 + stage * stageGeneCount }

    /// Whether gene `index` matters for `genes` (slots beyond a stage's depth do not).
    func isActive(_ index: Int, in genes: [Int]) -> Bool {
        guard index > 0 else { return true }
        let stage = (index - 1) / stageGeneCount
        let offset = (index - 1) % stageGeneCount
        guard offset > 0 else { return true }
        let depthIndex = genes[depthGene(stage)]
        return depthIndex >= 0 && (offset - 1) / 2 < depths[depthIndex]
    }

    /// The genes of an architecture given by values (HELP/OFA's `ks`, `e`, `d`, `r` lists, one kernel and expand
    /// per slot including inactive ones); checks every active value against the space.
    func genes(kernels ks: [Int], expands es: [Int], depths ds: [Int], resolution: Int, space: String) throws -> [Int] {
        let slots = stages.count * maxDepth
        guard ks.count == slots else { throw SpaceError.wrongCount(space: space, what: "kernel sizes (ks)", expected: "\(slots)", got: ks.count) }
        guard es.count == slots else { throw SpaceError.wrongCount(space: space, what: "expand ratios (e)", expected: "\(slots)", got: es.count) }
        guard ds.count == stages.count else { throw SpaceError.wrongCount(space: space, what: "stage depths (d)", expected: "\(stages.count)", got: ds.count) }
        var genes = [try index(of: resolution, in: resolutions, what: "resolution", space: space)]
        for s in stages.indices {
            let depth = try index(of: ds[s], in: depths, what: "depth of stage \(s)", space: space)
            genes.append(depth)
            for slot in 0..<maxDepth {
                if slot < ds[s] {
                    let i = s * maxDepth + slot
                    genes.append(try index(of: ks[i], in: kernels, what: "kernel of stage \(s) block \(slot)", space: space))
                    genes.append(try index(of: es[i], in: expands, what: "expand ratio of stage \(s) block \(slot)", space: space))
                } else {
                    genes += [-1, -1]
                }
            }
        }
        return genes
    }

    /// Reads `r224|k3e4,k5e6|k7e3,k3e3,k5e4|…`: the resolution, then per stage its active blocks (depth = count).
    func parse(_ text: String, space: String) throws -> [Int] {
        let form = "r<resolution>|k<kernel>e<expand>,…|… (one '|'-group per stage, one kNeM per active block)"
        let groups = text.split(separator: "|", omittingEmptySubsequences: false)
        guard groups.count == stages.count + 1, groups[0].hasPrefix("r"), let resolution = Int(groups[0].dropFirst()) else {
            if groups.count != stages.count + 1, groups.first?.hasPrefix("r") == true {
                throw SpaceError.wrongCount(space: space, what: "stages ('|'-separated groups after r<resolution>)", expected: "\(stages.count)", got: groups.count - 1)
            }
            throw SpaceError.malformedArchitecture(space: space, arch: text, expectedForm: form)
        }
        var ks = [Int](repeating: kernels[0], count: stages.count * maxDepth)
        var es = [Int](repeating: expands[0], count: stages.count * maxDepth)
        var ds: [Int] = []
        for (s, group) in groups.dropFirst().enumerated() {
            let blocks = group.split(separator: ",", omittingEmptySubsequences: false)
            guard blocks.count <= maxDepth else {
                throw SpaceError.outOfRange(space: space, what: "depth of stage \(s)", value: "\(blocks.count)", allowed: depths.map(String.init).joined(separator: ", "))
            }
            for (slot, block) in blocks.enumerated() {
                guard block.hasPrefix("k"), let e = block.firstIndex(of: "e"),
                      let k = Int(block[block.index(after: block.startIndex)..<e]), let x = Int(block[block.index(after: e)...]) else {
                    throw SpaceError.malformedArchitecture(space: space, arch: text, expectedForm: form)
                }
                ks[s * maxDepth + slot] = k
                es[s * maxDepth + slot] = x
            }
            ds.append(blocks.count)
        }
        return try genes(kernels: ks, expands: es, depths: ds, resolution: resolution, space: space)
    }

    func format(_ genes: [Int]) -> String {
        var parts = ["r\(resolutions[genes[0]])"]
        for s in stages.indices {
            let base = depthGene(s)
            let depth = depths[genes[base]]
            parts.append((0..<depth).map { slot in
                "k\(kernels[genes[base + 1 + 2 * slot]])e\(expands[genes[base + 2 + 2 * slot]])"
            }.joined(separator: ","))
        }
        return parts.joined(separator: "|")
    }

    /// The active blocks of an architecture, in order, with their channels and strides.
    public func blocks(_ genes: [Int]) -> [Block] {
        var result: [Block] = []
        var channels = firstBlockChannels
        for (s, stage) in stages.enumerated() {
            let base = depthGene(s)
            for slot in 0..<depths[genes[base]] {
                result.append(Block(stage: s, kernel: kernels[genes[base + 1 + 2 * slot]], expand: expands[genes[base + 2 + 2 * slot]],
                                    inChannels: channels, outChannels: stage.channels, stride: slot == 0 ? stage.stride : 1))
                channels = stage.channels
            }
        }
        return result
    }

    /// The input resolution of an architecture.
    public func resolution(_ genes: [Int]) -> Int { resolutions[genes[0]] }

    private func index(of value: Int, in allowed: [Int], what: String, space: String) throws -> Int {
        guard let index = allowed.firstIndex(of: value) else {
            throw SpaceError.outOfRange(space: space, what: what, value: "\(value)", allowed: allowed.map(String.init).joined(separator: ", "))
        }
        return index
    }
}
