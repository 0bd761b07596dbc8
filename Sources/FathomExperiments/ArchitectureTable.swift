import FathomPredict
import FathomSpaces

/// A HELP-layout CSV (latencies or accuracies per architecture) read against a search space, so that a column can be
/// looked up by `Architecture`.
public struct ArchitectureTable: Sendable {
    public let table: LatencyTable
    public let space: SearchSpace
    /// The architecture of each row, in row order.
    public let architectures: [Architecture]
    private let rowOf: [Architecture: Int]

    /// Loads `path` and parses each row's architecture in `space` (`arch_string`, or OFA's `ks`, `e`, `d`, `r`).
    public init(path: String, space: SearchSpace) throws {
        try self.init(table: LatencyTable(contentsOf: path), space: space)
    }

    /// Reads an already loaded table against `space`.
    public init(table: LatencyTable, space: SearchSpace) throws {
        self.table = table
        self.space = space
        let architectures = try table.architectures(in: space)
        var rowOf: [Architecture: Int] = [:]
        for (row, arch) in architectures.enumerated() where rowOf[arch] == nil { rowOf[arch] = row }
        self.architectures = architectures
        self.rowOf = rowOf
    }

    /// The row of `arch`, or an error naming it.
    public func row(of arch: Architecture) throws -> Int {
        guard let row = rowOf[arch] else { throw ExperimentError.architectureNotInTable(file: table.file, arch: space.format(arch)) }
        return row
    }

    /// The values of `column` in row order.
    public func values(_ column: String) throws -> [Double] { try table.latencies(device: column) }
}
