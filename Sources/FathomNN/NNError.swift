/// Errors of the training layer (datasets, configs, checkpoints, supernets), each one sentence that names the file,
/// key or value at fault.
public enum NNError: Error, Equatable, CustomStringConvertible {
    /// A dataset file that is missing or unreadable.
    case unreadableFile(path: String, detail: String)
    /// An IDX file whose header or length is wrong.
    case malformedIDX(path: String, detail: String)
    /// Images and labels that do not fit together or with the space.
    case datasetMismatch(detail: String)
    /// A config key with a value that cannot be used.
    case invalidConfig(file: String, key: String, detail: String)
    /// A checkpoint directory without a usable checkpoint.
    case noCheckpoint(directory: String, detail: String)
    /// An architecture the supernet cannot run.
    case architectureOutsideSupernet(arch: String, space: String, detail: String)
    /// The loss became NaN or infinite; training stopped there.
    case nonFiniteLoss(step: Int, lastGoodCheckpoint: String?)
    /// A file that could not be written.
    case writeFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, detail):
            return "cannot read '\(path)': \(detail)"
        case let .malformedIDX(path, detail):
            return "\(path): not a valid IDX file: \(detail)"
        case let .datasetMismatch(detail):
            return "dataset: \(detail)"
        case let .invalidConfig(file, key, detail):
            return "\(file): \(key): \(detail)"
        case let .noCheckpoint(directory, detail):
            return "\(directory): no usable checkpoint: \(detail)"
        case let .architectureOutsideSupernet(arch, space, detail):
            return "architecture '\(arch)' is outside the supernet's space \(space): \(detail)"
        case let .nonFiniteLoss(step, checkpoint):
            return "the loss became NaN or infinite at step \(step); training stopped" + (checkpoint.map { ", the last good checkpoint is \($0)" } ?? ", no checkpoint was written yet")
        case let .writeFailed(path, detail):
            return "cannot write '\(path)': \(detail)"
        }
    }
}
