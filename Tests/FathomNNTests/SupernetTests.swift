import FathomGraph
import FathomKernels
import FathomNN
import FathomSpaces
import Foundation
import Testing

/// Supernets on tiny spaces: they learn a synthetic task, resume bit for bit, survive a damaged checkpoint, and
/// hand out standalone subnets.
@Suite struct SupernetTests {
    static let cellPath = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-tiny-cell-\(UUID().uuidString).json")
    static let elasticPath = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-tiny-elastic-\(UUID().uuidString).json")

    /// The tiny spaces written to files, since configs name their space by path.
    static func spacePath(_ elastic: Bool) throws -> String {
        let url = elastic ? elasticPath : cellPath
        if !FileManager.default.fileExists(atPath: url.path) {
            let space = elastic ? TinySpaces.elasticJSON : TinySpaces.cellJSON
            try Data(space.utf8).write(to: url)
        }
        return url.path
    }

    func train(_ task: SyntheticTask, directory: URL? = nil) throws -> TrainingRun.Summary {
        let config = try task.config
        let run = try TrainingRun(config: config, space: try SearchSpace.load(config.space), directory: directory ?? task.folder.appendingPathComponent("run"))
        return try run.run { _ in }
    }

    @Test(arguments: ["spos", "fairnas"]) func cellSupernetLearnsASyntheticTask(method: String) throws {
        let summary = try train(try SyntheticTask(space: try Self.spacePath(false), method: method, epochs: 3))
        #expect(summary.accuracy > 0.6, "validation accuracy \(summary.accuracy)")
    }

    @Test(arguments: ["sandwich", "progressive"]) func elasticSupernetLearnsASyntheticTask(method: String) throws {
        let summary = try train(try SyntheticTask(size: 8, space: try Self.spacePath(true), method: method, epochs: 4))
        #expect(summary.accuracy > 0.6, "validation accuracy \(summary.accuracy)")
    }

    @Test func resumingFromACheckpointGivesTheSameWeights() throws {
        let task = try SyntheticTask(images: 120, size: 8, space: try Self.spacePath(true), method: "progressive", epochs: 2)
        let straight = try train(task, directory: task.folder.appendingPathComponent("straight"))
        // Stop after 5 steps (the checkpoint of step 3 survives), then resume in a fresh trainer.
        let config = try task.config, space = try SearchSpace.load(config.space)
        let directory = task.folder.appendingPathComponent("resumed")
        let first = try TrainingRun(config: config, space: space, directory: directory)
        for _ in 0..<5 { _ = try first.trainer.trainStep() }
        try Checkpoint.save(step: first.trainer.step, buffers: first.trainer.checkpointBuffers, directory: directory)
        let resumed = try TrainingRun(config: config, space: space, directory: directory)
        #expect(resumed.trainer.step == 5)
        #expect(try resumed.run { _ in }.weights_checksum == straight.weights_checksum)
    }

    /// A step's paths run side by side on two threads (one path per thread); on one thread they run in turn. Each
    /// path only reads the shared weights and the gradients are summed in path order, so the weights come out the same.
    @Test(arguments: [("fairnas", false), ("sandwich", true)]) func pathsSideBySideTrainLikePathsInTurn(method: String, elastic: Bool) throws {
        let space = try Self.spacePath(elastic)
        let size = elastic ? 8 : 6
        let inTurn = try train(try SyntheticTask(images: 96, size: size, space: space, method: method, epochs: 1, threads: 1))
        let sideBySide = try train(try SyntheticTask(images: 96, size: size, space: space, method: method, epochs: 1, threads: 2))
        #expect(sideBySide.weights_checksum == inTurn.weights_checksum)
    }

