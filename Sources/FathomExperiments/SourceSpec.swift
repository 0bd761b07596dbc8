/// A source named on the command line or in a config: `table:PATH:COLUMN`, `predictor:MODEL.json`, `measure`,
/// `supernet:DIR` (design.md's command table; candidates ranked by the supernet's validation loss),
/// `supernet-accuracy:DIR` (the same supernet, candidates ranked by its validation accuracy).
public enum SourceSpec: Equatable, Sendable {
    case table(path: String, column: String)
    case predictor(model: String)
    case measure
    case supernet(directory: String, ranking: SupernetAccuracy.Ranking)

    /// The kind's name as written before the first colon.
    public var kind: String {
        switch self {
        case .table: return "table"
        case .predictor: return "predictor"
        case .measure: return "measure"
        case let .supernet(_, ranking): return ranking.kind
        }
    }

    /// Parses `text` given to `option` (`--accuracy` or `--latency`, for error messages).
    public init(_ text: String, option: String) throws {
        let expected = "table:PATH:COLUMN, predictor:MODEL.json, measure, supernet:DIR or supernet-accuracy:DIR"
        if text == "measure" {
            self = .measure
            return
        }
        guard let colon = text.firstIndex(of: ":") else { throw ExperimentError.invalidSource(option: option, value: text, expected: expected) }
        let kind = text[..<colon], rest = String(text[text.index(after: colon)...])
        switch kind {
        case "table":
            guard let last = rest.lastIndex(of: ":"), last != rest.startIndex, rest.index(after: last) != rest.endIndex else {
                throw ExperimentError.invalidSource(option: option, value: text, expected: "table:PATH:COLUMN (a CSV path, then a column name)")
            }
            self = .table(path: String(rest[..<last]), column: String(rest[rest.index(after: last)...]))
        case "predictor" where !rest.isEmpty:
            self = .predictor(model: rest)
        case SupernetAccuracy.Ranking.accuracy.kind where !rest.isEmpty:
            self = .supernet(directory: rest, ranking: .accuracy)
        case SupernetAccuracy.Ranking.loss.kind where !rest.isEmpty:
            self = .supernet(directory: rest, ranking: .loss)
        default:
            throw ExperimentError.invalidSource(option: option, value: text, expected: expected)
        }
    }
}
