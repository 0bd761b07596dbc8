/// Errors of the measurement agent, each naming what the user needs to fix.
public enum MeasureError: Error, Equatable, CustomStringConvertible {
    /// The machine-wide measurement lock could not be taken.
    case lockUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .lockUnavailable(path, reason): return "cannot take the measurement lock \(path): \(reason)"
        }
    }
}