    /// A few-shot supernet split on the first edge after one epoch (12 steps): a run stopped before or after the split
    /// resumes to the same weights; after the split, cells that differ only in that edge's op no longer share weights.
    @Test func fewShotSupernetSplitsAndResumes() throws {
        let task = try SyntheticTask(images: 240, space: try Self.spacePath(false), method: "fairnas", epochs: 2, split: #"{"gene": 0, "at_epoch": 1}"#)
        let config = try task.config, space = try SearchSpace.load(config.space)
        #expect(config.split == SupernetSplit(gene: 0, atEpoch: 1))
        let straight = try train(task, directory: task.folder.appendingPathComponent("straight"))
        for stop in [6, 12, 14] {
            let directory = task.folder.appendingPathComponent("resumed\(stop)")
            let first = try TrainingRun(config: config, space: space, directory: directory)
            for _ in 0..<stop { _ = try first.trainer.trainStep() }
            try Checkpoint.save(step: first.trainer.step, buffers: first.trainer.checkpointBuffers, directory: directory)
            let resumed = try TrainingRun(config: config, space: space, directory: directory)
            #expect(try resumed.run { _ in }.weights_checksum == straight.weights_checksum, "stopped after \(stop) steps")
        }
        let trained = try TrainingRun(config: config, space: space, directory: task.folder.appendingPathComponent("straight")).trainer.supernet
        let genes = Array(repeating: 3, count: space.genes.count)
        func stem(_ firstEdge: Int) throws -> [Float] {
            let parameters = try trained.subnet(Architecture(genes: [firstEdge] + genes.dropFirst())).parameters.layers.first { $0.weights != nil }!
            return Array(UnsafeBufferPointer(start: parameters.weights!.baseAddress, count: parameters.weights!.count))
        }
        #expect(try stem(1) != stem(2))
        trained.splitActive = false
        #expect(try stem(1) == stem(2))
    }

    @Test func aSplitNeedsAGeneOfTheSpaceAndAnEpochBeforeTheLast() throws {
        let space = try Self.spacePath(false)
        #expect(throws: (any Error).self) { try SyntheticTask(space: space, method: "fairnas", epochs: 2, split: #"{"gene": 0, "at_epoch": 2}"#).config }
        let outside = try SyntheticTask(space: space, method: "fairnas", epochs: 2, split: #"{"gene": 6, "at_epoch": 1}"#)
        #expect { try train(outside) } throws: { "\($0)".contains("supernet.split.gene") && "\($0)".contains("config.json") }
    }

    @Test func aDamagedCheckpointFallsBackToThePreviousOne() throws {
        let task = try SyntheticTask(images: 120, space: try Self.spacePath(false), epochs: 1)
        let config = try task.config, space = try SearchSpace.load(config.space)
        let directory = task.folder.appendingPathComponent("run")
        let run = try TrainingRun(config: config, space: space, directory: directory)
        _ = try run.trainer.trainStep()
        try Checkpoint.save(step: 1, buffers: run.trainer.checkpointBuffers, directory: directory)
        _ = try run.trainer.trainStep()
        try Checkpoint.save(step: 2, buffers: run.trainer.checkpointBuffers, directory: directory)
        let current = directory.appendingPathComponent(Checkpoint.fileName)
        let bytes = try Data(contentsOf: current)
        try bytes.prefix(bytes.count / 2).write(to: current)
        let resumed = try TrainingRun(config: config, space: space, directory: directory)
        #expect(resumed.trainer.step == 1)
        let events = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.contains("checkpoint_damaged"))
    }

    @Test func extractedSubnetsRunStandaloneLikeTheirSupernetPath() throws {
        let supernet = try Supernet(space: TinySpaces.elastic, seed: 3)
        let arch = try TinySpaces.elastic.parse("r8|k3e2|k5e3,k3e2")
        let subnet = try supernet.subnet(arch)
        let inference = InferenceNetwork(graph: subnet.graph, parameters: subnet.parameters, batch: 2)
        let training = TrainingNetwork(graph: subnet.graph, parameters: subnet.parameters, batch: 2)
        for i in 0..<2 * subnet.graph.inputShape.count { inference.input[i] = Float(i % 7) / 7; training.input[i] = Float(i % 7) / 7 }
        inference.run()
        training.forward(.inference)
        for i in 0..<6 { #expect(abs(inference.output[i] - training.output[i]) < 1e-4) }
        #expect(throws: NNError.self) { try Supernet(space: TinySpaces.chain, seed: 1) }
    }

    /// Accuracy and loss over 250 images (a batch of 200, then 50) against one image at a time and a log-softmax in Double.
    @Test func scoreMatchesAPerImageCrossEntropy() throws {
        let space = TinySpaces.cell
        var rng = SeededGenerator(seed: 4)
        let subnet = try Supernet(space: space, seed: 2).subnet(space.sample(using: &rng))
        let size = subnet.graph.inputShape.count, count = 250
        let data = try Dataset(channels: 1, height: 6, width: 6, classes: 3, images: (0..<count * size).map { _ in Float(rng.int(below: 100)) / 100 },
                               labels: (0..<count).map { _ in rng.int(below: 3) })
        let score = SubnetEvaluation.score(graph: subnet.graph, parameters: subnet.parameters, images: data, pool: ThreadPool(threadCount: 2))
        let single = TrainingNetwork(graph: subnet.graph, parameters: subnet.parameters, batch: 1)
        var loss = 0.0, correct = 0
        for i in 0..<count {
            for k in 0..<size { single.input[k] = data.images[i * size + k] }
            single.forward(.inference)
            let z = (0..<3).map { Double(single.output[$0]) }
            let logSum = log(z.map { exp($0) }.reduce(0, +))
            loss -= z[data.labels[i]] - logSum
            if z.firstIndex(of: z.max()!) == data.labels[i] { correct += 1 }
        }
        #expect(abs(score.loss - loss / Double(count)) < 1e-4 * max(1, loss / Double(count)), "\(score.loss) against \(loss / Double(count))")
        #expect(score.accuracy == Double(correct) / Double(count))
    }

    @Test func connectedSamplesSkipCutOffCells() throws {
        let space = try SearchSpace.load("fmnist-cell")
        let archs = SupernetSampling.connected(space, count: 20, seed: 2)
        #expect(archs.count == 20)
        // 300 uniform draws of connected cells hold networks that differ only in dead edges; none of them is kept twice.
        let many = SupernetSampling.connected(space, count: 300, seed: 2)
        #expect(many.count == 300 && Set(many.map(space.liveEquivalent)).count == 300)
        #expect(!SupernetSampling.isConnected(try space.parse("|none~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|"), in: space))
        #expect(SupernetSampling.isConnected(try space.parse("|none~0|+|skip_connect~0|none~1|+|none~0|none~1|avg_pool_3x3~2|"), in: space))
    }
}

/// Once-for-All's channel sorting reorders the middle channels without changing what the network computes.
@Suite struct ChannelSortingTests {
    @Test func sortingKeepsTheLargestSubnetsOutput() throws {
        let supernet = try Supernet(space: TinySpaces.elastic, seed: 8)
        let arch = try TinySpaces.elastic.parse("r8|k5e3,k5e3|k5e3,k5e3")
        func logits() throws -> [Float] {
            let subnet = try supernet.subnet(arch)
            let network = InferenceNetwork(graph: subnet.graph, parameters: subnet.parameters, batch: 1)
            for i in 0..<subnet.graph.inputShape.count { network.input[i] = Float(i % 5) / 5 - 0.4 }
            network.run()
            return (0..<3).map { network.output[$0] }
        }
        let before = try logits()
        supernet.sortMiddleChannels { _ in nil }
        let after = try logits()
        for (a, b) in zip(before, after) { #expect(abs(a - b) < 1e-4) }
        let smaller = try supernet.subnet(try TinySpaces.elastic.parse("r8|k3e2|k3e2"))
        #expect(smaller.parameters.layers.count > 0)
    }
}

/// Data that does not fit the space is refused before training.
@Suite struct DataFitTests {
    @Test func imagesOfTheWrongSizeAreRefused() throws {
        let task = try SyntheticTask(size: 6, space: try SupernetTests.spacePath(true))
        let config = try task.config
        #expect { try TrainingRun(config: config, space: try SearchSpace.load(config.space), directory: task.folder.appendingPathComponent("run")) }
            throws: { "\($0)".contains("do not fit") }
    }
}
