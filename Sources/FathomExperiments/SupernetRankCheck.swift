import FathomGraph
import FathomKernels
import FathomNN
import FathomPredict
import FathomSpaces
import Foundation
import Synchronization

/// How faithfully a supernet ranks architectures: `count` connected architectures, each scored by the supernet and
/// trained from scratch for `epochs` epochs with `seeds` seeds (the supernet's config otherwise), compared by
/// Kendall's τ-b and Spearman's ρ of the supernet's accuracy against the mean standalone accuracy. With two or more
/// seeds it also reports how well the seeds agree with each other: the noise of the ground truth itself.
public struct SupernetRankCheck {
    /// One architecture's two accuracies.
    public struct Row: Codable, Sendable {
        public let arch: String
        public let supernet: Double
        /// The supernet's validation cross-entropy for the architecture (absent in checks written before it was recorded).
        public let supernet_loss: Double?
        /// Learned values of the layers that reach the output (absent in checks written before it was recorded).
        public let parameters: Int?
        /// The mean of `standalone_runs`.
        public let standalone: Double
        /// Each standalone seed's accuracy (absent in checks written before it was recorded).
        public let standalone_runs: [Double]?

        public init(arch: String, supernet: Double, supernet_loss: Double? = nil, parameters: Int? = nil, standalone: Double, standalone_runs: [Double]?) {
            self.arch = arch
            self.supernet = supernet
            self.supernet_loss = supernet_loss
            self.parameters = parameters
            self.standalone = standalone
            self.standalone_runs = standalone_runs
        }
    }

    /// The check's outcome.
    public struct Result: Codable, Sendable {
        public let kendall: Double
        public let spearman: Double
        /// Kendall τ-b of the supernet's validation loss (lower ranks higher) against the mean standalone accuracy
        /// (absent in checks written before it was recorded).
        public let kendall_loss: Double?
        /// Kendall τ-b of the live parameter count against the mean standalone accuracy: the zero-cost baseline a
        /// supernet has to beat (absent in checks written before it was recorded).
        public let kendall_parameters: Double?
        /// Mean Kendall τ-b between the standalone seeds' accuracies, over every pair of seeds: how far one standalone
        /// training ranks like another. Nil with one seed or when a reused row has no per-seed accuracies.
        public let standalone_seed_kendall: Double?
        public let archs: [Row]
        /// The standalone training each architecture got (what a reuse must match).
        public let standalone_epochs: Int
        public let standalone_seeds: Int
    }

    public let supernet: TrainedSupernet
    public let count: Int
    public let epochs: Int
    public let seeds: Int
    public let seed: UInt64
    /// Standalone accuracies already known (a previous check's, with the same epochs, seeds and data), by canonical
    /// architecture string: those architectures are not trained again, so supernets can be compared cheaply.
    public var knownStandalone: [String: Row] = [:]
    /// Where each finished standalone training is logged, and looked up before training (a killed check resumes).
    public var log: StandaloneLog?

    public init(supernet: TrainedSupernet, count: Int, epochs: Int, seeds: Int, seed: UInt64) {
        self.supernet = supernet
        self.count = count
        self.epochs = epochs
        self.seeds = seeds
        self.seed = seed
    }

    /// One finished standalone training: how many of how many, the architecture, its seed number and its accuracy.
    public typealias StandaloneProgress = @Sendable (_ done: Int, _ total: Int, _ arch: String, _ seed: Int, _ accuracy: Double) -> Void

