/// A NAS-Bench-201-style cell space: one cell topology (a DAG over `nodes` nodes, one op per edge) repeated through
/// stages, with ResNet reduction blocks between stages.
///
/// Network: stem conv k×k (no bias) + BN; per stage `cells` cells at `channels`; between stages a ResNet basic
/// block (ReLU-conv3×3/s2-BN, ReLU-conv3×3-BN, shortcut avgpool2×2/s2 + conv1×1, summed); head BN-ReLU-GAP-Linear.
/// Node `j` of a cell is the sum over `i < j` of `op(i→j)(node i)`; the cell output is the last node.
public struct CellSpace: Sendable {
    /// What an edge op computes.
    public enum OpKind: Hashable, Sendable {
        /// Outputs zeros (`none`): the edge is absent.
        case zero
        /// Passes its input through (`skip_connect`).
        case identity
        /// ReLU, k×k conv (no bias, stride 1, same padding), BN (`nor_conv_kxk`).
        case reluConvBN(kernel: Int)
        /// k×k average pooling, stride 1, same padding, padding not counted in the mean.
        case avgPool(kernel: Int)
        /// k×k max pooling, stride 1, same padding.
        case maxPool(kernel: Int)
    }

    /// A named edge op.
    public struct Op: Hashable, Sendable {
        public let name: String
        public let kind: OpKind
    }

    /// A stage: `cells` cells at `channels` channels.
    public struct Stage: Hashable, Sendable {
        public let channels: Int
        public let cells: Int
    }

    /// Number of nodes in the cell (NAS-Bench-201: 4), node 0 being the input.
    public let nodes: Int
    /// The op vocabulary, in the order that gene values index.
    public let ops: [Op]
    /// Stem conv output channels.
    public let stemChannels: Int
    /// Stem conv kernel size.
    public let stemKernel: Int
    /// The stages, with a reduction block before every stage but the first.
    public let stages: [Stage]

    /// The edges in NAS-Bench-201 string order: (1←0), (2←0), (2←1), (3←0), (3←1), (3←2), …
    public var edges: [(from: Int, to: Int)] {
        (1..<nodes).flatMap { to in (0..<to).map { (from: $0, to: to) } }
    }

    static func read(_ reader: JSONObjectReader) throws -> CellSpace {
        let cell = try reader.object("cell")
        let nodes = try cell.int("nodes", in: 2...8)
        let ops = try cell.objects("ops").map(readOp)
        try checkUnique(ops.map(\.name), reader: cell, key: "ops")
        try cell.finish()
        let stem = try reader.object("stem")
        let stemChannels = try stem.int("channels", in: 1...4096)
        let stemKernel = try stem.int("kernel", default: 3, in: 1...11)
        try stem.finish()
        let stages = try reader.objects("stages").map { stage in
            let s = Stage(channels: try stage.int("channels", in: 1...4096), cells: try stage.int("cells", in: 1...64))
            try stage.finish()
            return s
        }
        guard stages[0].channels == stemChannels else {
            throw SpaceError.invalidValue(file: reader.file, key: "stages[0].channels",
                                          expected: "the stem's channel count \(stemChannels) (cells keep their input's channels)",
                                          got: "\(stages[0].channels)")
        }
        return CellSpace(nodes: nodes, ops: ops, stemChannels: stemChannels, stemKernel: stemKernel, stages: stages)
    }

    private static func readOp(_ reader: JSONObjectReader) throws -> Op {
        let name = try reader.string("name")
        guard !name.isEmpty, !name.contains(where: { "|~+ ".contains($0) }) else {
            throw reader.mismatch("name", "a non-empty name without '|', '~', '+' or spaces", .string(name))
        }
        let type = try reader.string("type")
        let kind: OpKind
        switch type {
        case "zero": kind = .zero
        case "identity": kind = .identity
        case "relu_conv_bn": kind = .reluConvBN(kernel: try readOddKernel(reader))
        case "avg_pool": kind = .avgPool(kernel: try readOddKernel(reader))
        case "max_pool": kind = .maxPool(kernel: try readOddKernel(reader))
        default:
            throw reader.mismatch("type", "one of zero, identity, relu_conv_bn, avg_pool, max_pool", .string(type))
        }
        try reader.finish()
        return Op(name: name, kind: kind)
    }

    private static func readOddKernel(_ reader: JSONObjectReader) throws -> Int {
        let kernel = try reader.int("kernel", in: 1...11)
        guard kernel % 2 == 1 else { throw reader.mismatch("kernel", "an odd kernel size (same padding)", .number(Double(kernel))) }
        return kernel
    }

    // MARK: genes and strings

    var genes: [Gene] {
        edges.map { Gene(name: "edge \($0.to)<-\($0.from)", labels: ops.map(\.name)) }
    }

    /// Reads `|op~0|+|op~0|op~1|+…`.
    func parse(_ text: String, space: String) throws -> [Int] {
        let form = "|op~0|+|op~0|op~1|+|op~0|op~1|op~2| (NAS-Bench-201)"
        let groups = text.split(separator: "+", omittingEmptySubsequences: false)
        guard groups.count == nodes - 1 else {
            throw SpaceError.wrongCount(space: space, what: "nodes ('+'-separated groups) in '\(text)'", expected: "\(nodes - 1)", got: groups.count)
        }
        var genes: [Int] = []
        for (g, group) in groups.enumerated() {
            let target = g + 1
            guard group.hasPrefix("|"), group.hasSuffix("|"), group.count > 1 else {
                throw SpaceError.malformedArchitecture(space: space, arch: text, expectedForm: form)
            }
            let items = group.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            guard items.count == target else {
                throw SpaceError.wrongCount(space: space, what: "edges into node \(target)", expected: "\(target)", got: items.count)
            }
            for (source, item) in items.enumerated() {
                let parts = item.split(separator: "~", omittingEmptySubsequences: false)
                guard parts.count == 2, Int(parts[1]) == source else {
                    throw SpaceError.malformedArchitecture(space: space, arch: text, expectedForm: form)
                }
                guard let op = ops.firstIndex(where: { $0.name == parts[0] }) else {
                    throw SpaceError.unknownOp(space: space, op: String(parts[0]), position: "edge \(target)<-\(source)", allowed: ops.map(\.name))
                }
                genes.append(op)
            }
        }
        return genes
    }

    func format(_ genes: [Int]) -> String {
        var index = 0
        return (1..<nodes).map { target in
            "|" + (0..<target).map { source in
                defer { index += 1 }
                return "\(ops[genes[index]].name)~\(source)"
            }.joined(separator: "|") + "|"
        }.joined(separator: "+")
    }
}

/// Throws when `names` has a duplicate.
func checkUnique(_ names: [String], reader: JSONObjectReader, key: String) throws {
    var seen: Set<String> = []
    for name in names where !seen.insert(name).inserted {
        throw reader.mismatch(key, "unique op names", .string(name))
    }
}
