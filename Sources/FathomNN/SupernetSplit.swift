/// Few-shot NAS (Zhao et al., ICML 2021): after `atEpoch` epochs of one-shot training the supernet is split on one
/// gene into one copy per choice of that gene, each starting from the one-shot weights. From then on an architecture
/// trains, and is scored, on the copy of its choice, so architectures that differ in that gene no longer share
/// weights. Training costs no more steps: each step's paths update the copies their choices name (FairNAS's paths
/// hold every choice once, so each copy gets one path per step).
public struct SupernetSplit: Sendable, Equatable {
    /// The gene split on (its index in the space's gene order).
    public let gene: Int
    /// Epochs of one-shot training before the split (0: the copies train apart from the first step).
    public let atEpoch: Int

    public init(gene: Int, atEpoch: Int) {
        self.gene = gene
        self.atEpoch = atEpoch
    }
}
