import FathomGraph
import FathomKernels
import FathomSpaces
import Foundation
import Synchronization

/// Trains a supernet (or, with a fixed architecture, one standalone network) step by step, deterministically:
/// step `s` reads the images of its place in epoch `s / stepsPerEpoch`'s seeded order and draws its paths from a
/// generator seeded by (seed, s), so a run resumed from a checkpoint at step `s` continues exactly as an
/// uninterrupted one (same thread count).
public final class SupernetTrainer {
    /// What one step did.
    public struct StepResult: Sendable {
        public let step: Int
        public let epoch: Int
        public let loss: Double
        /// Fraction of the step's images the first path classified correctly.
        public let accuracy: Double
        public let images: Int
    }

    public let config: TrainingConfig
    public let supernet: Supernet
    public let training: Dataset
    public let sampler: PathSampler?
    public let fixedArch: Architecture?
    public let optimizer: SGD
    public let schedule: LearningRateSchedule
    public let stepsPerEpoch: Int
    /// The step at which a few-shot supernet splits (nil: one-shot).
    public let splitStep: Int?
    /// Steps done; a few-shot supernet's copies are in use once the split step has run.
    public private(set) var step = 0 { didSet { supernet.splitActive = splitStep.map { step > $0 } ?? false } }
    let pool: ThreadPool
    let recycler = BufferRecycler()
    /// Progressive shrinking's teacher: the full network as it was when the first phase ended.
    private(set) var teacher: Subnet?
    private var orderCache: (epoch: Int, order: [Int])?

    /// A trainer over `training` images; `fixedArch` trains that architecture alone (`fathom train`).
    public init(config: TrainingConfig, space: SearchSpace, training: Dataset, fixedArch: Architecture? = nil) throws {
        guard training.channels == space.inputChannels, training.height == space.inputHeight, training.width == space.inputWidth else {
            throw NNError.datasetMismatch(detail: "images of \(training.channels)x\(training.height)x\(training.width) do not fit \(space.name)'s input "
                                          + "\(space.inputChannels)x\(space.inputHeight)x\(space.inputWidth)")
        }
        guard training.classes == space.classes else {
            throw NNError.datasetMismatch(detail: "\(training.classes) classes in the data, \(space.classes) in \(space.name)")
        }
        self.config = config
        self.training = training
        self.fixedArch = fixedArch
        stepsPerEpoch = training.count / config.training.batch
        guard stepsPerEpoch > 0 else {
            throw NNError.invalidConfig(file: config.file, key: "training.batch", detail: "\(config.training.batch) is larger than the \(training.count) training images")
        }
        let split = fixedArch == nil ? config.split : nil
        if let split, !space.genes.indices.contains(split.gene) {
            throw NNError.invalidConfig(file: config.file, key: "supernet.split.gene",
                                        detail: "\(split.gene) is not a gene of \(space.name) (0..<\(space.genes.count))")
        }
        let stepsPerEpoch = stepsPerEpoch
        splitStep = split.map { $0.atEpoch * stepsPerEpoch }
        supernet = try Supernet(space: space, seed: config.training.seed, split: split)
        sampler = fixedArch == nil ? try PathSampler(space: space, method: config.method, randomSubnets: config.randomSubnets) : nil
        optimizer = SGD(parameters: supernet.optimizerParameters, momentum: Float(config.training.momentum),
                        nesterov: config.training.nesterov, weightDecay: Float(config.training.weightDecay))
        schedule = LearningRateSchedule(base: config.training.learningRate, warmupSteps: Int(config.training.warmupEpochs * Double(stepsPerEpoch)),
                                        totalSteps: config.training.epochs * stepsPerEpoch)
        pool = ThreadPool(threadCount: config.training.threads)
    }

    public var totalSteps: Int { schedule.totalSteps }

    /// The progressive-shrinking phase of `step`: the epochs split into four equal parts.
    func phase(at step: Int) -> SupernetMethod.Phase {
        SupernetMethod.Phase(rawValue: min(3, 4 * step / max(totalSteps, 1)))!
    }

    /// Every buffer a checkpoint holds: the supernet, the optimizer's velocities, and the teacher once it exists.
    public var checkpointBuffers: [AlignedBuffer] {
        supernet.stateBuffers + optimizer.velocities + (teacher?.parameters.allBuffers ?? [])
    }

    /// Restores a checkpoint from `directory`; returns what was loaded.
    public func restore(from directory: URL) throws -> Checkpoint.Loaded {
        if config.method == .progressive, fixedArch == nil {
            // Checkpoints after the first phase hold the teacher: try with it, then without.
            teacher = try supernet.subnet(SupernetLayout.extreme(supernet.space, largest: true))
            if let loaded = try? Checkpoint.load(into: checkpointBuffers, directory: directory), phase(at: loaded.step) != .full {
                step = loaded.step
                return loaded
            }
            teacher = nil
        }
        let loaded = try Checkpoint.load(into: checkpointBuffers, directory: directory)
        step = loaded.step
        return loaded
    }

