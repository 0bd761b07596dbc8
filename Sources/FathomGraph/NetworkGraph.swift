import FathomSpaces

/// The layer-level graph of one architecture: the single description that executors, FLOPs counting, lookup-table
/// predictors, exporters and supernets all read. Layers are in topological order; the last one is the output.
public struct NetworkGraph: Hashable, Sendable {
    /// Layers in topological order (each layer's inputs come before it).
    public internal(set) var layers: [Layer]

    /// The input shape (layer 0).
    public var inputShape: TensorShape { layers[0].shape }
    /// The output layer's index.
    public var output: Int { layers.count - 1 }

    /// Builds the graph of `arch` in `space`.
    public init(space: SearchSpace, arch: Architecture) throws {
        switch space.family {
        case let .cell(cell): self = try CellNetworkBuilder(space: space, cell: cell).build(arch)
        case let .chain(chain): self = try ChainNetworkBuilder(space: space, chain: chain).build(arch)
        case let .elastic(elastic): self = try ElasticNetworkBuilder(space: space, elastic: elastic).build(arch)
        }
    }

    init(layers: [Layer]) {
        self.layers = layers
    }

    /// The layers that can influence the output.
    public var liveLayers: [Layer] { layers.filter { !$0.isDead } }
}
