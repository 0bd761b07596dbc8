import FathomSpaces
import Foundation
import Testing
@testable import FathomPredict

/// The device mixture on synthetic devices whose latencies are known functions of the architecture, its Bayesian
/// regression against the textbook (primal) formulas, and its model files.
@Suite struct DeviceMixtureModelTests {
    /// Per-op costs (ms per edge, ops in gene order) of three known synthetic devices.
    static let known: [String: [Double]] = ["a": [0, 0.1, 0.5, 2, 0.3], "b": [0, 0.6, 1, 1.2, 0.9], "c": [0, 0.05, 0.3, 3, 0.2]]

    /// A HELP-layout table of 300 NAS-Bench-201 cells on the known devices and a new one, `new`: 2.5 times device b
    /// plus 0.1 ms per skip connection. Pool: rows 0..<200, test queries 200..<300; references rows 0..<10.
    func problem() throws -> (data: MetaLearningData, space: SearchSpace) {
        let space = try SearchSpace.load("nasbench201")
        let archs = space.sample(count: 300, seed: 11)
        func latency(_ arch: Architecture, _ costs: [Double]) -> Double { arch.genes.reduce(1.0) { $0 + costs[$1] } }
        var csv = "arch_index,arch_string,a,b,c,new\n"
        for (index, arch) in archs.enumerated() {
            let new = 2.5 * latency(arch, Self.known["b"]!) + 0.1 * Double(arch.genes.filter { $0 == 1 }.count)
            let values = ["a", "b", "c"].map { latency(arch, Self.known[$0]!) } + [new]
            csv += "\(index),\(space.format(arch)),\(values.map { String($0) }.joined(separator: ","))\n"
        }
        let table = try LatencyTable(csvText: csv, name: "synthetic.csv")
        let split = HELPProtocol(space: .nasbench201).with(pool: 0..<200, queries: 200..<300)
        return (try MetaLearningData(table: table, space: space, split: split, referenceArchIndices: Array(0..<10)), space)
    }

    @Test func adaptsToAStretchedKnownDeviceFromTenMeasurements() throws {
        let (data, _) = try problem()
        let model = try DeviceMixtureModel(data: data, devices: ["a", "b", "c"])
        let latencies = try data.table.latencies(device: "new")
        let support = Array(0..<10), queries = try data.split.testRows(device: "new", in: data.table)
        let adaptation = try model.adapt(encodings: support.map(data.encoding), latencies: support.map { latencies[$0] }, device: "new")
        #expect(adaptation.deviceWeights[1] > 0.9, "device b explains the new device: \(adaptation.deviceWeights)")
        let predicted = queries.map { adaptation.latency(data.encoding(row: $0)) }
        let actual = queries.map { latencies[$0] }
        #expect(RankMetrics.spearman(predicted, actual) > 0.98)
        #expect(RankMetrics.meanAbsolutePercentageError(predicted, actual) < 0.02)
        // The strict protocol measures the same references and scores the same (trimmed) queries.
        let scores = try MetaEvaluation.evaluate(model, data: data, device: "new", numSamples: 10, seed: 0)
        #expect(abs(scores.spearman - RankMetrics.spearman(predicted, actual)) < 1e-12)
        let coverage = try #require(scores.spreadCoverage)
        #expect(coverage > 0.5 && coverage <= 1, "\(coverage)")
    }

    /// The dual form the model computes (an n×n system) against the primal posterior of the same regression,
    /// `β = (ΦᵀΦ/σ² + S⁻¹)⁻¹ (Φᵀy/σ² + S⁻¹m)` with the corrections' prior covariance `τ²I + s²C` (`C` the known
    /// devices' spread), and its evidence against a Gaussian log-density computed by elimination.
    @Test func bayesianRegressionMatchesThePrimalFormulas() throws {
        let (data, _) = try problem()
        let model = try DeviceMixtureModel(data: data, devices: ["a", "b", "c"])
        let rows = [3, 17, 40, 41, 90, 120, 150]
        let x = rows.map(data.encoding), targets = [1.2, 0.7, 1.9, 1.1, 0.4, 1.6, 0.9]
        let f = x.map(model.bases[0].value)
        let prior = DeviceMixtureModel.CorrectionPrior(correction: 0.05, populationScale: 0.5, noise: 0.01)
        let noise = prior.noise
        let gram = x.map { a in x.map { b in zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } } }
        let population = DeviceMixtureModel.PopulationSpread(bases: model.bases.map(\.weights), encodings: x)
        let correctionCovariance = prior.covariance(gram: gram, populationGram: population.gram)
        let fit = model.fit(basis: f, targets: targets, correctionCovariance: correctionCovariance, noise: noise)

