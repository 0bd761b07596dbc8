import Foundation

/// Seeded sampling, mutation, crossover and neighbourhoods, the moves every search strategy is built from.
///
/// All of them work on genes, so they hold for every family: a cell space's edges, a chain space's layers and an
/// elastic space's resolution, depths, kernels and expand ratios alike.
extension SearchSpace {
    /// A uniformly random architecture: every gene drawn uniformly (for elastic spaces: depth, then each active slot).
    public func sample(using rng: inout SeededGenerator) -> Architecture {
        canonical(genes.map { rng.int(below: $0.choices) })
    }

    /// `count` architectures drawn with a generator seeded by `seed` (duplicates possible, as in uniform sampling).
    public func sample(count: Int, seed: UInt64) -> [Architecture] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in sample(using: &rng) }
    }

    /// The indices of the genes that `arch` uses and that have more than one choice.
    public func mutableGenes(of arch: Architecture) -> [Int] {
        genes.indices.filter { isActive($0, in: arch) && genes[$0].choices > 1 }
    }

    /// Changes one randomly chosen active gene to a different value; slots that a deeper stage newly uses are drawn
    /// uniformly. Returns `arch` itself when no gene can change.
    public func mutate(_ arch: Architecture, using rng: inout SeededGenerator) -> Architecture {
        let candidates = mutableGenes(of: arch)
        guard !candidates.isEmpty else { return arch }
        let gene = rng.element(of: candidates)
        let offset = 1 + rng.int(below: genes[gene].choices - 1)
        var values = arch.genes
        values[gene] = (values[gene] + offset) % genes[gene].choices
        return fillNewlyActive(values, before: arch) { rng.int(below: genes[$0].choices) }
    }

    /// Uniform crossover: each gene from either parent with equal chance; newly active slots from a parent that has
    /// them, or drawn uniformly.
    public func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture {
        let values = genes.indices.map { rng.int(below: 2) == 0 ? a.genes[$0] : b.genes[$0] }
        let filled = genes.indices.map { i -> Int in
            values[i] >= 0 ? values[i] : max(a.genes[i], b.genes[i])
        }
        return fillNewlyActive(filled, before: nil) { rng.int(below: genes[$0].choices) }
    }

    /// Every architecture that differs from `arch` in exactly one active gene (a deeper stage repeats its last
    /// active block in the new slots), in gene order: the neighbourhood of local search.
    public func neighbours(of arch: Architecture) -> [Architecture] {
        mutableGenes(of: arch).flatMap { gene in
            (0..<genes[gene].choices).filter { $0 != arch.genes[gene] }.map { value in
                var values = arch.genes
                values[gene] = value
                return fillNewlyActive(values, before: arch) { i in
                    // The slot two genes back is the same kind of gene (kernel or expand) of the previous block.
                    var j = i
                    while j >= 2, values[j] < 0 { j -= 2 }
                    return max(values[j], 0)
                }
            }
        }
    }

    /// Gives every active gene still at `-1` a value from `fill`, then canonicalises.
    private func fillNewlyActive(_ values: [Int], before: Architecture?, fill: (Int) -> Int) -> Architecture {
        var values = values
        let probe = Architecture(genes: values)
        for i in values.indices where values[i] < 0 && isActive(i, in: probe) {
            values[i] = fill(i)
        }
        return canonical(values)
    }
}

extension SearchSpace {
    /// The number of distinct architectures (as a `Double`: OFA's space has about 2·10¹⁹).
    public var size: Double {
        guard case let .elastic(space) = family else {
            return genes.reduce(1.0) { $0 * Double($1.choices) }
        }
        let perBlock = Double(space.kernels.count * space.expands.count)
        let perStage = space.depths.reduce(0.0) { $0 + pow(perBlock, Double($1)) }
        return pow(perStage, Double(space.stages.count)) * Double(space.resolutions.count)
    }
}
