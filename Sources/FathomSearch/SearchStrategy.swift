import FathomSpaces

/// A search for the most accurate architecture within hard limits. Every strategy has the limits built in: an
/// infeasible candidate never gets an accuracy query and is never returned.
public protocol SearchStrategy {
    /// The strategy's name on the command line: one of `SearchStrategies.names`.
    var name: String { get }
    /// Runs the search; throws `SearchError.noFeasibleCandidate` when nothing feasible was found.
    func search(_ request: SearchRequest, accuracy: any AccuracySource, latency: any LatencySource) throws -> SearchResult
}

/// The strategies by name, with their default settings.
public enum SearchStrategies {
    /// The names `fathom search --strategy` accepts, in the order reports list them.
    public static let names = ["random", "evolution", "local", "nsga2", "frank-wolfe", "reinforce"]

    /// The strategy called `name`, with default settings.
    public static func named(_ name: String) throws -> any SearchStrategy {
        guard let strategy = make(name) else { throw SearchError.unknownStrategy(name, allowed: names) }
        return strategy
    }

    /// Every strategy, with default settings, in the order of `names`.
    public static var all: [any SearchStrategy] { names.compactMap(make) }

    private static func make(_ name: String) -> (any SearchStrategy)? {
        switch name {
        case "random": RandomSearch()
        case "evolution": RegularizedEvolution()
        case "local": LocalSearch()
        case "nsga2": NSGA2()
        case "frank-wolfe": FrankWolfeSearch()
        case "reinforce": ReinforceSearch()
        default: nil
        }
    }
}
