/// Everything that can go wrong while exporting an architecture to ONNX.
///
/// Problems with the spec file itself (missing file, malformed JSON, missing `space` or `arch`) are reported as
/// `SpaceError`, like every other JSON file Fathom reads. `description` is one clear sentence for the command line.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// A `--weights` value that is not one of the supported sources.
    case unsupportedWeights(value: String, supported: String)
    /// A batch size below one.
    case invalidBatch(Int)
    /// A file that could not be written.
    case unwritableFile(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unsupportedWeights(value, supported):
            return "unsupported weights source '\(value)': expected \(supported)"
        case let .invalidBatch(batch):
            return "batch size must be at least 1, got \(batch)"
        case let .unwritableFile(path, detail):
            return "cannot write '\(path)': \(detail)"
        }
    }
}
