/// ShuffleNet's channel shuffle over NCHW tensors: the channels, viewed as a `groups × (channels /
/// groups)` matrix, are transposed, so that `output[n][j·groups + i] = input[n][i·(channels/groups) + j]`.
public enum ChannelShuffle {
    /// Shuffles `input` into `output` (which must not be `input`).
    public static func forward(
        _ shape: FeatureMapShape, groups: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        precondition(groups > 0 && shape.channels % groups == 0, "ChannelShuffle: groups \(groups) must divide channels \(shape.channels)")
        let perGroup = shape.channels / groups
        for image in 0..<shape.batch {
            let source = input + image * shape.channels * shape.plane
            let destination = output + image * shape.channels * shape.plane
            for group in 0..<groups {
                for member in 0..<perGroup {
                    (destination + (member * groups + group) * shape.plane)
                        .update(from: source + (group * perGroup + member) * shape.plane, count: shape.plane)
                }
            }
        }
    }

    /// The gradient of ``forward(_:groups:input:output:)``: the inverse permutation, which is the
    /// shuffle with `channels / groups` groups.
    public static func backward(
        _ shape: FeatureMapShape, groups: Int, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        forward(shape, groups: shape.channels / groups, input: outputGradient, output: inputGradient)
    }
}
