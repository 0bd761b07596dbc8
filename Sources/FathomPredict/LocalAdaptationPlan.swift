import FathomSpaces

/// What to measure on a device to adapt a meta-learned model to it from nothing but its own measurements
/// (`fathom predictor adapt --local`): the model's reference architectures, in embedding order (the hardware
/// embedding needs every one), then, to reach `numSamples`, random architectures of HELP's adaptation pool that are
/// not references, as ``MetaLearningData/adaptationSet(_:setting:numSamples:random:)`` draws them (the pool is not
/// trimmed: trimming needs the device's latencies). Each architecture comes with its `arch_index` in the table, so
/// the measurements can be written as a HELP-layout table that `adapt --samples` reads back to the same adaptation.
public struct LocalAdaptationPlan: Sendable, Equatable {
    /// The architectures to measure: the references, then the random ones.
    public let archs: [Architecture]
    /// Each architecture's `arch_index` in the table.
    public let archIndices: [Int]

    /// Plans the measurements for `meta` on `table` (a HELP latency table of `space`) under `split`'s adaptation pool.
    ///
    /// - Parameters:
    ///   - numSamples: architectures in all, the references included.
    ///   - seed: draws the architectures beyond the references.
    /// - Throws: `PredictError.referenceNotInTable`, `.invalidMeasurementCount`, or what reading the table's
    ///   architectures throws.
    public init(meta: any MetaLatencyModel, space: SearchSpace, table: LatencyTable, split: HELPProtocol, numSamples: Int, seed: UInt64) throws {
        let tableArchs = try table.architectures(in: space)
        let canonical = tableArchs.map(space.format)
        var rowOfArch: [String: Int] = [:]
        for (row, arch) in canonical.enumerated() where rowOfArch[arch] == nil { rowOfArch[arch] = row }
        let referenceRows = try meta.references.map { reference in
            guard let row = rowOfArch[reference] else { throw PredictError.referenceNotInTable(file: table.file, arch: reference) }
            return row
        }
        // Pool rows, each architecture once (its first row), none a reference.
        let references = Set(meta.references)
        let candidates = (0..<table.count).filter {
            split.adaptationPool.contains(table.archIndices[$0]) && rowOfArch[canonical[$0]] == $0 && !references.contains(canonical[$0])
        }
        let extra = numSamples - referenceRows.count
        guard extra >= 0, extra <= candidates.count else {
            throw PredictError.invalidMeasurementCount(requested: numSamples, references: referenceRows.count, pool: candidates.count)
        }
        var random = SeededGenerator(seed: seed)
        let rows = referenceRows + random.shuffled(candidates).prefix(extra)
        archs = rows.map { tableArchs[$0] }
        archIndices = rows.map { table.archIndices[$0] }
    }
}
