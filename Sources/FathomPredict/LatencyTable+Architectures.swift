import FathomSpaces

extension LatencyTable {
    /// The architecture of every row in `space`: parsed from `arch_string`, or built from OFA's `ks`, `e`, `d`, `r`
    /// columns (space-separated integers).
    ///
    /// - Throws: `PredictError.invalidArchitecture` naming the line, or `.missingColumn` when the table has neither form.
    public func architectures(in space: SearchSpace) throws -> [Architecture] {
        func column(_ name: String) -> [String]? { architectureColumns.firstIndex(of: name).map { architectureFields[$0] } }
        func ints(_ text: String) -> [Int] { text.split(separator: " ").map { Int($0) ?? -1 } }
        return try (0..<count).map { row in
            do {
                if let strings = column("arch_string") { return try space.parse(strings[row]) }
                guard let ks = column("ks"), let e = column("e"), let d = column("d"), let r = column("r") else {
                    throw PredictError.missingColumn(file: file, column: "arch_string", detail: "an architecture needs 'arch_string' or 'ks', 'e', 'd', 'r'")
                }
                return try space.elasticArchitecture(kernels: ints(ks[row]), expands: ints(e[row]), depths: ints(d[row]), resolution: Int(r[row]) ?? -1)
            } catch let error as SpaceError {
                throw PredictError.invalidArchitecture(file: file, line: row + 2, detail: error.description)
            }
        }
    }
}
