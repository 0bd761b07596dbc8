import FathomSpaces

/// Where a search gets an architecture's accuracy: a benchmark table, a supernet, a trained network.
///
/// An accuracy query is the expensive call a search budget counts (`--queries N`); strategies never ask it about a
/// candidate over the latency budget.
public protocol AccuracySource {
    /// Names the source and what it reads, e.g. `table:accuracy.csv:cifar10_test` or `supernet:runs/fmnist-mbv3`.
    var id: String { get }
    /// The accuracy (higher is better) of `arch`; throws when the source cannot answer for it.
    func accuracy(of arch: Architecture) throws -> Double
    /// Whether strategies rank by ``rankingScore(of:)`` instead of the accuracy.
    var ranksByScore: Bool { get }
    /// What strategies rank `arch` by (higher is better) when ``ranksByScore``: a score the source knows to order
    /// architectures more faithfully than its accuracy (a supernet's validation loss, negated). Asked right after
    /// `accuracy(of:)`, as part of the same query.
    func rankingScore(of arch: Architecture) throws -> Double
}

extension AccuracySource {
    /// Most sources rank by the accuracy.
    public var ranksByScore: Bool { false }
    /// The accuracy.
    public func rankingScore(of arch: Architecture) throws -> Double { try accuracy(of: arch) }
}
