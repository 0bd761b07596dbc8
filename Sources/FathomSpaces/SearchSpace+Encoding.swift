/// Fixed-length encodings of architectures for latency predictors, laid out as HELP (github.com/HayeonLee/HELP,
/// commit 45f70eb) encodes its three spaces, and generalised to any space of the same family.
///
/// - Cell spaces: a flat one-hot of every edge's op, edges in string order (NAS-Bench-201: 6 edges × 5 ops = 30).
/// - Chain spaces: per layer, a one-hot of the block's kernel size (kernels ascending) followed by a one-hot of its
///   (expand, groups) variant (ascending by expand, then groups); a skip layer is all zeros. For FBNet this is
///   HELP's `arch_enc` (`utils.py`) exactly: 22 layers × [k3, k5, e1, e1_g2, e3, e6] = 132.
/// - Elastic spaces: HELP's `arch_encoding_ofa`: a kernel one-hot per slot (all slots of all stages, inactive slots
///   all zeros), then an expand one-hot per slot, then a resolution one-hot. For OFA: 60 + 60 + 25 = 145.
extension SearchSpace {
    /// The length of ``oneHot(_:)``'s vectors in this space.
    public var oneHotLength: Int {
        switch family {
        case .cell: return genes.reduce(0) { $0 + $1.choices }
        case let .chain(chain):
            let variants = ChainVariants(chain)
            return chain.layers.count * (variants.kernels.count + variants.variants.count)
        case let .elastic(elastic):
            return elastic.stages.count * elastic.maxDepth * (elastic.kernels.count + elastic.expands.count) + elastic.resolutions.count
        }
    }

    /// The length of ``choiceOneHot(_:)``'s vectors: one column per choice of every gene.
    public var choiceOneHotLength: Int { genes.reduce(0) { $0 + $1.choices } }

    /// Every active gene's choice as a one-hot, genes in order (an inactive gene, such as a block past an elastic
    /// stage's depth, is all zeros). Finer than ``oneHot(_:)`` for chain spaces (a layer's op as one choice, not a
    /// kernel plus a variant) and with the depths for elastic ones: the columns of an additive latency model.
    ///
    /// - Complexity: O(``choiceOneHotLength``).
    public func choiceOneHot(_ arch: Architecture) -> [Double] {
        var vector = [Double](repeating: 0, count: choiceOneHotLength)
        var offset = 0
        for (index, gene) in genes.enumerated() {
            let value = arch.genes[index]
            if value >= 0, isActive(index, in: arch) { vector[offset + value] = 1 }
            offset += gene.choices
        }
        return vector
    }

    /// The architecture as a vector of zeros and ones (layout above).
    ///
    /// - Complexity: O(``oneHotLength``).
    public func oneHot(_ arch: Architecture) -> [Float] {
        var vector = [Float](repeating: 0, count: oneHotLength)
        switch family {
        case .cell:
            var offset = 0
            for (gene, value) in zip(genes, arch.genes) {
                vector[offset + value] = 1
                offset += gene.choices
            }
        case let .chain(chain):
            let variants = ChainVariants(chain)
            let width = variants.kernels.count + variants.variants.count
            for (layer, op) in arch.genes.enumerated() {
                guard case let .mbconv(kernel, expand, groups) = chain.ops[op].kind else { continue }
                vector[layer * width + variants.kernels.firstIndex(of: kernel)!] = 1
                vector[layer * width + variants.kernels.count + variants.index(expand: expand, groups: groups)] = 1
            }
        case let .elastic(elastic):
            let slots = elastic.stages.count * elastic.maxDepth
            let expandOffset = slots * elastic.kernels.count
            for block in 0..<slots {
                let kernelGene = 2 + (block / elastic.maxDepth) * (1 + 2 * elastic.maxDepth) + 2 * (block % elastic.maxDepth)
                guard isActive(kernelGene, in: arch), arch.genes[kernelGene] >= 0 else { continue }
                vector[block * elastic.kernels.count + arch.genes[kernelGene]] = 1
                vector[expandOffset + block * elastic.expands.count + arch.genes[kernelGene + 1]] = 1
            }
            vector[expandOffset + slots * elastic.expands.count + arch.genes[0]] = 1
        }
        return vector
    }
}

