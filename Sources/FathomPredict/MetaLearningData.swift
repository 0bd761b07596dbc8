import FathomSpaces

/// A HELP latency table read for meta-learning: every architecture encoded once, and per device its trimmed pools
/// (``HELPProtocol``) and hardware embedding (``HardwareEmbedding``).
public struct MetaLearningData: Sendable {
    /// One device's view of the table.
    struct Device: Sendable {
        let name: String
        /// Latency (ms) of every row.
        let latencies: [Double]
        /// The trimmed adaptation pool's rows.
        let pool: [Int]
        /// The trimmed test queries' rows.
        let test: [Int]
        /// The reference architectures' latencies, min-max normalised.
        let hardware: [Float]
    }

    public let space: SearchSpace
    public let table: LatencyTable
    public let split: HELPProtocol
    /// The reference architectures' rows, in embedding order.
    public let referenceRows: [Int]
    /// Every row's architecture.
    public let architectures: [Architecture]
    /// Every row encoded for `space`'s natural network input.
    let batch: ArchitectureBatch

    /// Reads `table` in `space`, with the reference architectures given by their `arch_index` (embedding order).
    ///
    /// - Throws: `PredictError` for a row that is not an architecture of the space or a missing reference.
    public init(table: LatencyTable, space: SearchSpace, split: HELPProtocol, referenceArchIndices: [Int]) throws {
        self.space = space
        self.table = table
        self.split = split
        referenceRows = try referenceArchIndices.map { try table.row(ofArchIndex: $0) }
        architectures = try table.architectures(in: space)
        batch = try ArchitectureBatch(architectures, space: space, input: .natural(for: space))
    }

    /// The reference architectures.
    public var references: [Architecture] { referenceRows.map { architectures[$0] } }

    /// A row's encoding for additive latency models (``SearchSpace/choiceOneHot(_:)``).
    func encoding(row: Int) -> [Double] {
        space.choiceOneHot(architectures[row])
    }

    /// `name`'s latencies, pools and embedding.
    ///
    /// - Throws: `PredictError.unknownDevice`, `.constantLatencies`.
    func device(_ name: String) throws -> Device {
        let latencies = try table.latencies(device: name)
        let hardware = try HardwareEmbedding.embedding(device: name, references: referenceRows.map { table.archIndices[$0] }, in: table)
        return Device(name: name, latencies: latencies, pool: try split.adaptationRows(device: name, in: table),
                      test: try split.testRows(device: name, in: table), hardware: hardware.map(Float.init))
    }

    /// The support rows and target scaler for adapting to `device` with `numSamples` measurements in `setting`
    /// (see ``MetaLearnedModel/Setting``); random rows come from the trimmed pool, never a reference twice.
    ///
    /// - Throws: `PredictError.invalidSampleCount`, `.constantLatencies`.
    func adaptationSet(_ device: Device, setting: MetaLearnedModel.Setting, numSamples: Int,
                       random: inout SeededGenerator) throws -> (rows: [Int], scaler: LatencyScaler) {
        let references = Set(referenceRows)
        let candidates = device.pool.filter { !references.contains($0) }
        let fixed = setting == .strict ? referenceRows : []
        let extra = numSamples - fixed.count
        guard numSamples >= 1, extra >= 0, extra <= candidates.count else {
            throw PredictError.invalidSampleCount(device: device.name, requested: numSamples, available: fixed.count + candidates.count)
        }
        let rows = fixed + random.shuffled(candidates).prefix(extra)
        let scaled = setting == .strict ? rows : device.pool
        guard let scaler = LatencyScaler(fitting: scaled.map { device.latencies[$0] }) else {
            throw PredictError.constantLatencies(device: device.name, what: setting == .strict ? "support" : "adaptation-pool")
        }
        return (rows, scaler)
    }
}
