/// One candidate network of a search space, as the list of its choices ("genes").
///
/// Gene `i` holds the index of the chosen value among `space.genes[i].choices`, or `-1` where the gene is inactive
/// (an OFA slot beyond its stage's depth), so that two architectures that build the same network are equal.
/// Only its space can read or print it: use `SearchSpace.parse(_:)` and `SearchSpace.format(_:)`.
public struct Architecture: Hashable, Sendable {
    /// The chosen value index per gene, `-1` for an inactive gene.
    public var genes: [Int]

    /// Wraps a gene vector; prefer `SearchSpace.parse` or `SearchSpace.architecture(genes:)`, which validate.
    public init(genes: [Int]) { self.genes = genes }
}

/// A gene of a search space: one decision with a fixed number of choices.
public struct Gene: Hashable, Sendable {
    /// A readable name ("edge 2<-1", "layer 7", "stage 3 depth").
    public let name: String
    /// The readable label of each choice ("nor_conv_3x3", "k5_e6", "4").
    public let labels: [String]
    /// How many values the gene can take.
    public var choices: Int { labels.count }
}

/// An architecture together with the name of its space: the unit that files and commands exchange.
/// It is Codable as `{"space": ..., "arch": ...}` with the canonical string form.
public struct ArchitectureSpec: Codable, Hashable, Sendable {
    /// The space's name (built in) or the path of its JSON file.
    public var space: String
    /// The canonical string form of the architecture in that space.
    public var arch: String

    /// Pairs a space name with a canonical architecture string.
    public init(space: String, arch: String) {
        self.space = space
        self.arch = arch
    }
}