        let (beta, _) = try Self.primalPosterior(model: model, basis: model.bases[0], encodings: x, targets: targets, prior: prior)
        #expect(abs(beta[0] - fit.offset) < 1e-7)
        #expect(abs(beta[1] - fit.stretch) < 1e-7)
        let correction = prior.correctionMean(encodings: x, dual: fit.dual, population: population, width: x[0].count)
        for i in 0..<x[0].count { #expect(abs(beta[2 + i] - correction[i]) < 1e-7) }

        // Evidence: −½ rᵀK⁻¹r − ½ log det K, by Gaussian elimination with partial pivoting.
        let n = rows.count
        var k = (0..<n).map { i in (0..<n).map { j in
            model.settings.offsetVariance + model.settings.stretchVariance * f[i] * f[j] + correctionCovariance[i][j] + (i == j ? noise : 0)
        } }
        var r = zip(targets, f).map { $0 - $1 }
        let residual = r
        var logDeterminant = 0.0
        for column in 0..<n {
            let pivot = (column..<n).max { abs(k[$0][column]) < abs(k[$1][column]) }!
            k.swapAt(column, pivot)
            r.swapAt(column, pivot)
            logDeterminant += log(abs(k[column][column]))
            for row in (column + 1)..<n {
                let factor = k[row][column] / k[column][column]
                for j in column..<n { k[row][j] -= factor * k[column][j] }
                r[row] -= factor * r[column]
            }
        }
        var solution = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            solution[row] = (r[row] - ((row + 1)..<n).reduce(0) { $0 + k[row][$1] * solution[$1] }) / k[row][row]
        }
        let evidence = -0.5 * (zip(residual, solution).reduce(0) { $0 + $1.0 * $1.1 } + logDeterminant)
        #expect(abs(evidence - fit.logEvidence) < 1e-8 * max(1, abs(evidence)))
    }

    /// Known devices that differ from one another along one direction of per-op costs (`base + c·v`), and a new
    /// device further along it: the population term fits it, and leaving each known device out shows that.
    @Test func correctionsAlongTheKnownDevicesSpreadAreChosenWhereTheyRankBetter() throws {
        let space = try SearchSpace.load("nasbench201")
        let archs = space.sample(count: 300, seed: 5)
        let base = [0.0, 0.2, 1.0, 1.5, 0.4], direction = [0.0, 0.4, -0.3, 0.8, -0.2]
        let spreads = ["d0": 0.0, "d1": 0.5, "d2": 1.0, "d3": 1.5, "new": 3.0]
        let devices = spreads.keys.sorted()
        var csv = "arch_index,arch_string,\(devices.joined(separator: ","))\n"
        for (index, arch) in archs.enumerated() {
            let values = devices.map { device in arch.genes.reduce(1.0) { $0 + base[$1] + spreads[device]! * direction[$1] } }
            csv += "\(index),\(space.format(arch)),\(values.map { String($0) }.joined(separator: ","))\n"
        }
        let table = try LatencyTable(csvText: csv, name: "spread.csv")
        let split = HELPProtocol(space: .nasbench201).with(pool: 0..<200, queries: 200..<300)
        let data = try MetaLearningData(table: table, space: space, split: split, referenceArchIndices: Array(0..<10))
        let known = ["d0", "d1", "d2", "d3"]
        let model = try DeviceMixtureModel(data: data, devices: known)
        #expect(model.settings.populationScales == DeviceMixtureModel.Settings().populationScales)
        var independentSettings = DeviceMixtureModel.Settings()
        independentSettings.populationScales = [0]
        let independent = try DeviceMixtureModel(data: data, devices: known, settings: independentSettings)
        let withSpread = try MetaEvaluation.evaluate(model, data: data, device: "new", numSamples: 10, seed: 0)
        let without = try MetaEvaluation.evaluate(independent, data: data, device: "new", numSamples: 10, seed: 0)
        #expect(withSpread.mape < without.mape, "MAPE \(withSpread.mape) with the spread, \(without.mape) without")
        #expect(withSpread.mape < 0.02)
    }

    /// A model file written before ``DeviceMixtureModel/Settings/populationScales`` existed reads as the model it was.
    @Test func settingsWithoutPopulationScalesReadAsIndependentCorrections() throws {
        let encoded = try JSONEncoder().encode(DeviceMixtureModel.Settings())
        var object = try #require(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["populationScales"] = nil
        let settings = try JSONDecoder().decode(DeviceMixtureModel.Settings.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(settings.populationScales == [0])
        #expect(settings.corrections == DeviceMixtureModel.Settings().corrections)
    }

    /// The posterior of `targets = a + b·f + δ·x + noise` for one basis, in the primal form: `Φ = [1, f, X]`, prior mean
    /// `[0, 1, 0…]`, prior covariance `diag(σa², σb²) ⊕ (τ²I + s²C)` with `C = Σ_k (w_k − w̄)(w_k − w̄)ᵀ / K` computed
    /// here directly from the bases; the posterior mean `(ΦᵀΦ/σ² + S⁻¹)⁻¹ (Φᵀy/σ² + S⁻¹m)` and that inverse
    /// (row-major), the posterior covariance.
    static func primalPosterior(model: DeviceMixtureModel, basis: DeviceMixtureModel.Basis, encodings x: [[Double]], targets: [Double],
                                prior: DeviceMixtureModel.CorrectionPrior) throws -> (mean: [Double], covariance: [Double]) {
        let choices = x[0].count, width = 2 + choices
        let phi = x.map { [1, basis.value($0)] + $0 }
        let mean = (0..<choices).map { i in model.bases.reduce(0) { $0 + $1.weights[i] } / Double(model.bases.count) }
        var priorCovariance = [Double](repeating: 0, count: width * width)
        priorCovariance[0] = model.settings.offsetVariance
        priorCovariance[width + 1] = model.settings.stretchVariance
        for i in 0..<choices {
            for j in 0..<choices {
                let spread = model.bases.reduce(0) { $0 + ($1.weights[i] - mean[i]) * ($1.weights[j] - mean[j]) } / Double(model.bases.count)
                priorCovariance[(2 + i) * width + 2 + j] = prior.populationScale * prior.populationScale * spread + (i == j ? prior.correction * prior.correction : 0)
            }
        }
        func unit(_ i: Int) -> [Double] { (0..<width).map { $0 == i ? 1 : 0 } }
        let priorFactor = try #require(CholeskyFactor(priorCovariance, order: width))
        var precision = [Double](repeating: 0, count: width * width)
        var right = priorFactor.solve([0.0, 1] + Array(repeating: 0.0, count: choices))
        for i in 0..<width {
            let column = priorFactor.solve(unit(i))
            for j in 0..<width { precision[j * width + i] = zip(phi, phi).reduce(0) { $0 + $1.0[i] * $1.1[j] } / prior.noise + column[j] }
            right[i] += zip(phi, targets).reduce(0) { $0 + $1.0[i] * $1.1 } / prior.noise
        }
        let posterior = try #require(CholeskyFactor(precision, order: width))
        return (posterior.solve(right), (0..<width).flatMap { posterior.solve(unit($0)) })
    }

    /// The predictive spread against the primal posterior: each component's `φ*ᵀ S φ* + σ²` around `φ*ᵀβ`
    /// (`φ* = [1, f(x*), x*]`), mixed with the adaptation's device weights.
    @Test func spreadMatchesTheMixtureOfPrimalPredictiveVariances() throws {
        let (data, _) = try problem()
        let prior = DeviceMixtureModel.CorrectionPrior(correction: 0.05, populationScale: 0.5, noise: 0.01)
        var settings = DeviceMixtureModel.Settings()
        (settings.corrections, settings.populationScales, settings.noiseVariances) = ([prior.correction], [prior.populationScale], [prior.noise])
        let known = try DeviceMixtureModel(data: data, devices: ["a", "b", "c"])
        let model = DeviceMixtureModel(settings: settings, references: known.references, bases: known.bases)
        let latencies = try data.table.latencies(device: "new")
        let rows = [3, 17, 40, 41, 90, 120, 150]
        let x = rows.map(data.encoding)
        let adaptation = try model.adapt(encodings: x, latencies: rows.map { latencies[$0] }, device: "new")
        let targets = rows.map { latencies[$0] / adaptation.scale }
        let posteriors = try model.bases.map { try Self.primalPosterior(model: model, basis: $0, encodings: x, targets: targets, prior: prior) }
        for query in [5, 60, 210] {
            let encoding = data.encoding(row: query)
            var mean = 0.0, secondMoment = 0.0
            for ((basis, posterior), share) in zip(zip(model.bases, posteriors), adaptation.deviceWeights) {
                let phi = [1, basis.value(encoding)] + encoding
                let componentMean = DeviceMixtureModel.dot(phi, posterior.mean)
                let variance = phi.indices.reduce(0) { total, i in total + phi[i] * DeviceMixtureModel.dot(Array(posterior.covariance[i * phi.count..<(i + 1) * phi.count]), phi) } + prior.noise
                mean += share * componentMean
                secondMoment += share * (variance + componentMean * componentMean)
            }
            let expected = adaptation.scale * (secondMoment - mean * mean).squareRoot()
            #expect(abs(adaptation.latency(encoding) - adaptation.scale * mean) < 1e-6 * adaptation.scale)
            #expect(abs(adaptation.spread(encoding) - expected) < 1e-6 * expected, "row \(query): \(adaptation.spread(encoding)) against \(expected)")
        }
    }

    @Test func adaptedModelFilesRoundTrip() throws {
        let (data, space) = try problem()
        let model = try DeviceMixtureModel(data: data, devices: ["a", "b", "c"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-mixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let metaPath = folder.appendingPathComponent("meta.json").path
        try model.save(to: metaPath, space: space)
        let (loaded, loadedSpace) = try MetaModelFile.load(metaPath)
        #expect(loaded as? DeviceMixtureModel == model && loadedSpace.name == space.name)

        let latencies = try data.table.latencies(device: "new")
        let archs = Array(data.architectures[0..<10])
        let adapted = try loaded.adapted(space: space, device: "new", archs: archs, latencies: Array(latencies[0..<10]), seed: 0,
                                         dropsDeadLayers: false)
        let adaptedPath = folder.appendingPathComponent("adapted.json").path
        try PredictorFile.save(adapted as! AdaptedMixturePredictor, to: adaptedPath)
        let reloaded = try PredictorFile.load(adaptedPath, space: space)
        let queries = Array(data.architectures[200..<220])
        #expect(reloaded.id == "mixture")
        #expect(try reloaded.predict(queries) == adapted.predict(queries))
        #expect(throws: PredictError.wrongModelKind(file: adaptedPath, kind: "mixture-adapted",
                                                    expected: "a meta-trained model (help-meta, mixture-meta)")) {
            try MetaModelFile.load(adaptedPath)
        }
        let corrupt = folder.appendingPathComponent("corrupt.json").path
        let text = try String(contentsOfFile: metaPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"weights\":[", with: "\"weights\":[0,").write(toFile: corrupt, atomically: true, encoding: .utf8)
        #expect(throws: PredictError.self) { try MetaModelFile.load(corrupt) }
        #expect(throws: PredictError.tooFewMeasurements(device: "new", count: 1, needed: 2)) {
            try model.adapt(encodings: [data.encoding(row: 0)], latencies: [latencies[0]], device: "new")
        }
    }
}
