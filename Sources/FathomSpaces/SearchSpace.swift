import Foundation

/// A search space loaded from its JSON definition (`search-spaces/*.json`, schema in `search-spaces/README.md`).
///
/// It knows its network family, its genes, and how to read and print architectures in their canonical string form.
public struct SearchSpace: Sendable {
    /// The structure a space's networks share.
    public enum Family: Sendable {
        case cell(CellSpace)
        case chain(ChainSpace)
        case elastic(ElasticSpace)
    }

    /// The space's name (`nasbench201`) as given in its file.
    public let name: String
    /// One line about the space and where it comes from.
    public let summary: String
    /// The dataset the space is built for (`cifar10`, `fashion-mnist`, …).
    public let dataset: String
    /// Input channels, height and width (elastic spaces take height and width from the architecture's resolution).
    public let inputChannels: Int
    public let inputHeight: Int
    public let inputWidth: Int
    /// Number of output classes.
    public let classes: Int
    public let family: Family
    /// The decisions an architecture makes, in gene order.
    public let genes: [Gene]

    /// The schema version this code reads.
    public static let schemaVersion = 1

    /// Parses a space definition; `file` names the source in errors.
    public init(json data: Data, file: String) throws {
        let root = try JSONObjectReader(try JSONValue.parse(data, file: file), file: file)
        let version = try root.int("fathom_space")
        guard version == Self.schemaVersion else {
            throw SpaceError.invalidValue(file: file, key: "fathom_space", expected: "\(Self.schemaVersion)", got: "\(version)")
        }
        name = try root.string("name")
        summary = try root.optionalString("description") ?? ""
        dataset = try root.string("dataset")
        let input = try root.object("input")
        inputChannels = try input.int("channels", in: 1...64)
        classes = try root.int("classes", in: 2...100_000)
        let familyName = try root.string("family")
        switch familyName {
        case "cell": family = .cell(try CellSpace.read(root))
        case "chain": family = .chain(try ChainSpace.read(root))
        case "elastic": family = .elastic(try ElasticSpace.read(root))
        default: throw root.mismatch("family", "one of cell, chain, elastic", .string(familyName))
        }
        if case let .elastic(space) = family {
            inputHeight = space.resolutions.max() ?? 0
            inputWidth = inputHeight
        } else {
            inputHeight = try input.int("height", in: 1...4096)
            inputWidth = try input.int("width", in: 1...4096)
        }
        try input.finish()
        try root.finish()
        switch family {
        case let .cell(space): genes = space.genes
        case let .chain(space): genes = space.genes
        case let .elastic(space): genes = space.genes
        }
    }

    /// Reads an architecture's canonical string form (or any form this space accepts).
    public func parse(_ text: String) throws -> Architecture {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch family {
        case let .cell(space): return Architecture(genes: try space.parse(trimmed, space: name))
        case let .chain(space): return Architecture(genes: try space.parse(trimmed, space: name))
        case let .elastic(space): return Architecture(genes: try space.parse(trimmed, space: name))
        }
    }

    /// The canonical string form of an architecture of this space.
    public func format(_ arch: Architecture) -> String {
        switch family {
        case let .cell(space): return space.format(arch.genes)
        case let .chain(space): return space.format(arch.genes)
        case let .elastic(space): return space.format(arch.genes)
        }
    }

    /// Builds an elastic architecture from OFA/HELP value lists (`ks`, `e` per slot, `d` per stage, `r`).
    public func elasticArchitecture(kernels: [Int], expands: [Int], depths: [Int], resolution: Int) throws -> Architecture {
        guard case let .elastic(space) = family else {
            throw SpaceError.malformedArchitecture(space: name, arch: "ks/e/d/r lists", expectedForm: "this space's own string form (it is not an elastic space)")
        }
        return Architecture(genes: try space.genes(kernels: kernels, expands: expands, depths: depths, resolution: resolution, space: name))
    }

    /// Whether gene `index` matters for `arch` (only elastic spaces have inactive genes).
    public func isActive(_ index: Int, in arch: Architecture) -> Bool {
        guard case let .elastic(space) = family else { return true }
        return space.isActive(index, in: arch.genes)
    }

    /// Sets inactive genes to `-1`, so that architectures that build the same network compare equal.
    public func canonical(_ genes: [Int]) -> Architecture {
        Architecture(genes: genes.indices.map { i in isActive(i, in: Architecture(genes: genes)) ? genes[i] : -1 })
    }

    /// The spec (space name + canonical string) of an architecture.
    public func spec(_ arch: Architecture) -> ArchitectureSpec {
        ArchitectureSpec(space: name, arch: format(arch))
    }
}
