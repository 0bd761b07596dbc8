import Foundation

/// Reads the project's copy of HELP's CSVs (`device-measurements/help/`) for tests: a header and rows of fields.
struct HELPData {
    let header: [String]
    let rows: [[String]]

    init(_ relativePath: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("device-measurements/help/\(relativePath)"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        header = lines[0]
        rows = Array(lines.dropFirst())
    }

    /// The values of one named column.
    func column(_ name: String) -> [String] {
        let index = header.firstIndex(of: name)!
        return rows.map { $0[index] }
    }
}
