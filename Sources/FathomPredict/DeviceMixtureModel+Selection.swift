extension DeviceMixtureModel {
    /// The model with ``Settings/populationScales`` chosen on the known devices alone: `[0]` (corrections
    /// independent per choice) or the grid as given, whichever ranks the known devices better when each in turn is
    /// left out, adapted from its reference architectures, and scored (Spearman) on its trimmed adaptation pool.
    /// Ties keep `[0]`. On HELP's data this switches the population term on for FBNet and off for NAS-Bench-201,
    /// the same choice on every held-out device (see the README's predictor figures).
    ///
    /// - Throws: `PredictError` for an unknown device or a missing pool row.
    func selectingPopulationScales(data: MetaLearningData, devices: [String]) throws -> DeviceMixtureModel {
        guard settings.populationScales.contains(where: { $0 != 0 }), devices.count > 2 else { return self }
        var independent = settings
        independent.populationScales = [0]
        let candidates = [independent, settings]
        var totals = [Double](repeating: 0, count: candidates.count)
        let referenceEncodings = data.referenceRows.map(data.encoding)
        for (index, device) in devices.enumerated() {
            let latencies = try data.table.latencies(device: device)
            let pool = try data.split.adaptationRows(device: device, in: data.table)
            let poolEncodings = pool.map(data.encoding)
            var others = bases
            others.remove(at: index)
            for (candidate, settings) in candidates.enumerated() {
                let model = DeviceMixtureModel(settings: settings, references: references, bases: others)
                let adaptation = try model.adapt(encodings: referenceEncodings, latencies: data.referenceRows.map { latencies[$0] }, device: device)
                totals[candidate] += RankMetrics.spearman(poolEncodings.map(adaptation.latency), pool.map { latencies[$0] })
            }
        }
        let chosen = totals[1] > totals[0] ? settings : independent
        return DeviceMixtureModel(settings: chosen, references: references, bases: bases)
    }
}
