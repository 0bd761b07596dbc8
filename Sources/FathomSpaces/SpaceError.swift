/// Everything that can go wrong while loading a search space or reading an architecture in it.
///
/// Each case carries what a user needs to fix the input: the file or space, the key path or position, the value
/// found and what was allowed. `description` is one clear sentence for the command line.
public enum SpaceError: Error, Equatable, CustomStringConvertible {
    /// A space name that is neither built in nor a path to a JSON file.
    case unknownSpace(name: String, known: [String])
    /// A file that does not exist or cannot be read.
    case unreadableFile(path: String)
    /// A file whose text is not valid JSON.
    case malformedJSON(file: String, detail: String)
    /// A key whose value has the wrong type or is out of range.
    case invalidValue(file: String, key: String, expected: String, got: String)
    /// A required key that is absent.
    case missingKey(file: String, key: String)
    /// A key the schema does not know (usually a typo).
    case unknownKey(file: String, key: String, allowed: [String])
    /// An architecture string that names an operation the space does not have.
    case unknownOp(space: String, op: String, position: String, allowed: [String])
    /// An architecture string with the wrong number of edges, layers, stages or blocks.
    case wrongCount(space: String, what: String, expected: String, got: Int)
    /// An architecture value outside its allowed set (kernel 4, depth 5, resolution 130).
    case outOfRange(space: String, what: String, value: String, allowed: String)
    /// An architecture string that does not follow the space's format at all.
    case malformedArchitecture(space: String, arch: String, expectedForm: String)

    public var description: String {
        switch self {
        case let .unknownSpace(name, known):
            return "unknown search space '\(name)': expected one of \(known.joined(separator: ", ")) or a path to a space JSON file"
        case let .unreadableFile(path):
            return "cannot read file '\(path)': it does not exist or is not readable"
        case let .malformedJSON(file, detail):
            return "\(file): malformed JSON: \(detail)"
        case let .invalidValue(file, key, expected, got):
            return "\(file): \(key): expected \(expected), got \(got)"
        case let .missingKey(file, key):
            return "\(file): \(key): required key is missing"
        case let .unknownKey(file, key, allowed):
            return "\(file): \(key): unknown key; allowed keys here: \(allowed.joined(separator: ", "))"
        case let .unknownOp(space, op, position, allowed):
            return "\(space): unknown op '\(op)' at \(position); allowed: \(allowed.joined(separator: ", "))"
        case let .wrongCount(space, what, expected, got):
            return "\(space): expected \(expected) \(what), got \(got)"
        case let .outOfRange(space, what, value, allowed):
            return "\(space): \(what) \(value) is not allowed; allowed: \(allowed)"
        case let .malformedArchitecture(space, arch, expectedForm):
            return "\(space): cannot read architecture '\(arch)'; expected the form \(expectedForm)"
        }
    }
}
