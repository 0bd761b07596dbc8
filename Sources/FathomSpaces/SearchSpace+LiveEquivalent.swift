extension SearchSpace {
    /// The architecture that builds the same network as `arch` once dead layers are dropped: in a cell space, every
    /// edge whose target node has no path of non-`none` edges to the cell output is set to `none` (an executor that
    /// drops dead layers runs exactly that network). Other families have no dead edges: `arch` is returned as it is.
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
        var genes = arch.genes
        for e in edges.indices where !reachesOutput[edges[e].to] { genes[e] = none }
        return Architecture(genes: genes)
    }
}