/// The distinct kernel sizes and (expand, groups) variants of a chain space's blocks, in ascending order.
private struct ChainVariants {
    let kernels: [Int]
    let variants: [[Int]]

    init(_ chain: ChainSpace) {
        var kernels = Set<Int>(), variants = Set<[Int]>()
        for op in chain.ops {
            if case let .mbconv(kernel, expand, groups) = op.kind {
                kernels.insert(kernel)
                variants.insert([expand, groups])
            }
        }
        self.kernels = kernels.sorted()
        self.variants = variants.sorted { $0.lexicographicallyPrecedes($1) }
    }

    func index(expand: Int, groups: Int) -> Int { variants.firstIndex(of: [expand, groups])! }
}

/// A cell as the graph that HELP's and BRP-NAS's GCN predictors read: one node per op (the cell's edges become
/// nodes), plus an input node, an output node and a global node that every node feeds.
///
/// Node order: input, the edges in string order (NAS-Bench-201: 1←0, 2←0, 2←1, 3←0, 3←1, 3←2), output, global
/// (last, the one a GCN reads out). Feature columns: the space's ops in gene order, then input, output, global
/// (NAS-Bench-201: 5 + 3 = 8, BRP-NAS's `_opname_to_index` and HELP's `nfeat=8`). An edge node (i→j) is fed by the
/// input node when i is 0, otherwise by every edge node into i; the output node by every edge node into the last
/// node. `none` edges stay nodes with their op's feature. The adjacency is HELP's `add_global_node(adj)`: row `r`
/// lists the nodes that `r` aggregates (its predecessors, itself, and for the global node every node), unnormalised,
/// so a GCN layer computes `A · H · W`.
public struct CellGraph: Sendable, Equatable {
    /// The number of nodes, the global one included.
    public let nodes: Int
    /// The length of a node's feature vector.
    public let featureSize: Int
    /// `nodes × featureSize`, row-major.
    public let features: [Float]
    /// `nodes × nodes`, row-major: `adjacency[r * nodes + c]` is 1 when node `r` aggregates node `c`.
    public let adjacency: [Float]
}

extension SearchSpace {
    /// The graph of a cell-space architecture (layout at ``CellGraph``), or nil for other families.
    ///
    /// - Complexity: O(nodes²).
    public func cellGraph(_ arch: Architecture) -> CellGraph? {
        guard case let .cell(cell) = family else { return nil }
        let edges = cell.edges
        let nodes = edges.count + 3
        let output = edges.count + 1, global = edges.count + 2
        let featureSize = cell.ops.count + 3
        var features = [Float](repeating: 0, count: nodes * featureSize)
        var adjacency = [Float](repeating: 0, count: nodes * nodes)
        features[cell.ops.count] = 1
        features[output * featureSize + cell.ops.count + 1] = 1
        features[global * featureSize + cell.ops.count + 2] = 1
        for (index, edge) in edges.enumerated() {
            let node = index + 1
            features[node * featureSize + arch.genes[index]] = 1
            if edge.from == 0 {
                adjacency[node * nodes] = 1
            } else {
                for (other, into) in edges.enumerated() where into.to == edge.from { adjacency[node * nodes + other + 1] = 1 }
            }
            if edge.to == cell.nodes - 1 { adjacency[output * nodes + node] = 1 }
        }
        for node in 0..<nodes {
            adjacency[node * nodes + node] = 1
            adjacency[global * nodes + node] = 1
        }
        return CellGraph(nodes: nodes, featureSize: featureSize, features: features, adjacency: adjacency)
    }
}
