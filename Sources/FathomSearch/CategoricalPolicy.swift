import FathomSpaces
import Foundation

/// A factorised categorical policy over genes (one softmax over each gene's choices), the controller of
/// REINFORCE-based NAS (Zoph & Le 2017; TuNAS, Bender et al. 2020; TabNAS, Yang et al. 2022).
struct CategoricalPolicy {
    /// `logits[gene][choice]`.
    var logits: [[Double]]

    /// The uniform policy.
    init(choices: [Int]) {
        logits = choices.map { Array(repeating: 0, count: $0) }
    }

    /// The softmax of each gene's logits.
    func probabilities() -> [[Double]] {
        logits.map { row in
            let top = row.max() ?? 0
            let exps = row.map { exp($0 - top) }
            let total = exps.reduce(0, +)
            return exps.map { $0 / total }
        }
    }

    /// An architecture drawn gene by gene from `probabilities` (inverse CDF on one uniform draw per gene).
    func sample(_ probabilities: [[Double]], in space: SearchSpace, using rng: inout SeededGenerator) -> Architecture {
        space.canonical(probabilities.map { row in
            var u = rng.unit()
            for (choice, p) in row.enumerated() {
                u -= p
                if u < 0 { return choice }
            }
            return row.count - 1
        })
    }

    /// Adds `scale · ∇ log π(arch)` to `gradient`: one-hot minus the probabilities for each active gene. Inactive
    /// genes (`-1`) do not change which network is built, so π of the network sums over them and they get nothing.
    func accumulateScore(of arch: Architecture, _ probabilities: [[Double]], scale: Double, into gradient: inout [[Double]]) {
        for (gene, value) in arch.genes.enumerated() where value >= 0 {
            for choice in probabilities[gene].indices {
                gradient[gene][choice] += scale * ((choice == value ? 1 : 0) - probabilities[gene][choice])
            }
        }
    }
}
