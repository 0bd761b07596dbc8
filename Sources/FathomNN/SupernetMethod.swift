import FathomSpaces

/// How a supernet training step chooses the subnets it trains, and what each one learns from.
public enum SupernetMethod: String, CaseIterable, Sendable {
    /// SPOS: one uniformly sampled path per step.
    case spos
    /// FairNAS strict fairness: per step `m` paths (m = the most choices of any gene) such that every choice of
    /// every gene is trained exactly once; their gradients are summed and applied in one update.
    case fairnas
    /// BigNAS sandwich rule: the largest, the smallest and `randomSubnets` random subnets per step; the largest
    /// learns from the labels, the others from its predictions (in-place distillation). Elastic spaces only.
    case sandwich
    /// Once-for-All progressive shrinking: the full network, then elastic kernel, depth and width in turn, each
    /// phase distilling from the full network as trained at the end of the first phase. Elastic spaces only.
    case progressive

    /// The four progressive-shrinking phases.
    public enum Phase: Int, Sendable {
        case full, kernel, depth, width
    }

    /// Whether the method needs a largest and a smallest architecture.
    public var needsElasticSpace: Bool { self == .sandwich || self == .progressive }
}

/// One subnet to train in a step: its architecture and whether it learns from the teacher's soft targets.
public struct PlannedPath: Sendable, Equatable {
    public let arch: Architecture
    /// True: the teacher's predictions are the targets; false: the (smoothed) labels are.
    public let distills: Bool
    /// True for the path whose predictions the others distil from (the largest subnet of a sandwich step).
    public let teaches: Bool
}

/// The paths of one training step.
public struct PathSampler: Sendable {
    public let space: SearchSpace
    public let method: SupernetMethod
    public let randomSubnets: Int

    /// A sampler; `sandwich` and `progressive` need an elastic space.
    public init(space: SearchSpace, method: SupernetMethod, randomSubnets: Int) throws {
        if method.needsElasticSpace, case .elastic = space.family {} else if method.needsElasticSpace {
            throw NNError.invalidConfig(file: space.name, key: "supernet.method",
                                        detail: "\(method.rawValue) needs an elastic space with a largest and a smallest subnet (use spos or fairnas)")
        }
        self.space = space
        self.method = method
        self.randomSubnets = randomSubnets
    }

    /// The paths of step `step` (`phase` matters for progressive shrinking only), drawn from `rng`.
    public func paths(phase: SupernetMethod.Phase, using rng: inout SeededGenerator) -> [PlannedPath] {
        switch method {
        case .spos:
            return [PlannedPath(arch: space.sample(using: &rng), distills: false, teaches: false)]
        case .fairnas:
            let m = space.genes.map(\.choices).max() ?? 1
            let columns = space.genes.map { gene in
                rng.shuffled(Array(0..<m)).map { $0 % gene.choices }
            }
            return (0..<m).map { path in
                PlannedPath(arch: space.canonical(columns.map { $0[path] }), distills: false, teaches: false)
            }
        case .sandwich:
            let largest = SupernetLayout.extreme(space, largest: true), smallest = SupernetLayout.extreme(space, largest: false)
            return [PlannedPath(arch: largest, distills: false, teaches: true), PlannedPath(arch: smallest, distills: true, teaches: false)]
                + (0..<randomSubnets).map { _ in PlannedPath(arch: space.sample(using: &rng), distills: true, teaches: false) }
        case .progressive:
            let largest = SupernetLayout.extreme(space, largest: true)
            guard phase != .full else { return [PlannedPath(arch: largest, distills: false, teaches: false)] }
            let sample = space.genes.map { rng.int(below: $0.choices) }
            let genes = space.genes.indices.map { i -> Int in
                let name = space.genes[i].name
                let elastic = name.hasSuffix("kernel") || (phase.rawValue >= 2 && name.hasSuffix("depth"))
                    || (phase.rawValue >= 3 && name.hasSuffix("expand"))
                return elastic || largest.genes[i] < 0 ? sample[i] : largest.genes[i]
            }
            return [PlannedPath(arch: space.canonical(genes), distills: true, teaches: false)]
        }
    }
}
