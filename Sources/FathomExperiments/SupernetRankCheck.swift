import FathomNN
import FathomPredict
import FathomSpaces
import Foundation

/// How faithfully a supernet ranks architectures: `count` connected architectures, each scored by the supernet and
/// trained from scratch for `epochs` epochs with `seeds` seeds (the supernet's config otherwise), compared by
/// Kendall's τ-b and Spearman's ρ of the supernet's accuracy against the mean standalone accuracy.
public struct SupernetRankCheck {
    /// One architecture's two accuracies.
    public struct Row: Codable, Sendable {
        public let arch: String
        public let supernet: Double
        public let standalone: Double
    }

    /// The check's outcome.
    public struct Result: Codable, Sendable {
        public let kendall: Double
        public let spearman: Double
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
    public var knownStandalone: [String: Double] = [:]

    public init(supernet: TrainedSupernet, count: Int, epochs: Int, seeds: Int, seed: UInt64) {
        self.supernet = supernet
        self.count = count
        self.epochs = epochs
        self.seeds = seeds
        self.seed = seed
    }

    /// Runs the check; `progress(done, total, row)` after each architecture.
    public func run(progress: (Int, Int, Row) -> Void) throws -> Result {
        let space = supernet.space
        let archs = SupernetSampling.connected(space, count: count, seed: seed)
        var rows: [Row] = []
        for (index, arch) in archs.enumerated() {
            let shared = try supernet.extractor.accuracy(of: arch)
            if let known = knownStandalone[space.format(arch)] {
                let row = Row(arch: space.format(arch), supernet: shared, standalone: known)
                rows.append(row)
                progress(index + 1, archs.count, row)
                continue
            }
            var total = 0.0
            for k in 0..<seeds {
                var config = supernet.config
                config.training.epochs = epochs
                config.training.seed = seed &+ UInt64(k) &* 1000 &+ 1
                config.training.checkpointEverySteps = Int.max
                let trainer = try SupernetTrainer(config: config, space: space, training: supernet.extractor.data.training, fixedArch: arch)
                while trainer.step < trainer.totalSteps { _ = try trainer.trainStep() }
                let subnet = try trainer.supernet.subnet(arch)
                total += supernet.extractor.accuracy(graph: subnet.graph, parameters: subnet.parameters)
            }
            let row = Row(arch: space.format(arch), supernet: shared, standalone: total / Double(seeds))
            rows.append(row)
            progress(index + 1, archs.count, row)
        }
        return Result(kendall: RankMetrics.kendallTauB(rows.map(\.supernet), rows.map(\.standalone)),
                      spearman: RankMetrics.spearman(rows.map(\.supernet), rows.map(\.standalone)), archs: rows,
                      standalone_epochs: epochs, standalone_seeds: seeds)
    }
}
