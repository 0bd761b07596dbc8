import FathomSpaces

/// Flat indexing of every (gene, choice) pair: the one-hot encoding that relaxed search and the regressions it fits
/// share (column `offsets[gene] + choice`).
struct ChoiceLayout {
    /// The first column of each gene, then the total width.
    let offsets: [Int]

    init(choices: [Int]) {
        offsets = choices.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1) }
    }

    var genes: Int { offsets.count - 1 }
    var width: Int { offsets[genes] }

    /// The columns of `gene`.
    func columns(_ gene: Int) -> Range<Int> { offsets[gene]..<offsets[gene + 1] }

    /// The columns of the active genes of `arch`, in gene order.
    func columns(of arch: Architecture) -> [Int] {
        arch.genes.enumerated().compactMap { $0.element >= 0 ? offsets[$0.offset] + $0.element : nil }
    }

    /// The uniform distribution over each gene's choices.
    var uniform: [Double] {
        (0..<genes).flatMap { gene in Array(repeating: 1 / Double(columns(gene).count), count: columns(gene).count) }
    }
}
