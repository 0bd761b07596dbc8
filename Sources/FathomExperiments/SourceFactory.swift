import FathomSearch
import FathomSpaces

/// Turns source strings into accuracy and latency sources for one space, loading each table file once.
public final class SourceFactory {
    public let space: SearchSpace
    private var tables: [String: ArchitectureTable] = [:]

    /// A factory for sources over `space`.
    public init(space: SearchSpace) { self.space = space }

    /// The table at `path`, parsed against the space (cached).
    public func table(_ path: String) throws -> ArchitectureTable {
        if let table = tables[path] { return table }
        let table = try ArchitectureTable(path: path, space: space)
        tables[path] = table
        return table
    }

    /// The accuracy source `text` (`--accuracy`).
    public func accuracySource(_ text: String) throws -> any AccuracySource {
        switch try SourceSpec(text, option: "--accuracy") {
        case let .table(path, column):
            return try TableAccuracySource(table: table(path), column: column)
        case .supernet:
            throw ExperimentError.unsupportedSource(option: "--accuracy", value: text, reason: "supernet accuracy is not built yet (issue 8); use table:PATH:COLUMN")
        case .predictor, .measure:
            throw ExperimentError.invalidSource(option: "--accuracy", value: text, expected: "table:PATH:COLUMN or supernet:DIR")
        }
    }

    /// The latency source `text` (`--latency`).
    public func latencySource(_ text: String) throws -> any LatencySource {
        switch try SourceSpec(text, option: "--latency") {
        case let .table(path, column):
            return try TableLatencySource(table: table(path), column: column)
        case .predictor:
            throw ExperimentError.unsupportedSource(option: "--latency", value: text, reason: "predictor latency is not built yet (issue 7); use table:PATH:COLUMN")
        case .measure:
            throw ExperimentError.unsupportedSource(option: "--latency", value: text, reason: "measured latency needs the executor (issue 5); use table:PATH:COLUMN")
        case .supernet:
            throw ExperimentError.invalidSource(option: "--latency", value: text, expected: "table:PATH:COLUMN, predictor:MODEL.json or measure")
        }
    }
}
