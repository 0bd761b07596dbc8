/// Measured latencies of whole architectures on several devices, loaded from a CSV in HELP's layout
/// (`device-measurements/help/*/latency.csv`, and what `fathom measurements export` writes).
///
/// The header starts with `arch_index`, then the space's architecture columns, then one column per device:
///
/// | space | architecture columns |
/// |---|---|
/// | nasbench201 | `arch_index, arch_string` |
/// | fbnet | `arch_index, arch_string, op_indices` |
/// | ofa | `arch_index, ks, e, d, r` |
///
/// The architecture columns are the longest run of names from ``architectureColumnNames`` after `arch_index`;
/// every column after them is a device, whose values must be finite, non-negative milliseconds.
public struct LatencyTable: Sendable {
    /// The column names that describe an architecture rather than a device.
    public static let architectureColumnNames: Set<String> = ["arch_index", "arch_string", "op_indices", "ks", "e", "d", "r"]

    /// The file the table came from, as given (used in error messages).
    public let file: String
    /// The architecture columns after `arch_index`, in header order (e.g. `["ks", "e", "d", "r"]`).
    public let architectureColumns: [String]
    /// Device names, in header order.
    public let devices: [String]
    /// `arch_index` of each row.
    public let archIndices: [Int]
    /// Each architecture column's text per row: `architectureFields[c][row]` belongs to `architectureColumns[c]`.
    public let architectureFields: [[String]]
    /// Latency in ms per device column then row: `latencyColumns[d][row]` belongs to `devices[d]`.
    private let latencyColumns: [[Double]]
    private let rowOfArchIndex: [Int: Int]

    /// Loads the CSV at `path`.
    ///
    /// - Throws: `PredictError` naming the file, line, column and value for a missing file, a header without
    ///   `arch_index` or without devices, a ragged row, a non-numeric index or latency, or a NaN/infinite/negative
    ///   latency.
    /// - Complexity: O(file size).
    public init(contentsOf path: String) throws {
        try self.init(csv: CSVFile(path: path))
    }

    /// Parses CSV text already in memory; `name` stands for the file in error messages.
    public init(csvText: String, name: String) throws {
        try self.init(csv: CSVFile(text: csvText, name: name))
    }

    private init(csv: CSVFile) throws {
        var layout: HeaderLayout?
        var archIndices: [Int] = []
        var architectureFields: [[String]] = []
        var latencyColumns: [[Double]] = []
        var rowOfArchIndex: [Int: Int] = [:]
        try csv.forEachRecord { record in
            guard let layout else {
                let parsed = try HeaderLayout(record: record, file: csv.name)
                architectureFields = Array(repeating: [], count: parsed.architectureColumns.count)
                latencyColumns = Array(repeating: [], count: parsed.devices.count)
                layout = parsed
                return
            }
            guard record.count == layout.fieldCount else {
                throw PredictError.raggedRow(file: csv.name, line: record.line, expected: layout.fieldCount, got: record.count)
            }
            guard let archIndex = record.int(0) else {
                throw PredictError.notANumber(file: csv.name, line: record.line, column: "arch_index", value: record.string(0))
            }
            guard rowOfArchIndex.updateValue(archIndices.count, forKey: archIndex) == nil else {
                throw PredictError.duplicateArchIndex(file: csv.name, line: record.line, archIndex: archIndex)
            }
            archIndices.append(archIndex)
            for column in architectureFields.indices {
                architectureFields[column].append(record.string(1 + column))
            }
            let firstDeviceField = 1 + layout.architectureColumns.count
            for device in latencyColumns.indices {
                let field = firstDeviceField + device
                guard let latency = record.double(field) else {
                    throw PredictError.notANumber(file: csv.name, line: record.line, column: layout.devices[device], value: record.string(field))
                }
                guard latency.isFinite, latency >= 0 else {
                    throw PredictError.invalidLatency(file: csv.name, line: record.line, column: layout.devices[device], value: record.string(field))
                }
                latencyColumns[device].append(latency)
            }
        }
        guard let layout else { throw PredictError.emptyFile(file: csv.name) }
        self.file = csv.name
        self.architectureColumns = layout.architectureColumns
        self.devices = layout.devices
        self.archIndices = archIndices
        self.architectureFields = architectureFields
        self.latencyColumns = latencyColumns
        self.rowOfArchIndex = rowOfArchIndex
    }

    /// The number of architectures (rows).
    public var count: Int { archIndices.count }

    /// One string per row that names its architecture: `arch_string` where the file has it (nasbench201, fbnet),
    /// otherwise the architecture columns' values joined with `|` in header order. For OFA that is `ks|e|d|r`,
    /// e.g. `7 5 5 5 7 7 5 7 5 7 3 7 5 3 7 3 5 3 5 3|6 4 4 6 6 3 4 3 3 6 3 3 3 6 3 4 6 4 3 6|2 2 2 2 3|204`.
    ///
    /// - Complexity: O(rows); keep the result rather than calling this per row.
    public var archKeys: [String] {
        if let column = architectureColumns.firstIndex(of: "arch_string") { return architectureFields[column] }
        return archIndices.indices.map { row in architectureFields.map { $0[row] }.joined(separator: "|") }
    }

    /// The latencies (ms) of every row on `device`.
    ///
    /// - Throws: `PredictError.unknownDevice` listing the file's devices.
    public func latencies(device: String) throws -> [Double] {
        guard let column = devices.firstIndex(of: device) else {
            throw PredictError.unknownDevice(file: file, device: device, known: devices)
        }
        return latencyColumns[column]
    }

    /// The row holding `archIndex`.
    ///
    /// - Throws: `PredictError.missingArchIndex`.
    public func row(ofArchIndex archIndex: Int) throws -> Int {
        guard let row = rowOfArchIndex[archIndex] else { throw PredictError.missingArchIndex(file: file, archIndex: archIndex) }
        return row
    }
}

/// Which header columns describe the architecture and which are devices.
private struct HeaderLayout {
    let architectureColumns: [String]
    let devices: [String]
    var fieldCount: Int { 1 + architectureColumns.count + devices.count }

    init(record: CSVRecord, file: String) throws {
        let names = (0..<record.count).map(record.string)
        guard names.first == "arch_index" else {
            throw PredictError.missingColumn(file: file, column: "arch_index", detail: "the header must start with it, found '\(names[0])'")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { throw PredictError.duplicateColumn(file: file, column: name) }
        let rest = names.dropFirst()
        let architecture = rest.prefix { LatencyTable.architectureColumnNames.contains($0) }
        architectureColumns = Array(architecture)
        devices = Array(rest.dropFirst(architecture.count))
        guard !devices.isEmpty else {
            throw PredictError.missingColumn(file: file, column: "<device>", detail: "no device columns after the architecture columns")
        }
    }
}
