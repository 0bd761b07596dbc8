/// An FBNet-style layer-wise space: a fixed chain of layers, each choosing one block from a vocabulary.
///
/// Network: stem conv k×k/stride + BN + ReLU; the searchable layers (the first layer of each stage carries the
/// stage's stride); a 1×1 head conv + BN + ReLU; global average pooling; a linear classifier.
public struct ChainSpace: Sendable {
    /// What a layer's block computes.
    public enum OpKind: Hashable, Sendable {
        /// Inverted residual: 1×1 conv (groups) + BN + ReLU, channel shuffle when groups > 1, k×k depthwise conv
        /// + BN + ReLU, 1×1 conv (groups) + BN; a residual add when stride is 1 and channels are kept.
        case mbconv(kernel: Int, expand: Int, groups: Int)
        /// Identity when the shape is kept; otherwise 1×1 conv (with the layer's stride) + BN + ReLU.
        case skip
    }

    /// A named layer op.
    public struct Op: Hashable, Sendable {
        public let name: String
        public let kind: OpKind
    }

    /// A stage: `layers` layers producing `channels`, the first with `stride`.
    public struct Stage: Hashable, Sendable {
        public let layers: Int
        public let channels: Int
        public let stride: Int
    }

    /// One searchable layer's fixed context.
    public struct Layer: Hashable, Sendable {
        public let inChannels: Int
        public let outChannels: Int
        public let stride: Int
    }

    /// The op vocabulary, in the order that gene values index.
    public let ops: [Op]
    public let stemChannels: Int
    public let stemKernel: Int
    public let stemStride: Int
    public let stages: [Stage]
    /// Channels of the 1×1 head conv before pooling.
    public let headChannels: Int

    /// The searchable layers in order, with their channels and strides.
    public var layers: [Layer] {
        var result: [Layer] = []
        var channels = stemChannels
        for stage in stages {
            for index in 0..<stage.layers {
                result.append(Layer(inChannels: channels, outChannels: stage.channels, stride: index == 0 ? stage.stride : 1))
                channels = stage.channels
            }
        }
        return result
    }

    static func read(_ reader: JSONObjectReader) throws -> ChainSpace {
        let ops = try reader.objects("ops").map(readOp)
        try checkUnique(ops.map(\.name), reader: reader, key: "ops")
        let stem = try reader.object("stem")
        let stemChannels = try stem.int("channels", in: 1...4096)
        let stemKernel = try stem.int("kernel", default: 3, in: 1...11)
        let stemStride = try stem.int("stride", default: 1, in: 1...4)
        try stem.finish()
        let stages = try reader.objects("stages").map { stage in
            let s = Stage(layers: try stage.int("layers", in: 1...64), channels: try stage.int("channels", in: 1...4096),
                          stride: try stage.int("stride", in: 1...2))
            try stage.finish()
            return s
        }
        let head = try reader.object("head")
        let headChannels = try head.int("channels", in: 1...16384)
        try head.finish()
        return ChainSpace(ops: ops, stemChannels: stemChannels, stemKernel: stemKernel, stemStride: stemStride,
                          stages: stages, headChannels: headChannels)
    }

    private static func readOp(_ reader: JSONObjectReader) throws -> Op {
        let name = try reader.string("name")
        guard !name.isEmpty, !name.contains(where: { "- ".contains($0) }) else {
            throw reader.mismatch("name", "a non-empty name without '-' or spaces", .string(name))
        }
        let type = try reader.string("type")
        let kind: OpKind
        switch type {
        case "mbconv":
            let kernel = try reader.int("kernel", in: 1...11)
            guard kernel % 2 == 1 else { throw reader.mismatch("kernel", "an odd kernel size", .number(Double(kernel))) }
            kind = .mbconv(kernel: kernel, expand: try reader.int("expand", in: 1...16), groups: try reader.int("groups", default: 1, in: 1...64))
        case "skip":
            kind = .skip
        default:
            throw reader.mismatch("type", "one of mbconv, skip", .string(type))
        }
        try reader.finish()
        return Op(name: name, kind: kind)
    }

    // MARK: genes and strings

    var genes: [Gene] {
        layers.indices.map { Gene(name: "layer \($0)", labels: ops.map(\.name)) }
    }

    /// Reads the op names joined by `-`.
    func parse(_ text: String, space: String) throws -> [Int] {
        let names = text.split(separator: "-", omittingEmptySubsequences: false)
        let count = layers.count
        guard names.count == count else {
            throw SpaceError.wrongCount(space: space, what: "layers ('-'-separated op names)", expected: "\(count)", got: names.count)
        }
        return try names.enumerated().map { index, name in
            guard let op = ops.firstIndex(where: { $0.name == name }) else {
                throw SpaceError.unknownOp(space: space, op: String(name), position: "layer \(index)", allowed: ops.map(\.name))
            }
            return op
        }
    }

    func format(_ genes: [Int]) -> String {
        genes.map { ops[$0].name }.joined(separator: "-")
    }
}