    /// Runs the check: `standalone` after each standalone training (one at a time), then `progress(done, total, row)`
    /// after each architecture. The standalone trainings run side by side, one thread each, on as many threads as the
    /// supernet's config names (tiny networks do not speed up with more threads per network, but several networks at
    /// once do).
    public func run(standalone: StandaloneProgress = { _, _, _, _, _ in }, progress: (Int, Int, Row) -> Void) throws -> Result {
        let space = supernet.space
        let archs = SupernetSampling.connected(space, count: count, seed: seed)
        let unknown = archs.filter { knownStandalone[space.format($0)] == nil }
        let runs = try standaloneAccuracies(unknown, progress: standalone)
        var rows: [Row] = []
        for (index, arch) in archs.enumerated() {
            let name = space.format(arch)
            let shared = try supernet.extractor.score(of: arch)
            let parameters = try NetworkGraph(space: space, arch: arch).liveParameters
            let trained = knownStandalone[name].map { ($0.standalone, $0.standalone_runs) } ?? {
                let accuracies = runs[unknown.firstIndex(of: arch)!]
                return (accuracies.reduce(0, +) / Double(seeds), accuracies)
            }()
            let row = Row(arch: name, supernet: shared.accuracy, supernet_loss: shared.loss, parameters: parameters, standalone: trained.0,
                          standalone_runs: trained.1)
            rows.append(row)
            progress(index + 1, archs.count, row)
        }
        return Result(kendall: RankMetrics.kendallTauB(rows.map(\.supernet), rows.map(\.standalone)),
                      spearman: RankMetrics.spearman(rows.map(\.supernet), rows.map(\.standalone)),
                      kendall_loss: RankMetrics.kendallTauB(rows.map { -($0.supernet_loss ?? 0) }, rows.map(\.standalone)),
                      kendall_parameters: RankMetrics.kendallTauB(rows.map { Double($0.parameters ?? 0) }, rows.map(\.standalone)),
                      standalone_seed_kendall: Self.seedAgreement(rows), archs: rows, standalone_epochs: epochs, standalone_seeds: seeds)
    }

    /// Per architecture, the validation accuracy of each seed's standalone training, trained side by side.
    private func standaloneAccuracies(_ archs: [Architecture], progress: StandaloneProgress) throws -> [[Double]] {
        let jobs = archs.indices.flatMap { a in (0..<seeds).map { (arch: a, seed: $0) } }
        let results = Mutex([Int: Swift.Result<Double, Error>]())
        ThreadPool(threadCount: supernet.config.training.threads).parallelFor(jobs.count) { j in
            let outcome = Swift.Result { try standaloneAccuracy(archs[jobs[j].arch], seedIndex: jobs[j].seed) }
            results.withLock { done in
                done[j] = outcome
                if case let .success(accuracy) = outcome {
                    progress(done.count, jobs.count, supernet.space.format(archs[jobs[j].arch]), jobs[j].seed, accuracy)
                }
            }
        }
        let accuracies = try results.withLock { done in try jobs.indices.map { try done[$0]!.get() } }
        return archs.indices.map { a in Array(accuracies[a * seeds..<(a + 1) * seeds]) }
    }

    /// The validation accuracy of `arch` trained from scratch with standalone seed number `seedIndex`, on one thread
    /// (or read from the log, when it holds this training).
    private func standaloneAccuracy(_ arch: Architecture, seedIndex: Int) throws -> Double {
        var config = supernet.config
        config.training.epochs = epochs
        config.training.seed = seed &+ UInt64(seedIndex) &* 1000 &+ 1
        config.training.checkpointEverySteps = Int.max
        config.training.threads = 1
        let name = supernet.space.format(arch), setting = StandaloneLog.setting(of: config)
        if let logged = log?.accuracy(arch: name, epochs: epochs, trainingSeed: config.training.seed, setting: setting) { return logged }
        let trainer = try SupernetTrainer(config: config, space: supernet.space, training: supernet.extractor.data.training, fixedArch: arch)
        while trainer.step < trainer.totalSteps { _ = try trainer.trainStep() }
        let accuracy = try trainer.standaloneAccuracy(on: supernet.extractor.data.validation, pool: ThreadPool(threadCount: 1))
        try log?.record(.init(arch: name, epochs: epochs, training_seed: config.training.seed, setting: setting, accuracy: accuracy))
        return accuracy
    }

    /// Mean Kendall τ-b between every pair of seeds' standalone accuracies; nil without two seeds on every row.
    public static func seedAgreement(_ rows: [Row]) -> Double? {
        guard let seeds = rows.first?.standalone_runs?.count, seeds >= 2, rows.allSatisfy({ $0.standalone_runs?.count == seeds }) else { return nil }
        var total = 0.0, pairs = 0
        for a in 0..<seeds {
            for b in (a + 1)..<seeds {
                total += RankMetrics.kendallTauB(rows.map { $0.standalone_runs![a] }, rows.map { $0.standalone_runs![b] })
                pairs += 1
            }
        }
        return total / Double(pairs)
    }
}
