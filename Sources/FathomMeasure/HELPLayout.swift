import Foundation
import FathomSpaces

/// Writes measurements in the CSV layout of the HELP latency tables (`device-measurements/help/<space>/latency.csv`),
/// so that a device measured here can join the meta-learning data: `arch_index,arch_string,<device>` for cell and chain
/// spaces (NAS-Bench-201, FBNet), `arch_index,ks,e,d,r,<device>` for elastic ones (OFA). `arch_index` is the row in
/// HELP's table, blank for an architecture the table does not hold.
public enum HELPLayout {
    /// The CSV text (header and one row per measurement, with a final newline).
    public static func csv(space: SearchSpace, column: String, measurements: [NetworkMeasurement], index: (Architecture) -> Int?) throws -> String {
        var lines: [String] = []
        if case let .elastic(elastic) = space.family {
            lines.append("arch_index,ks,e,d,r,\(column)")
            for m in measurements {
                let arch = try space.parse(m.arch)
                lines.append(([index(arch).map(String.init) ?? ""] + elasticFields(elastic, arch) + ["\(m.summary.medianMs)"]).joined(separator: ","))
            }
        } else {
            lines.append("arch_index,arch_string,\(column)")
            for m in measurements {
                let arch = try space.parse(m.arch)
                lines.append([index(arch).map(String.init) ?? "", quoted(space.format(arch)), "\(m.summary.medianMs)"].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `ks`, `e` (one value per slot, slots beyond a stage's depth filled with the smallest choice, which HELP's encoder
    /// ignores), `d` (per stage) and `r`.
    private static func elasticFields(_ space: ElasticSpace, _ arch: Architecture) -> [String] {
        let blocks = space.blocks(arch.genes)
        var kernels: [Int] = [], expands: [Int] = [], depths: [Int] = []
        for stage in space.stages.indices {
            let inStage = blocks.filter { $0.stage == stage }
            depths.append(inStage.count)
            kernels += inStage.map(\.kernel) + Array(repeating: space.kernels.min() ?? 0, count: space.maxDepth - inStage.count)
            expands += inStage.map(\.expand) + Array(repeating: space.expands.min() ?? 0, count: space.maxDepth - inStage.count)
        }
        func spaced(_ values: [Int]) -> String { values.map(String.init).joined(separator: " ") }
        return [spaced(kernels), spaced(expands), spaced(depths), "\(space.resolution(arch.genes))"]
    }

    private static func quoted(_ field: String) -> String {
        field.contains(",") || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
