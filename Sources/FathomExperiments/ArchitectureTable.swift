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
        var architectures: [Architecture] = []
        var rowOf: [Architecture: Int] = [:]
        let columns = table.architectureColumns
        for row in 0..<table.count {
            func field(_ name: String) -> String? { columns.firstIndex(of: name).map { table.architectureFields[$0][row] } }
            do {
                let arch: Architecture
                if let text = field("arch_string") {
                    arch = try space.parse(text)
                } else if let ks = field("ks"), let e = field("e"), let d = field("d"), let r = field("r") {
                    func ints(_ s: String) -> [Int] { s.split(separator: " ").compactMap { Int($0) } }
                    arch = try space.elasticArchitecture(kernels: ints(ks), expands: ints(e), depths: ints(d), resolution: Int(r) ?? -1)
                } else {
                    throw ExperimentError.tableArchitecture(file: table.file, row: row, detail: "no arch_string nor ks/e/d/r columns")
                }
                architectures.append(arch)
                if rowOf[arch] == nil { rowOf[arch] = row }
            } catch let error as SpaceError {
                throw ExperimentError.tableArchitecture(file: table.file, row: row + 2, detail: error.description)
            }
        }
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
