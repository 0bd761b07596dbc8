import FathomNN
import FathomSearch
import FathomSpaces
import Foundation

/// Accuracy of an architecture as a trained supernet answers it: the subnet drawn with inherited weights, batch norm
/// recalibrated on training batches, scored on the validation split. Answers are cached per architecture; the id
/// names the checkpoint (`supernet:<dir>@<checksum>`, or `supernet-accuracy:…` when candidates are ranked by accuracy).
/// Searches rank candidates by the subnet's validation loss unless asked to rank by accuracy: against architectures
/// trained from scratch, the loss ranked better in every rank check (18 of 18 supernet and ground-truth pairs on
/// fmnist-cell; with a 12 000-image validation split, FairNAS 30 epochs Kendall τ 0.533 by loss, 0.427 by accuracy).
public final class SupernetAccuracy: AccuracySource {
    /// What a search ranks the supernet's answers by.
    public enum Ranking: String, Sendable, Equatable {
        /// The subnet's validation accuracy.
        case accuracy
        /// The subnet's validation cross-entropy (lower ranks higher): it orders architectures more like training them
        /// from scratch does (`supernet rank-check`'s `kendall_loss` against `kendall`), since it keeps what accuracy
        /// rounds away, how sure the subnet is of each image.
        case loss

        /// The source kind that selects it: `supernet-accuracy` or `supernet`.
        public var kind: String { self == .accuracy ? "supernet-accuracy" : "supernet" }
    }

    public let supernet: TrainedSupernet
    public let ranking: Ranking
    private var cache: [Architecture: SubnetEvaluation.Score] = [:]

    /// Opens the training run in `directory` (the newest good checkpoint).
    public init(directory: String, ranking: Ranking = .loss) throws {
        supernet = try TrainedSupernet(directory: URL(fileURLWithPath: directory))
        self.ranking = ranking
    }

    public var id: String { "\(ranking.kind):\(supernet.checkpointID)" }

    public func accuracy(of arch: Architecture) throws -> Double {
        try score(of: arch).accuracy
    }

    public var ranksByScore: Bool { ranking == .loss }

    /// The negated validation loss when ranking by loss, else the accuracy.
    public func rankingScore(of arch: Architecture) throws -> Double {
        ranking == .loss ? -(try score(of: arch).loss) : try accuracy(of: arch)
    }

    private func score(of arch: Architecture) throws -> SubnetEvaluation.Score {
        if let known = cache[arch] { return known }
        let value = try supernet.extractor.score(of: arch)
        cache[arch] = value
        return value
    }
}
