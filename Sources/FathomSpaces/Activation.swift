/// The activation functions that spaces may name.
public enum Activation: String, CaseIterable, Sendable {
    case relu
    case relu6
    case hardSwish = "h_swish"
    case identity = "none"

    /// Reads an activation name at `key`.
    static func read(_ reader: JSONObjectReader, _ key: String) throws -> Activation {
        let name = try reader.string(key)
        guard let activation = Activation(rawValue: name) else {
            throw SpaceError.invalidValue(file: reader.file, key: reader.keyPath(key),
                                          expected: "one of \(allCases.map(\.rawValue).joined(separator: ", "))",
                                          got: "\"\(name)\"")
        }
        return activation
    }
}
