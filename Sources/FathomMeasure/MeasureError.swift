/// Errors of the measurement agent, each naming what the user needs to fix.
public enum MeasureError: Error, Equatable, CustomStringConvertible {
    /// A lock file could not be taken: the machine-wide measurement lock, or the one the store is opened under.
    case lockUnavailable(path: String, reason: String)
    /// The store file exists but is not a readable SQLite database (or fails its integrity check).
    case corruptStore(path: String, reason: String)
    /// The store could not be opened, created or written.
    case storeUnavailable(path: String, reason: String)
    /// No device with this id is in the store.
    case unknownDevice(id: String, known: [String])
    /// The remote agent could not be started, died, or broke the protocol.
    case agentFailed(command: String, reason: String)
    /// The remote agent did not answer in time.
    case agentTimedOut(command: String, seconds: Double)
    /// The agent answered a request with an error.
    case agentRejected(command: String, message: String)
    /// A line of the agent protocol that is not a valid request.
    case badRequest(reason: String)
    /// No stored measurement matches an export's device, space and context.
    case noMeasurements(device: String, space: String, context: String)
    /// An export whose measurements span several thread counts.
    case severalThreadCounts(device: String, space: String, threads: [Int])
    /// An output file that cannot be written.
    case cannotWrite(path: String, reason: String)
    /// An `--archs` file line without an architecture.
    case badArchsFile(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .lockUnavailable(path, reason): return "cannot take the lock \(path): \(reason)"
        case let .corruptStore(path, reason):
            return "measurement store \(path) is corrupt (\(reason)); move it aside or pass another --store"
        case let .storeUnavailable(path, reason): return "measurement store \(path): \(reason)"
        case let .unknownDevice(id, known):
            return "no device '\(id)' in the measurement store; known: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case let .agentFailed(command, reason): return "agent '\(command)': \(reason)"
        case let .agentTimedOut(command, seconds):
            return "agent '\(command)' did not answer within \(Int(seconds.rounded())) s; is it alive?"
        case let .agentRejected(command, message): return "agent '\(command)' refused the request: \(message)"
        case let .badRequest(reason): return "bad request: \(reason)"
        case let .noMeasurements(device, space, context): return "device \(device) has no \(space) measurements at \(context)"
        case let .severalThreadCounts(device, space, threads):
            return "device \(device) has \(space) measurements with \(threads.map(String.init).joined(separator: ", ")) threads: pick one with --threads"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .badArchsFile(path, line, reason): return "\(path): line \(line): \(reason)"
        }
    }
}
