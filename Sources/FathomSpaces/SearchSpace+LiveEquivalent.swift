extension SearchSpace {
    /// The architecture that runs the same convolutions and pools as `arch` once dead layers are dropped and constant
    /// ones folded: in a cell space, every edge is set to `none` whose target node has no path of non-`none` edges to
    /// the cell output (dead), or whose source node has no such path from the cell input (its output is a constant,
    /// which an executor computes once, when it is built). Other families have neither: `arch` is returned as it is.
    ///
    /// Latency predictors trained on devices that ran every edge (HELP's) predict a device that drops dead layers
    /// through this mapping.
    public func liveEquivalent(_ arch: Architecture) -> Architecture {
        guard case let .cell(cell) = family, let none = cell.ops.firstIndex(where: { $0.kind == .zero }) else { return arch }
        let edges = cell.edges
        var reachesOutput = Array(repeating: false, count: cell.nodes)
        reachesOutput[cell.nodes - 1] = true
        for node in stride(from: cell.nodes - 2, through: 0, by: -1) {
            reachesOutput[node] = edges.indices.contains { e in
                edges[e].from == node && arch.genes[e] != none && reachesOutput[edges[e].to]
            }
        }
        var dependsOnInput = [Bool](repeating: false, count: cell.nodes)
        dependsOnInput[0] = true
        for node in 1..<cell.nodes {
            dependsOnInput[node] = edges.indices.contains { e in
                edges[e].to == node && arch.genes[e] != none && dependsOnInput[edges[e].from]
            }
        }
        var genes = arch.genes
        for e in edges.indices where !reachesOutput[edges[e].to] || !dependsOnInput[edges[e].from] { genes[e] = none }
        return Architecture(genes: genes)
    }
}