    /// Runs one step; throws `nonFiniteLoss` (without changing the weights) when the loss is NaN or infinite.
    public func trainStep() throws -> StepResult {
        let batch = config.training.batch, epoch = step / stepsPerEpoch, within = step % stepsPerEpoch
        if step == splitStep { split() }
        if orderCache?.epoch != epoch { orderCache = (epoch, training.order(epoch: epoch, seed: config.training.seed)) }
        let indices = orderCache!.order[within * batch..<(within + 1) * batch]
        var rng = SeededGenerator(seed: config.training.seed &* 0xD134_2543_DE82_EF95 &+ UInt64(step))
        let phase = phase(at: step)
        if config.method == .progressive, fixedArch == nil, phase != .full, teacher == nil {
            teacher = try supernet.subnet(SupernetLayout.extreme(supernet.space, largest: true))
        }
        if config.method == .progressive, fixedArch == nil, phase == .width, step > 0, self.phase(at: step - 1) != .width {
            let velocities = Dictionary(uniqueKeysWithValues: zip(optimizer.parameters, optimizer.velocities).map { (ObjectIdentifier($0.value), $1) })
            supernet.sortMiddleChannels { velocities[ObjectIdentifier($0)] }
        }
        let paths = fixedArch.map { [PlannedPath(arch: $0, distills: false, teaches: false)] }
            ?? sampler!.paths(phase: phase, using: &rng)
        var soft: [Float]? = teacher.map { soften($0, indices) }
        // A sandwich step's largest path teaches the others: it runs first, the rest side by side.
        let teaching = paths.prefix { $0.teaches }
        var passes = try teaching.map { try pass($0, indices, soft: soft, pool: pool) }
        if let taught = passes.last {
            var probabilities = [Float](repeating: 0, count: batch * training.classes)
            ClassificationLoss.softmax(logits: taught.network.output, probabilities: &probabilities, batch: batch, classes: training.classes)
            soft = probabilities
        }
        passes += try concurrentPasses(Array(paths.dropFirst(teaching.count)), indices, soft: soft)
        guard passes.allSatisfy({ $0.result.loss.isFinite }) else {
            throw NNError.nonFiniteLoss(step: step, lastGoodCheckpoint: nil)
        }
        for pass in passes {
            pass.subnet.accumulate(pass.network.gradients)
            pass.subnet.storeStatistics()
        }
        optimizer.step(rate: Float(schedule.rate(at: step)), active: supernet.touchedParameters)
        supernet.clearGradients()
        step += 1
        let first = passes[0].result
        return StepResult(step: step, epoch: epoch, loss: first.loss, accuracy: Double(first.correct) / Double(batch), images: batch * paths.count)
    }

    /// Splits a few-shot supernet: every copy (and its optimizer velocities) starts from the first copy's state.
    private func split() {
        supernet.copyFirstSplit(velocities: optimizer.velocities)
        supernet.splitActive = true
    }

    /// Accuracy on `images` of the architecture this trainer trains alone (`fixedArch`), with its own batch-norm
    /// statistics; a supernet has no single accuracy (score one architecture with a `SubnetExtractor`).
    public func standaloneAccuracy(on images: Dataset, pool: ThreadPool) throws -> Double {
        guard let fixedArch else {
            throw NNError.invalidConfig(file: config.file, key: "(run)", detail: "a supernet has no single accuracy; score one architecture with `supernet eval`")
        }
        let subnet = try supernet.subnet(fixedArch)
        return SubnetEvaluation.accuracy(graph: subnet.graph, parameters: subnet.parameters, images: images, pool: pool)
    }

    /// One path's forward and backward pass: its subnet (weights copied from the supernet), the network that holds its
    /// gradients and batch-norm statistics, and its loss. Nothing is written into the supernet.
    private struct PathPass {
        let subnet: Subnet
        let network: TrainingNetwork
        let result: ClassificationLoss.Result
    }

    /// Runs `path` on the images at `indices`; no backward pass when the loss is not finite.
    private func pass(_ path: PlannedPath, _ indices: ArraySlice<Int>, soft: [Float]?, pool: ThreadPool) throws -> PathPass {
        let subnet = try supernet.subnet(path.arch)
        let network = TrainingNetwork(graph: subnet.graph, parameters: subnet.parameters, batch: indices.count, pool: pool, recycler: recycler)
        let labels = training.fill(network.input, with: indices)
        network.forward(.training(momentum: 0.1))
        let classes = training.classes
        let result: ClassificationLoss.Result
        if path.distills, let soft {
            result = soft.withUnsafeBufferPointer {
                ClassificationLoss.distillation(logits: network.output, teacher: $0.baseAddress!, labels: labels, classes: classes, gradient: network.outputGradient)
            }
        } else {
            result = ClassificationLoss.labels(logits: network.output, labels: labels, classes: classes,
                                               smoothing: config.training.labelSmoothing, gradient: network.outputGradient)
        }
        if result.loss.isFinite { network.backward() }
        return PathPass(subnet: subnet, network: network, result: result)
    }

    /// The passes of `paths` in order. Several paths run side by side, one per thread of the pool (their kernels then
    /// run on that one thread: small networks gain more from this than from threads inside each kernel). The paths
    /// read the same weights and write only their own networks, so the result does not depend on the interleaving.
    private func concurrentPasses(_ paths: [PlannedPath], _ indices: ArraySlice<Int>, soft: [Float]?) throws -> [PathPass] {
        guard paths.count > 1 else { return try paths.map { try pass($0, indices, soft: soft, pool: pool) } }
        let done = Mutex([Int: Result<PathPass, Error>]())
        pool.parallelFor(paths.count) { i in
            let outcome = Result { try pass(paths[i], indices, soft: soft, pool: pool) }
            done.withLock { $0[i] = outcome }
        }
        return try done.withLock { results in try paths.indices.map { try results[$0]!.get() } }
    }

    /// The teacher's predicted probabilities for the images at `indices` (batch statistics, no running update).
    private func soften(_ teacher: Subnet, _ indices: ArraySlice<Int>) -> [Float] {
        let network = TrainingNetwork(graph: teacher.graph, parameters: teacher.parameters, batch: indices.count, pool: pool, recycler: recycler)
        _ = training.fill(network.input, with: indices)
        network.forward(.training(momentum: nil))
        var probabilities = [Float](repeating: 0, count: indices.count * training.classes)
        ClassificationLoss.softmax(logits: network.output, probabilities: &probabilities, batch: indices.count, classes: training.classes)
        return probabilities
    }
}
