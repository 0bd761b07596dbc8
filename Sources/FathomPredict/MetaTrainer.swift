import FathomSpaces
import Foundation

/// HELP's meta-training loop (`help.py`, `HELP.meta_train`): per episode, `tasksPerEpisode` meta-train devices at
/// random; per device a support set (as the model's ``MetaLearnedModel/Setting`` adapts) and `querySize` other
/// random rows of its trimmed pool; the second-order meta-gradient of
/// `mean over tasks of L_query + klScaling · Σ over tasks of KL` (``MetaLearnedModel/metaGradient(_:noise:queryWeight:klWeight:)``)
/// and one Adam step on θ, α and the inference network. Every `validationInterval` episodes the model is scored on
/// the meta-valid devices (mean Spearman) and the best one kept, as HELP keeps `help_max_corr.pt`.
///
/// HELP adds the last task's KL `tasksPerEpisode` times; here each task adds its own (the same in expectation).
/// Tasks of an episode run in parallel, their gradients summed in task order, so a seed gives one result.
public enum MetaTrainer {
    /// What meta-training reports as it goes.
    public struct Progress: Sendable {
        /// Episodes done.
        public let episode: Int
        /// The episode's mean query loss.
        public let queryLoss: Float
        /// Mean Spearman on the meta-valid devices, at a validation episode.
        public let validationSpearman: Double?
    }

    /// Meta-trains a fresh model.
    ///
    /// - Parameters:
    ///   - trainDevices: the devices episodes draw from.
    ///   - validDevices: the devices that select the model; with none, the last model is kept.
    ///   - progress: called after every episode.
    /// - Throws: `PredictError` for an unknown device or one whose latencies cannot be normalised.
    public static func train(data: MetaLearningData, trainDevices: [String], validDevices: [String],
                             settings: MetaLearnedModel.Settings, setting: MetaLearnedModel.Setting, seed: UInt64,
                             progress: (Progress) -> Void = { _ in }) throws -> MetaLearnedModel {
        precondition(!trainDevices.isEmpty, "meta-training needs devices")
        var random = SeededGenerator(seed: seed)
        var model = try MetaLearnedModel(space: data.space, references: data.references, settings: settings, setting: setting, seed: random.next())
        let devices = try trainDevices.map(data.device)
        var optimiser = AdamOptimizer(parameterCount: model.metaParameters.count, learningRate: settings.metaLearningRate)
        var best: (model: MetaLearnedModel, spearman: Double)?
        // Scratch memory for the concurrent tasks, and one gradient per task, kept for the whole run.
        let pool = ScratchPool()
        let length = model.metaParameterCount
        nonisolated(unsafe) let taskGradients = UnsafeMutablePointer<Float>.allocate(capacity: max(settings.tasksPerEpisode, 1) * length)
        defer { taskGradients.deallocate() }
        var metaParameters = model.metaParameters
        var gradient = [Float](repeating: 0, count: length)
        for episode in 1...max(settings.episodes, 1) {
            let chosen = random.shuffled(devices).prefix(settings.tasksPerEpisode)
            let tasks = try chosen.map { try metaTask($0, model: model, data: data, random: &random) }
            let noises = tasks.map { _ in random.normals(count: model.encoder.zSize) }
            let weight = 1 / Float(tasks.count)
            let current = model
            let results = parallelMap(tasks.indices) { i in
                pool.withScratch { scratch in
                    current.metaGradient(tasks[i], noise: noises[i], queryWeight: weight, klWeight: settings.klScaling, scratch: scratch,
                                         gradient: taskGradients + i * length)
                }
            }
            // Summed in task order.
            gradient.withUnsafeMutableBufferPointer { sum in
                sum.baseAddress!.update(from: taskGradients, count: length)
                for task in 1..<tasks.count {
                    let taskGradient = taskGradients + task * length
                    for i in 0..<length { sum[i] += taskGradient[i] }
                }
            }
            optimiser.step(&metaParameters, gradient: gradient)
            model.metaParameters = metaParameters
            var spearman: Double?
            if !validDevices.isEmpty && (episode % settings.validationInterval == 0 || episode == settings.episodes) {
                let scores = try validDevices.map {
                    try MetaEvaluation.evaluate(model, data: data, device: $0, numSamples: settings.supportSize, seed: seed)
                }
                let mean = scores.map(\.spearman).reduce(0, +) / Double(scores.count)
                spearman = mean
                if mean > best?.spearman ?? -.infinity { best = (model, mean) }
            }
            progress(Progress(episode: episode, queryLoss: results.map(\.queryLoss).reduce(0, +) * weight, validationSpearman: spearman))
        }
        return best?.model ?? model
    }

    /// One task on `device`: the support set as the model's setting adapts, then `querySize` other pool rows.
    private static func metaTask(_ device: MetaLearningData.Device, model: MetaLearnedModel, data: MetaLearningData,
                                 random: inout SeededGenerator) throws -> MetaLearnedModel.MetaTask {
        let (rows, scaler) = try data.adaptationSet(device, setting: model.setting, numSamples: model.settings.supportSize, random: &random)
        let support = Set(rows)
        let queries = Array(random.shuffled(device.pool.filter { !support.contains($0) }).prefix(model.settings.querySize))
        func targets(_ rows: [Int]) -> [Float] { rows.map { Float(scaler.normalise(device.latencies[$0])) } }
        return MetaLearnedModel.MetaTask(
            task: MetaLearnedModel.Task(hardware: device.hardware, support: data.batch.subset(rows), targets: targets(rows)),
            query: data.batch.subset(queries), queryTargets: targets(queries))
    }
}

/// `transform` of every index, computed on all cores, results in index order.
///
/// The scratch buffer's elements are moved out, not copied: deallocating a buffer does not release what it holds,
/// so copying the results out and then deallocating leaked every result (each task's gradient, about 1 MB, on
/// every episode of meta-training: 16 GB over HELP's 2000 episodes).
func parallelMap<T: Sendable>(_ indices: Range<Int>, _ transform: @Sendable (Int) -> T) -> [T] {
    nonisolated(unsafe) let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: indices.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    DispatchQueue.concurrentPerform(iterations: indices.count) { offset in
        results[offset] = transform(indices.lowerBound + offset)
    }
    return (0..<indices.count).map { (results.baseAddress! + $0).move()! }
}
