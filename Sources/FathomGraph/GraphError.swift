/// Errors while building a network graph from an architecture.
public enum GraphError: Error, Equatable, CustomStringConvertible {
    /// A layer whose inputs do not fit its op (a shape that shrinks below 1, channel counts that do not divide).
    case invalidShape(layer: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidShape(layer, detail): return "cannot build layer \(layer): \(detail)"
        }
    }
}
