import FathomSearch
import FathomSpaces

/// Accuracy read from a table column (`table:PATH:COLUMN`, e.g. NAS-Bench-201's `accuracy.csv:cifar10_test`).
public struct TableAccuracySource: AccuracySource {
    public let id: String
    private let table: ArchitectureTable
    private let values: [Double]

    /// Reads `column` of `table`.
    public init(table: ArchitectureTable, column: String) throws {
        self.table = table
        self.values = try table.values(column)
        self.id = "table:\(table.table.file):\(column)"
    }

    public func accuracy(of arch: Architecture) throws -> Double { values[try table.row(of: arch)] }
}

/// Latency read from a table column (`table:PATH:COLUMN`, e.g. HELP's `latency.csv:pixel3`).
public struct TableLatencySource: LatencySource {
    public let id: String
    private let table: ArchitectureTable
    private let column: String
    /// The column's values in row order (for budget percentiles and oracles).
    public let values: [Double]

    /// Reads `column` of `table`.
    public init(table: ArchitectureTable, column: String) throws {
        self.table = table
        self.column = column
        self.values = try table.values(column)
        self.id = "table:\(table.table.file):\(column)"
    }

    public func latency(of arch: Architecture) throws -> LatencyEstimate {
        LatencyEstimate(ms: values[try table.row(of: arch)], origin: .table(column: column))
    }

    public var isCheap: Bool { true }
}
