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
    /// How the measurement agent loads the space: a built-in name or the path of a space file.
    public let spaceArgument: String
    private var tables: [String: ArchitectureTable] = [:]

    /// A factory for sources over `space`; `spaceArgument` is how an agent loads it (defaults to its name).
    public init(space: SearchSpace, spaceArgument: String? = nil) {
        self.space = space
        self.spaceArgument = spaceArgument ?? space.name
    }

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
        case let .supernet(directory, ranking):
            return try SupernetAccuracy(directory: directory, ranking: ranking)
        case .predictor, .measure:
            throw ExperimentError.invalidSource(option: "--accuracy", value: text, expected: "table:PATH:COLUMN, supernet:DIR or supernet-accuracy:DIR")
        }
    }

    /// The latency source `text` (`--latency`).
    public func latencySource(_ text: String) throws -> any LatencySource {
        switch try SourceSpec(text, option: "--latency") {
        case let .table(path, column):
            return try TableLatencySource(table: table(path), column: column)
        case let .predictor(model):
            return try PredictorLatencySource(path: model, space: space)
        case .measure:
            return try MeasuredLatencySource(space: space, spaceArgument: spaceArgument, settings: measurement, log: measurementLog)
        case .supernet:
            throw ExperimentError.invalidSource(option: "--latency", value: text, expected: "table:PATH:COLUMN, predictor:MODEL.json or measure")
        }
    }

    /// The ground truth that verifies a search's answer (`--verify`): `verify` when given (`measure` or
    /// `table:PATH:COLUMN`), otherwise a fresh measurement for `measure` and `predictor` latency sources (the final
    /// answer is always re-measured) and the table itself for a table source.
    public func verificationSource(_ verify: String?, latency: String) throws -> any LatencySource {
        let text = try verify ?? (SourceSpec(latency, option: "--latency").kind == "table" ? latency : "measure")
        switch try? SourceSpec(text, option: "--verify") {
        case .table?: return try latencySource(text)
        case .measure?:
            var fresh = measurement
            fresh.fresh = true
            return try MeasuredLatencySource(space: space, spaceArgument: spaceArgument, settings: fresh, log: measurementLog)
        case .predictor?, .supernet?, nil:
            throw ExperimentError.invalidSource(option: "--verify", value: text, expected: "measure or table:PATH:COLUMN (a ground truth, not a prediction)")
        }
    }
}
