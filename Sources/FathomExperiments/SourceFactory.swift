import FathomMeasure
import FathomSearch
import FathomSpaces
import Foundation

/// Turns source strings into accuracy and latency sources for one space, loading each table file once.
public final class SourceFactory {
    public let space: SearchSpace
    /// Context, timing policy, store and agent of the `measure` latency source.
    public var measurement = MeasurementSettings()
    /// Where the `measure` source's notes go (waiting for the lock, calibration drift): stderr by default.
    public var measurementLog: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
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
        case let .supernet(directory):
            return try SupernetAccuracy(directory: directory)
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
            return try MeasuredLatencySource(space: space, spaceArgument: space.name, settings: measurement, log: measurementLog)
        case .supernet:
            throw ExperimentError.invalidSource(option: "--latency", value: text, expected: "table:PATH:COLUMN, predictor:MODEL.json or measure")
        }
    }
}
