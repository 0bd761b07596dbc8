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
}
