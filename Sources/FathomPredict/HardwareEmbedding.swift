/// HELP's hardware embedding: a device is described by the latencies of a few fixed reference architectures,
/// min-max normalised to [0, 1] on that device.
///
/// Verified against HELP's code (github.com/HayeonLee/HELP, commit 45f70eb): `loader.py`, `Data.get_task` and
/// `Data.generate_episode`: `hw_embed = normalization(latency[hw_emb_idx], portion=1.0)`, i.e.
/// `(x − min) / (max − min)` over the reference latencies alone, in `hardware_embedding_index.pt` order.
public enum HardwareEmbedding {
    /// The reference architectures' `arch_index` values in embedding order, read from a
    /// `hardware_embedding_index.csv` (columns `position`, `arch_index`, then the architecture's columns).
    ///
    /// - Throws: `PredictError` for a missing file or column, a ragged row or a non-integer field.
    public static func referenceArchIndices(contentsOf path: String) throws -> [Int] {
        let csv = try CSVFile(path: path)
        var columns: (position: Int, archIndex: Int, count: Int)?
        var positioned: [(position: Int, archIndex: Int)] = []
        try csv.forEachRecord { record in
            guard let columns else {
                columns = try referenceColumns(header: (0..<record.count).map(record.string), file: csv.name)
                return
            }
            guard record.count == columns.count else {
                throw PredictError.raggedRow(file: csv.name, line: record.line, expected: columns.count, got: record.count)
            }
            func integer(_ field: Int, _ name: String) throws -> Int {
                guard let value = record.int(field) else {
                    throw PredictError.notANumber(file: csv.name, line: record.line, column: name, value: record.string(field))
                }
                return value
            }
            positioned.append((try integer(columns.position, "position"), try integer(columns.archIndex, "arch_index")))
        }
        guard columns != nil else { throw PredictError.emptyFile(file: csv.name) }
        return positioned.sorted { $0.position < $1.position }.map(\.archIndex)
    }

    /// The embedding of `device`: its latencies on `references` (arch indices, in embedding order) scaled so that
    /// the fastest is 0 and the slowest 1.
    ///
    /// - Throws: `PredictError.unknownDevice`, `.missingArchIndex`, or `.constantLatencies` if all are equal.
    public static func embedding(device: String, references: [Int], in table: LatencyTable) throws -> [Double] {
        let latencies = try table.latencies(device: device)
        let referenceLatencies = try references.map { latencies[try table.row(ofArchIndex: $0)] }
        guard let scaler = LatencyScaler(fitting: referenceLatencies, portion: 1) else {
            throw PredictError.constantLatencies(device: device, what: "reference-architecture")
        }
        return referenceLatencies.map(scaler.normalise)
    }

    private static func referenceColumns(header: [String], file: String) throws -> (position: Int, archIndex: Int, count: Int) {
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw PredictError.missingColumn(file: file, column: name, detail: "a reference-architecture file needs 'position' and 'arch_index'")
            }
            return index
        }
        return (try column("position"), try column("arch_index"), header.count)
    }
}
