/// The extents of an NCHW activation tensor `[batch, channels, height, width]`.
public struct FeatureMapShape: Hashable, Sendable, Codable {
    public var batch: Int
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(batch: Int, channels: Int, height: Int, width: Int) {
        precondition(batch >= 0 && channels >= 0 && height >= 0 && width >= 0, "FeatureMapShape: negative extent")
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements in one channel plane.
    public var plane: Int { height * width }
    /// Elements in the whole tensor.
    public var count: Int { batch * channels * plane }
}
