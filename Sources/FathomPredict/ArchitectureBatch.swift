import FathomSpaces

/// Architectures encoded for a ``LatencyNetwork``: one-hot vectors (``SearchSpace/oneHot(_:)``) for an MLP trunk, or
/// cell graphs (``SearchSpace/cellGraph(_:)``) for a GCN trunk, laid out row after row.
public struct ArchitectureBatch: Sendable {
    /// The number of architectures.
    public let rows: Int
    /// One-hot: `rows × length`. Graph: `rows × nodes × featureSize`.
    let features: [Float]
    /// Graph only: `rows × nodes × nodes`; empty for one-hot batches.
    let adjacency: [Float]

    /// Encodes `archs` as the `input` of a network expects them.
    ///
    /// - Throws: `PredictError.notACellSpace` when a graph input is asked of a space that is not a cell space.
    public init(_ archs: [Architecture], space: SearchSpace, input: NetworkInput) throws {
        rows = archs.count
        switch input {
        case .oneHot:
            features = archs.flatMap(space.oneHot)
            adjacency = []
        case .graph:
            var features: [Float] = [], adjacency: [Float] = []
            for arch in archs {
                guard let graph = space.cellGraph(arch) else { throw PredictError.notACellSpace(space: space.name) }
                features += graph.features
                adjacency += graph.adjacency
            }
            self.features = features
            self.adjacency = adjacency
        }
    }

    private init(rows: Int, features: [Float], adjacency: [Float]) {
        self.rows = rows
        self.features = features
        self.adjacency = adjacency
    }

    /// A batch's arrays as pointers, for the passes of a ``NetworkLayout``.
    struct View {
        let rows: Int
        let features: UnsafePointer<Float>
        /// Graph only; dangling for one-hot batches.
        let adjacency: UnsafePointer<Float>
    }

    /// Calls `body` with pointers to the batch's arrays (valid only during the call); the batch must not be empty.
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        precondition(rows > 0, "ArchitectureBatch: an empty batch has no view")
        return try features.withUnsafeBufferPointer { f in
            try adjacency.withUnsafeBufferPointer { a in
                try body(View(rows: rows, features: f.baseAddress!, adjacency: a.baseAddress ?? f.baseAddress!))
            }
        }
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ArchitectureBatch {
        let featureWidth = rows > 0 ? features.count / rows : 0
        let adjacencyWidth = rows > 0 ? adjacency.count / rows : 0
        var features: [Float] = [], adjacency: [Float] = []
        features.reserveCapacity(indices.count * featureWidth)
        adjacency.reserveCapacity(indices.count * adjacencyWidth)
        for index in indices {
            features += self.features[index * featureWidth..<(index + 1) * featureWidth]
            adjacency += self.adjacency[index * adjacencyWidth..<(index + 1) * adjacencyWidth]
        }
        return ArchitectureBatch(rows: indices.count, features: features, adjacency: adjacency)
    }
}

/// How a ``LatencyNetwork`` reads an architecture.
public enum NetworkInput: String, Sendable, Codable {
    /// The space's one-hot vector (HELP's FBNet and OFA predictors).
    case oneHot = "one-hot"
    /// The cell graph (HELP's and BRP-NAS's NAS-Bench-201 predictors).
    case graph

    /// The input a space's predictors use: the graph for cell spaces, the one-hot vector otherwise.
    public static func natural(for space: SearchSpace) -> NetworkInput {
        if case .cell = space.family { return .graph }
        return .oneHot
    }
}
